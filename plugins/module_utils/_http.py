# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""One HTTP client for every vendor REST API: TLS, retries, JSON decoding, redaction, counters."""

from __future__ import annotations

import email.utils
import random
import time
import traceback

from ansible_collections.recoverops.restore.plugins.module_utils._errors import ApiConnectionError, ApiError

__all__ = ['ApiClient', 'ApiConnectionError', 'ApiError', 'Redactor', 'RetryPolicy', 'REQUESTS_IMPORT_ERROR']

REQUESTS_IMPORT_ERROR = None
try:
    import requests
except ImportError:  # the module reports it through missing_required_lib()
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

# 429 and 503 mean the server did not act on the request, so even a POST may be sent again.
# 502 and 504 come from a proxy that may have forwarded the request: only idempotent calls retry.
RETRY_ALWAYS = frozenset((429, 503))
RETRY_IF_IDEMPOTENT = frozenset((502, 504))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))
REDACTED = '********'


class Redactor:
    """Remembers every secret seen (passwords, tokens, keys) and blanks them out of text."""

    def __init__(self, secrets=(), on_add=None):
        self._secrets = set()
        self._on_add = on_add
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if secret and isinstance(secret, str) and len(secret) >= 4:
            self._secrets.add(secret)
            if self._on_add:
                self._on_add(secret)

    def __call__(self, text):
        if not isinstance(text, str):
            return text
        # Longest first, so a secret that contains another is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


class RetryPolicy:
    """Capped exponential backoff with jitter; honours Retry-After up to `max_retry_after`."""

    def __init__(self, retries=6, base_delay=0.5, max_delay=20.0, max_retry_after=120.0, rng=None):
        self.retries = retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self._rng = rng or random.Random()

    def delay(self, attempt, retry_after=None):
        """Seconds to sleep before retry number `attempt` (0-based)."""
        server_delay = parse_retry_after(retry_after)
        if server_delay is not None:
            return min(server_delay, self.max_retry_after)
        ceiling = min(self.max_delay, self.base_delay * (2 ** attempt))
        # "Equal jitter": never less than half the ceiling, so retries do not hammer a busy server.
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)


def parse_retry_after(value, now=None):
    """Retry-After is either delta-seconds or an HTTP date; None when absent or unreadable."""
    if value is None or value == '':
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def default_error_parser(body):
    """Best-effort message from an error body of unknown shape."""
    if isinstance(body, dict):
        parts = [str(body[key]) for key in ('title', 'message', 'detail', 'details', 'error_description', 'error') if body.get(key)]
        return ': '.join(parts) or None
    return None


