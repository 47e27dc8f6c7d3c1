# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Clumio modules with ClumioClient mocked: bad input fails before any call, restores are idempotent."""

from __future__ import annotations

import types

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ClumioClient, ClumioConnection
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiConnectionError, ApiError
from ansible_collections.recoverops.restore.plugins.modules import (
    clumio_dynamodb_backup_info,
    clumio_dynamodb_records_restore,
    clumio_dynamodb_restore,
    clumio_dynamodb_table_info,
    clumio_task_info,
)

METHODS = ('list_backups', 'get_backup', 'list_tables', 'get_table', 'find_table', 'resolve_environment', 'restore_table',
           'restore_records', 'get_task', 'list_tasks', 'abort_task', 'find_restore_tasks', 'close')
REAL_FIND_TABLE = ClumioClient.find_table  # the table_info tests run the real name matching over a mocked list_tables
TOKEN = 'clumio-unit-token-0123456789'
ENV = 'env-1'
BACKUP = {'id': 'b-1', 'table_id': 't-1', 'table_name': 'orders',
          'global_secondary_indexes': [{'index_name': 'by-customer', 'key_schema': [{'attribute_name': 'customer', 'key_type': 'HASH'}],
                                        'projection': {'projection_type': 'ALL', 'non_key_attributes': []},
                                        'provisioned_throughput': {'read_capacity_units': 5, 'write_capacity_units': 5}}],
          'local_secondary_indexes': [{'index_name': 'by-date', 'key_schema': [{'attribute_name': 'pk', 'key_type': 'HASH'},
                                                                               {'attribute_name': 'date', 'key_type': 'RANGE'}],
                                       'projection': {'projection_type': 'KEYS_ONLY', 'non_key_attributes': []}}],
          'tags': [{'key': 'team', 'value': 'sales'}], 'billing_mode': 'PAY_PER_REQUEST', 'table_class': 'STANDARD',
          'sse_specification': {'kms_key_type': 'DEFAULT', 'kms_master_key_id': None},
          'stream_specification': {'enabled': True, 'view_type': 'NEW_IMAGE'}}


@pytest.fixture(autouse=True)
def no_clumio_env(monkeypatch):
    for name in ('CLUMIO_API_TOKEN', 'CLUMIO_API_BASE_URL', 'CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clumio(mocker):
    mocks = types.SimpleNamespace()
    for name in METHODS:
        setattr(mocks, name, mocker.patch.object(ClumioClient, name, autospec=True))
    mocks.connect = mocker.spy(ClumioConnection, 'client')
    return mocks


def run(run_module, module, args, **kwargs):
    return run_module(module, dict({'api_token': TOKEN}, **args), connection=False, **kwargs)


RESTORE = {'backup_id': 'b-1', 'target_table_name': 'orders-restored', 'environment_id': ENV, 'poll_interval': 1}

BAD_INPUTS = [
    (clumio_dynamodb_restore, dict(RESTORE, target_table_name='x'), 'target_table_name'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PROVISIONED'), 'provisioned_throughput'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PAY_PER_REQUEST',
                                   provisioned_throughput={'read_capacity_units': 5, 'write_capacity_units': 5}), 'provisioned_throughput'),
    (clumio_dynamodb_restore, dict(RESTORE, sse_specification={'kms_key_type': 'CUSTOMER_MANAGED'}), 'kms_master_key_id'),
    (clumio_dynamodb_restore, dict(RESTORE, global_secondary_indexes=[{
        'index_name': 'g', 'key_schema': [{'attribute_name': 'a', 'key_type': 'HASH'}], 'projection': {'projection_type': 'INCLUDE'}}]),
     'global_secondary_indexes[0].projection.non_key_attributes'),
    (clumio_dynamodb_restore, dict(RESTORE, local_secondary_indexes=[{
        'index_name': 'l', 'key_schema': [{'attribute_name': 'a', 'key_type': 'HASH'}],
        'projection': {'projection_type': 'ALL', 'non_key_attributes': ['x']}}]), 'local_secondary_indexes[0]'),
    (clumio_dynamodb_restore, dict(RESTORE, stream_specification={'enabled': True}), 'stream_specification.view_type'),
    (clumio_dynamodb_restore, {'continuous_backup': {'table_id': 't-1'}, 'target_table_name': 'abc', 'environment_id': ENV}, 'continuous_backup'),
    (clumio_dynamodb_restore, {'continuous_backup': {'table_id': 't-1', 'timestamp': 'yesterday'}, 'target_table_name': 'abc',
                               'environment_id': ENV}, 'continuous_backup.timestamp'),
    (clumio_dynamodb_restore, {'backup_id': 'b-1', 'target_table_name': 'abc', 'target_account_id': '12', 'target_region': 'us-east-1'},
     'target_account_id'),
    (clumio_dynamodb_restore, dict(RESTORE, restore_wcu=0), 'restore_wcu'),
    (clumio_dynamodb_restore, dict(RESTORE, api_url='ftp://clumio'), 'api_url'),
    (clumio_dynamodb_backup_info, {'table_id': 't-1', 'point_in_time': 'not a time'}, 'point_in_time'),
    (clumio_dynamodb_backup_info, {'table_id': 't-1', 'max_backups': 0}, 'max_backups'),
    (clumio_dynamodb_records_restore, {'backup_id': 'b-1', 'partition_key_filter': {'condition': 'Between', 'values': ['a']}},
     'partition_key_filter.values'),
    (clumio_dynamodb_records_restore, {'backup_id': 'b-1', 'sort_key_filter': {'condition': 'Like', 'values': ['a']}},
     'sort_key_filter.condition'),
    (clumio_dynamodb_records_restore, {'backup_id': 'b-1', 'delivery': 'email', 'recipient_emails': ['not-an-address']}, 'recipient_emails'),
    (clumio_task_info, {'abort': True}, 'task_id'),
]


