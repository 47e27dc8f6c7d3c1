# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OAuth2PasswordAuth and BearerTokenAuth driven through a real ApiClient on a fake session."""

from __future__ import annotations

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._auth import (
    AuthError,
    BearerTokenAuth,
    OAuth2PasswordAuth,
)
from ansible_collections.recoverops.restore.plugins.module_utils._http import REDACTED, ApiError, Redactor
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import parse_error
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE, answer

USER = 'restore-operator'
PASSWORD = 'hunter22-Secret'
TOKEN_URL = BASE + '/api/v1/token'
FORM = 'application/x-www-form-urlencoded'


def token(access, refresh=None, expires_in=3600):
    body = {'access_token': access, 'token_type': 'bearer', 'expires_in': expires_in, 'username': USER,
            'mfa_enabled': False}
    if refresh:
        body['refresh_token'] = refresh
    return answer(200, body)


@pytest.fixture
def seen():
    return []


@pytest.fixture
def oauth(make_client, clock, seen):
    """(client, auth): Veeam AWS style, x-api-version on the session, a Redactor that reports additions."""
    auth = OAuth2PasswordAuth('/api/v1/token', USER, PASSWORD, clock=clock)
    client = make_client(headers={'x-api-version': '1.7-rev0', 'Accept': 'application/json'}, auth=auth,
                         error_parser=parse_error, redactor=Redactor(on_add=seen.append))
    return client, auth


def test_first_call_logs_in_with_a_form_encoded_password_grant(oauth, session):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(200, {'totalCount': 0, 'results': []}))
    assert client.request('GET', '/api/v1/dynamoDb') == {'totalCount': 0, 'results': []}
    login, call = session.calls
    assert login.method == 'POST'
    assert login.url == TOKEN_URL
    assert login.data == {'grant_type': 'password', 'username': USER, 'password': PASSWORD}
    assert login.json is None
    assert login.headers['Content-Type'] == FORM
    assert login.headers['x-api-version'] == '1.7-rev0'
    assert 'Authorization' not in login.headers
    assert call.headers['Authorization'] == 'Bearer AT-1-aaaa'
    assert call.headers['x-api-version'] == '1.7-rev0'
    assert auth.logins == 1


def test_token_is_reused_until_it_is_due(oauth, session, clock):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa', expires_in=3600), answer(200, {}), answer(200, {}))
    client.request('GET', '/a')
    clock.now += 3500  # refresh is due 60 s before the hour
    client.request('GET', '/b')
    assert [call.url for call in session.calls] == [TOKEN_URL, BASE + '/a', BASE + '/b']
    assert auth.logins == 1 and auth.refreshes == 0


def test_token_is_refreshed_before_it_expires(oauth, session, clock):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa', expires_in=3600), answer(200, {}),
                token('AT-2-bbbb', 'RT-2-bbbb', expires_in=3600), answer(200, {}))
    client.request('GET', '/a')
    clock.now += 3541
    client.request('GET', '/b')
    refresh, call = session.calls[2:]
    assert refresh.url == TOKEN_URL
    assert refresh.data == {'grant_type': 'refresh_token', 'refresh_token': 'RT-1-aaaa'}
    assert refresh.headers['Content-Type'] == FORM
    assert refresh.headers['x-api-version'] == '1.7-rev0'
    assert call.headers['Authorization'] == 'Bearer AT-2-bbbb'
    assert auth.logins == 1 and auth.refreshes == 1


def test_short_lived_token_gets_a_proportional_margin(oauth, session, clock):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa', expires_in=60), answer(200, {}), answer(200, {}),
                token('AT-2-bbbb', 'RT-2-bbbb', expires_in=60), answer(200, {}))
    client.request('GET', '/a')
    clock.now += 44
    client.request('GET', '/b')
    assert auth.refreshes == 0
    clock.now += 1  # 45 s = 60 s - 60 / 4
    client.request('GET', '/c')
    assert auth.refreshes == 1
    assert session.calls[-1].headers['Authorization'] == 'Bearer AT-2-bbbb'


def test_401_refreshes_and_repeats_the_request_once(oauth, session):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(401, {'title': 'Unauthorized', 'errorCode': 'ExpiredToken'}),
                token('AT-2-bbbb', 'RT-2-bbbb'), answer(200, {'id': 's'}))
    assert client.request('GET', '/api/v1/sessions/s') == {'id': 's'}
    urls = [call.url for call in session.calls]
    assert urls == [TOKEN_URL, BASE + '/api/v1/sessions/s', TOKEN_URL, BASE + '/api/v1/sessions/s']
    assert session.calls[1].headers['Authorization'] == 'Bearer AT-1-aaaa'
    assert session.calls[2].data['grant_type'] == 'refresh_token'
    assert session.calls[3].headers['Authorization'] == 'Bearer AT-2-bbbb'
    assert auth.refreshes == 1


def test_a_second_401_is_not_repeated_again(oauth, session):
    client, dummy = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(401), token('AT-2-bbbb', 'RT-2-bbbb'),
                answer(401, {'title': 'Forbidden for this role', 'errorCode': 'AccessDenied'}), answer(200, {}))
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/x')
    assert caught.value.status == 401
    assert 'Forbidden for this role' in caught.value.msg
    assert len(session.calls) == 4


