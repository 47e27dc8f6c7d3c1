# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over normalized restore points; the logic is the modules' own (_restore_points.py)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    age_seconds,
    human_duration as _human_duration,
    iso_z,
    parse_duration,
    parse_timestamp,
    select_restore_point,
)


def newest_restore_point(points, point_in_time=None):
    """The newest point, or the newest at or before point_in_time; None when none qualifies."""
    try:
        return select_restore_point(points or [], point_in_time)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError('newest_restore_point: %s' % exc) from exc


def restore_point_age(point):
    """Age of a restore point in seconds, from its created_at."""
    try:
        return age_seconds(point)
    except (TypeError, ValueError, KeyError) as exc:
        raise AnsibleFilterError('restore_point_age: %s' % exc) from exc


def duration_seconds(value, name='duration_seconds'):
    """Seconds from 3600, '90s', '15m', '24h', '7d' or '1w'; errors name `name` (the variable checked)."""
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise AnsibleFilterError('%s: %s' % (name, exc)) from exc


def human_duration(seconds):
    """Seconds as a person reads them (45 s, 15.0 min, 26.1 h, 7.0 d): the collection's messages and reports show durations so."""
    try:
        return _human_duration(seconds)
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('human_duration: %r is not a number of seconds' % (seconds,)) from exc


def utc_timestamp(value, name='utc_timestamp'):
    """An ISO 8601 time as UTC ending in Z; errors name `name` (the variable checked)."""
    try:
        return iso_z(parse_timestamp(value))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('%s: %s' % (name, exc)) from exc


class FilterModule:
    def filters(self):
        return {
            'newest_restore_point': newest_restore_point,
            'restore_point_age': restore_point_age,
            'duration_seconds': duration_seconds,
            'human_duration': human_duration,
            'utc_timestamp': utc_timestamp,
        }
