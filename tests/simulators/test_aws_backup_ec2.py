"""The AWS Backup simulator's EC2 restores (issue 19): an AMI per point, a new instance per restore, AWS's refusals."""
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
EC2_POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0EC20000-0000-4000-8000-000000000001'
EC2_ARN = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234def567890'
FAST = {'queue_s': 0.2, 'job_duration_s': 0.6}


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path):
    sim = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url).start()
    yield sim
    sim.stop()


@pytest.fixture(scope='module', name='refusing_sim')
def fixture_refusing_sim(moto_url, tmp_path_factory):
    """One simulator for the tests whose starts are all refused (they change nothing)."""
    sim = AwsBackupSim(state_dir=tmp_path_factory.mktemp('refusing'), dynamodb_endpoint=moto_url).start()
    yield sim
    sim.stop()


def backup_client(sim):
    return boto3.client('backup', endpoint_url=sim.url, region_name='us-east-1', aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)


def ec2_client(moto_url):
    return boto3.client('ec2', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


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


def metadata_of(client):
    return client.get_recovery_point_restore_metadata(BackupVaultName='compute-vault', RecoveryPointArn=EC2_POINT)['RestoreMetadata']


def instance(moto_url, instance_id):
    return ec2_client(moto_url).describe_instances(InstanceIds=[instance_id])['Reservations'][0]['Instances'][0]


def test_the_point_is_listed_in_its_vault_with_the_sources_network_in_its_metadata(sim, moto_url):
    client = backup_client(sim)
    points = client.list_recovery_points_by_backup_vault(BackupVaultName='compute-vault')['RecoveryPoints']
    assert [(point['RecoveryPointArn'], point['ResourceType'], point['ResourceArn']) for point in points] == [(EC2_POINT, 'EC2', EC2_ARN)]
    metadata = metadata_of(client)
    ec2 = ec2_client(moto_url)
    subnet = ec2.describe_subnets(SubnetIds=[metadata['SubnetId']])['Subnets'][0]
    assert subnet['VpcId'] == metadata['VpcId'] and subnet['AvailabilityZone'] == 'us-east-1a'
    groups = json.loads(metadata['SecurityGroupIds'])
    assert [group['GroupName'] for group in ec2.describe_security_groups(GroupIds=groups)['SecurityGroups']] == ['app-sg']
    assert metadata['InstanceType'] == 't3.micro' and metadata['DisableApiTermination'] == 'false'
    assert json.loads(metadata['Placement']) == {'GroupName': None, 'Tenancy': 'default'}


def test_a_restore_launches_a_running_instance_from_the_points_ami(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    metadata = dict(metadata_of(client), InstanceType='t3.small', RequireIMDSv2='true', DisableApiTermination='true')
    job_id = client.start_restore_job(RecoveryPointArn=EC2_POINT, ResourceType='EC2', Metadata=metadata,
                                      CopySourceTagsToRestoredResource=True)['RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'COMPLETED', job
    assert job['CreatedResourceArn'].startswith('arn:aws:ec2:us-east-1:123456789012:instance/i-')
    restored = instance(moto_url, job['CreatedResourceArn'].rsplit('/', 1)[-1])
    assert restored['State']['Name'] == 'running' and restored['InstanceType'] == 't3.small'
    assert restored['SubnetId'] == metadata['SubnetId'] and restored['MetadataOptions']['HttpTokens'] == 'required'
    assert [group['GroupId'] for group in restored['SecurityGroups']] == json.loads(metadata['SecurityGroupIds'])
    ec2 = ec2_client(moto_url)
    image = ec2.describe_images(ImageIds=[restored['ImageId']])['Images'][0]
    assert image['Name'].startswith('AwsBackup_i-0abc1234def567890_')
    # The source's tags were copied; the simulator's own marker was not.
    assert {tag['Key']: tag['Value'] for tag in restored['Tags']} == {'Name': 'i-0abc1234def567890', 'team': 'web', 'tier': 'frontend'}
    assert ec2.describe_instance_attribute(InstanceId=restored['InstanceId'], Attribute='disableApiTermination')[
        'DisableApiTermination']['Value'] is True
    # A reset terminates what restores made, termination protection or not, and keeps the network's ids.
    control(sim, 'reset', {})
    assert instance(moto_url, restored['InstanceId'])['State']['Name'] == 'terminated'
    assert metadata_of(client)['SubnetId'] == metadata['SubnetId']
    sources = ec2.describe_instances(Filters=[{'Name': 'tag:Name', 'Values': ['i-0abc1234def567890']},
                                              {'Name': 'instance-state-name', 'Values': ['running']}])['Reservations']
    assert len(sources) == 1


def test_without_copy_tags_the_instance_has_none(sim, moto_url):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job = wait_for_job(client, client.start_restore_job(RecoveryPointArn=EC2_POINT, Metadata=metadata_of(client))['RestoreJobId'])
    assert job['Status'] == 'COMPLETED', job
    assert not instance(moto_url, job['CreatedResourceArn'].rsplit('/', 1)[-1]).get('Tags')


@pytest.mark.parametrize('change, words', [
    ({'InstanceType': 't3.mega'}, "InstanceType 't3.mega' is not an EC2 instance type"),
    ({'InstanceType': 'T3.MICRO'}, 'is not an EC2 instance type'),
    ({'SubnetId': 'subnet-0000000000000dead'}, 'SubnetId subnet-0000000000000dead does not exist'),
    ({'SubnetId': 'sub-1'}, 'is not a subnet id'),
    ({'SecurityGroupIds': '["sg-0000000000000dead"]'}, 'names sg-0000000000000dead, which does not exist'),
    ({'SecurityGroupIds': 'sg-0000000000000dead'}, 'must be a JSON list in a string'),
    ({'SecurityGroupIds': '[]'}, 'must be a JSON list of security group ids'),
    ({'DisableApiTermination': 'yes'}, 'DisableApiTermination must be true or false'),
    ({'RequireIMDSv2': 'on'}, 'RequireIMDSv2 must be true or false'),
    ({'InstanceInitiatedShutdownBehavior': 'hibernate'}, 'InstanceInitiatedShutdownBehavior'),
    ({'Placement': '{"AvailabilityZone": "us-east-1b"}'}, 'is not the zone of subnet'),
    ({'Placement': '{"AvailabilityZone": "eu-west-1a"}'}, 'is not an availability zone of us-east-1'),
    ({'Placement': 'us-east-1a'}, 'Placement must be a JSON object'),
])
def test_metadata_ec2_refuses_is_refused_at_the_start(refusing_sim, change, words):
    client = backup_client(refusing_sim)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=EC2_POINT, Metadata=dict(metadata_of(client), **change))
    assert error.value.response['Error']['Code'] == 'InvalidParameterValueException'
    assert words in error.value.response['Error']['Message']
    assert client.list_restore_jobs()['RestoreJobs'] == []


def test_a_security_group_of_another_vpc_is_refused(refusing_sim, moto_url):
    ec2 = ec2_client(moto_url)
    other = ec2.create_vpc(CidrBlock='10.99.0.0/16')['Vpc']['VpcId']
    group = ec2.create_security_group(GroupName='elsewhere', Description='another network', VpcId=other)['GroupId']
    client = backup_client(refusing_sim)
    with pytest.raises(ClientError) as error:
        client.start_restore_job(RecoveryPointArn=EC2_POINT, Metadata=dict(metadata_of(client), SecurityGroupIds=json.dumps([group])))
    assert 'belong to different networks' in error.value.response['Error']['Message']


def test_moto_itself_refuses_an_unknown_instance_type_once_strict(moto_url):
    ec2 = ec2_client(moto_url)
    image = ec2.describe_images(Owners=['amazon'])['Images'][0]['ImageId']
    with pytest.raises(ClientError) as error:
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType='t3.mega')
    assert error.value.response['Error']['Code'].startswith('InvalidInstanceType')


def test_an_instance_profile_that_does_not_exist_fails_the_job(sim):
    control(sim, 'config', FAST)
    client = backup_client(sim)
    job_id = client.start_restore_job(RecoveryPointArn=EC2_POINT, Metadata=dict(metadata_of(client), IamInstanceProfileName='no-such-profile'))[
        'RestoreJobId']
    job = wait_for_job(client, job_id)
    assert job['Status'] == 'FAILED' and 'no-such-profile' in job['StatusMessage']


def test_a_restarted_simulator_restores_from_the_ami_it_made(moto_url, tmp_path):
    state_file = tmp_path / 'state.json'
    first = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    try:
        image = ec2_client(moto_url).describe_images(Owners=['self'], Filters=[
            {'Name': 'tag:recoverops-sim:source-of', 'Values': [EC2_POINT]}])['Images'][0]['ImageId']
        client = backup_client(first)
        job_id = client.start_restore_job(RecoveryPointArn=EC2_POINT, Metadata=metadata_of(client))['RestoreJobId']
    finally:
        first.stop()
    # The moto server outlived the simulator: the second one finishes the job from the AMI the first one made.
    second = AwsBackupSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    try:
        control(second, 'config', FAST)
        job = wait_for_job(backup_client(second), job_id)
        assert job['Status'] == 'COMPLETED', job
        assert instance(moto_url, job['CreatedResourceArn'].rsplit('/', 1)[-1])['ImageId'] == image
    finally:
        second.stop()
