# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ApiClient: retries, Retry-After, TLS, JSON decoding, vendor error bodies, redaction, counters."""

from __future__ import annotations

import email.utils
import io
import random
import time

import pytest
import requests

from ansible_collections.recoverops.restore.plugins.module_utils._errors import answer_lost
from ansible_collections.recoverops.restore.plugins.module_utils._http import (
    REDACTED,
    ApiClient,
    ApiConnectionError,
    ApiError,
    Redactor,
    RetryPolicy,
    default_error_parser,
    parse_retry_after,
)
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import parse_error
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE, answer

PASSWORD = 'hunter22-Secret'
TOKEN = 'eyJhbGciOi.access-token.sig'


class EdgeRng:
    """A random source that always picks one end of the jitter range."""

    def __init__(self, high):
        self.high = high

    def uniform(self, low, high):
        return high if self.high else low


# -- Retry-After ---------------------------------------------------------------------------------
def test_429_honours_retry_after_seconds(make_client, session, clock):
    session.add(answer(429, {'title': 'Too many requests'}, headers={'Retry-After': '7'}), answer(200, {'ok': True}))
    client = make_client()
    assert client.request('GET', '/api/v1/dynamoDb') == {'ok': True}
    assert clock.sleeps == [7.0]
    assert len(session.calls) == 2
    assert client.retry_count == 1


def test_429_honours_retry_after_http_date(make_client, session, clock):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    session.add(answer(429, headers={'Retry-After': when}), answer(200, {'ok': True}))
    make_client().request('GET', '/api/v1/dynamoDb')
    assert len(clock.sleeps) == 1
    # An HTTP date has one-second resolution; anything near 30 s is the date honoured.
    assert 28.0 <= clock.sleeps[0] <= 30.5


def test_retry_after_is_capped(make_client, session, clock):
    session.add(answer(503, headers={'Retry-After': '86400'}), answer(200, {'ok': True}))
    make_client(retry=RetryPolicy(max_retry_after=120.0)).request('GET', '/x')
    assert clock.sleeps == [120.0]


@pytest.mark.parametrize('value, expected', [
    ('5', 5.0),
    (' 2.5 ', 2.5),
    ('-3', 0.0),
    ('Thu, 01 Jan 2026 00:01:00 GMT', 60.0),
    ('Wed, 31 Dec 2025 23:00:00 GMT', 0.0),
    ('soon', None),
    ('', None),
    (None, None),
])
def test_parse_retry_after(value, expected):
    now = email.utils.parsedate_to_datetime('Thu, 01 Jan 2026 00:00:00 GMT').timestamp()
    assert parse_retry_after(value, now=now) == expected


