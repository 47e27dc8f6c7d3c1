# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Clumio modules with ClumioClient mocked: bad input fails before any call, restores run on the one restore flow."""

from __future__ import annotations

import types

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.recoverops.restore.plugins.module_utils import _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._clumio import UNCONFIRMED, ClumioClient, ClumioConnection
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiConnectionError, ApiError
from ansible_collections.recoverops.restore.plugins.modules import (
    clumio_dynamodb_backup_info,
    clumio_dynamodb_records_restore,
    clumio_dynamodb_restore,
    clumio_dynamodb_table_info,
    clumio_task_info,
)
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

METHODS = ('list_backups', 'get_backup', 'list_tables', 'get_table', 'find_table', 'get_environment', 'find_environment',
           'restore_table', 'restore_records', 'get_task', 'list_tasks', 'abort_task', 'find_restore_tasks', 'close')
REAL_FIND_TABLE = ClumioClient.find_table  # the table_info tests run the real name matching over a mocked list_tables
REAL_FIND_RESTORE_TASKS = ClumioClient.find_restore_tasks
TOKEN = 'clumio-unit-token-0123456789'
ENV = 'env-1'
ENVIRONMENT = {'id': ENV, 'account_native_id': '111111111111', 'aws_region': 'us-east-1'}
BACKUP = {'id': 'b-1', 'table_id': 't-1', 'table_name': 'orders', 'start_timestamp': '2026-11-21T01:00:00Z',
          'account_native_id': '111111111111', 'aws_region': 'us-east-1', 'type': 'clumio_backup',
          'global_secondary_indexes': [{'index_name': 'by-customer', 'key_schema': [{'attribute_name': 'customer', 'key_type': 'HASH'}],
                                        'projection': {'projection_type': 'ALL', 'non_key_attributes': []},
                                        'provisioned_throughput': {'read_capacity_units': 5, 'write_capacity_units': 5}}],
          'local_secondary_indexes': [{'index_name': 'by-date', 'key_schema': [{'attribute_name': 'pk', 'key_type': 'HASH'},
                                                                               {'attribute_name': 'date', 'key_type': 'RANGE'}],
                                       'projection': {'projection_type': 'KEYS_ONLY', 'non_key_attributes': []}}],
          'tags': [{'key': 'team', 'value': 'sales'}], 'billing_mode': 'PAY_PER_REQUEST', 'table_class': 'STANDARD',
          'sse_specification': {'kms_key_type': 'DEFAULT', 'kms_master_key_id': None},
          'stream_specification': {'enabled': True, 'view_type': 'NEW_IMAGE'}}
TABLE = {'id': 't-1', 'name': 'orders', 'account_native_id': '111111111111', 'aws_region': 'us-east-1', 'environment_id': ENV,
         'billing_mode': 'PROVISIONED', 'provisioned_throughput': {'read_capacity_units': 4, 'write_capacity_units': 3},
         'global_secondary_indexes': [dict(BACKUP['global_secondary_indexes'][0],
                                           provisioned_throughput={'read_capacity_units': 2, 'write_capacity_units': 1})]}
TABLE_TYPE = UNCONFIRMED['table_restore_task_type']
RECORDS_TYPE = UNCONFIRMED['records_restore_task_type']


def task(task_id, status, kind=TABLE_TYPE, value='orders-restored', **extra):
    return dict({'id': task_id, 'type': kind, 'status': status, 'category': 'restore', 'created_timestamp': '2026-11-22T10:00:00Z',
                 'start_timestamp': '2026-11-22T10:00:05Z', 'end_timestamp': '2026-11-22T10:02:05Z' if status == 'completed' else None,
                 'primary_entity': {'id': 't-1', 'type': 'aws_dynamodb_table', 'value': value},
                 'parent_entity': {'id': ENV, 'type': 'aws_environment', 'value': '111111111111/us-east-1'}}, **extra)


@pytest.fixture(autouse=True)
def no_clumio_env(monkeypatch):
    for name in ('CLUMIO_API_TOKEN', 'CLUMIO_API_BASE_URL', 'CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def fake_time(mocker):
    """The flow's waits (for a task to appear after a lost answer, and for the restore) run on a fake clock."""
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)

    mocker.patch.object(_restore, 'wait_for_job', side_effect=waiting)
    return clock


