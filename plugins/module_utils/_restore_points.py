# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The normalized restore point every product maps to, timestamps, and point selection."""

from __future__ import annotations

import datetime
import math
import re

UTC = datetime.timezone.utc
FIELDS = ('id', 'product', 'resource_id', 'resource_name', 'created_at', 'size_bytes', 'kind', 'region',
          'account', 'raw')
_DURATION = re.compile(r'\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*')
_DURATION_UNITS = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 604800}


def restore_point(**fields):
    """A normalized restore point: every field of FIELDS present, created_at as ISO 8601 Z."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError('unknown restore point fields: %s' % ', '.join(sorted(unknown)))
    point = dict.fromkeys(FIELDS)
    point.update(fields)
    if point['created_at'] is not None:
        point['created_at'] = iso_z(parse_timestamp(point['created_at']))
    return point


def parse_timestamp(value):
    """An aware UTC datetime from ISO 8601 (Z, offsets, fractions, date only), epoch or datetime.

    Raises ValueError with the accepted forms when the value cannot be read.
    """
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, UTC)
    text = str(value).strip()
    if re.fullmatch(r'\d{4}-\d{2}-\d{2}', text):
        text += 'T00:00:00'
    text = re.sub(r'[zZ]$', '+00:00', text.replace(' ', 'T', 1))
    # Python 3.11 reads up to 6 fractional digits; .NET servers send 7.
    text = re.sub(r'(\.\d{6})\d+', r'\1', text)
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError('%r is not an ISO 8601 timestamp such as 2026-11-20T08:00:00Z or '
                         '2026-11-20T09:00:00+01:00' % (value,)) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def iso_z(moment):
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def utc_now():
    return datetime.datetime.now(UTC)


def parse_duration(value):
    """Seconds from 90, '90', '90s', '15m', '24h', '7d', '1w'; ValueError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.fullmatch(str(value))
        if not match:
            raise ValueError('%r is not a duration such as 3600, 90s, 15m, 24h, 7d or 1w' % (value,))
        seconds = float(match.group(1)) * _DURATION_UNITS[match.group(2)]
    if not math.isfinite(seconds):
        raise ValueError('%r is not a duration such as 3600, 90s, 15m, 24h, 7d or 1w' % (value,))
    if seconds < 0:
        raise ValueError('%r is negative; a duration must be 0 or more' % (value,))
    return seconds


def human_duration(seconds):
    """A duration as a person reads it: '45 s', '15.0 min', '26.1 h', '7.0 d'; '-' for None.

    Seconds up to 2 minutes, then minutes, hours and days from twice the unit (90 s, not 1.5 min), one decimal.
    Every message and report of the collection that shows a duration uses this (the drill report, the wait
    timeouts, the restore_latest RPO refusal), so the same time reads the same everywhere.
    """
    if seconds is None:
        return '-'
    seconds = float(seconds)
    for unit, size in (('d', 86400), ('h', 3600), ('min', 60)):
        if seconds >= 2 * size:
            return '%.1f %s' % (seconds / size, unit)
    return '%.0f s' % seconds


def newest_first(points):
    return sorted(points, key=lambda point: point['created_at'] or '', reverse=True)


def select_restore_point(points, point_in_time=None):
    """The newest point, or the newest at or before `point_in_time`; None when none qualifies."""
    limit = iso_z(parse_timestamp(point_in_time)) if point_in_time is not None else None
    for point in newest_first(points):
        if limit is None or (point['created_at'] and point['created_at'] <= limit):
            return point
    return None


def age_seconds(point, now=None):
    return ((now or utc_now()) - parse_timestamp(point['created_at'])).total_seconds()


def within_rpo(point, max_age, now=None):
    """True when the point is no older than `max_age` (seconds or a duration string)."""
    return age_seconds(point, now) <= parse_duration(max_age)
