# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS Backup and DynamoDB modules on botocore-stubbed clients: bad input, selection, idempotency, safety."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils._aws import AwsClients, idempotency_token
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
    """Stubbed backup and dynamodb clients; every client the modules make is one of them."""
    clients = {service: boto3.client(service, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y')
               for service in ('backup', 'dynamodb')}
    stubs = {service: Stubber(client) for service, client in clients.items()}
    for stub in stubs.values():
        stub.activate()
    stubs['make'] = mocker.patch.object(AwsClients, '_make', autospec=True, side_effect=lambda _self, service: clients[service])
    yield stubs
    for service in ('backup', 'dynamodb'):
        stubs[service].assert_no_pending_responses()


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


def stub_point_and_metadata(backup, status='COMPLETED'):
    backup.add_response('describe_recovery_point', point(status=status), {'BackupVaultName': 'dr-vault', 'RecoveryPointArn': RP})
    if status == 'COMPLETED':
        backup.add_response('get_recovery_point_restore_metadata',
                            {'RestoreMetadata': {'targetTableName': 'orders', 'encryptionType': 'Default'}})


def job(status, job_id='job-1', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW, 'PercentDone': '100.00%',
                 'ResourceType': 'DynamoDB'}, **extra)


def test_restore_starts_with_a_derived_token_waits_and_tags_the_table(run_module, aws):
    backup, dynamodb = aws['backup'], aws['dynamodb']
    stub_point_and_metadata(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    metadata = {'targetTableName': 'orders-restored', 'encryptionType': 'Default'}
    token = idempotency_token(RP, [metadata, 0])
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-1'},
                        {'RecoveryPointArn': RP, 'Metadata': metadata, 'IdempotencyToken': token, 'ResourceType': 'DynamoDB'})
    backup.add_response('describe_restore_job', job('RUNNING', PercentDone='40.00%'))
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=TABLE_ARN + '-restored'))
    dynamodb.add_response('tag_resource', {}, {'ResourceArn': TABLE_ARN + '-restored', 'Tags': ANY})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert result['changed'] and not result['existing']
    assert result['restore_job']['created_resource_arn'] == TABLE_ARN + '-restored'
    assert [entry['state'] for entry in result['wait']['timeline']] == ['RUNNING', 'COMPLETED']
    assert result['tags'] == {'recoverops:restored-from': RP}
    assert SECRET not in str(result)


def test_a_matching_running_job_is_returned_not_started_again(run_module, aws):
    backup = aws['backup']
    stub_point_and_metadata(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [job('RUNNING', PercentDone='10.00%')]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-1',
                                                     'Metadata': {'targetTableName': 'orders-restored', 'encryptionType': 'Default'}})
    backup.add_response('describe_restore_job', job('RUNNING', PercentDone='10.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0
    assert not result['changed'] and result['existing'] and result['restore_job_id'] == 'job-1'


def test_a_job_to_another_target_does_not_count(run_module, aws):
    backup = aws['backup']
    stub_point_and_metadata(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [job('RUNNING')]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-1', 'Metadata': {'targetTableName': 'elsewhere'}})
    code, result = run(run_module, aws_backup_restore, RESTORE, check_mode=True)
    assert code == 0
    assert result['changed'] and not result['existing'] and 'restore_job_id' not in result
    assert result['request']['Metadata']['targetTableName'] == 'orders-restored'


def test_a_failed_job_fails_the_task_with_its_status_message_and_id(run_module, aws):
    backup = aws['backup']
    stub_point_and_metadata(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-9'})
    backup.add_response('describe_restore_job', job('FAILED', 'job-9', StatusMessage='Table already exists: orders-restored'))
    backup.add_response('describe_restore_job', job('FAILED', 'job-9', StatusMessage='Table already exists: orders-restored'))
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'job-9' in result['msg'] and 'Table already exists' in result['msg']
    assert result['restore_job_id'] == 'job-9'


def test_a_rerun_after_a_failed_job_starts_a_new_one_with_a_new_token(run_module, aws):
    backup = aws['backup']
    stub_point_and_metadata(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [job('FAILED', 'job-9')]})
    metadata = {'targetTableName': 'orders-restored', 'encryptionType': 'Default'}
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-9', 'Metadata': metadata})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-10'},
                        {'RecoveryPointArn': RP, 'Metadata': metadata, 'IdempotencyToken': idempotency_token(RP, [metadata, 1]),
                         'ResourceType': 'DynamoDB'})
    backup.add_response('describe_restore_job', job('RUNNING', 'job-10', PercentDone='5.00%'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, wait=False))
    assert code == 0
    assert result['changed'] and result['restore_job_id'] == 'job-10'


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


def table(name, tags_status='ACTIVE'):
    return {'Table': {'TableName': name, 'TableArn': 'arn:aws:dynamodb:us-east-1:123456789012:table/' + name, 'TableStatus': tags_status,
                      'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], 'ItemCount': 3}}


def test_an_existing_foreign_table_is_never_restored_over(run_module, aws):
    dynamodb = aws['dynamodb']
    dynamodb.add_response('describe_backup', {'BackupDescription': {'BackupDetails': {
        'BackupArn': BACKUP_ARN, 'BackupName': 'nightly', 'BackupStatus': 'AVAILABLE', 'BackupType': 'USER',
        'BackupCreationDateTime': NOW}}})
    dynamodb.add_response('describe_table', table('restored'))
    dynamodb.add_response('list_tags_of_resource', {'Tags': [{'Key': 'team', 'Value': 'sales'}]})
    code, result = run(run_module, dynamodb_restore, {'backup_arn': BACKUP_ARN, 'target_table_name': 'restored'})
    assert code == 1
    assert 'already exists and was not restored from' in result['msg']


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
