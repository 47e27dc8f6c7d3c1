"""The AWS Backup simulator's RDS restores (issue 19): a DB snapshot of a seeded instance restored into moto as a new
DB instance, refused at the start where AWS refuses and moto would not, `creating` for a while after it was made."""
from __future__ import annotations

import time

import boto3
import pytest
import requests
import yaml
from botocore.exceptions import ClientError

from simulators.aws_backup.app import SEED_PATH, AwsBackupSim

ACCESS_KEY = 'AKIASIMBACKUP0000001'
SECRET_KEY = 'SimBackupSecretKey0000000000000000000001'
RDS_POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0DB00000-0000-4000-8000-000000000001'
RDS_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders-db'
FAST = {'queue_s': 0.2, 'job_duration_s': 0.4}
CREATING = 1.5


def seed_without_creating_seconds(tmp_path):
    """The seed, but the RDS point's restores take SIM_CREATING_SECONDS to become available (not its own 10 s)."""
    doc = yaml.safe_load(SEED_PATH.read_text(encoding='utf-8'))
    for spec in doc['other_recovery_points']:
        if spec['resource_type'] == 'RDS':
            spec['db_instance'].pop('creating_seconds', None)
    path = tmp_path / 'seed.yml'
    path.write_text(yaml.safe_dump(doc), encoding='utf-8')
    return path


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path, monkeypatch):
    # The moto server of conftest runs in this process: strict_moto()'s patch reads SIM_CREATING_SECONDS there.
    monkeypatch.setenv('SIM_CREATING_SECONDS', str(CREATING))
    sim = AwsBackupSim(seed_path=seed_without_creating_seconds(tmp_path), state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    yield sim
    sim.stop()


def backup_client(sim):
    return boto3.client('backup', endpoint_url=sim.url, region_name='us-east-1', aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY)


def rds_client(moto_url):
    return boto3.client('rds', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


def control(sim, path, doc=None):
    answer = requests.request('POST' if doc is not None else 'GET', f'{sim.url}/_sim/{path}', json=doc, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_for_job(client, job_id, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.describe_restore_job(RestoreJobId=job_id)
        if job['Status'] in ('COMPLETED', 'FAILED', 'ABORTED'):
            return job
        time.sleep(0.05)
    raise AssertionError(f'job {job_id} did not end')


def test_the_point_is_listed_with_its_metadata_and_its_source_and_snapshot_are_in_moto(sim, moto_url):
    client = backup_client(sim)
    points = client.list_recovery_points_by_backup_vault(BackupVaultName='db-vault', ByResourceType='RDS')['RecoveryPoints']
    assert [(point['RecoveryPointArn'], point['ResourceArn'], point['ResourceName']) for point in points] == [(RDS_POINT, RDS_ARN, 'orders-db')]
    metadata = client.get_recovery_point_restore_metadata(BackupVaultName='db-vault', RecoveryPointArn=RDS_POINT)['RestoreMetadata']
    assert metadata['DBInstanceIdentifier'] == 'orders-db' and metadata['DBInstanceClass'] == 'db.t3.micro'
    assert metadata['DBSubnetGroupName'] == 'orders-db-subnets' and metadata['MultiAZ'] == 'false' and metadata['Engine'] == 'postgres'
    rds = rds_client(moto_url)
    source = rds.describe_db_instances(DBInstanceIdentifier='orders-db')['DBInstances'][0]
    assert source['DBInstanceStatus'] == 'available' and source['DBSubnetGroup']['DBSubnetGroupName'] == 'orders-db-subnets'
    snapshot = rds.describe_db_snapshots(DBInstanceIdentifier='orders-db', SnapshotType='manual')['DBSnapshots']
    assert [snap['DBSnapshotIdentifier'] for snap in snapshot] == ['awsbackup-0db00000-0000-4000-8000-000000000001']


def test_a_restore_makes_a_new_instance_that_is_creating_then_available_and_a_reset_drops_it(sim, moto_url):
    control(sim, 'config', FAST)
    client, rds = backup_client(sim), rds_client(moto_url)
    metadata = client.get_recovery_point_restore_metadata(BackupVaultName='db-vault', RecoveryPointArn=RDS_POINT)['RestoreMetadata']
    job_id = client.start_restore_job(RecoveryPointArn=RDS_POINT, ResourceType='RDS',
                                      Metadata=dict(metadata, DBInstanceIdentifier='orders-db-drill', DBInstanceClass='db.t4g.small',
                                                    MultiAZ='true', DeletionProtection='false'))['RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'COMPLETED', job
    assert job['CreatedResourceArn'] == 'arn:aws:rds:us-east-1:123456789012:db:orders-db-drill'
    first = rds.describe_db_instances(DBInstanceIdentifier='orders-db-drill')['DBInstances'][0]
    assert first['DBInstanceStatus'] == 'creating'
    assert (first['DBInstanceClass'], first['Engine'], first['MultiAZ']) == ('db.t4g.small', 'postgres', True)
    # The source was never touched, and it stays available.
    assert rds.describe_db_instances(DBInstanceIdentifier='orders-db')['DBInstances'][0]['DBInstanceStatus'] == 'available'
    time.sleep(CREATING + 0.2)
    assert rds.describe_db_instances(DBInstanceIdentifier='orders-db-drill')['DBInstances'][0]['DBInstanceStatus'] == 'available'
    control(sim, 'reset', {})
    with pytest.raises(ClientError) as error:
        rds.describe_db_instances(DBInstanceIdentifier='orders-db-drill')
    assert error.value.response['Error']['Code'] == 'DBInstanceNotFound'
    assert rds.describe_db_instances(DBInstanceIdentifier='orders-db')['DBInstances'][0]['DBInstanceStatus'] == 'available'


def test_a_restore_under_a_taken_identifier_fails_as_in_aws(sim):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=RDS_POINT, Metadata={'DBInstanceIdentifier': 'orders-db'})['RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'FAILED' and 'orders-db' in job['StatusMessage']


@pytest.mark.parametrize('metadata, words', [
    ({'DBInstanceIdentifier': 'orders-db-drill', 'DBInstanceClass': 'db.t3.gigantic'}, 'DBInstanceClass'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'DBSubnetGroupName': 'no-such-group'}, 'DB subnet group not found'),
    ({'DBInstanceIdentifier': 'orders--drill'}, 'DBInstanceIdentifier'),
    ({'DBInstanceIdentifier': '1orders'}, 'DBInstanceIdentifier'),
    ({'DBInstanceIdentifier': 'orders-drill-'}, 'DBInstanceIdentifier'),
    ({}, 'DBInstanceIdentifier is required'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'MultiAZ': 'yes'}, 'MultiAZ'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'Port': '80'}, 'Port'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'Port': 'x'}, 'Port'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'StorageType': 'io1'}, 'needs Iops'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'MultiAZ': 'true', 'AvailabilityZone': 'us-east-1a'}, 'Multi-AZ'),
    ({'DBInstanceIdentifier': 'orders-db-drill', 'DbInstanceClass': 'db.t3.micro'}, 'not accepted for RDS'),
])
def test_metadata_moto_would_take_is_refused_at_the_start(sim, metadata, words):
    client = backup_client(sim)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=RDS_POINT, Metadata=dict({'Engine': 'postgres'}, **metadata))
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
    assert words in error.value.response['Error']['Message']
    assert client.list_restore_jobs(ByResourceType='RDS')['RestoreJobs'] == []


def test_the_seeds_creating_seconds_give_the_restored_instance_its_own_creating_phase(moto_url, tmp_path, monkeypatch):
    # SIM_CREATING_SECONDS 0 would make it available at once: the point's creating_seconds (10) reach moto as a tag.
    monkeypatch.setenv('SIM_CREATING_SECONDS', '0')
    sim = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    try:
        control(sim, 'config', FAST)
        client, rds = backup_client(sim), rds_client(moto_url)
        job = wait_for_job(client, client.start_restore_job(RecoveryPointArn=RDS_POINT, Metadata={
            'DBInstanceIdentifier': 'orders-db-slow', 'Engine': 'postgres'})['RestoreJobId'])
        assert job['Status'] == 'COMPLETED', job
        restored = rds.describe_db_instances(DBInstanceIdentifier='orders-db-slow')['DBInstances'][0]
        assert restored['DBInstanceStatus'] == 'creating'
        # The tag is moto's channel only; the source's own tags are there, as RDS copies them.
        tags = rds.list_tags_for_resource(ResourceName=restored['DBInstanceArn'])['TagList']
        assert tags == [{'Key': 'team', 'Value': 'orders'}] and restored['TagList'] == tags
    finally:
        control(sim, 'reset', {})
        sim.stop()
