# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Backup and DynamoDB modules on botocore-stubbed clients: bad input, selection, the restore flow, safety."""

from __future__ import annotations

import datetime

import boto3
import botocore.exceptions
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import AwsClients, idempotency_token
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock
from ansible_collections.recoverops.restore.plugins.modules import (
    aws_backup_recovery_point_info,
    aws_backup_restore,
    aws_backup_restore_job_info,
    dynamodb_backup_info,
    dynamodb_restore,
    dynamodb_restored_table,
    dynamodb_table_info,
)

SECRET = 'wJalrXUtnFEMI/K7MDENG/unit-test-secret'
CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': SECRET, 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45'
TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'
BACKUP_ARN = TABLE_ARN + '/backup/01700000000000-abcdef12'


@pytest.fixture(autouse=True)
def no_aws_env(monkeypatch):
    for name in ('AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_PROFILE',
                 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_URL', 'AWS_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def aws(mocker):
    """Stubbed clients; every client the modules make is one of them. 'dynamodb_once' is the client made
    for calls botocore must not resend (AwsClients.once), so a start queued there proves it went out once."""
    clients = {service: boto3.client(service.split('_', maxsplit=1)[0], region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
               for service in ('backup', 'dynamodb', 'dynamodb_once')}
    stubs = {service: Stubber(client) for service, client in clients.items()}
    for stub in stubs.values():
        stub.activate()
    stubs['clients'] = clients
    stubs['make'] = mocker.patch.object(AwsClients, '_make', autospec=True,
                                        side_effect=lambda _self, service, single_try=False, region=None: clients[service + ('_once' if single_try else '')])
    yield stubs
    for service in ('backup', 'dynamodb', 'dynamodb_once'):
        stubs[service].assert_no_pending_responses()


@pytest.fixture(autouse=True)
def fake_time(mocker, monkeypatch):
    """The flow's waits run on a fake clock, and tagging retries without pausing."""
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)

    mocker.patch.object(_restore, 'wait_for_job', side_effect=waiting)
    monkeypatch.setattr(_aws, 'TAG_PAUSE', 0)
    return clock


@pytest.fixture(name='warned')
def fixture_warned(mocker):
    """Every module.warn() call: ansible-core routes module warnings elsewhere once controller code was imported."""
    return mocker.spy(RecoverOpsModule, 'warn')


def lose_answer(client, operation, error, times=1):
    """The next `times` calls of `operation` act (as far as the test's stubs tell) and then lose their answer."""
    calls = []

    def raiser(**_kwargs):
        calls.append(operation)
        if len(calls) <= times:
            raise error
    # Before the Stubber's own check of the next queued response: the lost call consumes none.
    client.meta.events.register('provide-client-params.%s.%s' % (client.meta.service_model.endpoint_prefix, operation), raiser)
    return calls


def run(run_module, module, args, **kwargs):
    return run_module(module, dict(CONNECTION, **args), connection=False, **kwargs)


def point(arn=RP, hours=1, status='COMPLETED', resource=TABLE_ARN):
    return {'RecoveryPointArn': arn, 'BackupVaultName': 'dr-vault', 'ResourceArn': resource, 'ResourceType': 'DynamoDB',
            'Status': status, 'CreationDate': NOW - datetime.timedelta(hours=hours), 'BackupSizeInBytes': 10}


RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'dr-vault', 'target_table_name': 'orders-restored', 'poll_interval': 1}

BAD_INPUTS = [
    (aws_backup_recovery_point_info, {'backup_vault_name': 'x'}, 'backup_vault_name'),
    (aws_backup_recovery_point_info, {'resource_arn': 'orders'}, 'resource_arn'),
    (aws_backup_recovery_point_info, {'resource_arn': TABLE_ARN, 'created_after': '2026-01-01'}, 'backup_vault_name'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'point_in_time': 'yesterday'}, 'point_in_time'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'backup_vault_account_id': '12'}, 'backup_vault_account_id'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'statuses': ['DONE']}, 'statuses'),
    (aws_backup_restore, dict(RESTORE, recovery_point_arn='rp-1'), 'recovery_point_arn'),
    (aws_backup_restore, dict(RESTORE, target_table_name='x'), 'target_table_name'),
    (aws_backup_restore, dict(RESTORE, encryption_type='KMS'), 'kms_master_key_arn'),
    (aws_backup_restore, dict(RESTORE, kms_master_key_arn='arn:aws:kms:us-east-1:123456789012:key/k'), 'encryption_type'),
    (aws_backup_restore, dict(RESTORE, iam_role_arn='BackupRole'), 'iam_role_arn'),
    (aws_backup_restore, dict(RESTORE, tags={'a': 'b'}, wait=False), 'wait'),
    (aws_backup_restore, dict(RESTORE, wait_timeout=-1), 'wait_timeout'),
    (aws_backup_restore, dict(RESTORE, region='Virginia'), 'region'),
    (aws_backup_restore, dict(RESTORE, endpoint_url='backup.local'), 'endpoint_url'),
    (aws_backup_restore, dict(RESTORE, profile='dr'), 'profile'),
    (aws_backup_restore_job_info, {'resource_arn': TABLE_ARN, 'resource_type': 'DynamoDB'}, 'resource_type'),
    (aws_backup_restore_job_info, {'account_id': 'abc'}, 'account_id'),
    (dynamodb_backup_info, {'backup_arn': 'backup-1'}, 'backup_arn'),
    (dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr'}, 'restore_date_time'),
    (dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders', 'use_latest_restorable_time': True},
     'target_table_name'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'r1-restored', 'restore_date_time': '2026-01-01'}, 'restore_date_time'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored', 'billing_mode': 'PROVISIONED'},
     'provisioned_throughput'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored',
                        'sse_specification': {'kms_master_key_id': 'alias/dr'}}, 'sse_type'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored',
                        'global_secondary_indexes': [{'index_name': 'g'}]}, 'global_secondary_indexes[0]'),
    (dynamodb_table_info, {'table_name': 'a b'}, 'table_name'),
    (dynamodb_restored_table, {'table_name': 'orders', 'poll_interval': 0}, 'poll_interval'),
    # Whole strings: a trailing newline is not a valid value anywhere.
    (aws_backup_restore, dict(RESTORE, region='us-east-1\n'), 'region'),
    (aws_backup_restore, dict(RESTORE, target_table_name='orders-drill\n'), 'target_table_name'),
    (aws_backup_restore, dict(RESTORE, recovery_point_arn=RP + '\n'), 'recovery_point_arn'),
    (aws_backup_restore, dict(RESTORE, backup_vault_name='dr-vault\n'), 'backup_vault_name'),
    (aws_backup_restore, dict(RESTORE, backup_vault_account_id='123456789012\n'), 'backup_vault_account_id'),
    (aws_backup_restore, dict(RESTORE, iam_role_arn='arn:aws:iam::123456789012:role/Backup\n'), 'iam_role_arn'),
    (aws_backup_restore, dict(RESTORE, encryption_type='KMS', kms_master_key_arn='arn:aws:kms:us-east-1:123456789012:key/k\n'),
     'kms_master_key_arn'),
    (aws_backup_restore, dict(RESTORE, encryption_type='KMS', kms_master_key_arn='alias/dr'), 'kms_master_key_arn'),
    (aws_backup_restore, dict(RESTORE, resource_type='DynamoDB\n'), 'resource_type'),
    (aws_backup_restore, dict(RESTORE, aws_config={'bogus_setting': 1}), 'aws_config'),
    (aws_backup_restore, dict(RESTORE, endpoint_url='https://backup.local\n'), 'endpoint_url'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'region': 'us-east-1\n'}, 'region'),
    (aws_backup_recovery_point_info, {'resource_arn': TABLE_ARN + '\n'}, 'resource_arn'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'point_in_time': '2999-01-01T00:00:00Z'}, 'point_in_time'),
    (aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'aws_config': {'retry': {}}}, 'aws_config'),
    (aws_backup_restore_job_info, {'restore_job_id': '../restore-jobs'}, 'restore_job_id'),
    (aws_backup_restore_job_info, {'account_id': '123456789012\n'}, 'account_id'),
    (dynamodb_backup_info, {'table_name': 'orders\n'}, 'table_name'),
    (dynamodb_backup_info, {'table_name': 'orders', 'point_in_time': '2999-01-01T00:00:00Z'}, 'point_in_time'),
    (dynamodb_backup_info, {'backup_arn': BACKUP_ARN + '\n'}, 'backup_arn'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'orders-drill\n'}, 'target_table_name'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'orders-drill', 'region': 'us-east-1\n'}, 'region'),
    (dynamodb_restore, {'source_table_name': 'orders\n', 'target_table_name': 'orders-pitr', 'use_latest_restorable_time': True},
     'source_table_name'),
    (dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr',
                        'restore_date_time': '2999-01-01T00:00:00Z'}, 'restore_date_time'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored', 'billing_mode': 'PROVISIONED',
                        'provisioned_throughput': {'read_capacity_units': 10 ** 30, 'write_capacity_units': 5}},
     'provisioned_throughput.read_capacity_units'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored', 'billing_mode': 'PROVISIONED',
                        'provisioned_throughput': {'read_capacity_units': 5, 'write_capacity_units': 0}},
     'provisioned_throughput.write_capacity_units'),
    (dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored', 'aws_config': {'max_attempts': 3}}, 'aws_config'),
    (dynamodb_table_info, {'table_name': 'orders\n'}, 'table_name'),
    (dynamodb_restored_table, {'table_name': 'orders-drill\n'}, 'table_name'),
]


