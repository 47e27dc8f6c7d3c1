# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aws_backup_restore's EBS and S3 option groups, and the restored-resource modules, on botocore-stubbed clients."""
from __future__ import annotations

import datetime
import hashlib

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import RESTORED_TAG, AwsClients
from ansible_collections.recoverops.restore.plugins.modules import aws_backup_restore, aws_restored_resource, aws_restored_resource_info
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': 'wJalrXUtnFEMI/K7MDENG/unit-test-secret', 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0C000000-0000-4000-8000-000000000001'
VOLUME_ARN = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc1234def567890'
RESTORED_VOLUME = 'vol-0123456789abcdef0'
RESTORED_ARN = 'arn:aws:ec2:us-east-1:123456789012:volume/' + RESTORED_VOLUME
BUCKET_ARN = 'arn:aws:s3:::assets'
SERVICES = ('backup', 'ec2', 's3')


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


def point(kind='EBS', resource=VOLUME_ARN):
    return {'RecoveryPointArn': RP, 'BackupVaultName': 'dr-vault', 'ResourceArn': resource, 'ResourceType': kind,
            'ResourceName': resource.rsplit('/', 1)[-1].rsplit(':', 1)[-1], 'Status': 'COMPLETED',
            'CreationDate': NOW - datetime.timedelta(hours=2), 'BackupSizeInBytes': 8 * 2**30}


EBS_BASE = {'volumeId': 'vol-0abc1234def567890', 'volumeType': 'gp3', 'availabilityZone': 'us-east-1a', 'encrypted': 'false'}
RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'dr-vault', 'poll_interval': 1,
           'iam_role_arn': 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'}


def stub_point(backup, kind='EBS', base=None, resource=VOLUME_ARN):
    backup.add_response('describe_recovery_point', point(kind, resource))
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': dict(EBS_BASE if base is None else base)})


def job(status, job_id='job-e', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW - datetime.timedelta(minutes=5),
                 'PercentDone': '100.00%', 'ResourceType': 'EBS', 'AccountId': '123456789012'}, **extra)


def volume(state='available', tags=None, size=8, kind='gp3'):
    return {'Volumes': [{'VolumeId': RESTORED_VOLUME, 'State': state, 'Size': size, 'VolumeType': kind, 'Encrypted': False,
                         'AvailabilityZone': 'us-east-1a', 'SnapshotId': 'snap-0aaa', 'CreateTime': NOW,
                         'Tags': [{'Key': key, 'Value': value} for key, value in (tags or {}).items()]}]}


# ---- bad input: refused before any call ------------------------------------------------------
@pytest.mark.parametrize('args, words', [
    ({'resource_type': 'EBS', 'metadata': {'availabiltyZone': 'us-east-1a'}}, 'availabiltyZone is not restore metadata of EBS'),
    ({'ebs': {'volume_type': 'gp3'}, 'metadata': {'VolumeType': 'gp3'}}, 'accepted: availabilityZone'),
    ({'ebs': {'availability_zone': 'us-east-1'}}, 'ebs.availability_zone'),
    ({'ebs': {'volume_type': 'gp9'}}, 'volume_type'),
    ({'ebs': {'volume_size': 0}}, 'ebs.volume_size'),
    ({'ebs': {'kms_key_id': 'alias/backup'}}, 'ebs.encrypted: true'),
    ({'ebs': {'volume_type': 'gp2', 'throughput': 250}}, 'gp3 only'),
    ({'ebs': {'volume_type': 'gp3'}, 'resource_type': 'S3'}, 'resource_type is S3'),
    ({'ebs': {'volume_type': 'gp3'}, 's3': {'new_bucket': True, 'destination_bucket_name': 'x-drill'}}, 'set one of them'),
    ({'s3': {'destination_bucket_name': 'Bad_Bucket'}}, 's3.destination_bucket_name'),
    ({'s3': {'encryption_type': 'SSE-KMS', 'destination_bucket_name': 'assets-drill'}}, 's3.kms_key'),
    ({'s3': {'new_bucket': False}}, 's3.destination_bucket_name'),
    ({'resource_type': 'S3', 'metadata': {'DestinationBucket': 'assets-drill'}}, 'DestinationBucket is not restore metadata of S3'),
])
def test_bad_group_options_fail_before_any_call(run_module, aws, args, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, **args))
    assert code == 1
    assert words in result['msg']
    assert aws['make'].call_count == 0


def test_a_bad_metadata_key_is_refused_once_the_point_names_its_type_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point())
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'volumetype': 'gp3'}))
    assert code == 1
    assert 'volumetype is not restore metadata of EBS' in result['msg']


