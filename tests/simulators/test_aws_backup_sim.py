"""The AWS Backup simulator answers real boto3 `backup` clients the way AWS does where the collection depends on it."""
from __future__ import annotations

import datetime
import time

import boto3
import botocore.config
import pytest
import requests
from botocore.exceptions import ClientError

from simulators.aws_backup.app import AwsBackupSim

ACCESS_KEY = 'AKIASIMBACKUP0000001'
SECRET_KEY = 'SimBackupSecretKey0000000000000000000001'
SESSION_KEY = 'ASIASIMBACKUP0000002'
SESSION_SECRET = 'SimBackupSecretKey0000000000000000000002'
SESSION_TOKEN = 'SimBackupSessionToken0000000000000000000000000000000002'
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:'
ORDERS_OLDEST, ORDERS_MIDDLE, ORDERS_NEWEST, ORDERS_PARTIAL = (f'{RP}0A000000-0000-4000-8000-00000000000{n}' for n in range(1, 5))
CUSTOMERS_DR = f'{RP}0B000000-0000-4000-8000-000000000001'
EBS_POINT = f'{RP}0C000000-0000-4000-8000-000000000001'
ORDERS_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'
EBS_ARN = 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc1234def567890'
FAST = {'queue_s': 0.2, 'job_duration_s': 0.6}


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path):
    sim = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    yield sim
    sim.stop()


def backup_client(sim, key=ACCESS_KEY, secret=SECRET_KEY, token=None, **config):
    return boto3.client('backup', endpoint_url=sim.url, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret,
                        aws_session_token=token, config=botocore.config.Config(**config) if config else None)