@pytest.mark.parametrize('module, args, option', BAD_INPUTS)
def test_bad_input_names_the_option_and_calls_nothing(clumio, run_module, module, args, option):
    code, result = run(run_module, module, args)
    assert code == 1
    assert option in result['msg']
    assert 'Traceback' not in result['msg']
    assert clumio.connect.call_count == 0
    assert clumio.restore_table.call_count == 0


def test_missing_token_is_named(clumio, run_module):
    code, result = run_module(clumio_dynamodb_restore, dict(RESTORE), connection=False)
    assert code == 1 and 'api_token' in result['msg']
    assert clumio.connect.call_count == 0


def test_latest_takes_one_backup_from_the_lazy_listing(clumio, run_module):
    taken = []

    def backups(_self, *_args, **_kwargs):
        for number in range(1000):
            taken.append(number)
            yield {'id': 'b-%d' % number}

    clumio.list_backups.side_effect = backups
    code, result = run(run_module, clumio_dynamodb_backup_info, {'table_id': 't-1', 'latest': True})
    assert code == 0
    assert [backup['id'] for backup in result['backups']] == ['b-0']
    assert taken == [0]
    assert clumio.list_backups.call_args.kwargs['page_size'] == 1


def test_restore_keeps_source_configuration_and_waits(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.return_value = {'task_id': 'task-1', '_embedded': {'read-task': {'id': 'task-1', 'status': 'queued'}}}
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'completed'}
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] and result['restore_started']
    body = clumio.restore_table.call_args.args[1]
    assert body['source'] == {'securevault_backup': {'backup_id': 'b-1'}}
    target = body['target']
    assert [index['index_name'] for index in target['global_secondary_indexes']] == ['by-customer']
    assert [index['index_name'] for index in target['local_secondary_indexes']] == ['by-date']
    assert target['tags'] == [{'key': 'team', 'value': 'sales'}]
    assert 'sse_specification' not in target  # DEFAULT key: same as null
    assert target['stream_specification'] == {'enabled': True, 'view_type': 'NEW_IMAGE'}
    assert result['task']['outcome'] == 'succeeded'
    assert TOKEN not in str(result)


def test_restore_without_source_configuration_sends_only_given_fields(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    # Without waiting, the shared finish still reads the task once, as for every product.
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'queued'}
    code, _result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, keep_source_configuration=False, wait=False, tags={'a': 'b'}))
    assert code == 0
    expected = {'environment_id': ENV, 'table_name': 'orders-restored', 'tags': [{'key': 'a', 'value': 'b'}]}
    assert clumio.restore_table.call_args.args[1]['target'] == expected


def test_rerun_while_a_restore_runs_waits_for_it(clumio, run_module):
    clumio.find_restore_tasks.return_value = [{'id': 'task-9', 'status': 'in_progress'}]
    clumio.get_task.return_value = {'id': 'task-9', 'status': 'completed'}
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0
    assert result['changed'] is False and result['restore_started'] is False
    assert clumio.restore_table.call_count == 0
    assert result['task']['id'] == 'task-9'


def test_rerun_after_the_table_was_restored_changes_nothing(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = {'id': 't-2', 'name': 'orders-restored'}
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0 and result['changed'] is False
    assert clumio.restore_table.call_count == 0


def test_check_mode_starts_nothing(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE), check_mode=True)
    assert code == 0 and result['changed'] is True
    assert clumio.restore_table.call_count == 0