def test_an_ebs_group_on_a_table_point_fails_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point('DynamoDB', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, ebs={'volume_type': 'gp3'}))
    assert code == 1
    assert 'ebs applies to EBS recovery points' in result['msg']


# ---- EBS end to end on stubs ----------------------------------------------------------------
def test_an_ebs_restore_merges_the_group_over_the_points_metadata_tags_the_volume_and_names_it(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    sent = dict(EBS_BASE, volumeType='io2', iops='4000', volumeSize='20', encrypted='true')
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-e'},
                        {'RecoveryPointArn': RP, 'Metadata': sent, 'IdempotencyToken': ANY, 'ResourceType': 'EBS', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW))
    ec2.add_response('create_tags', {}, {'Resources': [RESTORED_VOLUME],
                                         'Tags': [{'Key': 'purpose', 'Value': 'drill'}, {'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, tags={'purpose': 'drill'},
                                                            ebs={'volume_type': 'io2', 'iops': 4000, 'volume_size': 20, 'encrypted': True}))
    assert code == 0, result
    assert result['changed'] and result['request']['Metadata'] == sent
    assert result['job']['created_resource'] == {'type': 'ebs_volume', 'id': RESTORED_VOLUME, 'name': RESTORED_VOLUME,
                                                 'arn': RESTORED_ARN, 'region': 'us-east-1', 'account': '123456789012'}
    assert result['tags'] == {'purpose': 'drill', RESTORED_TAG: RP}


def test_a_rerun_reuses_the_completed_job_while_its_volume_exists(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    done = job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-e', 'Metadata': EBS_BASE})
    ec2.add_response('describe_volumes', volume(), {'VolumeIds': [RESTORED_VOLUME]})
    backup.add_response('describe_restore_job', done)
    # The tag is put again (CreateTags overwrites it with the same value), so a run that failed to tag recovers.
    ec2.add_response('create_tags', {}, {'Resources': [RESTORED_VOLUME], 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-e'


def test_a_deleted_volume_makes_the_rerun_restore_again(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    done = job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-e', 'Metadata': EBS_BASE})
    ec2.add_client_error('describe_volumes', 'InvalidVolume.NotFound', 'The volume does not exist', 400)
    code, result = run(run_module, aws_backup_restore, RESTORE, check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started'


def test_check_mode_sends_no_start(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, ebs={'availability_zone': 'us-east-1b'}), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['request']['Metadata']['availabilityZone'] == 'us-east-1b'
    assert result['job']['outcome'] == 'not_started'


# ---- S3: the in-place opt-in ------------------------------------------------------------------
def stub_s3_point(backup):
    stub_point(backup, 'S3', {'BucketName': 'assets'}, BUCKET_ARN)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})


def test_an_s3_restore_into_the_source_bucket_needs_the_opt_in(run_module, aws):
    stub_s3_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, RESTORE, check_mode=True)
    assert code == 1
    assert 'source bucket assets' in result['msg'] and 's3.allow_in_place' in result['msg']


def test_an_s3_restore_into_the_source_bucket_with_the_opt_in_is_planned(run_module, aws):
    stub_s3_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, s3={'allow_in_place': True}), check_mode=True)
    assert code == 0, result
    assert result['request']['Metadata'] == {'BucketName': 'assets'}


def test_an_s3_restore_into_a_new_bucket_sends_its_keys(run_module, aws):
    stub_s3_point(aws['backup'])
    aws['s3'].add_client_error('head_bucket', '404', 'Not Found', 404, expected_params={'Bucket': 'assets-drill'})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, s3={'destination_bucket_name': 'assets-drill', 'new_bucket': True,
                                                                         'encrypted': True, 'encryption_type': 'SSE-S3'}), check_mode=True)
    assert code == 0, result
    assert result['request']['Metadata'] == {'BucketName': 'assets', 'DestinationBucketName': 'assets-drill', 'NewBucket': 'true',
                                             'Encrypted': 'true', 'EncryptionType': 'SSE-S3'}


# ---- verify and clean up ----------------------------------------------------------------------
def test_the_volume_checks_name_expected_and_found(run_module, aws):
    aws['ec2'].add_response('describe_volumes', volume(size=8, kind='gp2'), {'VolumeIds': [RESTORED_VOLUME]})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ebs_volume', 'id': RESTORED_VOLUME,
                                                                'expected': {'size_gib': 8, 'volume_type': 'gp3'}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert checks['exists']['passed'] and checks['ready']['passed'] and checks['size_gib']['passed']
    assert not checks['volume_type']['passed'] and checks['volume_type']['found'] == 'gp2'
    assert result['passed'] is False and result['changed'] is False


