"""The AWS Backup simulator's errors: restJson1 error answers, and a restore job that ends FAILED."""
from __future__ import annotations

import uuid

from simulators.common.server import HttpError, Response, json_response

BOOLEANS = ('true', 'false')


def aws_error(status: int, code: str, message: str) -> Response:
    """A restJson1 error: botocore reads the code from x-amzn-ErrorType and the message from the body."""
    body = {'Code': code, 'Message': message, '__type': code}
    return json_response(status, body, 'application/json', {'x-amzn-ErrorType': code, 'x-amzn-RequestId': str(uuid.uuid4())})


def fail(code: str, message: str, status: int = 400) -> HttpError:
    """The model gives Backup's error shapes no httpStatusCode, so they are all 400 (client errors)."""
    return HttpError(aws_error(status, code, message))


def bad_metadata(message: str) -> HttpError:
    return fail('InvalidParameterValueException', message)


def check_booleans(metadata: dict, *keys: str) -> None:
    for key in keys:
        if key in metadata and str(metadata[key]).lower() not in BOOLEANS:
            raise bad_metadata(f'Metadata {key} must be true or false, got {metadata[key]!r}.')


class RestoreFailure(Exception):
    """A restore job that ends FAILED; the message becomes its StatusMessage."""
