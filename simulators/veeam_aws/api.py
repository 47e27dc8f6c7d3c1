"""VBAWS request conventions: problem bodies, the x-api-version header, query parameter parsing."""
from __future__ import annotations

import re
import uuid
from typing import Any, Iterable

from simulators.common.server import HttpError, Request, Response, json_response

SUPPORTED_VERSIONS = ('1.8-rev0', '1.7-rev1', '1.7-rev0', '1.6-rev0', '1.5-rev1', '1.5-rev0')
PROBLEM_TYPE = '/api/v1/problems/'
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
DEFAULT_TYPES = {
    400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed',
    429: 'tooManyRequests', 500: 'internalServerError', 503: 'serviceUnavailable',
}
DEFAULT_CODES = {
    400: 'UnexpectedContent', 401: 'AccessDenied', 403: 'AccessDenied', 404: 'NotFound', 405: 'MethodNotAllowed',
    429: 'ServiceUnavailable', 500: 'UnknownError', 503: 'ServiceUnavailable',
}


def problem(status: int, title: str, details: str = '', *, error_code: str | None = None, problem_type: str | None = None,
            instance: str | None = None) -> Response:
    body = {
        'type': PROBLEM_TYPE + (problem_type or DEFAULT_TYPES.get(status, 'error')),
        'title': title,
        'status': status,
        'errorCode': error_code or DEFAULT_CODES.get(status, 'UnknownError'),
        'details': details,
        'instance': instance,
    }
    return json_response(status, body, 'application/problem+json; charset=utf-8')


def bad_request(details: str, title: str = 'Bad Request') -> HttpError:
    return HttpError(problem(400, title, details, error_code='UnexpectedContent'))


def not_found(details: str) -> HttpError:
    return HttpError(problem(404, 'Not Found', details, error_code='NotFound'))


def check_api_version(request: Request) -> None:
    version = request.header('x-api-version')
    if not version:
        raise HttpError(problem(400, 'API version is not specified',
                                'The x-api-version header is required.', problem_type='apiVersionUnspecified'))
    if version not in SUPPORTED_VERSIONS:
        raise HttpError(problem(400, 'Unsupported API version', f"API version '{version}' is not supported. "
                                f"The following versions are supported: {', '.join(SUPPORTED_VERSIONS)}.",
                                problem_type='unsupportedApiVersion'))


def check_uuid(value: str, what: str) -> str:
    if not UUID_RE.match(value or ''):
        raise bad_request(f"The value '{value}' is not valid for {what}: a UUID is expected.")
    return str(uuid.UUID(value))


class Query:
    """The query string of one request, checked against the parameters an endpoint knows.

    Names are case-sensitive like the product's: 'limit' is an unknown parameter, not 'Limit'.
    """

    def __init__(self, request: Request, allowed: Iterable[str], repeatable: Iterable[str] = ()) -> None:
        self.values = request.query
        repeatable = set(repeatable)
        for name, values in self.values.items():
            if name not in allowed:
                raise bad_request(f"The query parameter '{name}' is not supported. Supported parameters: {', '.join(allowed)}.")
            if len(values) > 1 and name not in repeatable:
                raise bad_request(f"The query parameter '{name}' must not be repeated.")

    def text(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[-1] if values else None

    def many(self, name: str, enum: Iterable[str]) -> list[str]:
        enum = list(enum)
        values = [part for value in self.values.get(name, []) for part in value.split(',') if part]
        for value in values:
            if value not in enum:
                raise bad_request(f"The value '{value}' is not valid for {name}. Allowed values: {', '.join(enum)}.")
        return values

    def integer(self, name: str, minimum: int) -> int | None:
        text = self.text(name)
        if text is None:
            return None
        if not re.fullmatch(r'-?\d{1,10}', text) or not minimum <= int(text) <= 2**31 - 1:
            raise bad_request(f"The value '{text}' is not valid for {name}: an integer >= {minimum} is expected.")
        return int(text)

    def uuid(self, name: str) -> str | None:
        text = self.text(name)
        return None if text is None else check_uuid(text, name)

    def paging(self) -> tuple[int, int]:
        """(Offset, Limit) with the product's defaults: from the start, everything (-1)."""
        offset = self.integer('Offset', 0)
        limit = self.integer('Limit', -1)
        return offset or 0, -1 if limit is None else limit


def page(results: list[Any], total: int, request: Request) -> Response:
    query = '&'.join(f'{name}={value}' for name, values in request.query.items() for value in values)
    href = request.path + (f'?{query}' if query else '')
    return json_response(200, {'totalCount': total, 'results': results, '_links': [{'rel': 'self', 'href': href, 'method': 'GET'}]})


def window(items: list[Any], offset: int, limit: int) -> list[Any]:
    return items[offset:] if limit == -1 else items[offset:offset + limit]


def sort_items(items: list[Any], sorts: list[str], keys: dict[str, Any]) -> list[Any]:
    """Apply Sort values (first one most significant) with stable sorts, least significant first."""
    for value in reversed(sorts):
        column, descending = (value[:-4], True) if value.endswith('Desc') else (value[:-3], False)
        items = sorted(items, key=keys[column], reverse=descending)
    return items


def json_object(request: Request) -> dict[str, Any]:
    if request.media_type() not in ('application/json', 'application/json-patch+json', 'text/json', 'application/*+json'):
        raise bad_request(f"Content type '{request.media_type() or 'none'}' is not supported; use application/json.",
                          title='Unsupported content type')
    try:
        body = request.json()
    except ValueError as exc:
        raise bad_request(f'The request body is not valid JSON: {exc}') from exc
    if not isinstance(body, dict):
        raise bad_request('The request body must be a JSON object.')
    return body
