"""The simulator framework: routing, TLS, faults, latency, persistence and the /_sim/ control API.

A product simulator subclasses SimServer, registers its routes in register_routes() and implements
the state hooks (load_seed, snapshot, restore_snapshot, known_secrets, problem). Every handler runs
under one lock, so handlers can read and change state without further care.
"""
from __future__ import annotations

import datetime
import json
import os
import pathlib
import re
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import yaml

from simulators.common import faults, tamper, tls

# Query keys that could carry a secret are masked in the request log.
SECRET_QUERY_KEYS = re.compile(r'pass|token|secret|key|code', re.IGNORECASE)
REQUEST_LOG_LIMIT = 10000
TICK_SECONDS = 0.2
# A bug in a handler answers 500 like the real product would, instead of dropping the connection.
INTERNAL_ERRORS = (ArithmeticError, AttributeError, LookupError, OSError, RuntimeError, TypeError, ValueError)


def utc_iso(epoch: float) -> str:
    """An RFC 3339 UTC timestamp with millisecond precision, as .NET-based APIs print them."""
    moment = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + f'{moment.microsecond // 1000:03d}Z'


# How a simulator dates its seed (see SimServer.dated): moved to keep the ages, or as written.
SEED_DATES = ('relative', 'fixed')


def shift_dates(doc: Any, keys: tuple[str, ...], seconds: float) -> Any:
    """A copy of `doc` where every string under one of `keys`, at any depth, is an ISO time moved by `seconds`."""
    if isinstance(doc, dict):
        return {key: utc_iso(parse_iso(value) + seconds) if key in keys and isinstance(value, str) else shift_dates(value, keys, seconds)
                for key, value in doc.items()}
    if isinstance(doc, list):
        return [shift_dates(value, keys, seconds) for value in doc]
    return doc


def parse_iso(text: str) -> float:
    """Epoch seconds of an ISO 8601 timestamp; a missing zone means UTC."""
    moment = datetime.datetime.fromisoformat(str(text).replace('Z', '+00:00'))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


@dataclass
class Response:
    """What a handler answers."""

    status: int
    body: bytes = b''
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, payload: Any, content_type: str = 'application/json; charset=utf-8',
                  headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(payload).encode(), content_type, dict(headers or {}))


class HttpError(Exception):
    """Raised by a handler to answer with an error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass
class Request:
    """One HTTP request, as handlers see it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    # Extra fields for the request log (for example the OAuth grant type), set by handlers.
    log_fields: dict[str, Any] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def media_type(self) -> str:
        return (self.header('Content-Type') or '').split(';')[0].strip().lower()

    def json(self) -> Any:
        """The decoded JSON body; ValueError when it is not JSON."""
        return json.loads(self.body.decode('utf-8') or 'null')

    def form(self) -> dict[str, str]:
        """The url-encoded body; the last value wins for repeated fields."""
        return {key: values[-1] for key, values in parse_qs(self.body.decode('utf-8'), keep_blank_values=True).items()}


Handler = Callable[[Request], Response]


@dataclass
class Route:
    """A method and path template bound to a handler."""

    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler

    @property
    def key(self) -> str:
        return f'{self.method} {self.template}'


def compile_template(template: str) -> re.Pattern[str]:
    """'/items/{itemId}' -> a regex with a named group per placeholder."""
    regex = re.sub(r'\\\{(\w+)\\\}', r'(?P<\1>[^/]+)', re.escape(template))
    return re.compile(rf'^{regex}\Z')


