# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""boto3 calls as the AWS modules make them: an AWS error becomes OperationFailed naming the call and
its code, a lost answer to a start becomes AnswerLost, output becomes JSON-ready data."""

from __future__ import annotations

import datetime

from ansible_collections.recoverops.restore.plugins.module_utils._errors import AnswerLost, ApiError, OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp

try:
    import botocore.exceptions
except ImportError:
    AWS_ERRORS = ()
    LOST_ERRORS = ()
else:
    AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
    # No answer, or a cut one, to a call that was sent: it may have acted.
    LOST_ERRORS = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError,
                   botocore.exceptions.ReadTimeoutError)


def call(client, operation, **kwargs):
    """client.<operation>(**kwargs); an AWS error becomes OperationFailed naming the call and the code."""
    try:
        return getattr(client, operation)(**kwargs)
    except AWS_ERRORS as exc:
        raise OperationFailed(describe_error(client, operation, exc), error=error_details(exc)) from None


def paginate(client, operation, result_key, **kwargs):
    """The items of every page of a paginated operation, fetched as they are consumed."""
    try:
        for page in client.get_paginator(operation).paginate(**kwargs):
            yield from page.get(result_key, [])
    except AWS_ERRORS as exc:
        raise OperationFailed(describe_error(client, operation, exc), error=error_details(exc)) from None


def error_code(exc):
    return (getattr(exc, 'response', None) or {}).get('Error', {}).get('Code')


def error_details(exc):
    error = (getattr(exc, 'response', None) or {}).get('Error', {})
    return {'code': error.get('Code'), 'message': error.get('Message') or str(exc)}


def describe_error(client, operation, exc):
    service = client.meta.service_model.service_id if hasattr(client, 'meta') else 'AWS'
    name = ''.join(part.capitalize() for part in operation.split('_'))
    details = error_details(exc)
    if details['code']:
        return '%s %s failed: %s: %s' % (service, name, details['code'], details['message'])
    return '%s %s failed: %s' % (service, name, details['message'])


def plain(value):
    """boto3 output as JSON-ready data: datetimes as ISO 8601 Z strings."""
    if isinstance(value, datetime.datetime):
        return iso_z(parse_timestamp(value))
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if key != 'ResponseMetadata'}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def arn_parts(arn):
    """(region, account) of an ARN, None for what it does not carry."""
    parts = (arn or '').split(':', 5)
    if len(parts) < 6:
        return None, None
    return parts[3] or None, parts[4] or None


def start_call(client, operation, **kwargs):
    """A call that starts a restore: an answer that may have been lost after AWS acted raises AnswerLost
    (an HTTP 500 an ApiError with status 500: looked up, never resent), so the restore flow looks it up."""
    try:
        return getattr(client, operation)(**kwargs)
    except LOST_ERRORS as exc:
        raise AnswerLost(describe_error(client, operation, exc)) from None
    except AWS_ERRORS as exc:
        status = (getattr(exc, 'response', None) or {}).get('ResponseMetadata', {}).get('HTTPStatusCode')
        if status == 500:
            raise ApiError(describe_error(client, operation, exc), status=500) from None
        if status is not None and status >= 500:
            raise AnswerLost(describe_error(client, operation, exc), status=status) from None
        raise OperationFailed(describe_error(client, operation, exc), error=error_details(exc)) from None


def is_missing(exc, codes):
    """Whether an AWS error says the resource is not there: one of `codes`, or a bare 404."""
    return error_code(exc) in codes or (getattr(exc, 'response', None) or {}).get('ResponseMetadata', {}).get('HTTPStatusCode') == 404