@pytest.mark.parametrize('module,args,option', BAD_INPUTS, ids=lambda value: getattr(value, '__name__', None))
def test_bad_input_fails_naming_the_option_before_any_call(run_module, aws, module, args, option):
    code, result = run(run_module, module, args)
    assert code == 1
    assert option in result['msg']
    assert 'Traceback' not in result['msg']
    aws['make'].assert_not_called()


def test_latest_in_a_vault_reads_one_window_and_sorts_by_creation_date(run_module, aws):
    older, newest, partial = point(RP[:-1] + '1', hours=20), point(RP[:-1] + '2', hours=2), point(RP[:-1] + '3', 1, 'PARTIAL')
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': [older, partial, newest]},
                               {'BackupVaultName': 'dr-vault', 'MaxResults': 1000, 'ByResourceArn': TABLE_ARN, 'ByCreatedAfter': ANY})
    code, result = run(run_module, aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'resource_arn': TABLE_ARN,
                                                                    'latest': True})
    assert code == 0
    assert [p['id'] for p in result['restore_points']] == [newest['RecoveryPointArn']]
    assert result['list_requests'] == 1
    assert result['restore_points'][0]['product'] == 'aws_backup' and result['restore_points'][0]['account'] == '123456789012'


def test_latest_widens_the_window_until_a_point_is_found(run_module, aws):
    old = point(hours=24 * 10)
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': []})
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': []})
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': [old]})
    code, result = run(run_module, aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault', 'latest': True})
    assert code == 0
    assert result['list_requests'] == 3
    assert result['restore_points'][0]['id'] == RP


def by_resource(arn, hours, status='COMPLETED'):
    return {'RecoveryPointArn': arn, 'Status': status, 'CreationDate': NOW - datetime.timedelta(hours=hours), 'BackupSizeBytes': 10}


def test_resource_form_follows_next_token_and_drops_unrestorable(run_module, aws):
    aws['backup'].add_response('list_recovery_points_by_resource',
                               {'RecoveryPoints': [by_resource(RP[:-1] + '1', 5)], 'NextToken': 'page-2'})
    aws['backup'].add_response('list_recovery_points_by_resource',
                               {'RecoveryPoints': [by_resource(RP[:-1] + '2', 3, 'EXPIRED'), by_resource(RP[:-1] + '3', 4)]},
                               {'ResourceArn': TABLE_ARN, 'MaxResults': 1000, 'NextToken': 'page-2'})
    code, result = run(run_module, aws_backup_recovery_point_info, {'resource_arn': TABLE_ARN})
    assert code == 0
    assert [p['id'][-1] for p in result['restore_points']] == ['3', '1']
    assert {(p['resource_id'], p['kind'], p['size_bytes']) for p in result['restore_points']} == {(TABLE_ARN, 'DynamoDB', 10)}


METADATA = {'targetTableName': 'orders-restored', 'encryptionType': 'Default'}
RESTORED_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders-restored'
STARTED, COMPLETED = NOW - datetime.timedelta(minutes=3), NOW - datetime.timedelta(minutes=1)


def stub_point_and_metadata(backup, status='COMPLETED'):
    backup.add_response('describe_recovery_point', point(status=status), {'BackupVaultName': 'dr-vault', 'RecoveryPointArn': RP})
    if status == 'COMPLETED':
        backup.add_response('get_recovery_point_restore_metadata',
                            {'RestoreMetadata': {'targetTableName': 'orders', 'encryptionType': 'Default'}})


def job(status, job_id='job-1', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': STARTED, 'PercentDone': '100.00%',
                 'ResourceType': 'DynamoDB', 'AccountId': '123456789012'}, **extra)