@pytest.fixture
def clumio(mocker):
    mocks = types.SimpleNamespace()
    for name in METHODS:
        setattr(mocks, name, mocker.patch.object(ClumioClient, name, autospec=True))
    mocks.connect = mocker.spy(ClumioConnection, 'client')
    mocks.get_environment.return_value = ENVIRONMENT
    mocks.find_environment.return_value = ENVIRONMENT
    mocks.get_backup.return_value = BACKUP
    mocks.get_table.return_value = TABLE
    mocks.find_restore_tasks.return_value = []
    mocks.find_table.return_value = None
    return mocks


def run(run_module, module, args, **kwargs):
    return run_module(module, dict({'api_token': TOKEN}, **args), connection=False, **kwargs)


RESTORE = {'backup_id': 'b-1', 'target_table_name': 'orders-restored', 'environment_id': ENV, 'poll_interval': 1}
RECORDS = {'backup_id': 'b-1', 'partition_key_filter': {'condition': 'EqualTo', 'values': ['o-1']}, 'delivery': 'direct_download',
           'poll_interval': 1}
CONTINUOUS = {'continuous_backup': {'table_id': 't-1', 'timestamp': '2026-11-21T06:00:00Z'}, 'target_table_name': 'orders-pitr',
              'environment_id': ENV}
GSI_WITH_UNITS = [{'index_name': 'g', 'key_schema': [{'attribute_name': 'a', 'key_type': 'HASH'}],
                   'projection': {'projection_type': 'ALL'}, 'provisioned_throughput': {'read_capacity_units': 1, 'write_capacity_units': 1}}]