class SimServer:
    """Base of every product simulator."""

    name = 'sim'
    DEFAULT_CONFIG: dict[str, Any] = {'latency_ms': 0}
    # Product counters that should show up as 0 before anything happened.
    COUNTER_NAMES: tuple[str, ...] = ()
    # Seed keys holding the times of restore points; see dated().
    SEED_DATE_KEYS: tuple[str, ...] = ()

    def __init__(self, seed_path: pathlib.Path, state_dir: pathlib.Path | None = None, *, tls_enabled: bool = False,
                 host: str = '127.0.0.1', port: int = 0, state_file: pathlib.Path | None = None, seed_dates: str = 'relative') -> None:
        if seed_dates not in SEED_DATES:
            raise ValueError(f'seed_dates must be relative or fixed, got {seed_dates!r}')
        self.seed_dates = seed_dates
        self.seed_path = pathlib.Path(seed_path)
        self.state_dir = pathlib.Path(state_dir or tempfile.mkdtemp(prefix=f'{self.name}-sim-'))
        self.tls_enabled = tls_enabled
        self.address = (host, port)
        self.state_file = pathlib.Path(state_file) if state_file else None
        self.lock = threading.RLock()
        self.fault_injector = faults.FaultInjector()
        self.config: dict[str, Any] = self.default_config()
        self.request_log: list[dict[str, Any]] = []
        self.counters: Counter[str] = Counter()
        # Secrets of earlier states: a reset must not hide a token a client may still print.
        self.past_secrets: set[str] = set()
        self.route_counts: Counter[str] = Counter()
        self.routes: list[Route] = []
        self.cert_path: pathlib.Path | None = None
        self._dirty = False
        self._httpd: ThreadingHTTPServer | None = None
        self._stopping = threading.Event()
        self._register_control_routes()
        self.register_routes()
        if not self._load_state_file():
            self.load_seed(self.dated(self.read_seed_file()))

    # ---- hooks for product simulators -----------------------------------------------------------
    def register_routes(self) -> None:
        """Add the product's routes with self.route()."""

    def load_seed(self, doc: dict[str, Any]) -> None:
        """Replace all product state by the seed document."""
        raise NotImplementedError

    def snapshot(self) -> dict[str, Any]:
        """Product state as JSON-compatible data, for the state file."""
        return {}

    def restore_snapshot(self, doc: dict[str, Any]) -> None:
        """Inverse of snapshot()."""

    def known_secrets(self) -> list[str]:
        """Every password and token the simulator issued or knows."""
        return []

    def problem(self, status: int, title: str, details: str = '', **extra: Any) -> Response:
        """An error response in the product's format."""
        del extra
        return json_response(status, {'title': title, 'status': status, 'details': details})

    def not_found(self, request: Request) -> Response:
        return self.problem(404, 'Not Found', f'No resource at {request.path}')

    def method_not_allowed(self, request: Request) -> Response:
        return self.problem(405, 'Method Not Allowed', f'{request.method} is not allowed on {request.path}')

    # A simulator whose restore jobs wait queue_s, run job_duration_s and end in job_outcome (or, per
    # target, outcome_by_target) names the outcomes it accepts here; the checks below are shared.
    JOB_OUTCOMES: tuple[str, ...] = ()

    def default_config(self) -> dict[str, Any]:
        """The product's settings and the shared ones (tamper.TAMPER_CONFIG: restores that bring back wrong data)."""
        return {**tamper.TAMPER_CONFIG, **self.DEFAULT_CONFIG}

    def validate_config(self, key: str, value: Any) -> None:
        """Raise ValueError when a /_sim/config value is not acceptable."""
        if self.JOB_OUTCOMES and key in ('queue_s', 'job_duration_s'):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f'{key} must be a number of seconds >= 0')
            return
        outcomes = ' or '.join(self.JOB_OUTCOMES)
        if self.JOB_OUTCOMES and key == 'job_outcome' and value not in self.JOB_OUTCOMES:
            raise ValueError(f'job_outcome must be {outcomes}')
        if self.JOB_OUTCOMES and key == 'outcome_by_target' and not (
                isinstance(value, dict) and all(outcome in self.JOB_OUTCOMES for outcome in value.values())):
            raise ValueError(f'outcome_by_target maps target table names to {outcomes}')
        if not isinstance(value, type(self.DEFAULT_CONFIG[key])) or isinstance(value, bool) != isinstance(self.DEFAULT_CONFIG[key], bool):
            raise ValueError(f'{key} must be of type {type(self.DEFAULT_CONFIG[key]).__name__}')

    def tick(self) -> None:
        """Called about every TICK_SECONDS under the lock, for time-driven work."""

    # ---- framework API for product simulators ----------------------------------------------------
    def route(self, method: str, template: str, handler: Handler) -> None:
        self.routes.append(Route(method, template, compile_template(template), handler))

    def count(self, name: str, amount: int = 1) -> None:
        self.counters[name] += amount

    def changed(self) -> None:
        """Mark state as changed; it is written to the state file when the request ends."""
        self._dirty = True

    def dated(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The seed as of now: a seed that says when it was written (`seeded_at`) has its restore points
        moved by the time since, so they keep their ages (a daily backup stays hours old, and an RPO check
        in the demo means something) whenever the simulator starts. `seed_dates='fixed'` keeps the written
        dates, for tests that name them. A state file keeps the moved dates across a restart."""
        if self.seed_dates == 'fixed' or 'seeded_at' not in doc:
            return doc
        now = time.time()
        moved = shift_dates(doc, self.SEED_DATE_KEYS, now - parse_iso(doc['seeded_at']))
        moved['seeded_at'] = utc_iso(now)
        return moved

    def read_seed_file(self) -> dict[str, Any]:
        with self.seed_path.open(encoding='utf-8') as handle:
            return yaml.safe_load(handle) or {}

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2] if self._httpd else self.address
        return f"{'https' if self.tls_enabled else 'http'}://{host}:{port}"

    # ---- lifecycle ------------------------------------------------------------------------------
    def bind(self) -> int:
        """Open the listening socket (TLS if enabled); returns the port."""
        handler = type('BoundHandler', (_RequestHandler,), {'sim': self})
        self._httpd = ThreadingHTTPServer(self.address, handler)
        self._httpd.daemon_threads = True
        if self.tls_enabled:
            self.cert_path, key_path = tls.ensure_certificate(self.state_dir, self.name)
            context = tls.server_context(self.cert_path, key_path)
            # The handshake happens in the connection's own thread, so a stalled client cannot
            # block accept() for everyone else.
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True, do_handshake_on_connect=False)
        return self._httpd.server_address[1]

    def serve_forever(self) -> None:
        if self._httpd is None:
            self.bind()
        threading.Thread(target=self._ticker, name=f'{self.name}-ticker', daemon=True).start()
        self._httpd.serve_forever(poll_interval=0.2)

    def start(self) -> SimServer:
        """Serve in a background thread (tests)."""
        if self._httpd is None:
            self.bind()
        threading.Thread(target=self.serve_forever, name=f'{self.name}-server', daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def _ticker(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            with self.lock:
                self.tick()
                self._save_if_dirty()

    # ---- request handling -----------------------------------------------------------------------
    def handle(self, request: Request) -> Response | None:
        """Answer one request; None means drop the connection without an answer."""
        route, allowed = self._match(request)
        if request.path.startswith(faults.CONTROL_PREFIX):
            return self._run(route, request, allowed)
        kind = self.fault_injector.decide(request.path, request.method)
        latency = self.config.get('latency_ms', 0)
        if latency:
            time.sleep(latency / 1000)
        if kind == 'slow':
            time.sleep(faults.SLOW_SECONDS)
        if kind in (None, 'slow'):
            response = self._run(route, request, allowed)
        elif kind in faults.AFTER_KINDS:
            # The product acts; only its answer is lost on the way back.
            response = self._lose_answer(kind, self._run(route, request, allowed))
        else:
            with self.lock:
                response = self._fault_response(kind)
        self._record(request, route, response, kind)
        return response

    def _match(self, request: Request) -> tuple[Route | None, bool]:
        """The route for the request, and whether any route matched the path at all."""
        path_matched = False
        for route in self.routes:
            found = route.pattern.match(request.path)
            if found:
                path_matched = True
                if route.method == request.method:
                    request.params = found.groupdict()
                    return route, True
        return None, path_matched

    def _run(self, route: Route | None, request: Request, path_matched: bool) -> Response:
        with self.lock:
            try:
                if route is None:
                    return self.method_not_allowed(request) if path_matched else self.not_found(request)
                return route.handler(request)
            except HttpError as error:
                return error.response
            except INTERNAL_ERRORS:
                traceback.print_exc(file=sys.stderr)
                return self.problem(500, 'Internal Server Error', 'An unexpected error occurred.')
            finally:
                self._save_if_dirty()

    def _lose_answer(self, kind: str, response: Response) -> Response | None:
        with self.lock:
            self.count('faults')
            self.count(f'faults_{kind}')
        if kind == 'drop-after':
            return None
        return Response(response.status, response.body[:max(1, len(response.body) // 2)], response.content_type)

    def _fault_response(self, kind: str) -> Response | None:
        self.count('faults')
        self.count(f'faults_{kind}')
        if kind == 'drop':
            return None
        if kind == '403':
            return self.problem(403, 'Forbidden', 'The caller is not allowed to do this.', error_code='Forbidden')
        if kind == '500':
            return self.problem(500, 'Internal Server Error', 'An unexpected error occurred.', error_code='InternalError')
        if kind == 'malformed':
            return Response(200, b'{"results": [ <html>truncated', 'application/json; charset=utf-8')
        status = int(kind[:3])
        if status in (502, 504):
            # Gateway errors come from the reverse proxy in front of the product, not from it.
            title = 'Bad Gateway' if status == 502 else 'Gateway Timeout'
            return Response(status, f'<html><body><h1>{status} {title}</h1></body></html>'.encode(), 'text/html')
        response = self.problem(status, 'Too Many Requests' if status == 429 else 'Service Unavailable',
                                'The server is busy. Try again later.', error_code='ServiceUnavailable')
        if kind in ('429', '503'):
            response.headers['Retry-After'] = '1'
        return response

    def _record(self, request: Request, route: Route | None, response: Response | None, kind: str | None) -> None:
        key = route.key if route else f'{request.method} (no route)'
        entry = {
            'ts': utc_iso(time.time()),
            'method': request.method,
            'path': request.path,
            'query': {name: ['***'] if SECRET_QUERY_KEYS.search(name) else values for name, values in request.query.items()},
            'status': response.status if response else None,
            'fault': kind,
            'grant_type': request.log_fields.get('grant_type'),
        }
        with self.lock:
            self.request_log.append(entry)
            del self.request_log[:-REQUEST_LOG_LIMIT]
            self.count('requests')
            self.route_counts[key] += 1

    # ---- persistence ----------------------------------------------------------------------------
    def _save_if_dirty(self) -> None:
        if not (self._dirty and self.state_file):
            return
        self._dirty = False
        doc = {'config': self.config, 'faults': self.fault_injector.describe(), 'state': self.snapshot()}
        # Write then rename, so a crash never leaves half a state file behind.
        temporary = self.state_file.with_suffix('.tmp')
        temporary.write_text(json.dumps(doc), encoding='utf-8')
        os.replace(temporary, self.state_file)

    def _load_state_file(self) -> bool:
        if not (self.state_file and self.state_file.exists()):
            return False
        doc = json.loads(self.state_file.read_text(encoding='utf-8'))
        self.config = {**self.default_config(), **doc.get('config', {})}
        self.fault_injector.configure(doc.get('faults', {}))
        self.restore_snapshot(doc['state'])
        return True

    # ---- the /_sim/ control API -----------------------------------------------------------------
    def _register_control_routes(self) -> None:
        control = {
            ('GET', 'health'): lambda _request: json_response(200, {'status': 'ok', 'name': self.name}),
            ('POST', 'reset'): self._control_reset,
            ('POST', 'seed'): self._control_seed,
            ('GET', 'config'): lambda _request: json_response(200, self.config),
            ('POST', 'config'): self._control_config,
            ('GET', 'faults'): lambda _request: json_response(200, self.fault_injector.describe()),
            ('POST', 'faults'): self._control_faults,
            ('GET', 'requests'): lambda _request: json_response(200, self.request_log),
            ('DELETE', 'requests'): self._control_clear_requests,
            ('GET', 'counters'): self._control_counters,
            ('GET', 'secrets'): lambda _request: json_response(200, sorted(self.past_secrets | set(self.known_secrets()))),
        }
        for (method, name), handler in control.items():
            self.route(method, f'{faults.CONTROL_PREFIX}{name}', handler)

    def _control_body(self, request: Request) -> Any:
        try:
            return request.json()
        except ValueError as exc:
            raise HttpError(json_response(400, {'error': f'body is not JSON: {exc}'})) from exc

    def _control_reset(self, _request: Request) -> Response:
        self.config = self.default_config()
        self.fault_injector.configure({})
        self.request_log.clear()
        self.counters.clear()
        self.route_counts.clear()
        self.past_secrets.update(self.known_secrets())
        self.load_seed(self.dated(self.read_seed_file()))
        self.changed()
        return json_response(200, {'status': 'reset'})

    def _control_seed(self, request: Request) -> Response:
        doc = self._control_body(request)
        if not isinstance(doc, dict):
            return json_response(400, {'error': 'the seed must be a JSON object'})
        self.past_secrets.update(self.known_secrets())
        try:
            self.load_seed(self.dated(doc))
        except (KeyError, TypeError, ValueError) as exc:
            self.load_seed(self.dated(self.read_seed_file()))
            return json_response(400, {'error': f'invalid seed: {exc!r}'})
        self.changed()
        return json_response(200, {'status': 'seeded'})

    def _control_config(self, request: Request) -> Response:
        doc = self._control_body(request)
        if not isinstance(doc, dict):
            return json_response(400, {'error': 'the config must be a JSON object'})
        try:
            for key, value in doc.items():
                if key not in self.default_config():
                    raise ValueError(f'unknown setting {key!r}; known: {sorted(self.default_config())}')
                if not tamper.validate(key, value):
                    self.validate_config(key, value)
        except ValueError as exc:
            return json_response(400, {'error': str(exc)})
        self.config.update(doc)
        self.changed()
        return json_response(200, self.config)

    def _control_faults(self, request: Request) -> Response:
        doc = self._control_body(request)
        try:
            self.fault_injector.configure(doc if isinstance(doc, dict) else {'rate': 'invalid'})
        except faults.FaultConfigError as exc:
            return json_response(400, {'error': str(exc)})
        self.changed()
        return json_response(200, self.fault_injector.describe())

    def _control_clear_requests(self, _request: Request) -> Response:
        self.request_log.clear()
        return Response(204)

    def _control_counters(self, _request: Request) -> Response:
        doc: dict[str, Any] = {'requests': 0, 'faults': 0, **{name: 0 for name in self.COUNTER_NAMES}}
        doc.update(self.counters)
        doc['by_route'] = dict(self.route_counts)
        return json_response(200, doc)


class _RequestHandler(BaseHTTPRequestHandler):
    """Turns http.server callbacks into Request objects for the owning SimServer."""

    protocol_version = 'HTTP/1.1'
    server_version = 'Microsoft-IIS/10.0'
    sys_version = ''
    sim: SimServer

    def _dispatch(self) -> None:
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        url = urlsplit(self.path)
        request = Request(self.command, url.path, parse_qs(url.query, keep_blank_values=True), self.headers, body)
        response = self.sim.handle(request)
        if response is None:
            self.close_connection = True
            return
        self.send_response(response.status)
        if response.content_type:
            self.send_header('Content-Type', response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def log_message(self, *_args: Any) -> None:
        """Silence the per-request stderr line; /_sim/requests is the log."""
