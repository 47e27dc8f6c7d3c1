# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The exceptions every layer raises, so no vendor file imports the module engine to raise one."""

from __future__ import annotations

# A POST answered by a proxy's 502/504 may have reached the product; a 2xx whose body could not be
# read was acted on. Either way the restore may be running: look it up before sending it again.
LOST_ANSWER_STATUSES = frozenset((502, 504))
# A 500 to a POST may or may not have acted: look the restore up, but never send it again blindly.
UNKNOWN_OUTCOME_STATUSES = frozenset((500,))


class OptionError(ValueError):
    """An option's value is not acceptable; `msg` names the option and what it accepts."""

    def __init__(self, msg):
        super().__init__(msg)
        self.msg = msg


class OperationFailed(Exception):
    """A module-level failure that carries the result so far (e.g. the id of a started restore)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


class ApiError(Exception):
    """A request failed; `msg` is safe to show (secrets redacted)."""

    def __init__(self, msg, status=None, method=None, url=None, body=None):
        super().__init__(msg)
        self.msg = msg
        self.status = status
        self.method = method
        self.url = url
        self.body = body


class ApiConnectionError(ApiError):
    """No HTTP answer at all: refused, dropped, timed out. The server may or may not have acted."""


class AnswerLost(ApiError):
    """A product SDK (boto3) lost the answer to a call that may have acted; raised by the vendor file."""


class WaitTimeout(Exception):
    """The job did not reach a terminal state within wait_timeout; the result so far is attached."""

    def __init__(self, msg, result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


def answer_lost(exc):
    """True when a request that changes something may have acted although its answer never arrived."""
    if isinstance(exc, (ApiConnectionError, AnswerLost)):
        return True
    status = getattr(exc, 'status', None)
    return isinstance(exc, ApiError) and status is not None and (status in LOST_ANSWER_STATUSES or 200 <= status < 300)


def outcome_unknown(exc):
    """True when the server failed in a way that says nothing about whether it acted (HTTP 500)."""
    return isinstance(exc, ApiError) and getattr(exc, 'status', None) in UNKNOWN_OUTCOME_STATUSES