def ddb_client(moto_url):
    return boto3.client('dynamodb', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


def control(sim, path, doc=None):
    answer = requests.request('POST' if doc is not None else 'GET', f'{sim.url}/_sim/{path}', json=doc, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_for_job(client, job_id, timeout=10.0):
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.describe_restore_job(RestoreJobId=job_id)
        seen.append((job['Status'], job['PercentDone']))
        if job['Status'] in ('COMPLETED', 'FAILED', 'ABORTED'):
            return job, seen
        time.sleep(0.1)
    raise AssertionError(f'job {job_id} still {seen[-1]}')


def test_list_by_vault_filters_and_pages(sim):
    client = backup_client(sim)
    first = client.list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', ByResourceType='DynamoDB', MaxResults=2)
    assert len(first['RecoveryPoints']) == 2 and first['NextToken']
    rest = client.list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', ByResourceType='DynamoDB', NextToken=first['NextToken'])
    arns = [point['RecoveryPointArn'] for point in first['RecoveryPoints'] + rest['RecoveryPoints']]
    assert sorted(arns) == sorted([ORDERS_OLDEST, ORDERS_MIDDLE, ORDERS_NEWEST, ORDERS_PARTIAL, CUSTOMERS_DR]) and 'NextToken' not in rest
    recent = client.list_recovery_points_by_backup_vault(
        BackupVaultName='dr-vault', ByResourceArn=ORDERS_ARN,
        ByCreatedAfter=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=27))['RecoveryPoints']
    assert {point['RecoveryPointArn'] for point in recent} == {ORDERS_MIDDLE, ORDERS_NEWEST, ORDERS_PARTIAL}
    assert isinstance(recent[0]['CreationDate'], datetime.datetime)
    ebs = client.list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', ByResourceType='EBS')['RecoveryPoints']
    assert [(point['RecoveryPointArn'], point['ResourceArn']) for point in ebs] == [(EBS_POINT, EBS_ARN)]


def test_paginator_and_unknown_vault(sim):
    client = backup_client(sim)
    pages = client.get_paginator('list_recovery_points_by_backup_vault').paginate(BackupVaultName='dr-vault', PaginationConfig={'PageSize': 1})
    assert len([point for page in pages for point in page['RecoveryPoints']]) == 6
    with pytest.raises(ClientError) as error:
        client.list_recovery_points_by_backup_vault(BackupVaultName='no-such-vault')
    assert error.value.response['Error']['Code'] == 'ResourceNotFoundException'


def test_list_by_resource_and_describe(sim):
    client = backup_client(sim)
    points = client.list_recovery_points_by_resource(ResourceArn=ORDERS_ARN, ManagedByAWSBackupOnly=True)['RecoveryPoints']
    assert len(points) == 4 and all('BackupSizeBytes' in point for point in points)
    point = client.describe_recovery_point(BackupVaultName='dr-vault', RecoveryPointArn=ORDERS_PARTIAL)
    assert point['Status'] == 'PARTIAL' and point['ResourceType'] == 'DynamoDB' and point['ResourceName'] == 'orders'
    with pytest.raises(ClientError) as error:
        client.describe_recovery_point(BackupVaultName='Default', RecoveryPointArn=ORDERS_NEWEST)
    assert error.value.response['Error']['Code'] == 'ResourceNotFoundException'


def test_restore_metadata(sim):
    answer = backup_client(sim).get_recovery_point_restore_metadata(BackupVaultName='dr-vault', RecoveryPointArn=ORDERS_NEWEST)
    assert answer['ResourceType'] == 'DynamoDB' and answer['RecoveryPointArn'] == ORDERS_NEWEST
    assert answer['RestoreMetadata']['targetTableName'] == 'orders'
    assert answer['BackupVaultArn'] == 'arn:aws:backup:us-east-1:123456789012:backup-vault:dr-vault'


def test_restore_runs_pending_running_completed_into_moto(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=ORDERS_NEWEST, Metadata={'targetTableName': 'orders-restored'},
                                      IamRoleArn='arn:aws:iam::123456789012:role/restore', CopySourceTagsToRestoredResource=True)['RestoreJobId']
    job, seen = wait_for_job(client, job_id)
    states = [status for status, _percent in seen]
    assert states[0] == 'PENDING' and 'RUNNING' in states and job['Status'] == 'COMPLETED'
    assert job['PercentDone'] == '100.00%' and job['CreatedResourceArn'].endswith(':table/orders-restored')
    assert job['IamRoleArn'] == 'arn:aws:iam::123456789012:role/restore' and job['SourceResourceArn'] == ORDERS_ARN
    dynamodb = ddb_client(moto_url)
    items = dynamodb.scan(TableName='orders-restored')['Items']
    assert sorted(item['pk']['S'] for item in items) == ['o-1', 'o-2', 'o-3']
    tags = dynamodb.list_tags_of_resource(ResourceArn=job['CreatedResourceArn'])['Tags']
    assert {tag['Key']: tag['Value'] for tag in tags} == {'team': 'sales', 'tier': 'gold'}
    listed = client.list_restore_jobs(ByStatus='COMPLETED')['RestoreJobs']
    assert [entry['RestoreJobId'] for entry in listed] == [job_id]
    by_resource = client.list_restore_jobs_by_protected_resource(ResourceArn=ORDERS_ARN)['RestoreJobs']
    assert [entry['RestoreJobId'] for entry in by_resource] == [job_id]


def test_same_idempotency_token_starts_one_job(sim):
    client = backup_client(sim)
    first = client.start_restore_job(RecoveryPointArn=ORDERS_MIDDLE, Metadata={'targetTableName': 'orders-once'}, IdempotencyToken='tok-1')
    second = client.start_restore_job(RecoveryPointArn=ORDERS_MIDDLE, Metadata={'targetTableName': 'orders-once'}, IdempotencyToken='tok-1')
    assert first['RestoreJobId'] == second['RestoreJobId']
    counters = control(sim, 'counters')
    assert counters['restores_started'] == 1 and counters['idempotent_replays'] == 1
    assert control(sim, 'restores') == {'orders-once': 1}
    assert client.get_restore_job_metadata(RestoreJobId=first['RestoreJobId'])['Metadata'] == {'targetTableName': 'orders-once'}


@pytest.mark.parametrize('arguments, code', [
    ({'RecoveryPointArn': f'{RP}FFFFFFFF-0000-4000-8000-000000000000', 'Metadata': {'targetTableName': 'x-restored'}}, 'ResourceNotFoundException'),
    ({'RecoveryPointArn': ORDERS_NEWEST, 'Metadata': {'encryptionType': 'Default'}}, 'InvalidParameterValueException'),
    ({'RecoveryPointArn': ORDERS_NEWEST, 'Metadata': {'targetTableName': 'no spaces allowed'}}, 'InvalidParameterValueException'),
    ({'RecoveryPointArn': ORDERS_NEWEST, 'Metadata': {'targetTableName': 'orders-drill\n'}}, 'InvalidParameterValueException'),
    ({'RecoveryPointArn': ORDERS_NEWEST, 'Metadata': {}}, 'MissingParameterValueException'),
    ({'RecoveryPointArn': ORDERS_PARTIAL, 'Metadata': {'targetTableName': 'orders-partial'}}, 'InvalidRequestException'),
])
def test_start_restore_is_validated(sim, arguments, code):
    with pytest.raises(ClientError) as error:
        backup_client(sim).start_restore_job(**arguments)
    assert error.value.response['Error']['Code'] == code
    assert error.value.response['ResponseMetadata']['HTTPStatusCode'] == 400
    assert control(sim, 'counters')['restores_started'] == 0


def test_failing_outcome_and_existing_target_end_failed(sim, moto_url):
    control(sim, 'config', {**FAST, 'outcome_by_target': {'orders-doomed': 'failed'}})
    client = backup_client(sim)
    doomed = client.start_restore_job(RecoveryPointArn=ORDERS_OLDEST, Metadata={'targetTableName': 'orders-doomed'})['RestoreJobId']
    existing = client.start_restore_job(RecoveryPointArn=ORDERS_OLDEST, Metadata={'targetTableName': 'customers'})['RestoreJobId']
    job, _seen = wait_for_job(client, doomed)
    assert job['Status'] == 'FAILED' and 'simulated failure' in job['StatusMessage'] and 'CreatedResourceArn' not in job
    job, _seen = wait_for_job(client, existing)
    assert job['Status'] == 'FAILED' and job['StatusMessage'] == 'Table already exists: customers'
    assert 'orders-doomed' not in ddb_client(moto_url).list_tables()['TableNames']


def test_a_table_restored_then_deleted_can_be_restored_again(sim, moto_url):
    """A drill with cleanup restores into the same name every run: the simulator forgets a name whose table is gone."""
    control(sim, 'config', FAST)
    client, dynamodb = backup_client(sim), ddb_client(moto_url)
    first, _seen = wait_for_job(client, client.start_restore_job(RecoveryPointArn=ORDERS_NEWEST,
                                                                 Metadata={'targetTableName': 'orders-drill'})['RestoreJobId'])
    assert first['Status'] == 'COMPLETED'
    # While the table is there, a second restore into it fails as AWS's does.
    clash, _seen = wait_for_job(client, client.start_restore_job(RecoveryPointArn=ORDERS_MIDDLE,
                                                                 Metadata={'targetTableName': 'orders-drill'})['RestoreJobId'])
    assert clash['Status'] == 'FAILED' and clash['StatusMessage'] == 'Table already exists: orders-drill'
    dynamodb.delete_table(TableName='orders-drill')
    again, _seen = wait_for_job(client, client.start_restore_job(RecoveryPointArn=ORDERS_NEWEST,
                                                                 Metadata={'targetTableName': 'orders-drill'})['RestoreJobId'])
    assert again['Status'] == 'COMPLETED' and again['RestoreJobId'] != first['RestoreJobId']
    assert len(dynamodb.scan(TableName='orders-drill')['Items']) == 3
    assert control(sim, 'restores') == {'orders-drill': 3}


def test_credentials_are_checked(sim):
    with pytest.raises(ClientError) as error:
        backup_client(sim, key='AKIAWRONG0000000000X').list_restore_jobs()
    assert error.value.response['Error']['Code'] == 'UnrecognizedClientException'
    assert error.value.response['ResponseMetadata']['HTTPStatusCode'] == 403
    with pytest.raises(ClientError):
        backup_client(sim, key=SESSION_KEY, secret=SESSION_SECRET, token='stale').list_restore_jobs()
    assert backup_client(sim, key=SESSION_KEY, secret=SESSION_SECRET, token=SESSION_TOKEN).list_restore_jobs()['RestoreJobs'] == []
    with pytest.raises(ClientError) as error:
        backup_client(sim, secret='not-the-secret').list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', ByResourceType='EBS')
    assert error.value.response['Error']['Code'] == 'InvalidSignatureException'
    assert control(sim, 'counters')['unauthorized'] == 3
    assert {SECRET_KEY, SESSION_SECRET, SESSION_TOKEN} <= set(control(sim, 'secrets'))


def test_throttling_is_retried_by_botocore(sim):
    control(sim, 'faults', {'rate': 1.0, 'kinds': ['429'], 'seed': 1})
    with pytest.raises(ClientError) as error:
        backup_client(sim, retries={'max_attempts': 1, 'mode': 'standard'}).list_restore_jobs()
    assert error.value.response['Error']['Code'] == 'ThrottlingException'
    control(sim, 'faults', {'rate': 0.5, 'kinds': ['429', '503'], 'seed': 1})
    client = backup_client(sim, retries={'max_attempts': 10, 'mode': 'standard'})
    for _attempt in range(4):
        assert len(client.list_recovery_points_by_resource(ResourceArn=ORDERS_ARN)['RecoveryPoints']) == 4
    control(sim, 'faults', {'rate': 0.0})
    assert control(sim, 'counters')['faults'] >= 2


def test_unknown_path_is_an_aws_error(sim):
    answer = requests.get(f'{sim.url}/no-such-operation', timeout=10)
    assert answer.status_code == 404 and answer.headers['x-amzn-ErrorType'] == 'UnknownOperationException'
    assert answer.json()['__type'] == 'UnknownOperationException'


def test_generated_points_page_fast_and_unsorted(sim):
    started = time.monotonic()
    assert control(sim, 'generate', {'vault': 'dr-vault', 'resource_arn': ORDERS_ARN, 'count': 100_000})['total'] == 100_006
    # Generous bounds (a shared CI machine): what they catch is work that grows faster than the points.
    assert time.monotonic() - started < 10
    client = backup_client(sim)
    started = time.monotonic()
    page = client.list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', MaxResults=1000)
    following = client.list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', MaxResults=1000, NextToken=page['NextToken'])
    assert time.monotonic() - started < 5
    dates = [point['CreationDate'] for point in page['RecoveryPoints']]
    assert len(dates) == 1000 and dates != sorted(dates) and dates != sorted(dates, reverse=True)
    assert not {p['RecoveryPointArn'] for p in page['RecoveryPoints']} & {p['RecoveryPointArn'] for p in following['RecoveryPoints']}
    synthetic = page['RecoveryPoints'][0]['RecoveryPointArn']
    control(sim, 'config', FAST)
    job_id = client.start_restore_job(RecoveryPointArn=synthetic, Metadata={'targetTableName': 'orders-synthetic'})['RestoreJobId']
    job, _seen = wait_for_job(client, job_id)
    assert job['Status'] == 'FAILED' and 'synthetic' in job['StatusMessage']


@pytest.mark.parametrize('resource_arn, kind, name', [
    ('arn:aws:s3:::generated-assets', 'S3', 'generated-assets'),
    ('arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0fedcba9876543210', 'EFS', 'fs-0fedcba9876543210'),
    ('arn:aws:rds:us-east-1:123456789012:db:generated-db', 'RDS', 'generated-db'),
    ('arn:aws:ec2:us-east-1:123456789012:instance/i-0fedcba9876543210', 'EC2', 'i-0fedcba9876543210'),
])
def test_generated_points_have_their_resources_type_and_name(sim, resource_arn, kind, name):
    control(sim, 'generate', {'vault': 'dr-vault', 'resource_arn': resource_arn, 'count': 2})
    points = backup_client(sim).list_recovery_points_by_backup_vault(BackupVaultName='dr-vault', ByResourceArn=resource_arn)['RecoveryPoints']
    assert len(points) == 2 and {(point['ResourceType'], point['ResourceName']) for point in points} == {(kind, name)}


def test_state_survives_a_restart(moto_url, tmp_path):
    state_file = tmp_path / 'state.json'
    first = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    try:
        control(first, 'generate', {'vault': 'Default', 'count': 10})
        job_id = backup_client(first).start_restore_job(RecoveryPointArn=ORDERS_NEWEST, Metadata={'targetTableName': 'orders-kept'})['RestoreJobId']
    finally:
        first.stop()
    second = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    try:
        control(second, 'config', FAST)
        client = backup_client(second)
        assert len(client.list_recovery_points_by_backup_vault(BackupVaultName='Default')['RecoveryPoints']) == 11
        job, _seen = wait_for_job(client, job_id)
        assert job['Status'] == 'COMPLETED'
        assert ddb_client(moto_url).scan(TableName='orders-kept')['Count'] == 3
    finally:
        second.stop()


def test_reset_drops_restored_tables(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=CUSTOMERS_DR, Metadata={'targetTableName': 'customers-copy'})['RestoreJobId']
    assert wait_for_job(client, job_id)[0]['Status'] == 'COMPLETED'
    control(sim, 'reset', {})
    tables = ddb_client(moto_url).list_tables()['TableNames']
    assert 'customers-copy' not in tables and {'orders', 'customers'} <= set(tables)
    assert client.list_restore_jobs()['RestoreJobs'] == []


def test_without_moto_restores_complete_without_a_table(tmp_path):
    sim = AwsBackupSim(state_dir=tmp_path).start()
    try:
        control(sim, 'config', FAST)
        client = backup_client(sim)
        job_id = client.start_restore_job(RecoveryPointArn=EBS_POINT, Metadata={'volumeId': 'vol-0abc1234def567890'})['RestoreJobId']
        job, _seen = wait_for_job(client, job_id)
        assert job['Status'] == 'COMPLETED' and job['ResourceType'] == 'EBS' and ':volume/vol-' in job['CreatedResourceArn']
    finally:
        sim.stop()


def test_moto_dummy_pair_works_but_is_not_a_secret(sim):
    client = boto3.client('backup', endpoint_url=sim.url, region_name='us-east-1', aws_access_key_id='testing',
                          aws_secret_access_key='testing')
    assert client.list_restore_jobs()['RestoreJobs'] == []
    secrets = control(sim, 'secrets')
    assert 'testing' not in secrets
    assert 'SimBackupSecretKey0000000000000000000001' in secrets


def test_job_settings_are_checked(sim):
    refused = requests.post(sim.url + '/_sim/config', json={'job_outcome': 'COMPLETED'}, timeout=10)
    assert refused.status_code == 400 and 'job_outcome must be completed or failed' in refused.text
    accepted = requests.post(sim.url + '/_sim/config', json={'queue_s': 0, 'job_outcome': 'failed'}, timeout=10)
    assert accepted.status_code == 200 and accepted.json()['job_outcome'] == 'failed'


# ---- EBS and S3 restores into moto (issue 19) -------------------------------------------------
S3_POINT = f'{RP}0D000000-0000-4000-8000-000000000001'


def moto_client(moto_url, service):
    return boto3.client(service, endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


def test_an_ebs_restore_makes_a_volume_from_the_points_snapshot(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    metadata = client.get_recovery_point_restore_metadata(BackupVaultName='dr-vault', RecoveryPointArn=EBS_POINT)['RestoreMetadata']
    assert metadata['volumeSize'] == '8' and metadata['availabilityZone'] == 'us-east-1a'
    job_id = client.start_restore_job(RecoveryPointArn=EBS_POINT, ResourceType='EBS',
                                      Metadata=dict(metadata, volumeType='gp2', volumeSize='10'))['RestoreJobId']
    job, _seen = wait_for_job(client, job_id)
    assert job['Status'] == 'COMPLETED', job
    volume_id = job['CreatedResourceArn'].rsplit('/', 1)[-1]
    volume = moto_client(moto_url, 'ec2').describe_volumes(VolumeIds=[volume_id])['Volumes'][0]
    assert (volume['Size'], volume['VolumeType'], volume['AvailabilityZone']) == (10, 'gp2', 'us-east-1a')
    assert volume['SnapshotId'].startswith('snap-')
    control(sim, 'reset', {})
    with pytest.raises(ClientError):
        moto_client(moto_url, 'ec2').describe_volumes(VolumeIds=[volume_id])


@pytest.mark.parametrize('metadata, words', [
    ({'volumeSize': '4'}, 'smaller than the snapshot'),
    ({'volumeType': 'gp9'}, 'volumeType'),
    ({'availabilityZone': 'eu-west-1a'}, 'availabilityZone'),
    ({'encrypted': 'yes'}, 'encrypted'),
    ({'kmsKeyId': 'alias/backup'}, 'kmsKeyId'),
    ({'volumeType': 'gp2', 'throughput': '200'}, 'throughput'),
])
def test_ebs_metadata_moto_would_take_is_refused_at_the_start(sim, metadata, words):
    client = backup_client(sim)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=EBS_POINT, Metadata=dict({'availabilityZone': 'us-east-1a'}, **metadata))
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
    assert words in error.value.response['Error']['Message']
    assert client.list_restore_jobs()['RestoreJobs'] == []


def test_an_s3_restore_puts_the_points_objects_into_a_new_bucket(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=S3_POINT, ResourceType='S3',
                                      Metadata={'DestinationBucketName': 'assets-drill', 'NewBucket': 'true'})['RestoreJobId']
    job, _seen = wait_for_job(client, job_id)
    assert job['Status'] == 'COMPLETED' and job['CreatedResourceArn'] == 'arn:aws:s3:::assets-drill'
    keys = sorted(obj['Key'] for obj in moto_client(moto_url, 's3').list_objects_v2(Bucket='assets-drill')['Contents'])
    assert keys == ['css/site.css', 'img/logo.svg', 'index.html']
    again = client.start_restore_job(RecoveryPointArn=S3_POINT, Metadata={'DestinationBucketName': 'assets-drill', 'NewBucket': 'true'},
                                     IdempotencyToken='another')['RestoreJobId']
    failed, _seen = wait_for_job(client, again)
    assert failed['Status'] == 'FAILED' and 'already exists' in failed['StatusMessage']
    control(sim, 'reset', {})
    assert 'assets-drill' not in [bucket['Name'] for bucket in moto_client(moto_url, 's3').list_buckets()['Buckets']]


@pytest.mark.parametrize('metadata', [{'DestinationBucketName': 'Bad_Name'}, {'DestinationBucketName': 'ok-name', 'NewBucket': 'maybe'},
                                      {'DestinationBucketName': 'ok-name', 'EncryptionType': 'AES'}])
def test_s3_metadata_aws_refuses_is_refused(sim, metadata):
    with pytest.raises(ClientError) as error:
        backup_client(sim).start_restore_job(RecoveryPointArn=S3_POINT, Metadata=metadata)
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