BAD_INPUTS = [
    (clumio_dynamodb_restore, dict(RESTORE, target_table_name='x'), 'target_table_name'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PROVISIONED'), 'provisioned_throughput'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PAY_PER_REQUEST',
                                   provisioned_throughput={'read_capacity_units': 5, 'write_capacity_units': 5}), 'provisioned_throughput'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PAY_PER_REQUEST', global_secondary_indexes=GSI_WITH_UNITS),
     'global_secondary_indexes[0].provisioned_throughput applies only to billing_mode PROVISIONED'),
    (clumio_dynamodb_restore, dict(RESTORE, sse_specification={'kms_key_type': 'CUSTOMER_MANAGED'}), 'kms_master_key_id'),
    (clumio_dynamodb_restore, dict(RESTORE, global_secondary_indexes=[{
        'index_name': 'g', 'key_schema': [{'attribute_name': 'a', 'key_type': 'HASH'}], 'projection': {'projection_type': 'INCLUDE'}}]),
     'global_secondary_indexes[0].projection.non_key_attributes'),
    (clumio_dynamodb_restore, dict(RESTORE, local_secondary_indexes=[{
        'index_name': 'l', 'key_schema': [{'attribute_name': 'a', 'key_type': 'HASH'}],
        'projection': {'projection_type': 'ALL', 'non_key_attributes': ['x']}}]), 'local_secondary_indexes[0]'),
    (clumio_dynamodb_restore, dict(RESTORE, stream_specification={'enabled': True}), 'stream_specification.view_type'),
    (clumio_dynamodb_restore, {'continuous_backup': {'table_id': 't-1'}, 'target_table_name': 'abc', 'environment_id': ENV}, 'continuous_backup'),
    (clumio_dynamodb_restore, dict(CONTINUOUS, continuous_backup={'table_id': 't-1', 'timestamp': 'yesterday'}), 'continuous_backup.timestamp'),
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
    (clumio_dynamodb_records_restore, {'backup_id': 'b-1', 'delivery': 'email', 'recipient_emails': ['a@example.com\n']}, 'recipient_emails'),
    (clumio_dynamodb_records_restore, {'backup_id': 'b-1', 'force': True}, 'force'),
    (clumio_task_info, {'abort': True}, 'task_id'),
]
# Issue 14: a trailing newline in every string option with a form, and path characters in every id.
NEWLINE_INPUTS = [
    (clumio_dynamodb_restore, dict(RESTORE, target_table_name='orders-restored\n'), 'target_table_name'),
    (clumio_dynamodb_restore, {'backup_id': 'b-1', 'target_table_name': 'abc', 'target_account_id': '111111111111',
                               'target_region': 'us-east-1\n'}, 'target_region'),
    (clumio_dynamodb_restore, {'backup_id': 'b-1', 'target_table_name': 'abc', 'target_account_id': '111111111111\n',
                               'target_region': 'us-east-1'}, 'target_account_id'),
    (clumio_dynamodb_restore, dict(RESTORE, environment_id='env-1\n'), 'environment_id'),
    (clumio_dynamodb_restore, dict(RESTORE, backup_id='b-1\n'), 'backup_id'),
    (clumio_dynamodb_restore, dict(CONTINUOUS, continuous_backup={'table_id': 't-1\n', 'use_latest_restorable_time': True}),
     'continuous_backup.table_id'),
    (clumio_dynamodb_restore, dict(CONTINUOUS, continuous_backup={'table_id': 't-1', 'timestamp': '2026-11-21T06:00:00Z\n'}),
     'continuous_backup.timestamp'),
    (clumio_dynamodb_records_restore, dict(RECORDS, backup_id='b-1\n'), 'backup_id'),
    (clumio_dynamodb_records_restore, {'continuous_backup': {'table_id': 't-1\n', 'use_latest_restorable_time': True}}, 'table_id'),
    (clumio_dynamodb_records_restore, {'continuous_backup': {'table_id': 't-1', 'timestamp': '2026-11-21T06:00:00Z\n'},
                                       'delivery': 'direct_download'}, 'continuous_backup.timestamp'),
    (clumio_task_info, {'task_id': 'task-1\n'}, 'task_id'),
    (clumio_dynamodb_table_info, {'table_id': 't-1\n'}, 'table_id'),
    (clumio_dynamodb_table_info, {'table_name': 'orders\n'}, 'table_name'),
    (clumio_dynamodb_table_info, {'table_name': 'orders', 'aws_region': 'us-east-1\n'}, 'aws_region'),
    (clumio_dynamodb_backup_info, {'backup_id': 'b-1\n'}, 'backup_id'),
    (clumio_dynamodb_backup_info, {'table_id': 't-1', 'point_in_time': '2026-11-21T06:00:00Z\n'}, 'point_in_time'),
]
PATH_IDS = ['b-1/../tasks', 'b-1?embed=x', 'b-1#x', '..', 'b 1', 'a/b']
PATH_INPUTS = (
    [(clumio_dynamodb_restore, dict(RESTORE, backup_id=value), 'backup_id') for value in PATH_IDS]
    + [(clumio_dynamodb_restore, dict(CONTINUOUS, continuous_backup={'table_id': value, 'use_latest_restorable_time': True}),
        'continuous_backup.table_id') for value in PATH_IDS]
    + [(clumio_dynamodb_restore, dict(RESTORE, environment_id=value), 'environment_id') for value in PATH_IDS]
    + [(clumio_dynamodb_records_restore, dict(RECORDS, backup_id=value), 'backup_id') for value in PATH_IDS]
    + [(clumio_task_info, {'task_id': value}, 'task_id') for value in PATH_IDS]
    + [(clumio_task_info, {'task_id': value, 'abort': True}, 'task_id') for value in PATH_IDS]
    + [(clumio_dynamodb_table_info, {'table_id': value}, 'table_id') for value in PATH_IDS]
    + [(clumio_dynamodb_backup_info, {'backup_id': value}, 'backup_id') for value in PATH_IDS]
)
LATE_INPUTS = [
    (clumio_dynamodb_restore, dict(CONTINUOUS, continuous_backup={'table_id': 't-1', 'timestamp': '2999-01-01T00:00:00Z'}),
     'continuous_backup.timestamp'),
    (clumio_dynamodb_records_restore, {'continuous_backup': {'table_id': 't-1', 'timestamp': '2999-01-01T00:00:00Z'},
                                       'delivery': 'direct_download'}, 'continuous_backup.timestamp'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PROVISIONED',
                                   provisioned_throughput={'read_capacity_units': 10 ** 30, 'write_capacity_units': 5}),
     'provisioned_throughput.read_capacity_units'),
    (clumio_dynamodb_restore, dict(RESTORE, restore_wcu=10 ** 30), 'restore_wcu'),
    (clumio_dynamodb_restore, dict(RESTORE, billing_mode='PROVISIONED', provisioned_throughput={'read_capacity_units': 5, 'write_capacity_units': 5},
                                   global_secondary_indexes=[dict(GSI_WITH_UNITS[0], provisioned_throughput={
                                       'read_capacity_units': 10 ** 30, 'write_capacity_units': 1})]),
     'global_secondary_indexes[0].provisioned_throughput.read_capacity_units'),
]