def test_failed_task_reports_entity_type_and_timings(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'failed', 'type': 'aws_dynamodb_table_restore',
                                    'primary_entity': {'type': 'aws_dynamodb_table', 'value': 'orders-restored', 'id': 't-1'},
                                    'created_timestamp': '2026-01-01T00:00:00Z', 'start_timestamp': '2026-01-01T00:00:01Z',
                                    'end_timestamp': '2026-01-01T00:00:09Z'}
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    for text in ('task-1', 'failed', 'aws_dynamodb_table', 'orders-restored', '2026-01-01T00:00:09Z'):
        assert text in result['msg']
    assert result['restore_started'] is True


def test_a_wait_that_times_out_still_reports_the_task_it_started(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'in_progress', 'progress_percentage': 40}
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, wait_timeout=0))
    assert code == 1
    assert 'The Clumio task task-1 is still running' in result['msg']
    assert result['restore_started'] is True and result['task']['id'] == 'task-1'
    assert result['wait']['state'] == 'in_progress'


def test_a_lost_answer_finds_the_task_it_made_instead_of_posting_again(clumio, run_module):
    old = {'id': 'task-old', 'status': 'failed', 'primary_entity': {'value': 'orders-restored'}}
    new = {'id': 'task-new', 'status': 'completed', 'primary_entity': {'value': 'orders-restored'}}
    clumio.find_restore_tasks.side_effect = [[old], [old, new]]
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.side_effect = ApiConnectionError('connection reset by peer')
    clumio.get_task.return_value = new
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert clumio.restore_table.call_count == 1
    assert result['task']['id'] == 'task-new'


def test_a_lost_answer_with_no_task_posts_again_then_gives_up_clearly(clumio, run_module):
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = None
    clumio.get_backup.return_value = BACKUP
    clumio.restore_table.side_effect = ApiError('502 Bad Gateway', status=502)
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    assert clumio.restore_table.call_count == 3
    assert 'sent 3 times' in result['msg'] and 'orders-restored' in result['msg']


def test_environment_is_resolved_from_account_and_region(clumio, run_module):
    clumio.resolve_environment.return_value = ENV
    clumio.find_restore_tasks.return_value = []
    clumio.find_table.return_value = {'id': 'x'}
    args = {'backup_id': 'b-1', 'target_table_name': 'orders-restored', 'target_account_id': '123456789012', 'target_region': 'us-east-1'}
    code, _result = run(run_module, clumio_dynamodb_restore, args)
    assert code == 0
    assert clumio.resolve_environment.call_args.args[1:] == ('123456789012', 'us-east-1')


def test_preview_returns_rows_and_changes_nothing(clumio, run_module):
    clumio.restore_records.return_value = {'preview_result': {'attributes': ['pk'], 'items': [['a']]}}
    code, result = run(run_module, clumio_dynamodb_records_restore,
                       {'backup_id': 'b-1', 'partition_key_filter': {'condition': 'EqualTo', 'values': ['a']}})
    assert code == 0 and result['changed'] is False
    assert result['preview']['items'] == [['a']]
    assert result['request']['target'] == {'preview': True}


def test_abort_of_a_running_task(clumio, run_module):
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'in_progress'}
    clumio.abort_task.return_value = {'id': 'task-1', 'status': 'aborting'}
    code, result = run(run_module, clumio_task_info, {'task_id': 'task-1', 'abort': True})
    assert code == 0 and result['changed'] is True
    assert result['tasks'][0]['status'] == 'aborting'


def test_abort_of_a_finished_task_changes_nothing(clumio, run_module):
    clumio.get_task.return_value = {'id': 'task-1', 'status': 'completed'}
    code, result = run(run_module, clumio_task_info, {'task_id': 'task-1', 'abort': True})
    assert code == 0 and result['changed'] is False
    assert clumio.abort_task.call_count == 0


# -- clumio_dynamodb_table_info --------------------------------------------------------------------------
def _table(table_id, name, account='111111111111', region='us-east-1'):
    return {'id': table_id, 'name': name, 'account_native_id': account, 'aws_region': region}


def _clumio_list_tables(tables):
    """list_tables as Clumio answers it: name $contains, account and region $eq."""
    def listing(_self, name=None, account=None, region=None, _environment_id=None):
        return [table for table in tables if (not name or name in table['name']) and (not account or table['account_native_id'] == account)
                and (not region or table['aws_region'] == region)]
    return listing


def test_table_info_matches_the_name_exactly_among_substring_hits(clumio, run_module):
    clumio.find_table.side_effect = REAL_FIND_TABLE
    clumio.list_tables.side_effect = _clumio_list_tables([
        _table('t-archive', 'orders-archive'), _table('t-old', 'old-orders'), _table('t-orders', 'orders'), _table('t-ORDERS', 'ORDERS'),
        _table('t-other', 'inventory')])
    code, result = run(run_module, clumio_dynamodb_table_info, {'table_name': 'orders'})
    assert code == 0, result
    assert result['changed'] is False
    assert [table['id'] for table in result['tables']] == ['t-orders']
    assert clumio.list_tables.call_args.args[1:] == ('orders', None, None, None)