def test_429_without_retry_after_uses_capped_backoff_with_jitter(make_client, session, clock):
    policy = RetryPolicy(retries=6, base_delay=0.5, max_delay=4.0, rng=random.Random(3))
    session.add(*[answer(429) for dummy in range(6)], answer(200, {'ok': True}))
    make_client(retry=policy).request('GET', '/x')
    ceilings = [min(4.0, 0.5 * 2 ** attempt) for attempt in range(6)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(clock.sleeps) == 6
    for slept, ceiling in zip(clock.sleeps, ceilings):
        assert ceiling / 2 <= slept <= ceiling


@pytest.mark.parametrize('high', [False, True])
def test_backoff_jitter_bounds_are_half_ceiling_and_ceiling(high):
    policy = RetryPolicy(base_delay=1.0, max_delay=20.0, rng=EdgeRng(high))
    delays = [policy.delay(attempt) for attempt in range(8)]
    ceilings = [1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0]
    assert delays == (ceilings if high else [ceiling / 2 for ceiling in ceilings])


# -- what is retried, by method ------------------------------------------------------------------
@pytest.mark.parametrize('first, second', [(429, 503), (503, 429)])
def test_post_is_retried_when_server_did_not_act(make_client, session, clock, first, second):
    session.add(answer(first), answer(second), answer(202, {'sessionId': 's-1'}))
    body = {'restoreToOriginal': True}
    assert make_client().request('POST', '/api/v1/x/restore', json=body) == {'sessionId': 's-1'}
    assert [call.method for call in session.calls] == ['POST'] * 3
    assert all(call.json == body for call in session.calls)
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize('status', [502, 504])
def test_post_is_not_retried_on_proxy_errors(make_client, session, clock, status):
    session.add(answer(status, text='<html>Bad gateway</html>'), answer(202, {}))
    with pytest.raises(ApiError) as caught:
        make_client().request('POST', '/api/v1/x/restore', json={})
    assert caught.value.status == status
    assert len(session.calls) == 1
    assert clock.sleeps == []


def test_post_is_not_retried_on_dropped_connection(make_client, session, clock):
    session.add(requests.exceptions.ConnectionError('Connection reset by peer'), answer(202, {}))
    client = make_client()
    with pytest.raises(ApiConnectionError) as caught:
        client.request('POST', '/api/v1/x/restore', json={})
    assert 'Connection reset by peer' in caught.value.msg
    assert caught.value.method == 'POST'
    assert len(session.calls) == 1
    assert client.request_count == 1
    assert clock.sleeps == []


def test_post_read_timeout_is_a_connection_error_and_not_retried(make_client, session):
    session.add(requests.exceptions.ReadTimeout('read timed out'), answer(202, {}))
    with pytest.raises(ApiConnectionError):
        make_client().request('POST', '/api/v1/x/restore', json={})
    assert len(session.calls) == 1


@pytest.mark.parametrize('cut', [
    requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(12 bytes read, 30 more expected)'),
    requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode it'),
], ids=type)
def test_a_body_cut_off_on_the_way_is_a_lost_answer_and_not_retried(make_client, session, cut):
    session.add(cut, answer(202, {}))
    with pytest.raises(ApiConnectionError) as caught:
        make_client().request('POST', '/api/v1/x/restore', json={})
    assert 'was cut off' in caught.value.msg and caught.value.method == 'POST'
    assert answer_lost(caught.value)
    assert len(session.calls) == 1


def test_post_marked_idempotent_is_retried_on_connection_error(make_client, session):
    session.add(requests.exceptions.ConnectionError('refused'), answer(200, {'access_token': 'x'}))
    assert make_client().request('POST', '/api/v1/token', data={}, idempotent=True) == {'access_token': 'x'}
    assert len(session.calls) == 2


def test_get_is_retried_on_502_504_and_connection_errors(make_client, session, clock):
    session.add(answer(502), answer(504), requests.exceptions.ConnectionError('refused'),
                requests.exceptions.ConnectTimeout('connect timeout'), answer(200, {'ok': 1}))
    client = make_client()
    assert client.request('GET', '/x') == {'ok': 1}
    assert len(session.calls) == 5
    assert len(clock.sleeps) == 4
    assert client.retry_count == 4


@pytest.mark.parametrize('method', ['PUT', 'DELETE'])
def test_idempotent_methods_retry_on_502(make_client, session, method):
    session.add(answer(502), answer(204))
    assert make_client().request(method, '/x') is None
    assert len(session.calls) == 2


def test_retries_exhausted_raise_api_error_with_status(make_client, session, clock):
    session.add(*[answer(503, {'title': 'Service Unavailable', 'errorCode': 'ServiceUnavailable'}) for dummy in range(3)])
    with pytest.raises(ApiError) as caught:
        make_client(retry=RetryPolicy(retries=2, rng=random.Random(1))).request('GET', '/api/v1/sessions')
    assert caught.value.status == 503
    assert 'HTTP 503' in caught.value.msg
    assert len(session.calls) == 3
    assert len(clock.sleeps) == 2


def test_connection_retries_exhausted_raise_connection_error(make_client, session):
    session.add(*[requests.exceptions.ConnectionError('refused') for dummy in range(3)])
    with pytest.raises(ApiConnectionError) as caught:
        make_client(retry=RetryPolicy(retries=2, rng=random.Random(1))).request('GET', '/x')
    assert BASE in caught.value.msg
    assert len(session.calls) == 3


def test_unexpected_status_is_not_retried(make_client, session):
    session.add(answer(404, {'title': 'Not found', 'errorCode': 'NotFound'}), answer(200, {}))
    with pytest.raises(ApiError) as caught:
        make_client().request('GET', '/x')
    assert caught.value.status == 404
    assert len(session.calls) == 1


# -- decoding ----------------------------------------------------------------------------------------
def test_non_json_200_is_retried_for_get_then_a_clear_error(make_client, session, clock):
    html = '<html><body>Proxy login</body></html>'
    session.add(*[answer(200, text=html, headers={'Content-Type': 'text/html'}) for dummy in range(3)])
    with pytest.raises(ApiError) as caught:
        make_client(retry=RetryPolicy(retries=2, rng=random.Random(1))).request('GET', '/api/v1/dynamoDb')
    msg = caught.value.msg
    assert 'not JSON' in msg
    assert 'text/html' in msg
    assert 'Proxy login' in msg
    assert caught.value.status == 200
    assert len(session.calls) == 3
    assert len(clock.sleeps) == 2


def test_non_json_200_then_json_succeeds_for_get(make_client, session):
    session.add(answer(200, text='{"totalCount": 1, "res'), answer(200, {'totalCount': 0, 'results': []}))
    assert make_client().request('GET', '/x') == {'totalCount': 0, 'results': []}
    assert len(session.calls) == 2


def test_non_json_200_for_post_is_not_retried(make_client, session):
    session.add(answer(202, text='accepted', headers={'Content-Type': 'text/plain'}), answer(202, {}))
    with pytest.raises(ApiError) as caught:
        make_client().request('POST', '/x/restore', json={})
    assert 'not JSON' in caught.value.msg
    assert len(session.calls) == 1


@pytest.mark.parametrize('status', [202, 204])
def test_empty_body_decodes_to_none(make_client, session, status):
    session.add(answer(status))
    assert make_client().request('POST', '/x', json={}) is None


# -- TLS -------------------------------------------------------------------------------------------
def test_ssl_error_names_ca_path_and_validate_certs(make_client, session):
    session.add(requests.exceptions.SSLError('certificate verify failed: self-signed certificate'), answer(200, {}))
    with pytest.raises(ApiError) as caught:
        make_client().request('GET', '/api/v1/dynamoDb')
    msg = caught.value.msg
    assert 'ca_path' in msg
    assert 'validate_certs' in msg
    assert 'self-signed certificate' in msg
    assert not isinstance(caught.value, ApiConnectionError)
    assert len(session.calls) == 1  # a certificate does not heal with retries


@pytest.mark.parametrize('validate_certs, ca_path, expected', [
    (True, None, True),
    (True, '/etc/pki/vbaws-ca.pem', '/etc/pki/vbaws-ca.pem'),
    (False, None, False),
    (False, '/etc/pki/vbaws-ca.pem', False),
])
def test_tls_options_set_session_verify(make_client, session, validate_certs, ca_path, expected):
    client = make_client(validate_certs=validate_certs, ca_path=ca_path)
    assert session.verify == expected
    session.add(answer(200, {}))
    client.request('GET', '/api/v1/x')
    assert session.calls[0].verify == expected


def test_ca_path_wins_over_requests_ca_bundle_in_the_environment(monkeypatch, tmp_path):
    # requests lets REQUESTS_CA_BUNDLE replace a session-level CA path; an explicit ca_path must not lose.
    monkeypatch.setenv('REQUESTS_CA_BUNDLE', str(tmp_path / 'system-bundle.pem'))
    seen = {}

    def send(_adapter, request, **kwargs):
        seen['verify'] = kwargs['verify']
        response = requests.Response()
        response.status_code, response.raw, response.request = 200, io.BytesIO(b'{}'), request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, 'send', send)
    client = ApiClient('https://vbaws.test:11005', ca_path='/etc/pki/vbaws-ca.pem', sleep=lambda _s: None)
    client.request('GET', '/api/v1/x')
    assert seen['verify'] == '/etc/pki/vbaws-ca.pem'


