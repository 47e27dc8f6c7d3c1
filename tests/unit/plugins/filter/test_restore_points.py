from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.recoverops.restore.plugins.filter.restore_points import FilterModule

FILTERS = FilterModule().filters()
POINTS = [
    {'id': 'b', 'created_at': '2026-11-20T02:00:00Z'},
    {'id': 'c', 'created_at': '2026-11-21T02:00:00Z'},
    {'id': 'a', 'created_at': '2026-11-19T02:00:00Z'},
]


def test_newest_restore_point_picks_the_newest():
    assert FILTERS['newest_restore_point'](POINTS)['id'] == 'c'


def test_newest_restore_point_at_or_before_a_time():
    assert FILTERS['newest_restore_point'](POINTS, '2026-11-21T01:59:59Z')['id'] == 'b'
    assert FILTERS['newest_restore_point'](POINTS, '2026-11-20T03:00:00+01:00')['id'] == 'b'
    assert FILTERS['newest_restore_point'](POINTS, '2026-11-01T00:00:00Z') is None


def test_newest_restore_point_bad_time_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match='ISO 8601'):
        FILTERS['newest_restore_point'](POINTS, 'last tuesday')


def test_restore_point_age_grows_with_time():
    age = FILTERS['restore_point_age']({'created_at': '2026-01-01T00:00:00Z'})
    assert age > 300 * 86400


def test_duration_seconds():
    assert FILTERS['duration_seconds']('24h') == 86400
    assert FILTERS['duration_seconds']('15m') == 900
    assert FILTERS['duration_seconds'](90) == 90
    with pytest.raises(AnsibleFilterError, match='duration'):
        FILTERS['duration_seconds']('soon')


def test_utc_timestamp_normalizes_and_names_the_variable():
    assert FILTERS['utc_timestamp']('2026-11-21T15:05:00+01:00') == '2026-11-21T14:05:00Z'
    with pytest.raises(AnsibleFilterError, match='^restore_latest_point_in_time: .*ISO 8601'):
        FILTERS['utc_timestamp']('last tuesday', 'restore_latest_point_in_time')
    with pytest.raises(AnsibleFilterError, match='^restore_latest_max_age: '):
        FILTERS['duration_seconds']('soon', 'restore_latest_max_age')


def test_human_duration_shows_an_age_in_hours():
    assert FILTERS['human_duration'](93784.0) == '26.1 h'
    assert FILTERS['human_duration'](45) == '45 s'
    assert FILTERS['human_duration'](None) == '-'


def test_human_duration_of_a_word_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="human_duration: 'soon' is not a number of seconds"):
        FILTERS['human_duration']('soon')
