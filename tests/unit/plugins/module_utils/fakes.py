# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fakes for the shared HTTP layer: a requests.Session stand-in, canned responses and a clock."""

from __future__ import annotations

import collections
import http.client
from json import dumps, loads

import requests

BASE = 'https://vbaws.test:11005'

Call = collections.namedtuple('Call', 'method url params data json headers timeout verify')


class FakeResponse:
    """What ApiClient reads from a requests.Response."""

    def __init__(self, status_code=200, body=None, headers=None, text=None, reason=None):
        self.status_code = status_code
        self.headers = requests.structures.CaseInsensitiveDict(headers or {})
        if text is None:
            text = '' if body is None else dumps(body)
            if body is not None:
                self.headers.setdefault('Content-Type', 'application/json')
        self.text = text
        self.content = text.encode('utf-8')
        self.reason = reason if reason is not None else http.client.responses.get(status_code, '')

    def json(self):
        return loads(self.text)  # json.JSONDecodeError is a ValueError, like requests' own


def answer(status_code=200, body=None, headers=None, text=None):
    return FakeResponse(status_code, body=body, headers=headers, text=text)


class FakeSession:
    """Answers from a queue; records every call with the session headers merged in, as requests does."""

    def __init__(self, *answers):
        self.headers = requests.structures.CaseInsensitiveDict()
        self.verify = None
        self.queue = collections.deque(answers)
        self.calls = []
        self.closed = False

    def add(self, *answers):
        self.queue.extend(answers)

    def request(self, method, url, params=None, data=None, json=None, headers=None, timeout=None, verify=None):
        merged = requests.structures.CaseInsensitiveDict(self.headers)
        merged.update(headers or {})
        self.calls.append(Call(method, url, params, data, json, merged, timeout, verify))
        if not self.queue:
            raise AssertionError('unexpected request: %s %s' % (method, url))
        item = self.queue.popleft()
        if isinstance(item, BaseException):
            raise item
        return item

    def close(self):
        self.closed = True


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it (or a test moves it)."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