# -- requests as sent -------------------------------------------------------------------------------
def test_request_shape(make_client, session):
    session.add(answer(200, {'a': 1}), answer(200, {'b': 2}))
    client = make_client(base_url=BASE + '/', headers={'x-api-version': '1.7-rev0'}, timeout=12)
    client.request('get', '/api/v1/sessions', params={'Offset': 0, 'Limit': 5}, headers={'X-Trace': 't1'})
    client.request('GET', 'https://other.test/abs')
    first, second = session.calls
    assert first.method == 'GET'
    assert first.url == BASE + '/api/v1/sessions'
    assert first.params == {'Offset': 0, 'Limit': 5}
    assert first.headers['x-api-version'] == '1.7-rev0'
    assert first.headers['X-Trace'] == 't1'
    assert first.timeout == 12
    assert second.url == 'https://other.test/abs'
    assert 'X-Trace' not in second.headers


def test_request_count_counts_every_attempt(make_client, session):
    session.add(answer(429), answer(200, {}), requests.exceptions.ConnectionError('x'), answer(200, {}))
    client = make_client()
    client.request('GET', '/a')
    assert client.request_count == 2
    client.request('GET', '/b')
    assert client.request_count == 4
    assert client.retry_count == 2


def test_close_closes_the_session(make_client, session):
    client = make_client()
    client.close()
    assert session.closed


def test_a_hint_names_what_to_fix_for_a_status(session):
    client = ApiClient('https://api.test', session=session, retry=RetryPolicy(retries=0), hints={401: 'Check api_token.'})
    session.add(answer(401, {'title': 'Unauthorized'}))
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/tasks')
    assert caught.value.msg.endswith('HTTP 401: Unauthorized. Check api_token.')


