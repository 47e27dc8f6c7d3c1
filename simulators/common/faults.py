"""Fault injection: which requests fail, and how.

Most faults are decided before the request reaches its handler, so a faulted request never changes
state: the contract clients rely on when they retry a POST after a 429 or a 503. The AFTER kinds
run the handler first and then lose its answer (the connection drops, or the body is cut short),
as a network or a proxy can after the product acted: a client must look its restore up instead of
sending it again.
"""
from __future__ import annotations

import random
import re
import threading
from typing import Any

KINDS = ('429', '429-no-retry-after', '500', '502', '503', '504', '403', 'drop', 'slow', 'malformed',
         'drop-after', 'truncate-after')
AFTER_KINDS = frozenset(('drop-after', 'truncate-after'))
CONTROL_PREFIX = '/_sim/'
SLOW_SECONDS = 2.0


class FaultConfigError(ValueError):
    """The fault configuration posted to /_sim/faults is not valid."""


class FaultInjector:
    """Decides, per request, whether and how to fail it. Deterministic for a given seed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rate = 0.0
        self.kinds: list[str] = list(KINDS)
        self.seed: int | None = None
        self.paths: str | None = None
        self.methods: list[str] | None = None
        self.limit: int | None = None
        self.injected = 0
        self._paths_re: re.Pattern[str] | None = None
        self._random = random.Random()

    def configure(self, doc: dict[str, Any]) -> None:
        """Replace the configuration; missing keys take their defaults."""
        unknown = set(doc) - {'rate', 'kinds', 'seed', 'paths', 'methods', 'limit', 'injected'}
        if unknown:
            raise FaultConfigError(f'unknown fault settings: {sorted(unknown)}')
        rate = doc.get('rate', 0.0)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise FaultConfigError('rate must be a number between 0 and 1')
        kinds = doc.get('kinds') or list(KINDS)
        bad = [kind for kind in kinds if kind not in KINDS]
        if not isinstance(kinds, list) or bad:
            raise FaultConfigError(f'kinds must be a list drawn from {list(KINDS)}')
        paths = doc.get('paths')
        methods = doc.get('methods')
        if methods is not None and (not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)):
            raise FaultConfigError('methods must be a list of HTTP methods such as ["POST"]')
        limit = doc.get('limit')
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise FaultConfigError('limit must be a whole number of faults >= 0')
        try:
            paths_re = re.compile(paths) if paths else None
        except (re.error, TypeError) as exc:
            raise FaultConfigError(f'paths is not a valid regular expression: {exc}') from exc
        with self._lock:
            self.rate, self.kinds, self.seed, self.paths = float(rate), list(kinds), doc.get('seed'), paths
            self.methods = [method.upper() for method in methods] if methods else None
            self.limit = limit
            self.injected = int(doc.get('injected') or 0)  # kept across a restart (the state file)
            self._paths_re = paths_re
            self._random = random.Random(self.seed)

    def describe(self) -> dict[str, Any]:
        return {'rate': self.rate, 'kinds': list(self.kinds), 'seed': self.seed, 'paths': self.paths,
                'methods': self.methods, 'limit': self.limit, 'injected': self.injected}

    def decide(self, path: str, method: str = 'GET') -> str | None:
        """The fault kind for this request, or None. The control API is never faulted.

        `paths` (a regular expression) and `methods` narrow the requests faulted; after `limit`
        faults none is injected any more.
        """
        if path.startswith(CONTROL_PREFIX) or self.rate <= 0:
            return None
        if self._paths_re is not None and not self._paths_re.search(path):
            return None
        if self.methods is not None and method.upper() not in self.methods:
            return None
        with self._lock:
            if self.limit is not None and self.injected >= self.limit:
                return None
            if self._random.random() >= self.rate:
                return None
            self.injected += 1
            return self._random.choice(self.kinds)
