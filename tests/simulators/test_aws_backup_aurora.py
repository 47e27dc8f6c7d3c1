"""The AWS Backup simulator's Aurora restores (issue 19): a DB cluster snapshot of a seeded cluster restored into moto as
a new DB cluster, refused at the start where AWS refuses and moto would not, `creating` for a while after it was made."""
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
POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0A0C0000-0000-4000-8000-000000000001'
CLUSTER_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora'
FAST = {'queue_s': 0.2, 'job_duration_s': 0.4}
CREATING = 1.5
GOOD = {'Engine': 'aurora-postgresql', 'DBSubnetGroupName': 'orders-aurora-subnets'}


def seed_without_creating_seconds(tmp_path):
    """The seed, but the Aurora point's restores take SIM_CREATING_SECONDS to become available (not its own 10 s)."""
    doc = yaml.safe_load(SEED_PATH.read_text(encoding='utf-8'))
    for spec in doc['other_recovery_points']:
        if spec['resource_type'] == 'Aurora':
            spec['db_cluster'].pop('creating_seconds', None)
    path = tmp_path / 'seed.yml'
    path.write_text(yaml.safe_dump(doc), encoding='utf-8')
    return path


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path, monkeypatch):
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


def cluster(rds, identifier):
    return rds.describe_db_clusters(DBClusterIdentifier=identifier)['DBClusters'][0]


def test_the_point_is_listed_with_its_metadata_and_its_source_and_snapshot_are_in_moto(sim, moto_url):
    client = backup_client(sim)
    points = client.list_recovery_points_by_backup_vault(BackupVaultName='aurora-vault', ByResourceType='Aurora')['RecoveryPoints']
    assert [(point['RecoveryPointArn'], point['ResourceArn'], point['ResourceName']) for point in points] == [
        (POINT, CLUSTER_ARN, 'orders-aurora')]
    metadata = client.get_recovery_point_restore_metadata(BackupVaultName='aurora-vault', RecoveryPointArn=POINT)['RestoreMetadata']
    assert metadata['DBClusterIdentifier'] == 'orders-aurora' and metadata['Engine'] == 'aurora-postgresql'
    assert metadata['DBSubnetGroupName'] == 'orders-aurora-subnets' and metadata['EngineVersion'] == '16.4'
    rds = rds_client(moto_url)
    source = cluster(rds, 'orders-aurora')
    assert source['Status'] == 'available' and source['DBSubnetGroup'] == 'orders-aurora-subnets'
    assert source['DBClusterMembers'] == []
    snapshots = rds.describe_db_cluster_snapshots(DBClusterIdentifier='orders-aurora', SnapshotType='manual')['DBClusterSnapshots']
    assert [snap['DBClusterSnapshotIdentifier'] for snap in snapshots] == ['awsbackup-0a0c0000-0000-4000-8000-000000000001']


def test_a_restore_makes_a_new_cluster_that_is_creating_then_available_and_a_reset_drops_it(sim, moto_url):
    control(sim, 'config', FAST)
    client, rds = backup_client(sim), rds_client(moto_url)
    metadata = client.get_recovery_point_restore_metadata(BackupVaultName='aurora-vault', RecoveryPointArn=POINT)['RestoreMetadata']
    job_id = client.start_restore_job(RecoveryPointArn=POINT, ResourceType='Aurora',
                                      Metadata=dict(metadata, DBClusterIdentifier='orders-aurora-drill', Port='6543',
                                                    DeletionProtection='false'))['RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'COMPLETED', job
    assert job['CreatedResourceArn'] == 'arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora-drill'
    first = cluster(rds, 'orders-aurora-drill')
    assert first['Status'] == 'creating'
    assert (first['Engine'], first['Port'], first['DBClusterMembers']) == ('aurora-postgresql', 6543, [])
    # A second read inside the creating phase is still `creating` (moto's own would say `available` by now).
    assert cluster(rds, 'orders-aurora-drill')['Status'] == 'creating'
    assert cluster(rds, 'orders-aurora')['Status'] == 'available'
    time.sleep(CREATING + 0.2)
    assert cluster(rds, 'orders-aurora-drill')['Status'] == 'available'
    control(sim, 'reset', {})
    with pytest.raises(ClientError) as error:
        cluster(rds, 'orders-aurora-drill')
    assert error.value.response['Error']['Code'] == 'DBClusterNotFoundFault'
    assert cluster(rds, 'orders-aurora')['Status'] == 'available'


def test_a_restore_under_a_taken_identifier_fails_as_in_aws(sim):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=POINT, Metadata=dict(GOOD, DBClusterIdentifier='orders-aurora'))['RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'FAILED' and 'orders-aurora' in job['StatusMessage']


@pytest.mark.parametrize('metadata, words', [
    ({'Engine': 'aurora-mysql'}, 'not compatible'),
    ({'Engine': 'oracle-ee'}, 'not an Aurora engine'),
    ({'Engine': None}, 'Engine is required'),
    ({'DBSubnetGroupName': None}, 'DBSubnetGroupName is required'),
    ({'DBSubnetGroupName': 'no-such-group'}, 'DB subnet group not found'),
    ({'DBClusterIdentifier': 'orders--drill'}, 'DBClusterIdentifier'),
    ({'DBClusterIdentifier': '1orders'}, 'DBClusterIdentifier'),
    ({'DBClusterIdentifier': None}, 'DBClusterIdentifier is required'),
    ({'DeletionProtection': 'yes'}, 'DeletionProtection'),
    ({'Port': '80'}, 'Port'),
    ({'Port': 'x'}, 'Port'),
    ({'EngineMode': 'global'}, 'EngineMode'),
    ({'DbClusterIdentifier': 'x'}, 'not accepted for Aurora'),
])
def test_metadata_moto_would_take_is_refused_at_the_start(sim, metadata, words):
    client = backup_client(sim)
    sent = dict(GOOD, DBClusterIdentifier='orders-aurora-drill')
    sent.update(metadata)
    sent = {key: value for key, value in sent.items() if value is not None}
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=POINT, Metadata=sent)
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
    assert words in error.value.response['Error']['Message']
    assert client.list_restore_jobs(ByResourceType='Aurora')['RestoreJobs'] == []


def test_the_seeds_creating_seconds_give_the_restored_cluster_its_own_creating_phase(moto_url, tmp_path, monkeypatch):
    monkeypatch.setenv('SIM_CREATING_SECONDS', '0')
    sim = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    try:
        control(sim, 'config', FAST)
        client, rds = backup_client(sim), rds_client(moto_url)
        job = wait_for_job(client, client.start_restore_job(RecoveryPointArn=POINT, Metadata=dict(
            GOOD, DBClusterIdentifier='orders-aurora-slow'))['RestoreJobId'])
        assert job['Status'] == 'COMPLETED', job
        restored = cluster(rds, 'orders-aurora-slow')
        assert restored['Status'] == 'creating'
        tags = rds.list_tags_for_resource(ResourceName=restored['DBClusterArn'])['TagList']
        assert tags == [{'Key': 'team', 'Value': 'orders'}]
    finally:
        control(sim, 'reset', {})
        sim.stop()