def test_refused_refresh_falls_back_to_a_password_login(oauth, session, clock):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(200, {}),
                answer(400, {'error': 'invalid_grant', 'error_description': 'refresh token expired'}),
                token('AT-3-cccc', 'RT-3-cccc'), answer(200, {'ok': True}))
    client.request('GET', '/a')
    clock.now += 3 * 3600
    assert client.request('GET', '/b') == {'ok': True}
    refresh, relogin, call = session.calls[2:]
    assert refresh.data['grant_type'] == 'refresh_token'
    assert relogin.data == {'grant_type': 'password', 'username': USER, 'password': PASSWORD}
    assert call.headers['Authorization'] == 'Bearer AT-3-cccc'
    assert auth.logins == 2
    assert auth.refresh_token == 'RT-3-cccc'


@pytest.mark.parametrize('status', [400, 401, 403])
def test_bad_credentials_raise_auth_error_naming_the_user(oauth, session, status):
    client, dummy = oauth
    problem = {'type': 'about:blank', 'title': 'Unauthorized', 'status': status, 'errorCode': 'AccessDenied',
               'details': 'Invalid credentials: %s for %s' % (PASSWORD, USER)}
    session.add(answer(status, problem), answer(200, {}))
    with pytest.raises(AuthError) as caught:
        client.request('GET', '/api/v1/dynamoDb')
    msg = caught.value.msg
    assert USER in msg
    assert caught.value.status == status
    assert PASSWORD not in msg
    assert 'Invalid credentials: %s' % REDACTED in msg
    assert len(session.calls) == 1  # the real request is never sent


def test_token_endpoint_server_error_is_not_an_auth_error(oauth, session):
    client, dummy = oauth
    session.add(answer(500, {'title': 'Internal', 'errorCode': 'UnknownError'}))
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/x')
    assert not isinstance(caught.value, AuthError)
    assert caught.value.status == 500


def test_mfa_account_raises_auth_error_mentioning_multi_factor(oauth, session):
    client, auth = oauth
    session.add(answer(200, {'mfa_enabled': True, 'mfa_token': 'MFA-token-123', 'username': USER}), answer(200, {}))
    with pytest.raises(AuthError) as caught:
        client.request('GET', '/x')
    assert 'multi-factor' in caught.value.msg
    assert USER in caught.value.msg
    assert auth.access_token is None
    assert len(session.calls) == 1


def test_answer_without_access_token_is_an_auth_error(oauth, session):
    client, dummy = oauth
    session.add(answer(200, {'token_type': 'bearer'}))
    with pytest.raises(AuthError) as caught:
        client.request('GET', '/x')
    assert '/api/v1/token' in caught.value.msg


def test_close_logs_out_with_delete_and_the_bearer(oauth, session):
    client, auth = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(200, {}), answer(204))
    client.request('GET', '/x')
    client.close()
    logout = session.calls[-1]
    assert logout.method == 'DELETE'
    assert logout.url == TOKEN_URL
    assert logout.headers['Authorization'] == 'Bearer AT-1-aaaa'
    assert logout.headers['x-api-version'] == '1.7-rev0'
    assert auth.access_token is None and auth.refresh_token is None
    assert session.closed


def test_close_without_login_sends_nothing(oauth, session):
    client, dummy = oauth
    client.close()
    assert session.calls == []
    assert session.closed


def test_failed_logout_does_not_raise(oauth, session):
    client, dummy = oauth
    session.add(token('AT-1-aaaa'), answer(200, {}), answer(500, {'title': 'boom'}))
    client.request('GET', '/x')
    client.close()
    assert session.calls[-1].method == 'DELETE'
    assert session.closed


def test_tokens_are_registered_in_the_redactor_and_its_callback(oauth, session, clock, seen):
    client, dummy = oauth
    session.add(token('AT-1-aaaa', 'RT-1-aaaa', expires_in=3600), answer(200, {}),
                token('AT-2-bbbb', 'RT-2-bbbb'), answer(200, {}))
    assert seen == [PASSWORD]  # the password is registered when the auth is bound
    client.request('GET', '/a')
    clock.now += 3600
    client.request('GET', '/b')
    for secret in (PASSWORD, 'AT-1-aaaa', 'RT-1-aaaa', 'AT-2-bbbb', 'RT-2-bbbb'):
        assert secret in seen
        assert client.redact('x %s y' % secret) == 'x %s y' % REDACTED


def test_grant_spelling_is_a_parameter(make_client, session, clock):
    auth = OAuth2PasswordAuth('/api/oauth2/token', USER, PASSWORD, password_grant='Password',
                              refresh_grant='Refresh_token', clock=clock)
    client = make_client(auth=auth)
    session.add(token('AT-1-aaaa', 'RT-1-aaaa'), answer(200, {}), token('AT-2-bbbb'), answer(200, {}))
    client.request('GET', '/a')
    clock.now += 3600
    client.request('GET', '/b')
    assert session.calls[0].data['grant_type'] == 'Password'
    assert session.calls[2].data == {'grant_type': 'Refresh_token', 'refresh_token': 'RT-1-aaaa'}


# -- BearerTokenAuth ---------------------------------------------------------------------------------
def test_bearer_token_auth(make_client, session):
    secret = 'clumio-api-token-0123456789'
    client = make_client(auth=BearerTokenAuth(secret))
    session.add(answer(200, {'ok': 1}), answer(401, {'error': 'bad token %s' % secret}), answer(200, {}))
    assert client.request('GET', '/datasources') == {'ok': 1}
    assert session.calls[0].headers['Authorization'] == 'Bearer %s' % secret
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/datasources')
    assert caught.value.status == 401
    assert secret not in caught.value.msg
    assert len(session.calls) == 2  # nothing to renew: no second try
    client.close()
    assert len(session.calls) == 2
    assert session.closed
