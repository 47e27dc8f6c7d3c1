# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Authentication for ApiClient: OAuth2 password grant with refresh, and static bearer tokens."""

from __future__ import annotations

import time

from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiError


class AuthError(ApiError):
    """Credentials were refused or the account cannot be used for automation."""


class BearerTokenAuth:
    """A long-lived API token sent as `Authorization: Bearer` (Clumio)."""

    def __init__(self, token):
        self.token = token
        self.client = None

    def bind(self, client):
        self.client = client
        client.redact.add(self.token)

    def apply(self, headers):
        headers['Authorization'] = 'Bearer %s' % self.token

    def handle_unauthorized(self):
        return False  # nothing to renew: a refused token stays refused

    def close(self):
        pass


class OAuth2PasswordAuth:
    """OAuth2 resource-owner password grant, as Veeam's appliances implement it.

    Products spell the grants differently (VBAWS `password`/`refresh_token`, VBAzure
    `Password`/`Refresh_token`), so the spelling is a parameter. The token is refreshed
    `refresh_margin` seconds before it expires and after a 401; when the refresh is refused
    (the refresh token expired too) it logs in again. `close()` logs out.
    """

    def __init__(self, token_path, username, password, *, password_grant='password',
                 refresh_grant='refresh_token', logout_path=None, refresh_margin=60,
                 clock=time.monotonic):
        self.token_path = token_path
        self.logout_path = logout_path if logout_path is not None else token_path
        self.username = username
        self.password = password
        self.password_grant = password_grant
        self.refresh_grant = refresh_grant
        self.refresh_margin = refresh_margin
        self.clock = clock
        self.client = None
        self.access_token = None
        self.refresh_token = None
        self.refresh_at = None
        self.logins = 0
        self.refreshes = 0

    def bind(self, client):
        self.client = client
        client.redact.add(self.password)

    # -- used by ApiClient --------------------------------------------------------------------
    def apply(self, headers):
        if self.access_token is None:
            self.login()
        elif self.refresh_at is not None and self.clock() >= self.refresh_at:
            self.renew()
        headers['Authorization'] = 'Bearer %s' % self.access_token

    def handle_unauthorized(self):
        self.renew()
        return True

    def close(self):
        """Log out; best effort, a failed logout must not hide the result of the real work."""
        if self.access_token is None:
            return
        try:
            self.client.request('DELETE', self.logout_path, expect=(200, 202, 204), authenticate=False,
                                headers={'Authorization': 'Bearer %s' % self.access_token})
        except ApiError:
            pass
        self.access_token = self.refresh_token = None

    # -- grants ----------------------------------------------------------------------------------
    def login(self):
        self.logins += 1
        body = self._token_request({'grant_type': self.password_grant, 'username': self.username,
                                    'password': self.password})
        self._store(body)

    def renew(self):
        """Refresh, or log in again when there is no refresh token or it was refused."""
        if self.refresh_token:
            try:
                self.refreshes += 1
                self._store(self._token_request({'grant_type': self.refresh_grant,
                                                 'refresh_token': self.refresh_token}))
                return
            except AuthError:
                self.refresh_token = None
        self.login()

    def _token_request(self, form):
        try:
            # Logging in changes nothing on the server, so a dropped connection may be retried.
            return self.client.request('POST', self.token_path, data=form, authenticate=False, expect=(200,),
                                       idempotent=True,
                                       headers={'Content-Type': 'application/x-www-form-urlencoded'})
        except ApiError as exc:
            if exc.status in (400, 401, 403):
                who = 'user %r' % self.username
                raise AuthError('Authentication failed for %s (check username and password): %s'
                                % (who, exc.msg), status=exc.status) from None
            raise

    def _store(self, body):
        body = body or {}
        if not body.get('access_token'):
            if body.get('mfa_enabled') or body.get('mfa_token'):
                raise AuthError(
                    'User %r has multi-factor authentication enabled, which automation cannot answer. '
                    'Use a dedicated service account without MFA for username and password.' % self.username)
            raise AuthError('The token endpoint %s returned no access_token.' % self.token_path)
        self.access_token = body['access_token']
        self.refresh_token = body.get('refresh_token') or self.refresh_token
        for token in (self.access_token, self.refresh_token, body.get('mfa_token')):
            self.client.redact.add(token)
        expires_in = float(body.get('expires_in') or 0)
        # Renew a margin before expiry; short-lived lab tokens get a proportional margin.
        self.refresh_at = self.clock() + expires_in - min(self.refresh_margin, expires_in / 4) if expires_in else None