@pytest.mark.parametrize('module, args, option', BAD_INPUTS + NEWLINE_INPUTS + PATH_INPUTS + LATE_INPUTS)
def test_bad_input_names_the_option_and_calls_nothing(clumio, run_module, module, args, option):
    code, result = run(run_module, module, args)
    assert code == 1, result
    assert option in result['msg']
    assert 'Traceback' not in result['msg'] and 'Unexpected error' not in result['msg']
    assert clumio.connect.call_count == 0
    assert clumio.restore_table.call_count == 0 and clumio.restore_records.call_count == 0


def test_capacity_above_the_default_quota_warns_and_restores(clumio, run_module, mocker):
    # Spied, not read off result['warnings']: once the controller's Display is set up (other test files do),
    # ansible-core no longer puts module warnings in the result.
    warn = mocker.spy(AnsibleModule, 'warn')
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = task('task-1', 'completed')
    args = dict(RESTORE, billing_mode='PROVISIONED', provisioned_throughput={'read_capacity_units': 50000, 'write_capacity_units': 5})
    code, result = run(run_module, clumio_dynamodb_restore, args)
    assert code == 0, result
    assert any('provisioned_throughput.read_capacity_units is 50000, above the default DynamoDB quota' in str(call.args[1])
               for call in warn.call_args_list)
    sent = clumio.restore_table.call_args.args[1]['target']['provisioned_throughput']
    assert sent == {'read_capacity_units': 50000, 'write_capacity_units': 5}


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