def done(job_id='job-1'):
    return job('COMPLETED', job_id, CreatedResourceArn=RESTORED_ARN, CompletionDate=COMPLETED)


def no_table(dynamodb, name='orders-restored'):
    dynamodb.add_client_error('describe_table', 'ResourceNotFoundException', 'Requested resource not found', 400,
                              expected_params={'TableName': name})


def earlier_jobs(backup, *jobs):
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': list(jobs)})
    for found in jobs:
        backup.add_response('get_restore_job_metadata', {'RestoreJobId': found['RestoreJobId'], 'Metadata': METADATA},
                            {'RestoreJobId': found['RestoreJobId']})


def test_restore_starts_with_a_derived_token_waits_tags_and_returns_the_normalized_job(run_module, aws, warned):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-1'},
                        {'RecoveryPointArn': RP, 'Metadata': METADATA, 'IdempotencyToken': idempotency_token(RP, [METADATA, 0]),
                         'ResourceType': 'DynamoDB'})
    backup.add_response('describe_restore_job', job('RUNNING', PercentDone='40.00%'))
    backup.add_response('describe_restore_job', done())
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': [{'Key': 'recoverops:restored-from', 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert result['changed'] and not result['existing']
    assert result['restore_job_id'] == 'job-1' and result['restore_job']['created_resource_arn'] == RESTORED_ARN
    assert [entry['state'] for entry in result['wait']['timeline']] == ['RUNNING', 'COMPLETED']
    assert result['tags'] == {'recoverops:restored-from': RP}
    job_ = result['job']
    assert (job_['id'], job_['product'], job_['reused'], job_['outcome'], job_['state']) == ('job-1', 'aws_backup', False, 'succeeded', 'COMPLETED')
    assert job_['started_at'] == STARTED.strftime('%Y-%m-%dT%H:%M:%SZ') and job_['finished_at'] == COMPLETED.strftime('%Y-%m-%dT%H:%M:%SZ')
    assert not job_['finished_at_observed'] and job_['duration_seconds'] == 120
    assert job_['created_resource'] == {'type': 'dynamodb_table', 'name': 'orders-restored', 'arn': RESTORED_ARN,
                                        'region': 'us-east-1', 'account': '123456789012'}
    assert job_['restore_point']['id'] == RP
    assert 'iam_role_arn is not set' in str(warned.call_args_list)
    assert SECRET not in str(result)


def test_with_iam_role_arn_it_is_sent_and_nothing_is_warned(run_module, aws, warned):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    role = 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-1'},
                        {'RecoveryPointArn': RP, 'Metadata': METADATA, 'IdempotencyToken': ANY, 'ResourceType': 'DynamoDB', 'IamRoleArn': role})
    backup.add_response('describe_restore_job', job('RUNNING'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, iam_role_arn=role, wait=False))
    assert code == 0, result
    assert 'iam_role_arn' not in str(warned.call_args_list)