def test_a_missing_volume_fails_the_exists_check(run_module, aws):
    aws['ec2'].add_client_error('describe_volumes', 'InvalidVolume.NotFound', 'gone', 400)
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ebs_volume', 'id': RESTORED_VOLUME})
    assert code == 0
    assert result['exists'] is False and result['checks'] == [
        {'name': 'exists', 'passed': False, 'expected': True, 'found': False, 'msg': 'ebs volume was not found'}]


def test_the_bucket_count_and_fingerprint(run_module, aws):
    s3 = aws['s3']
    s3.add_response('head_bucket', {}, {'Bucket': 'assets-drill'})
    s3.add_client_error('get_bucket_tagging', 'NoSuchTagSet', 'none', 404)
    objects = [{'Key': 'b.txt', 'Size': 2, 'ETag': '"e2"'}, {'Key': 'a.txt', 'Size': 1, 'ETag': '"e1"'}]
    s3.add_response('list_objects_v2', {'Contents': objects, 'IsTruncated': False})
    fingerprint = hashlib.sha256('a.txt\t1\te1\nb.txt\t2\te2'.encode()).hexdigest()
    code, result = run(run_module, aws_restored_resource_info, {'type': 's3_bucket', 'id': 'assets-drill',
                                                                'expected': {'object_count': 2, 'fingerprint': fingerprint}})
    assert code == 0, result
    assert result['passed'] and result['resource']['fingerprint'] == fingerprint and result['resource']['size_bytes'] == 3


def test_cleanup_refuses_a_volume_without_the_restore_tag(run_module, aws):
    aws['ec2'].add_response('describe_volumes', volume(tags={'Name': 'prod'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ebs_volume', 'id': RESTORED_VOLUME})
    assert code == 1
    assert 'Refusing to delete ebs volume %s' % RESTORED_VOLUME in result['msg'] and RESTORED_TAG in result['msg']


def test_cleanup_refuses_a_volume_restored_from_another_point(run_module, aws):
    aws['ec2'].add_response('describe_volumes', volume(tags={RESTORED_TAG: 'arn:aws:backup:us-east-1:123456789012:recovery-point:OTHER'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ebs_volume', 'id': RESTORED_VOLUME, 'restored_from': RP})
    assert code == 1
    assert 'not from %s' % RP in result['msg']


def test_cleanup_deletes_a_tagged_volume_and_check_mode_does_not(run_module, aws):
    ec2 = aws['ec2']
    ec2.add_response('describe_volumes', volume(tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ebs_volume', 'id': RESTORED_VOLUME, 'restored_from': RP}, check_mode=True)
    assert code == 0 and result['changed']
    ec2.add_response('describe_volumes', volume(tags={RESTORED_TAG: RP}))
    ec2.add_response('delete_volume', {}, {'VolumeId': RESTORED_VOLUME})
    code, result = run(run_module, aws_restored_resource, {'type': 'ebs_volume', 'id': RESTORED_VOLUME, 'restored_from': RP})
    assert code == 0 and result['changed']


def test_cleanup_of_a_gone_bucket_changes_nothing(run_module, aws):
    aws['s3'].add_client_error('head_bucket', '404', 'Not Found', 404)
    code, result = run(run_module, aws_restored_resource, {'type': 's3_bucket', 'id': 'assets-drill'})
    assert code == 0 and not result['changed']


@pytest.mark.parametrize('args', [{'type': 'ebs_volume', 'id': 'vol-../x'}, {'type': 's3_bucket', 'id': 'a/b'},
                                  {'type': 'ebs_volume', 'id': 'vol-0123456789abcdef0\n'}])
def test_restored_resource_ids_are_checked_before_any_call(run_module, aws, args):
    for module in (aws_restored_resource, aws_restored_resource_info):
        code, result = run(run_module, module, args)
        assert code == 1 and 'id must be' in result['msg']
    assert aws['make'].call_count == 0


def test_a_new_bucket_that_exists_is_refused_before_the_start(run_module, aws):
    stub_s3_point(aws['backup'])
    aws['s3'].add_response('head_bucket', {}, {'Bucket': 'assets-drill'})
    aws['s3'].add_response('get_bucket_tagging', {'TagSet': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, s3={'destination_bucket_name': 'assets-drill', 'new_bucket': True}))
    assert code == 1
    assert 'Bucket assets-drill already exists, but NewBucket is true' in result['msg']