# -- clumio_dynamodb_restore on the restore flow ------------------------------------------------------
def test_restore_keeps_source_configuration_waits_and_returns_the_job(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1', '_embedded': {'read-task': task('task-1', 'queued')}}
    clumio.get_task.return_value = task('task-1', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] is True and result['existing'] is False
    body = clumio.restore_table.call_args.args[1]
    assert body['source'] == {'securevault_backup': {'backup_id': 'b-1'}}
    target = body['target']
    assert [index['index_name'] for index in target['global_secondary_indexes']] == ['by-customer']
    # Issue 16 item 7: the source is on demand, so its index carries no throughput.
    assert 'provisioned_throughput' not in target['global_secondary_indexes'][0]
    assert target['billing_mode'] == 'PAY_PER_REQUEST' and 'provisioned_throughput' not in target
    assert [index['index_name'] for index in target['local_secondary_indexes']] == ['by-date']
    assert target['tags'] == [{'key': 'team', 'value': 'sales'}]
    assert 'sse_specification' not in target  # DEFAULT key: same as null
    assert target['stream_specification'] == {'enabled': True, 'view_type': 'NEW_IMAGE'}
    assert result['task_id'] == 'task-1' and result['task']['outcome'] == 'succeeded'
    job = result['job']
    assert job['id'] == 'task-1' and job['product'] == 'clumio' and job['reused'] is False
    assert job['state'] == 'completed' and job['outcome'] == 'succeeded'
    assert (job['started_at'], job['finished_at'], job['duration_seconds']) == ('2026-11-22T10:00:05Z', '2026-11-22T10:02:05Z', 120.0)
    assert job['created_resource'] == {'type': 'dynamodb_table', 'name': 'orders-restored', 'region': 'us-east-1',
                                       'account': '111111111111', 'environment_id': ENV}
    assert job['restore_point']['id'] == 'b-1' and job['restore_point']['created_at'] == '2026-11-21T01:00:00Z'
    assert job['request'] == body == result['request']
    assert result['target'] == {'table_name': 'orders-restored', 'environment_id': ENV, 'region': 'us-east-1', 'account': '111111111111'}
    kind, name = clumio.find_restore_tasks.call_args.args[1:3]
    assert (kind, name) == ('table_restore_task_type', 'orders-restored')
    assert clumio.find_restore_tasks.call_args.kwargs['parent_id'] == ENV
    assert clumio.find_restore_tasks.call_args.kwargs['since'].isoformat() == '2026-11-21T00:58:00+00:00'
    assert TOKEN not in str(result)


def test_continuous_restore_keeps_a_provisioned_tables_index_units(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = task('task-1', 'completed', value='orders-pitr')
    code, result = run(run_module, clumio_dynamodb_restore, dict(CONTINUOUS))
    assert code == 0, result
    body = clumio.restore_table.call_args.args[1]
    assert body['source'] == {'continuous_backup': {'table_id': 't-1', 'type': 'aws_pitr', 'timestamp': '2026-11-21T06:00:00Z'}}
    assert body['target']['billing_mode'] == 'PROVISIONED'
    assert body['target']['provisioned_throughput'] == {'read_capacity_units': 4, 'write_capacity_units': 3}
    assert body['target']['global_secondary_indexes'][0]['provisioned_throughput'] == {'read_capacity_units': 2, 'write_capacity_units': 1}
    assert result['restore_point']['kind'] == 'aws_pitr' and result['restore_point']['created_at'] == '2026-11-21T06:00:00Z'
    assert clumio.get_table.call_args.args[1] == 't-1'


def test_continuous_restore_on_demand_drops_the_copied_index_units(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = task('task-1', 'completed', value='orders-pitr')
    code, result = run(run_module, clumio_dynamodb_restore, dict(CONTINUOUS, billing_mode='PAY_PER_REQUEST'))
    assert code == 0, result
    target = clumio.restore_table.call_args.args[1]['target']
    assert target['billing_mode'] == 'PAY_PER_REQUEST' and 'provisioned_throughput' not in target
    assert 'provisioned_throughput' not in target['global_secondary_indexes'][0]


def test_restore_without_source_configuration_sends_only_given_fields(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = task('task-1', 'queued')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, keep_source_configuration=False, wait=False, tags={'a': 'b'}))
    assert code == 0, result
    expected = {'environment_id': ENV, 'table_name': 'orders-restored', 'tags': [{'key': 'a', 'value': 'b'}]}
    assert clumio.restore_table.call_args.args[1]['target'] == expected
    assert result['job']['outcome'] == 'running' and result['job']['finished_at'] is None


def test_rerun_while_a_restore_runs_waits_for_it(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'in_progress')]
    clumio.get_task.return_value = task('task-9', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] is False and result['existing'] is True
    assert result['job']['reused'] is True and result['job']['id'] == 'task-9'
    assert clumio.restore_table.call_count == 0
    assert clumio.find_table.call_count == 0  # a running restore is reused whatever the inventory says


def test_rerun_after_the_restore_completed_reuses_it_while_the_table_exists(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'completed')]
    clumio.find_table.return_value = {'id': 't-2', 'name': 'orders-restored'}
    clumio.get_task.return_value = task('task-9', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] is False and result['job']['reused'] is True
    assert clumio.restore_table.call_count == 0
    assert clumio.find_table.call_args.args[1] == 'orders-restored'
    assert clumio.find_table.call_args.kwargs == {'environment_id': ENV, 'missing_ok': True}


def test_a_completed_restore_whose_table_was_deleted_is_restored_again(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'completed')]
    clumio.find_table.return_value = None
    clumio.restore_table.return_value = {'task_id': 'task-10'}
    clumio.get_task.return_value = task('task-10', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] is True and result['task_id'] == 'task-10'
    assert clumio.restore_table.call_count == 1


def test_target_exists_false_overrides_a_lagging_inventory(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'completed')]
    clumio.find_table.return_value = {'id': 't-2', 'name': 'orders-restored'}  # Clumio has not seen the delete yet
    clumio.restore_table.return_value = {'task_id': 'task-10'}
    clumio.get_task.return_value = task('task-10', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, target_exists=False))
    assert code == 0, result
    assert result['changed'] is True and result['task_id'] == 'task-10'
    assert clumio.find_table.call_count == 0