def test_401_without_auth_is_an_error(make_client, session):
    session.add(answer(401, {'title': 'Unauthorized', 'errorCode': 'InvalidToken'}), answer(200, {}))
    with pytest.raises(ApiError) as caught:
        make_client().request('GET', '/x')
    assert caught.value.status == 401
    assert len(session.calls) == 1


# -- error bodies ------------------------------------------------------------------------------------
def test_error_body_is_parsed_by_the_veeam_parser(make_client, session):
    problem = {'type': 'about:blank', 'title': 'Conflict', 'status': 409, 'errorCode': 'AlreadyExists',
               'details': 'Table orders-drill already exists in us-east-1', 'instance': '/x'}
    session.add(answer(409, problem))
    with pytest.raises(ApiError) as caught:
        make_client(error_parser=parse_error).request('POST', '/api/v1/dynamoDb/restorePoints/p/restore?x=1', json={})
    exc = caught.value
    assert exc.msg == ('POST %s/api/v1/dynamoDb/restorePoints/p/restore failed with HTTP 409: '
                       'Conflict: Table orders-drill already exists in us-east-1 (AlreadyExists)' % BASE)
    assert exc.status == 409
    assert exc.method == 'POST'
    assert exc.body == problem


def test_error_with_text_body_uses_the_text(make_client, session):
    session.add(answer(500, text='Internal error: database offline'))
    with pytest.raises(ApiError) as caught:
        make_client(error_parser=parse_error).request('GET', '/x')
    assert caught.value.msg.endswith('HTTP 500: Internal error: database offline')
    assert caught.value.body == 'Internal error: database offline'


def test_error_with_empty_body_uses_the_reason(make_client, session):
    session.add(answer(403))
    with pytest.raises(ApiError) as caught:
        make_client().request('GET', '/x')
    assert caught.value.msg.endswith('HTTP 403: Forbidden')


@pytest.mark.parametrize('body, expected', [
    ({'title': 'Bad Request', 'detail': 'Limit must be positive'}, 'Bad Request: Limit must be positive'),
    ({'error': 'invalid_grant', 'error_description': 'expired'}, 'expired: invalid_grant'),
    ({}, None),
    ('text', None),
])
def test_default_error_parser(body, expected):
    assert default_error_parser(body) == expected


# -- redaction --------------------------------------------------------------------------------------
def test_secrets_are_redacted_from_messages_and_error_bodies(make_client, session):
    redactor = Redactor([PASSWORD])
    redactor.add(TOKEN)
    body = {'title': 'Bad Request', 'details': 'password %s is wrong' % PASSWORD,
            'echo': [{'Authorization': 'Bearer %s' % TOKEN}], 'status': 400}
    session.add(answer(400, body))
    with pytest.raises(ApiError) as caught:
        make_client(redactor=redactor, error_parser=parse_error).request('POST', '/x', json={})
    exc = caught.value
    assert PASSWORD not in exc.msg
    assert REDACTED in exc.msg
    assert PASSWORD not in str(exc)
    assert exc.body['details'] == 'password %s is wrong' % REDACTED
    assert exc.body['echo'] == [{'Authorization': 'Bearer %s' % REDACTED}]
    assert exc.body['status'] == 400


def test_secrets_are_redacted_from_connection_and_decode_errors(make_client, session):
    redactor = Redactor([TOKEN])
    session.add(requests.exceptions.ConnectionError('proxy refused Bearer %s' % TOKEN),
                answer(200, text='token=%s' % TOKEN, headers={'Content-Type': 'text/plain'}))
    client = make_client(redactor=redactor, retry=RetryPolicy(retries=0))
    with pytest.raises(ApiConnectionError) as caught:
        client.request('GET', '/x')
    assert TOKEN not in caught.value.msg and REDACTED in caught.value.msg
    with pytest.raises(ApiError) as caught:
        client.request('GET', '/x')
    assert TOKEN not in caught.value.msg and REDACTED in caught.value.msg


def test_ssl_error_message_is_redacted(make_client, session):
    session.add(requests.exceptions.SSLError('bad certificate for %s' % PASSWORD))
    with pytest.raises(ApiError) as caught:
        make_client(redactor=Redactor([PASSWORD])).request('GET', '/x')
    assert PASSWORD not in caught.value.msg


def test_redactor_replaces_longest_secret_first_and_ignores_short_ones():
    added = []
    redactor = Redactor(['abcd', 'abcdefgh', 'xyz', None, 42], on_add=added.append)
    assert added == ['abcd', 'abcdefgh']
    assert redactor('key abcdefgh and abcd and xyz') == 'key %s and %s and xyz' % (REDACTED, REDACTED)
    assert redactor(17) == 17
    redactor.add('later-secret')
    assert added[-1] == 'later-secret'
    assert redactor('a later-secret') == 'a ' + REDACTED