def test_a_matching_running_job_is_reused_not_started_again(run_module, aws, warned):
    backup = aws['backup']
    stub_point_and_metadata(backup)
    earlier_jobs(backup, job('RUNNING', PercentDone='10.00%'))
    backup.add_response('describe_restore_job', job('RUNNING', PercentDone='10.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0
    assert not result['changed'] and result['existing'] and result['restore_job_id'] == 'job-1'
    assert result['job']['reused'] and result['job']['outcome'] == 'running'
    assert 'iam_role_arn' not in str(warned.call_args_list)  # nothing is sent, so no role is missing


def test_a_completed_job_is_reused_while_its_table_exists(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup, done())
    dynamodb.add_response('describe_table', table('orders-restored'), {'TableName': 'orders-restored'})
    backup.add_response('describe_restore_job', done())
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': ANY})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-1'


def test_a_completed_job_whose_table_was_deleted_is_not_reused_a_new_one_starts(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup, done())
    no_table(dynamodb)  # the earlier job's table: gone
    no_table(dynamodb)  # the conflict check
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-2'},
                        {'RecoveryPointArn': RP, 'Metadata': METADATA, 'IdempotencyToken': idempotency_token(RP, [METADATA, 1]),
                         'ResourceType': 'DynamoDB'})
    backup.add_response('describe_restore_job', job('PENDING', 'job-2', PercentDone='0.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0, result
    assert result['changed'] and result['restore_job_id'] == 'job-2' and not result['job']['reused']


def test_an_existing_table_no_job_of_this_point_made_is_refused_before_any_start(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    dynamodb.add_response('describe_table', table('orders-restored'), {'TableName': 'orders-restored'})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'Table orders-restored already exists and no restore job of this recovery point made it' in result['msg']
    assert 'restore_job_id' not in result


@pytest.mark.parametrize('error', [
    botocore.exceptions.ConnectionClosedError(endpoint_url='https://backup.us-east-1.amazonaws.com'),
    botocore.exceptions.ReadTimeoutError(endpoint_url='https://backup.us-east-1.amazonaws.com'),
], ids=type)
def test_a_lost_start_answer_is_looked_up_and_reported_not_resent(run_module, aws, error):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    starts = lose_answer(aws['clients']['backup'], 'StartRestoreJob', error)
    earlier_jobs(backup, job('RUNNING', 'job-7', PercentDone='1.00%'))  # the look-up finds what the lost start began
    backup.add_response('describe_restore_job', job('RUNNING', 'job-7', PercentDone='2.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0, result.get('exception')
    assert starts == ['StartRestoreJob']
    assert result['changed'] and result['restore_job_id'] == 'job-7' and result['job']['id'] == 'job-7'


def test_a_500_to_the_start_is_looked_up_and_never_resent(run_module, aws, monkeypatch):
    monkeypatch.setattr(_restore, 'LOOKUP_SECONDS', 0)  # one look
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_client_error('start_restore_job', 'InternalFailure', 'Internal failure', 500)
    earlier_jobs(backup)
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'InternalFailure' in result['msg'] and 'no restore job for orders-restored appeared' in result['msg']
    assert result['request']['Metadata']['targetTableName'] == 'orders-restored'


def test_a_start_answer_cut_short_is_looked_up_not_a_key_error(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {})  # what botocore makes of a body cut short
    earlier_jobs(backup, job('RUNNING', 'job-8', PercentDone='1.00%'))
    backup.add_response('describe_restore_job', job('RUNNING', 'job-8', PercentDone='2.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0, result.get('msg')
    assert result['changed'] and result['restore_job_id'] == 'job-8' and result['job']['id'] == 'job-8'


def test_an_unexpected_error_after_the_start_still_names_the_job(run_module, aws, monkeypatch):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-6'})
    backup.add_response('describe_restore_job', job('RUNNING', 'job-6'))

    def broken(*_args, **_kwargs):
        raise KeyError('CreationDate')
    monkeypatch.setattr(_aws.BackupRestore, 'describe', broken)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 1
    assert "job-6 was started but reading its state failed: KeyError: 'CreationDate'" in result['msg']
    assert result['restore_job_id'] == 'job-6' and result['job']['id'] == 'job-6' and result['changed']
    assert 'Unexpected error' not in result['msg']


def test_a_poll_failing_after_the_start_names_the_job(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-5'})
    backup.add_client_error('describe_restore_job', 'AccessDeniedException', 'not allowed', 403)
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'job-5 was started but reading its state failed' in result['msg'] and 'AccessDeniedException' in result['msg']
    assert result['restore_job_id'] == 'job-5' and result['restore_job']['id'] == 'job-5' and result['job']['id'] == 'job-5'
    assert result['changed']


def test_a_failed_job_fails_the_task_with_its_status_message_and_id(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-9'})
    backup.add_response('describe_restore_job', job('FAILED', 'job-9', StatusMessage='Table already exists: orders-restored'))
    backup.add_response('describe_restore_job', job('FAILED', 'job-9', StatusMessage='Table already exists: orders-restored'))
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'job-9' in result['msg'] and 'Table already exists' in result['msg']
    assert result['restore_job_id'] == 'job-9' and result['job']['outcome'] == 'failed'


def test_a_rerun_after_a_failed_job_starts_a_new_one_with_a_new_token(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup, job('FAILED', 'job-9'))
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-10'},
                        {'RecoveryPointArn': RP, 'Metadata': METADATA, 'IdempotencyToken': idempotency_token(RP, [METADATA, 1]),
                         'ResourceType': 'DynamoDB'})
    backup.add_response('describe_restore_job', job('RUNNING', 'job-10', PercentDone='5.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0
    assert result['changed'] and result['restore_job_id'] == 'job-10'


def test_tagging_that_keeps_failing_names_the_job_and_the_table(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    earlier_jobs(backup)
    no_table(dynamodb)
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-3'})
    backup.add_response('describe_restore_job', done('job-3'))
    for _attempt in range(_aws.TAG_TRIES):
        dynamodb.add_client_error('tag_resource', 'ResourceInUseException', 'Table is being created', 400)
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'job-3' in result['msg'] and RESTORED_ARN in result['msg'] and 'Run the task again' in result['msg']
    assert result['changed'] and result['restore_job_id'] == 'job-3'


def test_other_resource_types_get_their_type_in_snake_case(run_module, aws):
    backup = aws['backup']
    docdb_point = dict(point(), ResourceType='DocumentDB', ResourceArn='arn:aws:rds:us-east-1:123456789012:cluster:docdb-1')
    backup.add_response('describe_recovery_point', docdb_point)
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': {'DBClusterIdentifier': 'docdb-1'}})
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-d'})
    created = 'arn:aws:rds:us-east-1:123456789012:cluster:docdb-restored'
    backup.add_response('describe_restore_job', job('COMPLETED', 'job-d', ResourceType='DocumentDB', CreatedResourceArn=created,
                                                    CompletionDate=COMPLETED))
    args = {key: value for key, value in RESTORE.items() if key != 'target_table_name'}
    code, result = run(run_module, aws_backup_restore, args)
    assert code == 0, result
    resource = result['job']['created_resource']
    assert (resource['type'], resource['arn'], resource['region'], resource['account']) == (
        'document_db', created, 'us-east-1', '123456789012')


def test_an_unrestorable_point_fails_before_any_start(run_module, aws):
    stub_point_and_metadata(aws['backup'], status='EXPIRED')
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'EXPIRED' in result['msg']


def test_metadata_that_contradicts_a_helper_fails(run_module, aws):
    stub_point_and_metadata(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'targetTableName': 'other'}))
    assert code == 1
    assert 'metadata.targetTableName' in result['msg'] and 'target_table_name' in result['msg']


def test_an_aws_error_names_the_call_and_code(run_module, aws):
    aws['backup'].add_client_error('describe_recovery_point', 'ResourceNotFoundException', 'Recovery point not found', 404)
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert result['msg'] == 'Backup DescribeRecoveryPoint failed: ResourceNotFoundException: Recovery point not found'


def test_point_in_time_includes_a_point_made_in_that_very_second(run_module, aws):
    """ByCreatedBefore is "before": the module asks for point_in_time + 1 s and keeps <= point_in_time itself."""
    moment = (NOW - datetime.timedelta(days=2)).replace(microsecond=0)
    # Made during the very second point_in_time names (its time read back to the second is point_in_time).
    exact = dict(point(RP[:-1] + '1'), CreationDate=moment + datetime.timedelta(milliseconds=400))
    after = dict(point(RP[:-1] + '2'), CreationDate=moment + datetime.timedelta(seconds=1))
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': [after, exact]},
                               {'BackupVaultName': 'dr-vault', 'MaxResults': 1000, 'ByCreatedAfter': ANY,
                                'ByCreatedBefore': moment + datetime.timedelta(seconds=1)})
    code, result = run(run_module, aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault',
                                                                    'point_in_time': moment.strftime('%Y-%m-%dT%H:%M:%SZ')})
    assert code == 0, result
    assert [p['id'] for p in result['restore_points']] == [exact['RecoveryPointArn']]


def test_created_before_keeps_the_documented_exclusive_bound(run_module, aws):
    moment = (NOW - datetime.timedelta(days=2)).replace(microsecond=0)
    exact = dict(point(), CreationDate=moment)
    aws['backup'].add_response('list_recovery_points_by_backup_vault', {'RecoveryPoints': [exact]},
                               {'BackupVaultName': 'dr-vault', 'MaxResults': 1000, 'ByCreatedBefore': moment})
    code, result = run(run_module, aws_backup_recovery_point_info, {'backup_vault_name': 'dr-vault',
                                                                    'created_before': moment.strftime('%Y-%m-%dT%H:%M:%SZ')})
    assert code == 0, result
    assert result['restore_points'] == []


def test_dynamodb_point_in_time_includes_a_backup_made_in_that_very_second(run_module, aws):
    """TimeRangeUpperBound is exclusive: the module sends point_in_time + 1 s and keeps <= point_in_time itself."""
    moment = (NOW - datetime.timedelta(days=1)).replace(microsecond=0)
    summaries = [{'BackupArn': BACKUP_ARN[:-1] + str(n), 'TableName': 'orders', 'TableArn': TABLE_ARN, 'BackupStatus': 'AVAILABLE',
                  'BackupType': 'USER', 'BackupCreationDateTime': moment + datetime.timedelta(seconds=offset)}
                 for n, offset in ((1, 1), (2, 0.4), (3, -60))]
    aws['dynamodb'].add_response('list_backups', {'BackupSummaries': summaries},
                                 {'TableName': 'orders', 'BackupType': 'ALL', 'TimeRangeUpperBound': moment + datetime.timedelta(seconds=1)})
    code, result = run(run_module, dynamodb_backup_info, {'table_name': 'orders', 'include_pitr': False,
                                                          'point_in_time': moment.strftime('%Y-%m-%dT%H:%M:%SZ')})
    assert code == 0, result
    assert [p['id'] for p in result['restore_points']] == [summaries[1]['BackupArn']]


def test_point_in_time_outside_the_window_fails_before_the_restore(run_module, aws):
    earliest, latest = NOW - datetime.timedelta(days=2), NOW - datetime.timedelta(minutes=5)
    aws['dynamodb'].add_response('describe_continuous_backups', {'ContinuousBackupsDescription': {
        'ContinuousBackupsStatus': 'ENABLED', 'PointInTimeRecoveryDescription': {
            'PointInTimeRecoveryStatus': 'ENABLED', 'EarliestRestorableDateTime': earliest, 'LatestRestorableDateTime': latest}}})
    code, result = run(run_module, dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr',
                                                      'restore_date_time': (NOW - datetime.timedelta(days=3)).isoformat()})
    assert code == 1
    assert 'outside the point-in-time recovery window' in result['msg']
    assert result['window']['earliest'] == earliest.strftime('%Y-%m-%dT%H:%M:%SZ')


def test_pitr_disabled_fails_before_the_restore(run_module, aws):
    aws['dynamodb'].add_response('describe_continuous_backups', {'ContinuousBackupsDescription': {
        'ContinuousBackupsStatus': 'ENABLED', 'PointInTimeRecoveryDescription': {'PointInTimeRecoveryStatus': 'DISABLED'}}})
    code, result = run(run_module, dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr',
                                                      'use_latest_restorable_time': True})
    assert code == 1
    assert 'Point-in-time recovery is DISABLED' in result['msg']


def table(name, status='ACTIVE', summary=None, created=STARTED):
    raw = {'TableName': name, 'TableArn': 'arn:aws:dynamodb:us-east-1:123456789012:table/' + name, 'TableStatus': status,
           'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], 'ItemCount': 3, 'CreationDateTime': created}
    if summary:
        raw['RestoreSummary'] = dict(summary, RestoreInProgress=status != 'ACTIVE')
    return {'Table': raw}


FROM_BACKUP = {'SourceBackupArn': BACKUP_ARN, 'SourceTableArn': TABLE_ARN, 'RestoreDateTime': STARTED}
DDB_RESTORE = {'backup_arn': BACKUP_ARN, 'target_table_name': 'orders-restored', 'poll_interval': 1}
OURS = [{'Key': 'recoverops:restored-from', 'Value': BACKUP_ARN}]


def stub_backup(dynamodb):
    dynamodb.add_response('describe_backup', {'BackupDescription': {
        'BackupDetails': {'BackupArn': BACKUP_ARN, 'BackupName': 'nightly', 'BackupStatus': 'AVAILABLE', 'BackupType': 'USER',
                          'BackupCreationDateTime': NOW - datetime.timedelta(hours=5)},
        'SourceTableDetails': {'TableName': 'orders', 'TableArn': TABLE_ARN, 'TableId': 't-1', 'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}],
                               'TableCreationDateTime': NOW - datetime.timedelta(days=30), 'ProvisionedThroughput': {
                                   'ReadCapacityUnits': 1, 'WriteCapacityUnits': 1}}}}, {'BackupArn': BACKUP_ARN})


def test_a_table_restore_goes_out_once_waits_for_active_then_tags(run_module, aws):
    dynamodb, once = aws['dynamodb'], aws['dynamodb_once']
    stub_backup(dynamodb)
    no_table(dynamodb)
    once.add_response('restore_table_from_backup', {'TableDescription': table('orders-restored', 'CREATING', FROM_BACKUP)['Table']},
                      {'BackupArn': BACKUP_ARN, 'TargetTableName': 'orders-restored'})
    dynamodb.add_response('describe_table', table('orders-restored', 'CREATING', FROM_BACKUP), {'TableName': RESTORED_ARN})
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': RESTORED_ARN})
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    # Only now, with the table ACTIVE: TagResource refuses a table being created. One refusal is retried.
    dynamodb.add_client_error('tag_resource', 'ResourceInUseException', 'Attempt to change a resource which is still in use', 400)
    tags = [{'Key': 'purpose', 'Value': 'drill'}, {'Key': 'recoverops:restored-from', 'Value': BACKUP_ARN}]
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': tags})
    code, result = run(run_module, dynamodb_restore, dict(DDB_RESTORE, tags={'purpose': 'drill'}))
    assert code == 0, result['msg']
    assert result['changed'] and result['table_arn'] == RESTORED_ARN and result['table']['status'] == 'ACTIVE'
    job_ = result['job']
    assert (job_['id'], job_['product'], job_['outcome'], job_['reused']) == (RESTORED_ARN, 'dynamodb', 'succeeded', False)
    assert job_['started_at'] == STARTED.strftime('%Y-%m-%dT%H:%M:%SZ')
    assert job_['finished_at'] == result['wait']['timeline'][-1]['at'] and job_['finished_at_observed']
    assert job_['created_resource'] == {'type': 'dynamodb_table', 'name': 'orders-restored', 'arn': RESTORED_ARN,
                                        'region': 'us-east-1', 'account': '123456789012'}
    assert job_['restore_point']['id'] == BACKUP_ARN and result['request']['Operation'] == 'restore_table_from_backup'
    assert result['tags'] == {'purpose': 'drill', 'recoverops:restored-from': BACKUP_ARN}


@pytest.mark.parametrize('error', [
    botocore.exceptions.ConnectionClosedError(endpoint_url='https://dynamodb.us-east-1.amazonaws.com'),
    botocore.exceptions.ReadTimeoutError(endpoint_url='https://dynamodb.us-east-1.amazonaws.com'),
    botocore.exceptions.EndpointConnectionError(endpoint_url='https://dynamodb.us-east-1.amazonaws.com'),
], ids=type)
def test_a_lost_restore_answer_is_looked_up_and_the_table_reported_as_ours(run_module, aws, error):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    no_table(dynamodb)
    sent = lose_answer(aws['clients']['dynamodb_once'], 'RestoreTableFromBackup', error, times=5)
    # The look-up: the table the lost call created, its RestoreSummary naming our backup.
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': 'orders-restored'})
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': RESTORED_ARN})
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': OURS})
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 0, result
    assert sent == ['RestoreTableFromBackup']  # sent once: never resent into TableAlreadyExistsException
    assert result['changed'] and result['table_arn'] == RESTORED_ARN and not result['job']['reused']


def test_a_5xx_to_the_restore_is_looked_up_too(run_module, aws):
    dynamodb, once = aws['dynamodb'], aws['dynamodb_once']
    stub_backup(dynamodb)
    no_table(dynamodb)
    once.add_client_error('restore_table_from_backup', 'ServiceUnavailable', 'try later', 503)
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': 'orders-restored'})
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': RESTORED_ARN})
    dynamodb.add_response('list_tags_of_resource', {'Tags': OURS})
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 0, result
    assert result['changed'] and result['table_arn'] == RESTORED_ARN


def test_a_table_restored_from_another_source_is_refused_before_any_write(run_module, aws):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', dict(FROM_BACKUP, SourceBackupArn=BACKUP_ARN + 'x')))
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 1
    assert 'Table orders-restored already exists (restored from %sx) and was not restored from %s' % (BACKUP_ARN, BACKUP_ARN) in result['msg']


def test_a_table_of_this_source_being_deleted_is_refused_as_such(run_module, aws):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    dynamodb.add_response('describe_table', table('orders-restored', 'DELETING', FROM_BACKUP))
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 1
    assert 'Table orders-restored was restored from %s but is DELETING' % BACKUP_ARN in result['msg']
    assert 'was not restored from' not in result['msg']


def test_an_existing_table_that_is_no_restore_is_refused_before_any_write(run_module, aws):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    dynamodb.add_response('describe_table', table('orders-restored'))
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 1
    assert 'already exists (not a restored table)' in result['msg']


def test_a_rerun_adopts_its_untagged_table_by_restore_summary(run_module, aws):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': 'orders-restored'})
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP), {'TableName': RESTORED_ARN})
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': OURS})
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 0, result
    assert result['existing'] and result['job']['reused'] and result['changed']  # adopted: its tag was put on now
    assert result['table']['tags'] == {'recoverops:restored-from': BACKUP_ARN}


def test_a_rerun_of_a_tagged_table_changes_nothing(run_module, aws):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP))
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP))
    dynamodb.add_response('list_tags_of_resource', {'Tags': OURS})
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 0, result
    assert not result['changed'] and result['existing']


def test_tagging_that_keeps_failing_names_the_table_and_the_restore(run_module, aws):
    dynamodb, once = aws['dynamodb'], aws['dynamodb_once']
    stub_backup(dynamodb)
    no_table(dynamodb)
    once.add_response('restore_table_from_backup', {'TableDescription': table('orders-restored', 'ACTIVE', FROM_BACKUP)['Table']})
    dynamodb.add_response('describe_table', table('orders-restored', 'ACTIVE', FROM_BACKUP))
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    for _attempt in range(_aws.TAG_TRIES):
        dynamodb.add_client_error('tag_resource', 'ResourceInUseException', 'still in use', 400)
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 1
    assert 'Table orders-restored was restored from %s, but tagging it failed' % BACKUP_ARN in result['msg']
    assert 'ResourceInUseException' in result['msg'] and 'RestoreSummary' in result['msg']
    assert result['changed'] and result['table_arn'] == RESTORED_ARN and result['job']['id'] == RESTORED_ARN


def test_check_mode_reads_and_returns_the_request_and_warns_above_the_quota(run_module, aws, warned):
    dynamodb = aws['dynamodb']
    stub_backup(dynamodb)
    no_table(dynamodb)
    code, result = run(run_module, dynamodb_restore, dict(DDB_RESTORE, billing_mode='PROVISIONED', provisioned_throughput={
        'read_capacity_units': 50000, 'write_capacity_units': 5}), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started' and 'table_arn' not in result
    assert result['request']['ProvisionedThroughputOverride'] == {'ReadCapacityUnits': 50000, 'WriteCapacityUnits': 5}
    assert 'provisioned_throughput.read_capacity_units is 50000' in str(warned.call_args_list)


def test_a_table_poll_failing_after_the_restore_names_the_table(run_module, aws):
    dynamodb, once = aws['dynamodb'], aws['dynamodb_once']
    stub_backup(dynamodb)
    no_table(dynamodb)
    once.add_response('restore_table_from_backup', {'TableDescription': table('orders-restored', 'CREATING', FROM_BACKUP)['Table']})
    dynamodb.add_client_error('describe_table', 'AccessDeniedException', 'not allowed', 400)
    code, result = run(run_module, dynamodb_restore, DDB_RESTORE)
    assert code == 1
    assert 'restored table %s was started but reading its state failed' % RESTORED_ARN in result['msg']
    assert result['changed'] and result['table_arn'] == RESTORED_ARN and result['job']['id'] == RESTORED_ARN


def test_a_lost_point_in_time_answer_finds_the_table_of_that_source_and_time(run_module, aws):
    dynamodb = aws['dynamodb']
    moment = (NOW - datetime.timedelta(hours=1)).replace(microsecond=0)
    dynamodb.add_response('describe_continuous_backups', PITR)
    no_table(dynamodb, 'orders-pitr')
    sent = lose_answer(aws['clients']['dynamodb_once'], 'RestoreTableToPointInTime',
                       botocore.exceptions.ConnectionClosedError(endpoint_url='https://dynamodb.us-east-1.amazonaws.com'))
    summary = {'SourceTableArn': TABLE_ARN, 'RestoreDateTime': moment}
    dynamodb.add_response('describe_table', table('orders-pitr', 'CREATING', summary), {'TableName': 'orders-pitr'})
    dynamodb.add_response('describe_table', table('orders-pitr', 'ACTIVE', summary))
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': TABLE_ARN + '-pitr', 'Tags': [
        {'Key': 'recoverops:restored-from', 'Value': 'orders@' + moment.strftime('%Y-%m-%dT%H:%M:%SZ')}]})
    code, result = run(run_module, dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr', 'poll_interval': 1,
                                                      'restore_date_time': moment.strftime('%Y-%m-%dT%H:%M:%SZ')})
    assert code == 0, result['msg']
    assert sent == ['RestoreTableToPointInTime'] and result['changed'] and result['table_arn'] == TABLE_ARN + '-pitr'