def test_target_exists_true_reuses_the_completed_restore_without_the_inventory(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'completed')]
    clumio.get_task.return_value = task('task-9', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, target_exists=True))
    assert code == 0, result
    assert result['changed'] is False and result['task_id'] == 'task-9'
    assert clumio.find_table.call_count == 0 and clumio.restore_table.call_count == 0


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('told, inventory', [(None, {'id': 't-2', 'name': 'orders-restored'}), (True, None)])
def test_a_table_that_exists_without_a_restore_of_ours_is_refused_before_any_write(clumio, run_module, check_mode, told, inventory):
    clumio.find_restore_tasks.return_value = [task('task-8', 'failed')]
    clumio.find_table.return_value = inventory
    args = dict(RESTORE) if told is None else dict(RESTORE, target_exists=told)
    code, result = run(run_module, clumio_dynamodb_restore, args, check_mode=check_mode)
    assert code == 1, result
    assert 'orders-restored in environment env-1 (account 111111111111, region us-east-1)' in result['msg']
    assert 'already exists' in result['msg'] and 'target_exists: false' in result['msg']
    assert 'another target_table_name' in result['msg']
    assert clumio.restore_table.call_count == 0
    assert result['changed'] is False


def test_a_records_restore_task_is_never_taken_for_a_table_restore(clumio, run_module):
    clumio.find_restore_tasks.side_effect = REAL_FIND_RESTORE_TASKS
    clumio.list_tasks.return_value = [task('records-1', 'completed', kind=RECORDS_TYPE)]
    clumio.find_table.return_value = None
    clumio.restore_table.return_value = {'task_id': 'task-10'}
    clumio.get_task.return_value = task('task-10', 'completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert result['changed'] is True and result['task_id'] == 'task-10'
    assert clumio.list_tasks.call_args.kwargs['types'] == [TABLE_TYPE]


def test_check_mode_starts_nothing_and_returns_the_request(clumio, run_module):
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE), check_mode=True)
    assert code == 0, result
    assert result['changed'] is True
    assert result['request']['target']['table_name'] == 'orders-restored'
    assert result['job']['outcome'] == 'not_started' and result['job']['id'] is None
    assert clumio.restore_table.call_count == 0 and clumio.get_task.call_count == 0


def test_failed_task_reports_entity_type_and_timings(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = dict(task('task-1', 'failed'), end_timestamp='2026-01-01T00:00:09Z')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    for text in ('task-1', 'failed', 'aws_dynamodb_table', 'orders-restored', '2026-01-01T00:00:09Z'):
        assert text in result['msg']
    assert result['task_id'] == 'task-1' and result['job']['outcome'] == 'failed' and result['changed'] is True


def test_a_wait_that_times_out_still_reports_the_task_it_started(clumio, run_module):
    clumio.restore_table.return_value = {'task_id': 'task-1'}
    clumio.get_task.return_value = task('task-1', 'in_progress', progress_percentage=40)
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE, wait_timeout=0))
    assert code == 1
    assert 'The Clumio task task-1 is still running' in result['msg']
    assert result['task_id'] == 'task-1' and result['task']['id'] == 'task-1' and result['job']['id'] == 'task-1'
    assert result['wait']['state'] == 'in_progress'


@pytest.mark.parametrize('status', [500, 403])
@pytest.mark.parametrize('module, args, kind', [
    (clumio_dynamodb_restore, RESTORE, 'restore_table'),
    (clumio_dynamodb_records_restore, RECORDS, 'restore_records')])
def test_a_status_poll_failing_after_the_start_names_the_task(clumio, run_module, status, module, args, kind):
    getattr(clumio, kind).return_value = {'task_id': 'task-1'}
    clumio.get_task.side_effect = ApiError('GET /tasks/task-1 failed with HTTP %d: Forbidden' % status, status=status)
    code, result = run(run_module, module, dict(args))
    assert code == 1
    assert 'task-1 was started but reading its state failed' in result['msg'] and 'HTTP %d' % status in result['msg']
    assert result['task_id'] == 'task-1' and result['task'] == {'id': 'task-1'}
    assert result['job']['id'] == 'task-1' and result['job']['product'] == 'clumio'
    assert result['changed'] is True
    assert getattr(clumio, kind).call_count == 1


