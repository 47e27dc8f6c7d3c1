"""The AWS Backup simulator's EFS restores into moto (issue 19): a new file system, an in-place restore, what AWS refuses,
and the creating phase strict_moto gives moto's file systems."""
from __future__ import annotations

import json
import time

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from simulators.aws_backup.app import AwsBackupSim

ACCESS_KEY = 'AKIASIMBACKUP0000001'
SECRET_KEY = 'SimBackupSecretKey0000000000000000000001'
EFS_POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0EF50000-0000-4000-8000-000000000001'
SOURCE = 'fs-0123456789abcdef0'
SOURCE_ARN = f'arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{SOURCE}'
FAST = {'queue_s': 0.2, 'job_duration_s': 0.4}
NEW = {'file-system-id': SOURCE, 'newFileSystem': 'true', 'CreationToken': 'shared-drill'}


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path):
    sim = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    yield sim
    sim.stop()


def backup_client(sim):
    return boto3.client('backup', endpoint_url=sim.url, region_name='us-east-1', aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


def efs_client(moto_url):
    return boto3.client('efs', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


def control(sim, path, doc=None):
    answer = requests.request('POST' if doc is not None else 'GET', f'{sim.url}/_sim/{path}', json=doc, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_for_job(client, job_id, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.describe_restore_job(RestoreJobId=job_id)
        if job['Status'] in ('COMPLETED', 'FAILED', 'ABORTED'):
            return job
        time.sleep(0.1)
    raise AssertionError(f'job {job_id} did not end')


def describe(moto_url, file_system_id):
    return efs_client(moto_url).describe_file_systems(FileSystemId=file_system_id)['FileSystems'][0]


def test_the_point_is_listed_and_its_source_has_the_id_its_arn_names(sim, moto_url):
    points = backup_client(sim).list_recovery_points_by_backup_vault(BackupVaultName='files-vault', ByResourceType='EFS')['RecoveryPoints']
    assert [(point['RecoveryPointArn'], point['ResourceArn']) for point in points] == [(EFS_POINT, SOURCE_ARN)]
    source = describe(moto_url, SOURCE)
    assert source['FileSystemArn'] == SOURCE_ARN and source['Encrypted'] is True
    tags = {tag['Key']: tag['Value'] for tag in source['Tags']}
    # The pin tag that gave it its id is dropped.
    assert tags == {'Name': 'shared-home', 'team': 'platform'}


def test_the_restore_metadata_names_the_source_and_a_new_file_system(sim):
    metadata = backup_client(sim).get_recovery_point_restore_metadata(BackupVaultName='files-vault', RecoveryPointArn=EFS_POINT)
    assert metadata['ResourceType'] == 'EFS'
    assert metadata['RestoreMetadata'] == {'file-system-id': SOURCE, 'Encrypted': 'true', 'PerformanceMode': 'generalPurpose',
                                           'newFileSystem': 'true'}


def test_a_new_file_system_restore_creates_one_with_the_metadata_and_reset_drops_it(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    metadata = dict(NEW, PerformanceMode='maxIO', Encrypted='false')
    job = wait_for_job(client, client.start_restore_job(RecoveryPointArn=EFS_POINT, ResourceType='EFS', Metadata=metadata)['RestoreJobId'])
    assert job['Status'] == 'COMPLETED', job
    arn = job['CreatedResourceArn']
    created_id = arn.rsplit('/', 1)[-1]
    assert arn.startswith('arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-') and created_id != SOURCE
    created = describe(moto_url, created_id)
    assert (created['PerformanceMode'], created['Encrypted'], created['CreationToken']) == ('maxIO', False, 'shared-drill')
    assert control(sim, 'restores')['shared-drill'] == 1
    # The same CreationToken again: EFS refuses a second file system with it, so the job fails.
    again = wait_for_job(client, client.start_restore_job(RecoveryPointArn=EFS_POINT, Metadata=metadata, IdempotencyToken='another')['RestoreJobId'])
    assert again['Status'] == 'FAILED' and 'CreationToken shared-drill already exists' in again['StatusMessage']
    control(sim, 'reset', {})
    with pytest.raises(ClientError) as gone:
        describe(moto_url, created_id)
    assert gone.value.response['Error']['Code'] == 'FileSystemNotFound'
    assert describe(moto_url, SOURCE)['FileSystemId'] == SOURCE


def test_an_in_place_restore_names_the_source_and_changes_nothing(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    before = describe(moto_url, SOURCE)
    metadata = {'file-system-id': SOURCE, 'newFileSystem': 'false', 'ItemsToRestore': json.dumps(['/home/ada', '/etc/app.conf'])}
    job = wait_for_job(client, client.start_restore_job(RecoveryPointArn=EFS_POINT, Metadata=metadata)['RestoreJobId'])
    assert job['Status'] == 'COMPLETED' and job['CreatedResourceArn'] == SOURCE_ARN
    after = describe(moto_url, SOURCE)
    assert (after['Tags'], after['PerformanceMode'], after['CreationToken']) == (before['Tags'], before['PerformanceMode'], before['CreationToken'])
    assert len(efs_client(moto_url).describe_file_systems()['FileSystems']) == 1


@pytest.mark.parametrize('metadata, words', [
    ({'file-system-id': SOURCE, 'newFileSystem': 'true'}, 'CreationToken is required'),
    ({'file-system-id': SOURCE, 'CreationToken': 'x'}, 'newFileSystem is required'),
    ({'file-system-id': SOURCE, 'newFileSystem': 'yes', 'CreationToken': 'x'}, 'newFileSystem must be true or false'),
    (dict(NEW, PerformanceMode='turbo'), 'PerformanceMode'),
    (dict(NEW, KmsKeyId='alias/efs', Encrypted='false'), 'KmsKeyId needs Encrypted true'),
    (dict(NEW, ItemsToRestore=json.dumps(['/a', '/b', '/c', '/d', '/e', '/f'])), '1 to 5 file paths'),
    (dict(NEW, ItemsToRestore='["relative/path"]'), 'must start at the file system root'),
    (dict(NEW, ItemsToRestore='/not-json'), 'JSON list'),
    (dict(NEW, **{'file-system-id': 'fs-0aaaaaaaaaaaaaaaa'}), 'is not the file system of recovery point'),
    (dict(NEW, CreationToken='t' * 65), '1 to 64 characters'),
])
def test_efs_metadata_aws_refuses_is_refused_at_the_start(sim, metadata, words):
    client = backup_client(sim)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=EFS_POINT, Metadata=metadata)
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
    assert words in error.value.response['Error']['Message']
    assert client.list_restore_jobs()['RestoreJobs'] == []


def test_strict_moto_reports_a_new_file_system_creating_then_available(moto_url, monkeypatch):
    # moto makes a file system available at once; the patch (strict_moto, in this moto server's process) gives it the
    # creating phase CreateFileSystem documents, for SIM_CREATING_SECONDS.
    monkeypatch.setenv('SIM_CREATING_SECONDS', '1.5')
    efs = efs_client(moto_url)
    created = efs.create_file_system(CreationToken='creating-phase-test')
    try:
        assert created['LifeCycleState'] == 'creating'
        assert describe(moto_url, created['FileSystemId'])['LifeCycleState'] == 'creating'
        time.sleep(1.6)
        assert describe(moto_url, created['FileSystemId'])['LifeCycleState'] == 'available'
    finally:
        efs.delete_file_system(FileSystemId=created['FileSystemId'])
    monkeypatch.setenv('SIM_CREATING_SECONDS', '0')
    at_once = efs.create_file_system(CreationToken='no-creating-phase')
    assert at_once['LifeCycleState'] == 'available'
    efs.delete_file_system(FileSystemId=at_once['FileSystemId'])