@pytest.mark.parametrize('refused', [False, True])
def test_without_wait_the_table_is_tagged_at_once_or_a_warning_says_to_rerun(run_module, aws, warned, refused):
    dynamodb, once = aws['dynamodb'], aws['dynamodb_once']
    stub_backup(dynamodb)
    no_table(dynamodb)
    once.add_response('restore_table_from_backup', {'TableDescription': table('orders-restored', 'CREATING', FROM_BACKUP)['Table']})
    if refused:
        dynamodb.add_client_error('tag_resource', 'ResourceInUseException', 'still in use', 400)
    else:
        dynamodb.add_response('tag_resource', {}, {'ResourceArn': RESTORED_ARN, 'Tags': OURS})
    dynamodb.add_response('describe_table', table('orders-restored', 'CREATING', FROM_BACKUP))
    dynamodb.add_response('list_tags_of_resource', {'Tags': [] if refused else OURS})
    code, result = run(run_module, dynamodb_restore, dict(DDB_RESTORE, wait=False))
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'running'
    assert ('Table orders-restored is not tagged yet' in str(warned.call_args_list)) is refused


PITR = {'ContinuousBackupsDescription': {'ContinuousBackupsStatus': 'ENABLED', 'PointInTimeRecoveryDescription': {
    'PointInTimeRecoveryStatus': 'ENABLED', 'EarliestRestorableDateTime': NOW - datetime.timedelta(days=2),
    'LatestRestorableDateTime': NOW - datetime.timedelta(minutes=5)}}}