@pytest.mark.parametrize('module, args, kind, lookup', [
    (clumio_dynamodb_restore, RESTORE, 'restore_table', 'table_restore_task_type'),
    (clumio_dynamodb_records_restore, RECORDS, 'restore_records', 'records_restore_task_type')])
@pytest.mark.parametrize('lost', [ApiConnectionError('connection reset by peer'),
                                  ApiError('POST answered HTTP 202 with a body that is not JSON', status=202)])
def test_a_lost_or_truncated_answer_finds_the_task_it_made_instead_of_posting_again(clumio, run_module, module, args, kind, lookup, lost):
    old = task('task-old', 'failed', kind=RECORDS_TYPE if 'records' in lookup else TABLE_TYPE)
    new = task('task-new', 'in_progress', kind=old['type'])
    clumio.find_restore_tasks.side_effect = [[old], [new, old]]
    getattr(clumio, kind).side_effect = lost
    clumio.get_task.return_value = dict(new, status='completed')
    code, result = run(run_module, module, dict(args))
    assert code == 0, result
    assert getattr(clumio, kind).call_count == 1
    assert result['task_id'] == 'task-new' and result['changed'] is True and result['job']['outcome'] == 'succeeded'
    assert all(call.args[1] == lookup for call in clumio.find_restore_tasks.call_args_list)


def test_a_202_that_names_no_task_finds_the_task_it_made(clumio, run_module):
    new = task('task-new', 'queued')
    clumio.find_restore_tasks.side_effect = [[], [], [new]]
    clumio.restore_table.return_value = {'_links': {}}
    clumio.get_task.return_value = dict(new, status='completed')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 0, result
    assert clumio.restore_table.call_count == 1 and result['task_id'] == 'task-new'


def test_a_lost_answer_with_no_task_posts_again_then_gives_up_clearly(clumio, run_module):
    clumio.restore_table.side_effect = ApiError('502 Bad Gateway', status=502)
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    assert clumio.restore_table.call_count == 3
    assert 'sent 3 times' in result['msg'] and 'orders-restored' in result['msg']


def test_a_500_to_the_restore_is_looked_up_but_never_sent_again(clumio, run_module):
    clumio.restore_table.side_effect = ApiError('POST failed with HTTP 500', status=500)
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    assert clumio.restore_table.call_count == 1
    assert 'check the tasks in Clumio' in result['msg']


def test_environment_is_found_from_account_and_region(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('task-9', 'completed')]
    clumio.find_table.return_value = {'id': 'x'}
    clumio.get_task.return_value = task('task-9', 'completed')
    args = {'backup_id': 'b-1', 'target_table_name': 'orders-restored', 'target_account_id': '111111111111', 'target_region': 'us-east-1'}
    code, result = run(run_module, clumio_dynamodb_restore, args)
    assert code == 0, result
    assert clumio.find_environment.call_args.args[1:] == ('111111111111', 'us-east-1')
    assert clumio.get_environment.call_count == 0


def test_an_unknown_backup_fails_with_clumios_error_before_any_write(clumio, run_module):
    clumio.get_backup.side_effect = OperationFailed('backup_id b-1: Clumio has no DynamoDB backup with this id (HTTP 404: '
                                                    'Backup b-1 not found. (error_code 404)).')
    code, result = run(run_module, clumio_dynamodb_restore, dict(RESTORE))
    assert code == 1
    assert 'Backup b-1 not found. (error_code 404)' in result['msg']
    assert clumio.restore_table.call_count == 0 and clumio.find_restore_tasks.call_count == 0


# -- clumio_dynamodb_records_restore ------------------------------------------------------------------
def test_preview_returns_rows_changes_nothing_and_looks_for_no_task(clumio, run_module):
    clumio.restore_records.return_value = {'preview_result': {'attributes': ['pk'], 'items': [['a']]}}
    code, result = run(run_module, clumio_dynamodb_records_restore,
                       {'backup_id': 'b-1', 'partition_key_filter': {'condition': 'EqualTo', 'values': ['a']}})
    assert code == 0 and result['changed'] is False
    assert result['preview']['items'] == [['a']]
    assert result['request']['target'] == {'preview': True}
    assert 'job' not in result and 'task' not in result
    assert clumio.restore_records.call_args.kwargs == {'preview': True}
    assert clumio.find_restore_tasks.call_count == 0


