# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared input rules match whole strings and name the option; ids are quoted as one path segment."""

from __future__ import annotations

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError

UUID = '497f6eca-6276-4993-bfeb-53cbbbba6f08'


@pytest.mark.parametrize('rule, good', [
    (_checks.uuid, UUID),
    (_checks.table_name, 'orders-drill'),
    (_checks.region, 'us-east-1'),
    (_checks.account, '123456789012'),
])
def test_a_trailing_newline_or_a_path_never_passes(rule, good):
    assert rule('option', good) == good
    assert rule('option', None) is None
    for bad in (good + '\n', '\n' + good, good + '/..', good + '?x=1', good + '#x', ' ' + good, ''):
        with pytest.raises(OptionError, match='^option must be'):
            rule('option', bad)


@pytest.mark.parametrize('rule, bad', [
    (_checks.region, 'us-east-\u0661'),  # ARABIC-INDIC DIGIT ONE matches \\d, not [0-9]
    (_checks.account, '12345678901\u0663'),
    (lambda name, value: _checks.arn(name, value, 'arn:aws:iam::123456789012:role/x'), 'arn:aws:iam::12345678901\u0662:role/x'),
])
def test_only_ascii_digits_pass(rule, bad):
    with pytest.raises(OptionError, match='^option must be'):
        rule('option', bad)


@pytest.mark.parametrize('value', ['38', 'j-1.2', 'task_0001', 'arn:x'])
def test_product_ids_of_their_own_form_pass(value):
    assert _checks.path_id('session_id', value, 'example') == value


@pytest.mark.parametrize('value', ['..', 'a/..', '../b', 'a?b', 'a#b', 'a b', 'a\n', 'a..b', '.hidden', ''])
def test_path_ids_refuse_what_could_reach_another_endpoint(value):
    with pytest.raises(OptionError, match='^session_id must be an id such as 38'):
        _checks.path_id('session_id', value, '38')


def test_path_segment_quotes_everything_that_could_leave_the_segment():
    assert _checks.path_segment('a/../b?c#d e') == 'a%2F..%2Fb%3Fc%23d%20e'
    assert _checks.path_segment(UUID) == UUID


def test_capacity_is_a_whole_number_bounded_by_the_api_and_warns_above_the_quota():
    warnings = []
    assert _checks.capacity('read_capacity_units', 5, warn=warnings.append) == 5 and warnings == []
    assert _checks.capacity('read_capacity_units', 50000, warn=warnings.append) == 50000
    assert 'above the default DynamoDB quota of 40000' in warnings[0]
    for bad in (0, -1, 10 ** 30, True, 1.5):
        with pytest.raises(OptionError, match='^read_capacity_units must be a whole number'):
            _checks.capacity('read_capacity_units', bad)


def test_timestamps_refuse_the_future_surrounding_space_and_nonsense():
    assert _checks.timestamp('point_in_time', '2026-11-20T08:00:00Z').year == 2026
    assert _checks.timestamp('created_after', '2999-01-01T00:00:00Z', allow_future=True).year == 2999
    with pytest.raises(OptionError, match='is in the future'):
        _checks.timestamp('point_in_time', '2999-01-01T00:00:00Z')
    with pytest.raises(OptionError, match='without spaces or newlines'):
        _checks.timestamp('point_in_time', '2026-11-20T08:00:00Z\n')
    with pytest.raises(OptionError, match='^point_in_time: '):
        _checks.timestamp('point_in_time', 'last tuesday')


def test_durations_refuse_nan_and_infinity():
    assert _checks.duration('rpo', '24h') == 86400
    for bad in (float('nan'), float('inf'), 'soon', -5):
        with pytest.raises(OptionError, match='^rpo'):
            _checks.duration('rpo', bad)


def test_known_keys_names_the_unknown_ones_and_the_accepted():
    assert _checks.known_keys('aws_config', {'retries': {}}, ['retries', 'read_timeout']) == {'retries': {}}
    with pytest.raises(OptionError, match='^aws_config has unknown keys retires; accepted: read_timeout, retries$'):
        _checks.known_keys('aws_config', {'retires': {}}, ['retries', 'read_timeout'])


def test_not_blank_and_arn():
    with pytest.raises(OptionError):
        _checks.not_blank('reason', '  ')
    assert _checks.arn('iam_role_arn', 'arn:aws:iam::123456789012:role/x', 'arn:...') == 'arn:aws:iam::123456789012:role/x'
    with pytest.raises(OptionError):
        _checks.arn('backup_arn', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'arn:...', contains='/backup/')