@pytest.mark.parametrize('restored_at,reused', [(0, True), (60, False)])
def test_a_point_in_time_table_is_ours_only_for_the_same_source_and_time(run_module, aws, restored_at, reused):
    dynamodb = aws['dynamodb']
    moment = (NOW - datetime.timedelta(hours=1)).replace(microsecond=0)
    dynamodb.add_response('describe_continuous_backups', PITR)
    summary = {'SourceTableArn': TABLE_ARN, 'RestoreDateTime': moment + datetime.timedelta(seconds=restored_at)}
    dynamodb.add_response('describe_table', table('orders-pitr', 'ACTIVE', summary))
    if reused:
        dynamodb.add_response('describe_table', table('orders-pitr', 'ACTIVE', summary))
        mark = 'orders@' + moment.strftime('%Y-%m-%dT%H:%M:%SZ')
        dynamodb.add_response('list_tags_of_resource', {'Tags': [{'Key': 'recoverops:restored-from', 'Value': mark}]})
    code, result = run(run_module, dynamodb_restore, {'source_table_name': 'orders', 'target_table_name': 'orders-pitr', 'poll_interval': 1,
                                                      'restore_date_time': moment.strftime('%Y-%m-%dT%H:%M:%SZ')})
    assert code == (0 if reused else 1), result
    if reused:
        assert result['existing'] and not result['changed'] and result['job']['restore_point']['kind'] == 'PITR'
    else:
        assert 'already exists (restored from %s)' % TABLE_ARN in result['msg']