class ApiClient:
    """A `requests.Session` bound to one API: every call goes through `request()`.

    `auth` is an object with `apply(headers)` (set credentials, refreshing first if due),
    `handle_unauthorized()` (True when new credentials are worth one more try) and `close()`.
    """

    def __init__(self, base_url, *, headers=None, timeout=30, validate_certs=True, ca_path=None,
                 auth=None, error_parser=default_error_parser, redactor=None, retry=None,
                 sleep=time.sleep, session=None, hints=None):
        if requests is None:
            raise ImportError('requests is required')
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.auth = auth
        self.error_parser = error_parser
        self.redact = redactor or Redactor()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers.update(headers or {})
        # requests takes either False or the path of a CA bundle in `verify`.
        self.verify = (ca_path or True) if validate_certs else False
        self.session.verify = self.verify
        self.request_count = 0
        self.retry_count = 0
        # status -> what to fix, added to the message (e.g. 401 -> the setting that holds the credentials).
        self.hints = dict(hints or {})
        if auth is not None:
            auth.bind(self)

    def url(self, path):
        return path if path.startswith(('http://', 'https://')) else self.base_url + path

    def request(self, method, path, *, params=None, json=None, data=None, headers=None,
                expect=(200, 201, 202, 204), authenticate=True, idempotent=None):
        """Send a request, retrying what is safe to retry; return the decoded body (or None)."""
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url(path)
        reauthenticated = False
        attempt = 0
        while True:
            call_headers = dict(headers or {})
            if authenticate and self.auth is not None:
                self.auth.apply(call_headers)
            try:
                response = self._send(method, url, params, json, data, call_headers)
            except ApiConnectionError:
                if not idempotent or attempt >= self.retry.retries:
                    raise
                self._pause(attempt)
                attempt += 1
                continue
            status = response.status_code
            if status == 401 and authenticate and self.auth is not None and not reauthenticated:
                reauthenticated = True
                if self.auth.handle_unauthorized():
                    continue
            retryable = status in RETRY_ALWAYS or (idempotent and status in RETRY_IF_IDEMPOTENT)
            if retryable and attempt < self.retry.retries:
                self._pause(attempt, response.headers.get('Retry-After'))
                attempt += 1
                continue
            if status not in expect:
                raise self._error(method, url, response)
            try:
                return self._decode(method, url, response)
            except ApiError:
                # A body cut short or an HTML page from a proxy: worth another read, never another write.
                if not idempotent or attempt >= self.retry.retries:
                    raise
                self._pause(attempt)
                attempt += 1

    def _send(self, method, url, params, json, data, headers):
        self.request_count += 1
        try:
            # verify per request: a session-level CA path loses to REQUESTS_CA_BUNDLE in the environment.
            return self.session.request(method, url, params=params, json=json, data=data,
                                        headers=headers, timeout=self.timeout, verify=self.verify)
        except requests.exceptions.SSLError as exc:
            raise ApiError(self.redact(
                'TLS certificate verification failed for %s: %s. Set ca_path to the CA bundle that signed the '
                'server certificate, or validate_certs: false for a lab server with a self-signed certificate.'
                % (url, _root_cause(exc))), method=method, url=url) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ApiConnectionError(self.redact('Could not reach %s (%s %s): %s' % (
                self.base_url, method, url, _root_cause(exc))), method=method, url=url) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
            # The server answered and the body was cut off on the way: it may have acted, like a lost answer.
            raise ApiConnectionError(self.redact('The answer of %s to %s %s was cut off: %s' % (
                self.base_url, method, url, _root_cause(exc))), method=method, url=url) from None
        except requests.exceptions.RequestException as exc:
            raise ApiError(self.redact('%s %s failed: %s' % (method, url, exc)), method=method, url=url) from None

    def _pause(self, attempt, retry_after=None):
        self.retry_count += 1
        self.sleep(self.retry.delay(attempt, retry_after))

    def _decode(self, method, url, response):
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(self.redact('%s %s answered HTTP %s with a body that is not JSON (Content-Type: %s): %r' % (
                method, url, response.status_code, response.headers.get('Content-Type'), response.text[:200])),
                status=response.status_code, method=method, url=url) from None

    def _error(self, method, url, response):
        try:
            body = response.json()
        except ValueError:
            body = response.text[:500]
        detail = self.error_parser(body) if self.error_parser else None
        if not detail:
            detail = body if isinstance(body, str) and body else response.reason
        msg = '%s %s failed with HTTP %s: %s' % (method, url.split('?')[0], response.status_code, detail)
        if response.status_code in self.hints:
            msg = '%s. %s' % (msg.rstrip('.'), self.hints[response.status_code])
        return ApiError(self.redact(msg), status=response.status_code, method=method, url=url,
                        body=_redact_tree(body, self.redact))

    def close(self):
        try:
            if self.auth is not None:
                self.auth.close()
        finally:
            self.session.close()


def _root_cause(exc):
    """The innermost reason of a requests/urllib3 error, without the wrapper noise."""
    cause = exc
    while True:
        inner = getattr(cause, 'reason', None) or cause.__cause__ or cause.__context__
        if inner is None or inner is cause or isinstance(inner, str):
            break
        cause = inner
    return str(cause) or type(cause).__name__


def _redact_tree(value, redact):
    if isinstance(value, dict):
        return {key: _redact_tree(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [_redact_tree(item, redact) for item in value]
    return redact(value)