def test_table_info_name_only_contained_in_others_fails(clumio, run_module):
    clumio.find_table.side_effect = REAL_FIND_TABLE
    clumio.list_tables.side_effect = _clumio_list_tables([_table('t-archive', 'orders-archive'), _table('t-old', 'old-orders')])
    code, result = run(run_module, clumio_dynamodb_table_info, {'table_name': 'orders', 'aws_region': 'us-east-1'})
    assert code == 1
    assert "No DynamoDB table named 'orders' in region us-east-1" in result['msg']
    assert 't-archive' not in result['msg']


def test_table_info_name_in_two_accounts_lists_both_candidates(clumio, run_module):
    clumio.find_table.side_effect = REAL_FIND_TABLE
    clumio.list_tables.side_effect = _clumio_list_tables([
        _table('t-a', 'orders', '111111111111', 'us-east-1'), _table('t-b', 'orders', '222222222222', 'us-east-1'),
        _table('t-c', 'orders-archive', '333333333333', 'us-east-1')])
    code, result = run(run_module, clumio_dynamodb_table_info, {'table_name': 'orders'})
    assert code == 1
    assert 'matches 2 tables' in result['msg']
    assert 'id t-a (account 111111111111, region us-east-1)' in result['msg']
    assert 'id t-b (account 222222222222, region us-east-1)' in result['msg']
    assert 't-c' not in result['msg'] and '333333333333' not in result['msg']
    assert 'account_native_id' in result['msg'] and 'aws_region' in result['msg']
    assert 'tables' not in result or not result['tables']


def test_table_info_account_and_region_narrow_a_shared_name(clumio, run_module):
    clumio.find_table.side_effect = REAL_FIND_TABLE
    clumio.list_tables.side_effect = _clumio_list_tables([
        _table('t-a', 'orders', '111111111111', 'us-east-1'), _table('t-a2', 'orders', '111111111111', 'us-west-2'),
        _table('t-b', 'orders', '222222222222', 'us-east-1')])
    code, result = run(run_module, clumio_dynamodb_table_info,
                       {'table_name': 'orders', 'account_native_id': '222222222222', 'aws_region': 'us-east-1'})
    assert code == 0, result
    assert [table['id'] for table in result['tables']] == ['t-b']
    assert clumio.list_tables.call_args.args[1:] == ('orders', '222222222222', 'us-east-1', None)


def test_table_info_without_a_name_lists_with_the_filters(clumio, run_module):
    clumio.list_tables.return_value = [_table('t-a', 'orders'), _table('t-b', 'inventory')]
    code, result = run(run_module, clumio_dynamodb_table_info, {'aws_region': 'us-west-2', 'environment_id': ENV})
    assert code == 0, result
    assert [table['id'] for table in result['tables']] == ['t-a', 't-b']
    assert clumio.list_tables.call_args.args[1:] == (None, None, 'us-west-2', ENV)
    assert clumio.find_table.call_count == 0


def test_table_info_by_id_gets_that_table(clumio, run_module):
    clumio.get_table.return_value = _table('t-a', 'orders')
    code, result = run(run_module, clumio_dynamodb_table_info, {'table_id': 't-a'})
    assert code == 0, result
    assert result['tables'] == [_table('t-a', 'orders')]
    assert clumio.get_table.call_args.args[1] == 't-a'
    assert clumio.list_tables.call_count == 0


@pytest.mark.parametrize('args, options', [
    ({'table_name': 'orders', 'aws_region': 'US_EAST_1'}, ['aws_region']),
    ({'table_name': 'orders', 'aws_region': 'us-east'}, ['aws_region']),
    ({'table_name': 'orders', 'account_native_id': '1234'}, ['account_native_id']),
    ({'table_name': 'orders', 'account_native_id': 'abc', 'aws_region': 'east'}, ['account_native_id', 'aws_region']),
    ({'table_id': 't-a', 'table_name': 'orders'}, ['table_id', 'table_name']),
    ({'table_id': 't-a', 'aws_region': 'us-east-1'}, ['table_id', 'aws_region']),
])
def test_table_info_bad_input_names_the_option_and_calls_nothing(clumio, run_module, args, options):
    code, result = run(run_module, clumio_dynamodb_table_info, args)
    assert code == 1
    for option in options:
        assert option in result['msg']
    assert 'Traceback' not in result['msg']
    assert clumio.connect.call_count == 0
    assert clumio.list_tables.call_count == 0 and clumio.get_table.call_count == 0
