# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_aws_dynamodb_restore_point_info: latest, point_in_time, table_name, input checks."""

from __future__ import annotations

import datetime
import inspect

from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import VeeamAwsClient
from ansible_collections.recoverops.restore.plugins.modules import veeam_aws_dynamodb_restore_point_info as info_module

TABLE_ID = '594d2af8-df57-46d8-b05d-20ea4264ee38'
POINT_ID = '497f6eca-6276-4993-bfeb-53cbbbba6f08'


def raw_point(index, created):
    return {'id': '00000000-0000-4000-8000-%012d' % index, 'dynamoDbId': TABLE_ID, 'name': 'orders',
            'regionName': 'us-east-1', 'jobType': 'AwsDynamoDbBackup', 'createTimeUtc': created}


NEWEST_FIRST = [raw_point(3, '2026-11-21T18:00:00Z'), raw_point(2, '2026-11-21T06:00:00Z'),
                raw_point(1, '2026-11-20T18:00:00Z')]


def list_call(mock_method):
    """The arguments of the one list_restore_points call, by name."""
    assert mock_method.call_count == 1
    call = mock_method.call_args
    bound = inspect.signature(VeeamAwsClient.list_restore_points).bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    return bound.arguments


def test_latest_asks_for_one_item(veeam, run_module):
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST[:1])
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'latest': True})
    assert code == 0
    assert result['changed'] is False
    assert [point['id'] for point in result['restore_points']] == [NEWEST_FIRST[0]['id']]
    assert result['restore_points'][0]['created_at'] == '2026-11-21T18:00:00Z'
    assert result['restore_points'][0]['product'] == 'veeam_aws'
    arguments = list_call(veeam.list_restore_points)
    assert arguments['max_items'] == 1
    assert arguments['filters']['DynamoDbId'] == TABLE_ID


def test_without_latest_every_point_is_listed(veeam, run_module):
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST)
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID})
    assert code == 0
    assert len(result['restore_points']) == 3
    assert list_call(veeam.list_restore_points)['max_items'] is None


def test_point_in_time_picks_the_newest_at_or_before(veeam, run_module):
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST)
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'point_in_time': '2026-11-21T12:00:00+01:00'})
    assert code == 0
    assert [point['id'] for point in result['restore_points']] == [NEWEST_FIRST[1]['id']]


def test_point_in_time_equal_to_a_point_selects_it(veeam, run_module):
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST)
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'point_in_time': '2026-11-20T18:00:00Z'})
    assert code == 0
    assert [point['id'] for point in result['restore_points']] == [NEWEST_FIRST[2]['id']]


def test_point_in_time_before_every_point_returns_none(veeam, run_module):
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST)
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'point_in_time': '2026-11-01'})
    assert code == 0
    assert result['restore_points'] == []


def test_future_point_in_time_fails_before_any_call(veeam, run_module):
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=2)).strftime('%Y-%m-%dT%H:%M:%SZ')
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'point_in_time': future})
    assert code == 1
    assert 'point_in_time' in result['msg'] and 'future' in result['msg']
    veeam.connect.assert_not_called()
    veeam.list_restore_points.assert_not_called()


def test_unreadable_point_in_time_fails_naming_the_option(veeam, run_module):
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'point_in_time': 'yesterday'})
    assert code == 1
    assert result['msg'].startswith('point_in_time: ')
    assert 'ISO 8601' in result['msg']
    veeam.connect.assert_not_called()


def test_table_name_is_resolved_to_its_id(veeam, run_module):
    table = {'id': TABLE_ID, 'name': 'orders', 'regionId': 'us-east-1', 'resourceAwsAccountId': '123456789012'}
    veeam.find_table.return_value = table
    veeam.list_restore_points.return_value = iter(NEWEST_FIRST[:1])
    code, result = run_module(info_module, {'table_name': 'orders', 'table_region': 'us-east-1',
                                            'resource_aws_account_id': '123456789012', 'latest': True})
    assert code == 0
    assert result['table'] == table
    assert veeam.find_table.call_args.args[1:] == ('orders', '123456789012', 'us-east-1', None)
    filters = list_call(veeam.list_restore_points)['filters']
    assert filters['DynamoDbId'] == TABLE_ID
    assert filters['ResourceAwsAccountId'] == '123456789012'


def test_one_point_by_id(veeam, run_module):
    veeam.get_restore_point.return_value = dict(NEWEST_FIRST[0], id=POINT_ID)
    code, result = run_module(info_module, {'restore_point_id': POINT_ID})
    assert code == 0
    assert [point['id'] for point in result['restore_points']] == [POINT_ID]
    veeam.list_restore_points.assert_not_called()


def test_malformed_dynamodb_id_fails_before_any_call(veeam, run_module):
    code, result = run_module(info_module, {'dynamodb_id': 'orders'})
    assert code == 1
    assert 'dynamodb_id' in result['msg']
    veeam.connect.assert_not_called()


def test_latest_and_point_in_time_are_exclusive(veeam, run_module):
    code, result = run_module(info_module, {'dynamodb_id': TABLE_ID, 'latest': True,
                                            'point_in_time': '2026-11-20T00:00:00Z'})
    assert code == 1
    assert 'latest' in result['msg'] and 'point_in_time' in result['msg']
    veeam.connect.assert_not_called()
