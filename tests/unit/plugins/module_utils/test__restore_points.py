# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Timestamps, durations, the normalized restore point and point selection."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    FIELDS,
    human_duration,
    iso_z,
    newest_first,
    parse_duration,
    parse_timestamp,
    restore_point,
    select_restore_point,
    within_rpo,
)

UTC = datetime.timezone.utc


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize('value, expected', [
    ('2026-11-20T08:00:00Z', at(2026, 11, 20, 8)),
    ('2026-11-20T08:00:00z', at(2026, 11, 20, 8)),
    ('2026-11-20T09:00:00+01:00', at(2026, 11, 20, 8)),
    ('2026-11-20T03:30:00-04:30', at(2026, 11, 20, 8)),
    ('2026-11-20T08:00:00.1234567Z', at(2026, 11, 20, 8, 0, 0, 123456)),
    ('2026-11-20T08:00:00.5Z', at(2026, 11, 20, 8, 0, 0, 500000)),
    ('2026-11-20', at(2026, 11, 20)),
    ('2026-11-20T08:00:00', at(2026, 11, 20, 8)),
    ('2026-11-20 08:00:00', at(2026, 11, 20, 8)),
    (' 2026-11-20T08:00:00Z ', at(2026, 11, 20, 8)),
    (0, at(1970, 1, 1)),
    (1795564800, at(2026, 11, 25)),
    (1795564800.5, at(2026, 11, 25, 0, 0, 0, 500000)),
    (datetime.datetime(2026, 11, 20, 8), at(2026, 11, 20, 8)),
    (datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=1))), at(2026, 11, 20, 8)),
])
def test_parse_timestamp(value, expected):
    parsed = parse_timestamp(value)
    assert parsed == expected
    assert parsed.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize('value', ['yesterday', '2026-13-01', '20/11/2026', '', True, None])
def test_parse_timestamp_rejects_with_the_accepted_forms(value):
    with pytest.raises(ValueError) as caught:
        parse_timestamp(value)
    assert 'ISO 8601' in str(caught.value)
    assert '2026-11-20T08:00:00Z' in str(caught.value)


def test_iso_z():
    assert iso_z(at(2026, 11, 20, 8, 0, 0, 999999)) == '2026-11-20T08:00:00Z'
    assert iso_z(parse_timestamp('2026-11-20T09:15:00+01:00')) == '2026-11-20T08:15:00Z'


def test_restore_point_has_every_field_and_normalizes_created_at():
    point = restore_point(id='p1', created_at='2026-11-20T09:00:00.1234567+01:00')
    assert tuple(point) == FIELDS
    assert point['created_at'] == '2026-11-20T08:00:00Z'
    assert point['region'] is None
    assert restore_point(id='p2')['created_at'] is None
    with pytest.raises(TypeError):
        restore_point(id='p3', colour='blue')


def point(point_id, created_at):
    return restore_point(id=point_id, created_at=created_at)


POINTS = [
    point('mid', '2026-11-20T12:00:00Z'),
    point('new', '2026-11-21T02:00:00+01:00'),  # 01:00Z
    point('old', '2026-11-19T23:59:59Z'),
    point('undated', None),
]


def test_newest_first():
    assert [p['id'] for p in newest_first(POINTS)] == ['new', 'mid', 'old', 'undated']


def test_select_newest():
    assert select_restore_point(POINTS)['id'] == 'new'


@pytest.mark.parametrize('point_in_time, expected', [
    ('2026-11-21T00:59:59Z', 'mid'),
    ('2026-11-21T01:00:00Z', 'new'),   # at the limit counts
    ('2026-11-21T02:00:00+01:00', 'new'),
    ('2026-11-20T13:00:00+01:00', 'mid'),
    ('2026-11-20', 'old'),
    ('2030-01-01T00:00:00Z', 'new'),
])
def test_select_newest_at_or_before(point_in_time, expected):
    assert select_restore_point(POINTS, point_in_time)['id'] == expected


def test_select_none_qualifies():
    assert select_restore_point(POINTS, '2026-11-19T00:00:00Z') is None
    assert select_restore_point([]) is None
    assert select_restore_point([point('undated', None)], '2030-01-01') is None


def test_select_rejects_a_bad_point_in_time():
    with pytest.raises(ValueError):
        select_restore_point(POINTS, 'last tuesday')


@pytest.mark.parametrize('max_age, expected', [
    ('24h', True),
    (86400, True),      # exactly at the limit is within
    ('86399', False),
    ('1d', True),
    ('23h', False),
    ('1w', True),
])
def test_within_rpo(max_age, expected):
    now = at(2026, 11, 21, 12)
    assert within_rpo(point('p', '2026-11-20T12:00:00Z'), max_age, now=now) is expected


@pytest.mark.parametrize('value, seconds', [
    (90, 90.0),
    (1.5, 1.5),
    ('90', 90.0),
    ('90s', 90.0),
    ('15m', 900.0),
    ('24h', 86400.0),
    ('1.5h', 5400.0),
    ('7d', 604800.0),
    ('1w', 604800.0),
    (' 2 h ', 7200.0),
    (0, 0.0),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize('value, fragment', [
    ('abc', 'not a duration'),
    ('15x', 'not a duration'),
    ('-5m', 'not a duration'),
    ('', 'not a duration'),
    ('h', 'not a duration'),
    (None, 'not a duration'),
    (True, 'not a duration'),
    (-5, 'negative'),
    (-0.5, 'negative'),
])
def test_parse_duration_errors(value, fragment):
    with pytest.raises(ValueError) as caught:
        parse_duration(value)
    assert fragment in str(caught.value)


@pytest.mark.parametrize('seconds, text', [
    (None, '-'),
    (0, '0 s'),
    (45.4, '45 s'),
    (119, '119 s'),
    (120, '2.0 min'),
    (3600, '60.0 min'),
    (7200, '2.0 h'),
    (93784.0, '26.1 h'),
    (172800, '2.0 d'),
    (604800, '7.0 d'),
    ('3600', '60.0 min'),
])
def test_human_duration(seconds, text):
    """The one way the collection shows a duration: seconds, then minutes, hours, days from twice the unit."""
    assert human_duration(seconds) == text