@pytest.mark.parametrize('config', [{'retries': '3'}, {'connect_timeout': 'abc'}, {'retries': {'mode': 'fastest'}}])
def test_a_bad_aws_config_value_is_an_option_error_before_any_call(config):
    module = type('Module', (), {'params': dict(CONNECTION, profile=None, session_token=None, endpoint_url=None, validate_certs=True,
                                                aws_ca_bundle=None, aws_config=config)})()
    with pytest.raises(_aws.OptionError, match='^aws_config is not a valid botocore Config'):
        AwsClients(module, 'dynamodb').dynamodb


def test_another_client_error_is_not_blamed_on_a_valid_aws_config():
    module = type('Module', (), {'params': dict(CONNECTION, profile=None, session_token=None, endpoint_url='not a url',
                                                validate_certs=True, aws_ca_bundle=None, aws_config={'connect_timeout': 3})})()
    with pytest.raises(ValueError, match='Invalid endpoint'):
        AwsClients(module, 'dynamodb').dynamodb


def test_start_calls_are_sent_once_while_others_keep_botocores_retries():
    module = type('Module', (), {'params': dict(CONNECTION, profile=None, session_token=None, endpoint_url=None, validate_certs=True,
                                                aws_ca_bundle=None, aws_config={'retries': {'max_attempts': 4}, 'connect_timeout': 3})})()
    clients = AwsClients(module, 'dynamodb')
    once, usual = clients.once('dynamodb'), clients.dynamodb
    assert once is not usual and clients.once('dynamodb') is once
    assert once.meta.config.retries == {'mode': 'standard', 'total_max_attempts': 1}
    assert usual.meta.config.retries['total_max_attempts'] == 5  # aws_config's max_attempts: 4 retries
    assert once.meta.config.connect_timeout == 3
    clients.close()


def test_cleanup_refuses_a_table_without_the_restore_tag(run_module, aws):
    aws['dynamodb'].add_response('describe_table', table('orders'))
    aws['dynamodb'].add_response('list_tags_of_resource', {'Tags': []})
    code, result = run(run_module, dynamodb_restored_table, {'table_name': 'orders'})
    assert code == 1
    assert 'Refusing to delete table orders' in result['msg']


def test_cleanup_refuses_a_table_of_another_drill(run_module, aws):
    aws['dynamodb'].add_response('describe_table', table('orders-drill'))
    aws['dynamodb'].add_response('list_tags_of_resource', {'Tags': [{'Key': 'recoverops:restored-from', 'Value': RP},
                                                                    {'Key': 'recoverops:drill', 'Value': 'march'}]})
    code, result = run(run_module, dynamodb_restored_table, {'table_name': 'orders-drill', 'required_tags': {'recoverops:drill': 'april'}})
    assert code == 1
    assert 'recoverops:drill' in result['msg']


def test_an_omitted_state_deletes_as_before_with_a_deprecation_warning(run_module, aws, mocker):
    deprecate = mocker.spy(RecoverOpsModule, 'deprecate')
    aws['dynamodb'].add_response('describe_table', table('orders-drill'))
    aws['dynamodb'].add_response('list_tags_of_resource', {'Tags': [{'Key': 'recoverops:restored-from', 'Value': RP}]})
    code, result = run(run_module, dynamodb_restored_table, {'table_name': 'orders-drill'}, check_mode=True)
    assert code == 0 and result['changed']
    assert deprecate.call_count == 1
    assert 'becomes present in 2.0.0' in deprecate.call_args.args[1]
    assert deprecate.call_args.kwargs == {'version': '2.0.0', 'collection_name': 'recoverops.restore'}
    aws['dynamodb'].add_response('describe_table', table('orders-drill'))
    aws['dynamodb'].add_response('list_tags_of_resource', {'Tags': [{'Key': 'recoverops:restored-from', 'Value': RP}]})
    run(run_module, dynamodb_restored_table, {'table_name': 'orders-drill', 'state': 'absent'}, check_mode=True)
    assert deprecate.call_count == 1