def test_preview_in_check_mode_sends_nothing(clumio, run_module):
    code, result = run(run_module, clumio_dynamodb_records_restore, {'backup_id': 'b-1'}, check_mode=True)
    assert code == 0 and result['changed'] is False
    assert clumio.restore_records.call_count == 0


def test_records_restore_starts_one_task_and_returns_the_job(clumio, run_module):
    clumio.restore_records.return_value = {'task_id': 'rec-1', 'passcode': 'abc'}
    clumio.get_task.return_value = task('rec-1', 'completed', kind=RECORDS_TYPE, value='orders')
    code, result = run(run_module, clumio_dynamodb_records_restore, dict(RECORDS))
    assert code == 0, result
    assert result['changed'] is True and result['task_id'] == 'rec-1'
    assert clumio.restore_records.call_args.args[1]['target'] == {'direct_download': {}}
    job = result['job']
    assert job['outcome'] == 'succeeded' and job['created_resource'] is None and job['started_at'] == '2026-11-22T10:00:05Z'
    kind, name = clumio.find_restore_tasks.call_args.args[1:3]
    assert (kind, name) == ('records_restore_task_type', 'orders')
    assert clumio.find_restore_tasks.call_args.kwargs['entity_id'] == 't-1'
    assert clumio.find_restore_tasks.call_args.kwargs['since'].isoformat() == '2026-11-21T00:58:00+00:00'


def test_records_restore_run_twice_starts_one(clumio, run_module):
    earlier = task('rec-1', 'completed', kind=RECORDS_TYPE, value='orders')
    clumio.find_restore_tasks.return_value = [earlier]
    clumio.get_task.return_value = earlier
    code, result = run(run_module, clumio_dynamodb_records_restore, dict(RECORDS))
    assert code == 0, result
    assert result['changed'] is False and result['existing'] is True and result['job']['reused'] is True
    assert clumio.restore_records.call_count == 0


def test_records_restore_force_starts_another(clumio, run_module):
    clumio.find_restore_tasks.return_value = [task('rec-1', 'completed', kind=RECORDS_TYPE, value='orders')]
    clumio.restore_records.return_value = {'task_id': 'rec-2'}
    clumio.get_task.return_value = task('rec-2', 'completed', kind=RECORDS_TYPE, value='orders')
    code, result = run(run_module, clumio_dynamodb_records_restore, dict(RECORDS, force=True))
    assert code == 0, result
    assert result['changed'] is True and result['task_id'] == 'rec-2'
    assert clumio.restore_records.call_count == 1


def test_records_restore_from_a_continuous_backup_matches_the_table(clumio, run_module):
    clumio.restore_records.return_value = {'task_id': 'rec-1'}
    clumio.get_task.return_value = task('rec-1', 'completed', kind=RECORDS_TYPE, value='orders')
    args = {'continuous_backup': {'table_id': 't-1', 'use_latest_restorable_time': True}, 'delivery': 'email',
            'recipient_emails': ['dr@example.com']}
    code, result = run(run_module, clumio_dynamodb_records_restore, args)
    assert code == 0, result
    body = clumio.restore_records.call_args.args[1]
    assert body['source'] == {'continuous_backup': {'table_id': 't-1', 'use_latest_restorable_time': True}}
    assert clumio.find_restore_tasks.call_args.kwargs == {'since': None, 'entity_id': 't-1'}


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


def test_an_empty_organizational_unit_from_the_environment_means_none(clumio, run_module, monkeypatch):
    """AWX renders an unset credential field as an empty variable; that is no OU, not a bad one."""
    monkeypatch.setenv('CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT', '')
    clumio.get_task.return_value = {'id': 't-1', 'status': 'completed', 'category': 'restore', 'type': 'aws_dynamodb_table_restore'}
    code, result = run(run_module, clumio_task_info, {'task_id': 't-1'})
    assert code == 0, result
    code, result = run(run_module, clumio_task_info, {'task_id': 't-1', 'organizational_unit_id': ' ou-1'})
    assert code == 1 and 'organizational_unit_id must be a non-empty string' in result['msg']
