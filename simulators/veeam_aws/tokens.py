"""OAuth-style password, refresh-token and MFA grants with expiry, as VBAWS issues them."""
from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any

MFA_CODE = '000000'


@dataclass
class Grant:
    """What a token stands for."""

    username: str
    expires: float
    # The other half of the pair, so logout revokes both.
    partner: str


class TokenError(Exception):
    """A grant failed; error_code and details go into the problem body."""

    def __init__(self, status: int, error_code: str, details: str) -> None:
        super().__init__(details)
        self.status = status
        self.error_code = error_code
        self.details = details


class TokenStore:
    """Access, refresh and MFA tokens. Revoked tokens are forgotten, expired ones are kept."""

    def __init__(self) -> None:
        self.access: dict[str, Grant] = {}
        self.refresh: dict[str, Grant] = {}
        self.mfa: dict[str, Grant] = {}
        # Everything ever issued, for /_sim/secrets.
        self.issued: list[str] = []

    def snapshot(self) -> dict[str, Any]:
        return {name: {token: asdict(grant) for token, grant in getattr(self, name).items()} for name in ('access', 'refresh', 'mfa')} | {
            'issued': self.issued}

    def restore(self, doc: dict[str, Any]) -> None:
        for name in ('access', 'refresh', 'mfa'):
            setattr(self, name, {token: Grant(**grant) for token, grant in doc.get(name, {}).items()})
        self.issued = list(doc.get('issued', []))

    def _new_token(self) -> str:
        token = secrets.token_urlsafe(48)
        self.issued.append(token)
        return token

    def issue_pair(self, username: str, lifetime_s: float, refresh_lifetime_s: float) -> tuple[str, str, float]:
        now = time.time()
        access, refresh = self._new_token(), self._new_token()
        self.access[access] = Grant(username, now + lifetime_s, refresh)
        self.refresh[refresh] = Grant(username, now + refresh_lifetime_s, access)
        return access, refresh, now

    def issue_mfa(self, username: str) -> str:
        token = self._new_token()
        self.mfa[token] = Grant(username, time.time() + 300, '')
        return token

    def redeem_refresh(self, token: str) -> str:
        """The username of a valid refresh token, which is used up by this call."""
        grant = self.refresh.pop(token, None)
        if grant is None or grant.expires <= time.time():
            raise TokenError(400, 'InvalidToken', 'The refresh token is invalid or has expired.')
        return grant.username

    def redeem_mfa(self, token: str, code: str) -> str:
        grant = self.mfa.get(token)
        if grant is None or grant.expires <= time.time():
            raise TokenError(400, 'InvalidToken', 'The MFA token is invalid or has expired.')
        if code != MFA_CODE:
            raise TokenError(400, 'AccessDenied', 'The MFA code is not valid.')
        del self.mfa[token]
        return grant.username

    def authenticate(self, authorization: str | None) -> str:
        """The username behind an Authorization header."""
        scheme, _sep, token = (authorization or '').partition(' ')
        if scheme.lower() != 'bearer' or not token.strip():
            raise TokenError(401, 'AccessDenied', 'Authorization header with a bearer token is required.')
        grant = self.access.get(token.strip())
        if grant is None:
            raise TokenError(401, 'InvalidToken', 'The access token is invalid or has been revoked.')
        if grant.expires <= time.time():
            raise TokenError(401, 'ExpiredToken', 'The access token has expired.')
        return grant.username

    def revoke(self, access_token: str) -> None:
        grant = self.access.pop(access_token, None)
        if grant is not None:
            self.refresh.pop(grant.partner, None)