def test_cleanup_in_check_mode_deletes_nothing(run_module, aws):
    aws['dynamodb'].add_response('describe_table', table('orders-drill'))
    aws['dynamodb'].add_response('list_tags_of_resource', {'Tags': [{'Key': 'recoverops:restored-from', 'Value': RP}]})
    code, result = run(run_module, dynamodb_restored_table, {'table_name': 'orders-drill'}, check_mode=True)
    assert code == 0 and result['changed']


def test_exact_count_scans_every_page(run_module, aws):
    dynamodb = aws['dynamodb']
    dynamodb.add_response('describe_table', table('orders-drill'))
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    dynamodb.add_response('scan', {'Count': 2, 'ScannedCount': 2, 'LastEvaluatedKey': {'pk': {'S': 'b'}}})
    dynamodb.add_response('scan', {'Count': 1, 'ScannedCount': 1},
                          {'TableName': 'orders-drill', 'Select': 'COUNT', 'ConsistentRead': False, 'ExclusiveStartKey': {'pk': {'S': 'b'}}})
    code, result = run(run_module, dynamodb_table_info, {'table_name': 'orders-drill', 'exact_count': True})
    assert code == 0
    assert result['table']['item_count_exact'] == 3 and result['table']['scan_pages'] == 2


def test_data_checks_read_the_table_once_and_report_expected_and_found(run_module, aws):
    dynamodb = aws['dynamodb']
    items = [{'pk': {'S': 'a'}, 'total': {'N': '1'}}, {'pk': {'S': 'b'}, 'total': {'N': '2'}}]
    dynamodb.add_response('describe_table', table('orders-drill'))
    dynamodb.add_response('list_tags_of_resource', {'Tags': []})
    dynamodb.add_response('describe_table', table('orders'), {'TableName': 'orders'})
    dynamodb.add_response('scan', {'Items': items, 'Count': 2}, {'TableName': 'orders-drill', 'ConsistentRead': True})
    dynamodb.add_response('batch_get_item', {'Responses': {'orders': [items[0], dict(items[1], total={'N': '3'})]}})
    dynamodb.add_response('batch_get_item', {'Responses': {'orders-drill': items}})
    code, result = run(run_module, dynamodb_table_info, {'table_name': 'orders-drill', 'checks': {
        'expected_count': 2, 'product_count': 5, 'compare_with_source': {'table_name': 'orders'}}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert (checks['item_count']['passed'], checks['item_count']['expected'], checks['item_count']['found']) == (True, 2, 2)
    assert checks['product_count']['informational'] and checks['product_count']['expected'] == 5
    assert checks['compare_with_source']['passed'] is False
    assert checks['compare_with_source']['differences'] == [{'key': {'pk': {'S': 'b'}}, 'attributes': ['total']}]
    assert len(result['fingerprint']) == 64 and checks['fingerprint']['found'] == result['fingerprint']


def test_data_checks_are_refused_before_any_call_when_malformed(run_module, aws):
    code, result = run(run_module, dynamodb_table_info, {'table_name': 'orders-drill', 'checks': {'expected_count': -1}})
    assert code == 1 and 'checks.expected_count must be 0 or more' in result['msg']
    code, result = run(run_module, dynamodb_table_info, {'table_name': 'orders-drill', 'checks': {
        'expected_items': [{'attributes': {}}]}})
    assert code == 1 and 'checks.expected_items[0] needs key' in result['msg']
    assert aws['make'].call_count == 0


def test_a_missing_table_is_reported_not_failed(run_module, aws):
    aws['dynamodb'].add_client_error('describe_table', 'ResourceNotFoundException', 'Requested resource not found', 400)
    code, result = run(run_module, dynamodb_table_info, {'table_name': 'nothing-here'})
    assert code == 0 and result['exists'] is False


def test_newest_available_backup_and_pitr_window(run_module, aws):
    dynamodb = aws['dynamodb']
    summaries = [{'BackupArn': BACKUP_ARN[:-1] + str(n), 'TableName': 'orders', 'TableArn': TABLE_ARN, 'BackupStatus': status,
                  'BackupType': 'USER', 'BackupCreationDateTime': NOW - datetime.timedelta(hours=hours)}
                 for n, hours, status in ((1, 10, 'AVAILABLE'), (2, 1, 'CREATING'), (3, 5, 'AVAILABLE'))]
    dynamodb.add_response('list_backups', {'BackupSummaries': summaries[:2], 'LastEvaluatedBackupArn': summaries[1]['BackupArn']})
    dynamodb.add_response('list_backups', {'BackupSummaries': summaries[2:]})
    dynamodb.add_response('describe_continuous_backups', {'ContinuousBackupsDescription': {'ContinuousBackupsStatus': 'ENABLED'}})
    code, result = run(run_module, dynamodb_backup_info, {'table_name': 'orders', 'latest': True})
    assert code == 0
    assert [p['id'] for p in result['restore_points']] == [summaries[2]['BackupArn']]
    assert result['point_in_time_recovery']['status'] == 'DISABLED'


def test_job_info_lists_newest_first_with_filters(run_module, aws):
    older = job('COMPLETED', 'job-old', CreationDate=NOW - datetime.timedelta(days=1))
    aws['backup'].add_response('list_restore_jobs', {'RestoreJobs': [older, job('FAILED', 'job-new')]},
                               {'ByResourceType': 'DynamoDB', 'ByStatus': 'FAILED'})
    code, result = run(run_module, aws_backup_restore_job_info, {'resource_type': 'DynamoDB', 'status': 'FAILED'})
    assert code == 0
    assert [j['id'] for j in result['restore_jobs']] == ['job-new', 'job-old']


def test_awx_aws_credential_env_reaches_the_boto3_session(run_module, mocker, monkeypatch):
    """AWX's built-in AWS credential injects AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SECURITY_TOKEN."""
    monkeypatch.setenv('AWS_ACCESS_KEY_ID', 'ASIAAWXINJECTED00001')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', SECRET)
    monkeypatch.setenv('AWS_SECURITY_TOKEN', 'awx-sts-token-0123456789')
    session = mocker.patch('boto3.session.Session', autospec=True)
    client = session.return_value.client.return_value
    client.describe_restore_job.return_value = job('COMPLETED')
    code, result = run_module(aws_backup_restore_job_info, {'restore_job_id': 'job-1', 'region': 'us-east-1'}, connection=False)
    assert code == 0, result
    kwargs = session.call_args.kwargs
    assert (kwargs['aws_access_key_id'], kwargs['aws_secret_access_key'], kwargs['aws_session_token']) == (
        'ASIAAWXINJECTED00001', SECRET, 'awx-sts-token-0123456789')
    assert SECRET not in str(result) and 'awx-sts-token-0123456789' not in str(result)
