# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Input rules several products share, each checked before any request.

Every rule matches the whole string (`fullmatch`): `re.match` with `^...$` lets a final newline
through, and "orders-drill\\n" is not a table name. Each raises OptionError with the option's name
and what it accepts. Ids that go into a URL path are also quoted as one path segment
(`path_segment`), so even an id a rule let through cannot reach another endpoint.
"""

from __future__ import annotations

import math
import re
from urllib.parse import quote

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_duration, parse_timestamp, utc_now

UUID = re.compile(r'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}')
TABLE_NAME = re.compile(r'[a-zA-Z0-9_.-]{3,255}')
REGION = re.compile(r'[a-z]{2}(-[a-z]+)+-[0-9]')
ACCOUNT = re.compile(r'[0-9]{12}')
URL = re.compile(r'https?://[^/\s?#]+(/[^\s]*)?')
ARN = re.compile(r'arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:[0-9]{0,12}:[^\s]+')
# An id of the product's own form that is safe in a path: letters, digits and - _ . : only, no "..".
PATH_ID = re.compile(r'[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*')

# DynamoDB's documented maximum for a table's provisioned read or write capacity units without a
# quota increase is 40,000 per table (the adjustable account quota); the API itself caps a Long.
CAPACITY_DEFAULT_QUOTA = 40000
CAPACITY_MAX = 2 ** 63 - 1


def _fail(name, accepts, value):
    raise OptionError('%s must be %s, got %r' % (name, accepts, value))


def whole(name, value, pattern, accepts):
    """`value` when the whole of it matches `pattern`; None passes (the option is unset)."""
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        _fail(name, accepts, value)
    return value


def uuid(name, value):
    return whole(name, value, UUID, 'a UUID such as 497f6eca-6276-4993-bfeb-53cbbbba6f08')


def table_name(name, value):
    return whole(name, value, TABLE_NAME, '3 to 255 characters of a-z, A-Z, 0-9, _, - and .')


def region(name, value):
    return whole(name, value, REGION, 'an AWS region such as us-east-1')


def account(name, value):
    return whole(name, value, ACCOUNT, 'a 12-digit AWS account id')


def url(name, value, example):
    return whole(name, value, URL, 'an http:// or https:// URL such as %s' % example)


def arn(name, value, example, contains=None):
    whole(name, value, ARN, 'an ARN such as %s' % example)
    if value is not None and contains and contains not in value:
        _fail(name, 'an ARN such as %s' % example, value)
    return value


def path_id(name, value, example):
    """An id of the product's own (non-uuid) form that can stand as one URL path segment."""
    return whole(name, value, PATH_ID, 'an id such as %s (letters, digits, -, _, . and :)' % example)


def not_blank(name, value):
    if value is not None and (not isinstance(value, str) or not value.strip() or value != value.strip()):
        _fail(name, 'a non-empty string without leading or trailing spaces or newlines', value)
    return value


def capacity(name, value, quota=CAPACITY_DEFAULT_QUOTA, warn=None):
    """Capacity units: an integer of 1 or more; above the adjustable quota is a warning, not a refusal."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= CAPACITY_MAX:
        _fail(name, 'a whole number of capacity units from 1 to %d' % CAPACITY_MAX, value)
    if value > quota and warn:
        warn('%s is %d, above the default DynamoDB quota of %d per table; the restore fails unless the account '
             'quota was raised' % (name, value, quota))
    return value


def at_least(name, value, minimum, unit=''):
    if value is not None and (isinstance(value, bool) or value < minimum):
        _fail(name, '%s%s or more' % (minimum, unit), value)
    return value


def timestamp(name, value, allow_future=False):
    """An aware UTC datetime; a moment in the future is refused where nothing can be restored from it."""
    if value is None:
        return None
    if isinstance(value, str) and value != value.strip():
        _fail(name, 'an ISO 8601 timestamp such as 2026-11-20T08:00:00Z, without spaces or newlines around it', value)
    try:
        moment = parse_timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise OptionError('%s: %s' % (name, exc)) from None
    if not allow_future and moment > utc_now():
        raise OptionError('%s %r is in the future; restore points can only be at or before now' % (name, value))
    return moment


def duration(name, value):
    """Seconds from a duration (3600, '90s', '15m', '24h', '7d'); empty and NaN are refused."""
    if value is None:
        return None
    try:
        seconds = parse_duration(value)
    except (TypeError, ValueError) as exc:
        raise OptionError('%s: %s' % (name, exc)) from None
    if math.isnan(seconds) or math.isinf(seconds):
        _fail(name, 'a duration such as 3600, 90s, 15m, 24h, 7d or 1w', value)
    return seconds


def choice(name, value, choices):
    if value is not None and value not in choices:
        _fail(name, 'one of %s' % ', '.join(str(item) for item in choices), value)
    return value


def known_keys(name, value, accepted):
    """A dict option whose keys must be among `accepted` (e.g. botocore's Config settings)."""
    if value is None:
        return None
    unknown = sorted(set(value) - set(accepted))
    if unknown:
        raise OptionError('%s has unknown keys %s; accepted: %s' % (name, ', '.join(unknown), ', '.join(sorted(accepted))))
    return value


def path_segment(value):
    """`value` quoted as exactly one URL path segment (/, ?, # and % escaped)."""
    return quote(str(value), safe='')
