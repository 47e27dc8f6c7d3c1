# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aws_backup_restore's EFS option group and the restored-resource modules on an EFS file system, on botocore-stubbed
clients; and an in-place S3 restore that must never mark its source as restored (issue 19)."""
from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types, _aws_resource_efs, _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import RESTORED_TAG, AwsClients
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.modules import aws_backup_restore, aws_restored_resource, aws_restored_resource_info
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': 'wJalrXUtnFEMI/K7MDENG/unit-test-secret', 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0EF50000-0000-4000-8000-000000000001'
SOURCE = 'fs-0123456789abcdef0'
SOURCE_ARN = 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/' + SOURCE
RESTORED = 'fs-0fedcba9876543210'
RESTORED_ARN = 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/' + RESTORED
BASE = {'file-system-id': SOURCE, 'Encrypted': 'true', 'PerformanceMode': 'generalPurpose', 'newFileSystem': 'true'}
SERVICES = ('backup', 'efs', 's3')
RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'files-vault', 'poll_interval': 1,
           'iam_role_arn': 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'}
NEW = {'creation_token': 'shared-drill'}
EFS = _aws_backup_types.BY_KIND['efs_file_system']


class Clock(FakeClock):
    def monotonic(self):
        return self.now


class Clients:
    """What RestoredResource methods take: an object with one client per service."""

    def __init__(self, efs):
        self.efs = efs


@pytest.fixture(autouse=True)
def no_aws_env(monkeypatch):
    for name in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
                 'AWS_URL', 'AWS_CA_BUNDLE'):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(name='aws')
def fixture_aws(mocker):
    clients = {service: boto3.client(service, region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='y') for service in SERVICES}
    stubs = {service: Stubber(client) for service, client in clients.items()}
    for stub in stubs.values():
        stub.activate()
    stubs['clients'] = clients
    stubs['make'] = mocker.patch.object(AwsClients, '_make', autospec=True,
                                        side_effect=lambda _self, service, single_try=False, region=None: clients[service])
    yield stubs
    for service in SERVICES:
        stubs[service].assert_no_pending_responses()


@pytest.fixture(autouse=True)
def fake_time(mocker):
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)
    mocker.patch.object(_restore, 'wait_for_job', side_effect=waiting)


def run(run_module, module, args, **kwargs):
    return run_module(module, dict(CONNECTION, **args), connection=False, **kwargs)


def point(kind='EFS', resource=SOURCE_ARN, name=SOURCE):
    return {'RecoveryPointArn': RP, 'BackupVaultName': 'files-vault', 'ResourceArn': resource, 'ResourceType': kind,
            'ResourceName': name, 'Status': 'COMPLETED', 'CreationDate': NOW - datetime.timedelta(hours=8), 'BackupSizeInBytes': 2**20}


def stub_point(backup, base=None, jobs=()):
    backup.add_response('describe_recovery_point', point())
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': dict(BASE if base is None else base)})
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': list(jobs)})


def job(status, job_id='job-f', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW - datetime.timedelta(minutes=5),
                 'PercentDone': '100.00%', 'ResourceType': 'EFS', 'AccountId': '123456789012'}, **extra)


def file_system(state='available', tags=None, fs_id=RESTORED, mode='generalPurpose', encrypted=True, token='shared-drill'):
    return {'OwnerId': '123456789012', 'CreationToken': token, 'FileSystemId': fs_id,
            'FileSystemArn': 'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/' + fs_id, 'CreationTime': NOW,
            'LifeCycleState': state, 'NumberOfMountTargets': 0, 'SizeInBytes': {'Value': 6144}, 'PerformanceMode': mode,
            'Encrypted': encrypted, 'ThroughputMode': 'bursting',
            'Tags': [{'Key': key, 'Value': value} for key, value in (tags or {}).items()]}


def no_file_system_with_token(efs, token='shared-drill'):
    efs.add_response('describe_file_systems', {'FileSystems': []}, {'CreationToken': token})


# ---- bad input: refused before any call ------------------------------------------------------
@pytest.mark.parametrize('group, words', [
    ({'file_system_id': 'fs-XYZ'}, 'efs.file_system_id must be an EFS file system id'),
    ({'file_system_id': 'fs-0123456789abcdef0 '}, 'efs.file_system_id'),
    ({'kms_key_id': 'not a key', 'encrypted': True}, 'efs.kms_key_id must be a KMS key id'),
    ({'kms_key_id': 'alias/efs'}, 'efs.kms_key_id needs efs.encrypted: true'),
    ({'creation_token': ''}, 'efs.creation_token must be 1 to 64 characters'),
    ({'creation_token': 't' * 65}, 'efs.creation_token must be 1 to 64 characters'),
    ({'creation_token': 'drill\nnext'}, 'efs.creation_token'),
    ({'items_to_restore': []}, 'efs.items_to_restore must be a list of 1 to 5 file paths'),
    ({'items_to_restore': ['/a', '/b', '/c', '/d', '/e', '/f']}, 'efs.items_to_restore must be a list of 1 to 5'),
    ({'items_to_restore': ['home/ada']}, "efs.items_to_restore must hold paths from the file system root"),
    ({'items_to_restore': ['/home/../etc']}, 'efs.items_to_restore'),
    ({'items_to_restore': ['/home/*']}, 'efs.items_to_restore'),
    ({'performance_mode': 'turbo'}, 'performance_mode'),
    ({'encrypted': 'maybe'}, 'encrypted'),
    ({'new_file_system': False}, 'efs.allow_in_place: true'),
])
def test_bad_efs_options_fail_naming_the_option_before_any_call(run_module, aws, group, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=group))
    assert code == 1, result
    assert words in result['msg']
    assert aws['make'].call_count == 0


@pytest.mark.parametrize('args, words', [
    ({'resource_type': 'EFS', 'metadata': {'FileSystemId': SOURCE}}, 'FileSystemId is not restore metadata of EFS'),
    ({'resource_type': 'EFS', 'metadata': {'itemsToRestore': '["/a"]'}}, 'accepted: CreationToken, Encrypted, ItemsToRestore'),
    ({'efs': {'encrypted': True}, 'resource_type': 'S3'}, 'efs is the option group of EFS recovery points, but resource_type is S3'),
    ({'efs': {'encrypted': True}, 'ebs': {'encrypted': True}}, 'set one of them'),
])
def test_bad_efs_metadata_keys_fail_before_any_call(run_module, aws, args, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, **args))
    assert code == 1
    assert words in result['msg']
    assert aws['make'].call_count == 0


def test_a_bad_metadata_key_is_refused_once_the_point_names_its_type_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point())
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'newfilesystem': 'true'}))
    assert code == 1
    assert 'newfilesystem is not restore metadata of EFS' in result['msg'] and 'newFileSystem' in result['msg']


# ---- the merged metadata, before the start ------------------------------------------------------
def test_check_mode_merges_the_group_over_the_points_metadata_and_sends_nothing(run_module, aws):
    stub_point(aws['backup'])
    no_file_system_with_token(aws['efs'])
    group = dict(NEW, performance_mode='maxIO', encrypted=False, items_to_restore=['/home/ada', '/srv/app'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=group), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started'
    sent = result['request']['Metadata']
    assert sent == {'file-system-id': SOURCE, 'Encrypted': 'false', 'PerformanceMode': 'maxIO', 'newFileSystem': 'true',
                    # CreationToken names the file system for idempotency: not a secret, so it is shown.
                    'CreationToken': group['creation_token'], 'ItemsToRestore': '["/home/ada","/srv/app"]'}


def test_a_metadata_key_that_contradicts_its_option_fails(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point())
    aws['backup'].add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': BASE})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs={'performance_mode': 'maxIO'},
                                                            metadata={'PerformanceMode': 'generalPurpose'}))
    assert code == 1
    assert 'metadata.PerformanceMode' in result['msg'] and 'efs.performance_mode' in result['msg']


@pytest.mark.parametrize('group, metadata, words', [
    ({}, {}, 'needs a CreationToken'),
    ({}, {'newFileSystem': 'maybe'}, 'newFileSystem must be true or false'),
    (NEW, {'ItemsToRestore': "['/a']"}, 'Metadata ItemsToRestore must be a JSON list'),
    (NEW, {'ItemsToRestore': '["a"]'}, 'metadata.ItemsToRestore must hold paths'),
    (NEW, {'file-system-id': 'fs-0aaaaaaaaaaaaaaaa'}, 'is not the file system this recovery point backed up'),
    (NEW, {'KmsKeyId': 'alias/efs', 'Encrypted': 'false'}, 'KmsKeyId needs Encrypted true'),
    (NEW, {'PerformanceMode': 'turbo'}, 'PerformanceMode must be one of generalPurpose, maxIO'),
])
def test_merged_metadata_aws_would_refuse_fails_before_the_start(run_module, aws, group, metadata, words):
    stub_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=group, metadata=metadata))
    assert code == 1, result
    assert words in result['msg']


def test_a_creation_token_another_file_system_has_is_refused_before_the_start(run_module, aws):
    stub_point(aws['backup'])
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(fs_id='fs-0aaaaaaaaaaaaaaaa')]},
                            {'CreationToken': 'shared-drill'})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=NEW))
    assert code == 1
    assert 'File system fs-0aaaaaaaaaaaaaaaa already has CreationToken shared-drill' in result['msg']


# ---- in place: the opt-in, and the source never tagged ---------------------------------------------
def test_an_in_place_restore_set_by_metadata_needs_the_opt_in(run_module, aws):
    stub_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'newFileSystem': 'false'}), check_mode=True)
    assert code == 1
    assert 'restores into the source file system %s' % SOURCE in result['msg'] and 'efs.allow_in_place: true' in result['msg']


def test_an_in_place_restore_with_the_opt_in_does_not_tag_the_source(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    sent = dict(BASE, newFileSystem='false', ItemsToRestore='["/home/ada"]')
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-f'},
                        {'RecoveryPointArn': RP, 'Metadata': sent, 'IdempotencyToken': ANY, 'ResourceType': 'EFS', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=SOURCE_ARN, CompletionDate=NOW))
    # No TagResource is stubbed: a call to it would fail the module.
    group = {'new_file_system': False, 'allow_in_place': True, 'items_to_restore': ['/home/ada']}
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=group))
    assert code == 0, result
    assert result['changed'] and 'tags' not in result
    assert result['job']['created_resource']['id'] == SOURCE


def test_cleanup_refuses_the_untagged_source_of_an_in_place_restore(run_module, aws):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(fs_id=SOURCE, tags={'Name': 'shared-home'})]},
                            {'FileSystemId': SOURCE})
    code, result = run(run_module, aws_restored_resource, {'type': 'efs_file_system', 'id': SOURCE, 'restored_from': RP})
    assert code == 1
    assert 'Refusing to delete efs file system %s: it has no %s tag' % (SOURCE, RESTORED_TAG) in result['msg']


# ---- a new file system: tagged, reused, restored again once deleted ---------------------------------
def test_a_new_file_system_is_tagged_and_named(run_module, aws):
    backup, efs = aws['backup'], aws['efs']
    stub_point(backup)
    no_file_system_with_token(efs)
    sent = dict(BASE, CreationToken='shared-drill')
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-f'},
                        {'RecoveryPointArn': RP, 'Metadata': sent, 'IdempotencyToken': ANY, 'ResourceType': 'EFS', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW))
    tags = [{'Key': 'purpose', 'Value': 'drill'}, {'Key': RESTORED_TAG, 'Value': RP}]
    efs.add_response('tag_resource', {}, {'ResourceId': RESTORED, 'Tags': tags})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=NEW, tags={'purpose': 'drill'}))
    assert code == 0, result
    assert result['changed'] and result['tags'] == {'purpose': 'drill', RESTORED_TAG: RP}
    assert result['job']['created_resource'] == {'type': 'efs_file_system', 'id': RESTORED, 'name': RESTORED, 'arn': RESTORED_ARN,
                                                 'region': 'us-east-1', 'account': '123456789012'}


def test_a_rerun_reuses_the_job_while_its_file_system_exists(run_module, aws):
    backup, efs = aws['backup'], aws['efs']
    done = job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)
    stub_point(backup, jobs=[done])
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-f', 'Metadata': dict(BASE, CreationToken='shared-drill')})
    efs.add_response('describe_file_systems', {'FileSystems': [file_system(tags={RESTORED_TAG: RP})]}, {'FileSystemId': RESTORED})
    backup.add_response('describe_restore_job', done)
    efs.add_response('tag_resource', {}, {'ResourceId': RESTORED, 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=NEW))
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-f'


def test_a_deleted_file_system_makes_the_rerun_restore_again(run_module, aws):
    backup, efs = aws['backup'], aws['efs']
    done = job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)
    stub_point(backup, jobs=[done])
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-f', 'Metadata': dict(BASE, CreationToken='shared-drill')})
    efs.add_client_error('describe_file_systems', 'FileSystemNotFound', 'File system does not exist.', 404,
                         expected_params={'FileSystemId': RESTORED})
    no_file_system_with_token(efs)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, efs=NEW), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started' and not result['existing']


# ---- verify ----------------------------------------------------------------------------------------
def test_the_file_system_checks_name_expected_and_found(run_module, aws):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(mode='maxIO')]}, {'FileSystemId': RESTORED})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'efs_file_system', 'id': RESTORED,
                                                                'expected': {'performance_mode': 'generalPurpose', 'encrypted': True}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert list(checks) == ['exists', 'ready', 'performance_mode', 'encrypted']
    assert checks['ready']['passed'] and checks['encrypted']['passed']
    assert not checks['performance_mode']['passed'] and checks['performance_mode']['found'] == 'maxIO'
    assert result['passed'] is False and result['resource']['size_bytes'] == 6144 and result['resource']['creation_token'] == 'shared-drill'


def test_a_creating_file_system_checked_at_once_is_not_ready(run_module, aws):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(state='creating')]})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'efs_file_system', 'id': RESTORED})
    assert code == 0, result
    assert result['exists'] and not result['passed'] and result['waited'] < 1
    assert result['checks'][1] == {'name': 'ready', 'passed': False, 'expected': 'available', 'found': 'creating',
                                   'msg': 'state is creating, expected available'}


@pytest.mark.parametrize('state', ['deleting', 'deleted'])
def test_a_file_system_being_deleted_is_not_there(run_module, aws, state):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(state=state)]})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'efs_file_system', 'id': RESTORED})
    assert code == 0 and result['exists'] is False and result['resource'] is None


def test_read_when_ready_reads_through_creating_and_updating(aws):
    efs = aws['efs']
    for state in ('creating', 'updating', 'available'):
        efs.add_response('describe_file_systems', {'FileSystems': [file_system(state=state)]}, {'FileSystemId': RESTORED})
    clock = Clock()
    found, waited = EFS.read_when_ready(Clients(aws['clients']['efs']), RESTORED, timeout=60, clock=clock)
    assert found['state'] == 'available' and waited == 10 and clock.sleeps == [5, 5]


def test_expected_keys_of_another_type_are_refused(run_module, aws):
    code, result = run(run_module, aws_restored_resource_info, {'type': 'efs_file_system', 'id': RESTORED, 'expected': {'size_gib': 8}})
    assert code == 1
    assert 'expected.size_gib is not checked for type efs_file_system; its keys: encrypted, performance_mode' in result['msg']
    assert aws['make'].call_count == 0


@pytest.mark.parametrize('module', [aws_restored_resource, aws_restored_resource_info])
@pytest.mark.parametrize('bad', ['fs-XYZ', 'fs-0123456789abcdef0/../x', 'vol-0123456789abcdef0', 'fs-0123456789abcdef0\n'])
def test_file_system_ids_are_checked_before_any_call(run_module, aws, module, bad):
    code, result = run(run_module, module, {'type': 'efs_file_system', 'id': bad})
    assert code == 1 and 'id must be an EFS file system id' in result['msg']
    assert aws['make'].call_count == 0


# ---- clean up ----------------------------------------------------------------------------------------
def test_cleanup_refuses_a_file_system_restored_from_another_point(run_module, aws):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(tags={RESTORED_TAG: RP[:-1] + '9'})]})
    code, result = run(run_module, aws_restored_resource, {'type': 'efs_file_system', 'id': RESTORED, 'restored_from': RP})
    assert code == 1 and 'not from %s' % RP in result['msg']


def test_cleanup_check_mode_deletes_nothing(run_module, aws):
    aws['efs'].add_response('describe_file_systems', {'FileSystems': [file_system(tags={RESTORED_TAG: RP})]})
    code, result = run(run_module, aws_restored_resource, {'type': 'efs_file_system', 'id': RESTORED, 'restored_from': RP}, check_mode=True)
    assert code == 0 and result['changed'] and result['resource']['id'] == RESTORED


def test_cleanup_deletes_the_mount_targets_then_the_file_system(run_module, aws):
    efs = aws['efs']
    efs.add_response('describe_file_systems', {'FileSystems': [file_system(tags={RESTORED_TAG: RP})]})
    efs.add_response('describe_mount_targets', {'MountTargets': [{'MountTargetId': 'fsmt-0aaa1111', 'FileSystemId': RESTORED,
                                                                  'SubnetId': 'subnet-0123456789abcdef0', 'LifeCycleState': 'available'}]},
                     {'FileSystemId': RESTORED})
    efs.add_response('delete_mount_target', {}, {'MountTargetId': 'fsmt-0aaa1111'})
    efs.add_response('describe_mount_targets', {'MountTargets': []}, {'FileSystemId': RESTORED})
    efs.add_response('delete_file_system', {}, {'FileSystemId': RESTORED})
    code, result = run(run_module, aws_restored_resource, {'type': 'efs_file_system', 'id': RESTORED, 'restored_from': RP})
    assert code == 0, result
    assert result['changed']


def test_cleanup_of_a_gone_file_system_changes_nothing(run_module, aws):
    aws['efs'].add_client_error('describe_file_systems', 'FileSystemNotFound', 'gone', 404)
    code, result = run(run_module, aws_restored_resource, {'type': 'efs_file_system', 'id': RESTORED})
    assert code == 0 and not result['changed']


def test_mount_targets_that_stay_stop_the_deletion_with_a_message(aws, monkeypatch):
    monkeypatch.setattr(_aws_resource_efs, 'MOUNT_TARGETS_GONE_SECONDS', 10)
    efs = aws['efs']
    staying = {'MountTargets': [{'MountTargetId': 'fsmt-0aaa1111', 'FileSystemId': RESTORED, 'SubnetId': 'subnet-0123456789abcdef0',
                                 'LifeCycleState': 'deleting'}]}
    efs.add_response('describe_mount_targets', staying)
    efs.add_response('delete_mount_target', {}, {'MountTargetId': 'fsmt-0aaa1111'})
    for _later_read in range(3):
        efs.add_response('describe_mount_targets', staying)
    with pytest.raises(OperationFailed) as failed:
        EFS.remove(Clients(aws['clients']['efs']), RESTORED, clock=Clock())
    assert 'still has 1 mount target(s)' in failed.value.msg


# ---- S3: an in-place restore never marks its source as restored -------------------------------------
def test_an_in_place_s3_restore_does_not_tag_the_source_bucket_and_its_cleanup_is_refused(run_module, aws):
    backup, s3 = aws['backup'], aws['s3']
    backup.add_response('describe_recovery_point', point('S3', 'arn:aws:s3:::assets', 'assets'))
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': {'BucketName': 'assets'}})
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-s'},
                        {'RecoveryPointArn': RP, 'Metadata': {'BucketName': 'assets'}, 'IdempotencyToken': ANY, 'ResourceType': 'S3',
                         'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', job('COMPLETED', 'job-s', ResourceType='S3', CreatedResourceArn='arn:aws:s3:::assets',
                                                    CompletionDate=NOW))
    # No PutBucketTagging (nor GetBucketTagging) is stubbed: tagging the source would fail the module.
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, s3={'allow_in_place': True}))
    assert code == 0, result
    assert result['changed'] and 'tags' not in result and result['job']['created_resource']['id'] == 'assets'
    s3.add_response('head_bucket', {}, {'Bucket': 'assets'})
    s3.add_response('get_bucket_tagging', {'TagSet': [{'Key': 'team', 'Value': 'web'}]}, {'Bucket': 'assets'})
    s3.add_response('list_objects_v2', {'Contents': [{'Key': 'index.html', 'Size': 15, 'ETag': '"e1"'}], 'IsTruncated': False})
    code, result = run(run_module, aws_restored_resource, {'type': 's3_bucket', 'id': 'assets', 'restored_from': RP})
    assert code == 1
    assert 'Refusing to delete s3 bucket assets: it has no %s tag' % RESTORED_TAG in result['msg']
