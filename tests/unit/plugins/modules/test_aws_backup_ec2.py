# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aws_backup_restore's `ec2` option group, and aws_restored_resource(_info) of an EC2 instance, on botocore-stubbed clients."""
from __future__ import annotations

import datetime
import json
import time

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types, _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import RESTORED_TAG, AwsClients
from ansible_collections.recoverops.restore.plugins.modules import aws_backup_restore, aws_restored_resource, aws_restored_resource_info
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': 'wJalrXUtnFEMI/K7MDENG/unit-test-secret', 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0EC20000-0000-4000-8000-000000000001'
SOURCE_ARN = 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234def567890'
RESTORED = 'i-0123456789abcdef0'
RESTORED_ARN = 'arn:aws:ec2:us-east-1:123456789012:instance/' + RESTORED
SUBNET, OTHER_SUBNET = 'subnet-0aaa1111bbbb22223', 'subnet-0ccc3333dddd44445'
GROUP, OTHER_GROUP = 'sg-0a1bc2d345ef67890', 'sg-0f9e8d7c6b5a43210'
SERVICES = ('backup', 'ec2')
# GetRecoveryPointRestoreMetadata of an EC2 point, in the form AWS's restore example has (strings, JSON documents).
BASE = {'InstanceType': 't3.micro', 'SubnetId': SUBNET, 'SecurityGroupIds': '["%s"]' % GROUP, 'VpcId': 'vpc-0123abcd4567ef890',
        'DisableApiTermination': 'false', 'EbsOptimized': 'false', 'InstanceInitiatedShutdownBehavior': 'stop',
        'Placement': '{"GroupName":null,"Tenancy":"default"}', 'HibernationOptions': '{"Configured":false}'}
RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'compute-vault', 'poll_interval': 1,
           'iam_role_arn': 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'}


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


def stub_point(backup, base=None):
    backup.add_response('describe_recovery_point', {
        'RecoveryPointArn': RP, 'BackupVaultName': 'compute-vault', 'ResourceArn': SOURCE_ARN, 'ResourceType': 'EC2',
        'ResourceName': 'i-0abc1234def567890', 'Status': 'COMPLETED', 'CreationDate': NOW - datetime.timedelta(hours=4),
        'BackupSizeInBytes': 8 * 2**30})
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': dict(BASE if base is None else base)})


def job(status, job_id='job-i', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW - datetime.timedelta(minutes=5),
                 'PercentDone': '100.00%', 'ResourceType': 'EC2', 'AccountId': '123456789012'}, **extra)


def instances(state='running', tags=None, kind='t3.micro', subnet=SUBNET, instance_id=RESTORED):
    return {'Reservations': [{'Instances': [{
        'InstanceId': instance_id, 'State': {'Code': 16, 'Name': state}, 'InstanceType': kind, 'SubnetId': subnet,
        'ImageId': 'ami-0aaa1111bbbb22223', 'Placement': {'AvailabilityZone': 'us-east-1a'}, 'LaunchTime': NOW,
        'SecurityGroups': [{'GroupId': OTHER_GROUP, 'GroupName': 'b'}, {'GroupId': GROUP, 'GroupName': 'a'}],
        'Tags': [{'Key': key, 'Value': value} for key, value in (tags or {}).items()]}]}]}


# ---- the group: whole-string rules, refused before any call ---------------------------------------
@pytest.mark.parametrize('args, words', [
    ({'ec2': {'instance_type': 'T3.micro'}}, 'ec2.instance_type must be an EC2 instance type such as t3.micro'),
    ({'ec2': {'instance_type': 't3'}}, 'ec2.instance_type'),
    ({'ec2': {'instance_type': 't3.micro\n'}}, 'ec2.instance_type'),
    ({'ec2': {'subnet_id': 'subnet-xyz'}}, 'ec2.subnet_id must be a subnet id'),
    ({'ec2': {'subnet_id': SUBNET + ' '}}, 'ec2.subnet_id'),
    ({'ec2': {'security_group_ids': ['sg-1']}}, 'ec2.security_group_ids[0] must be a security group id'),
    ({'ec2': {'security_group_ids': [GROUP, 'default']}}, 'ec2.security_group_ids[1]'),
    ({'ec2': {'security_group_ids': []}}, 'ec2.security_group_ids must name at least one security group'),
    ({'ec2': {'security_group_ids': [GROUP, GROUP]}}, 'names a security group twice'),
    ({'ec2': {'iam_instance_profile_name': 'web profile'}}, 'ec2.iam_instance_profile_name'),
    ({'ec2': {'instance_initiated_shutdown_behavior': 'hibernate'}}, 'instance_initiated_shutdown_behavior'),
    ({'ec2': {'require_imdsv2': 'sometimes'}}, 'require_imdsv2'),
    ({'ec2': {'instance_type': 't3.micro'}, 'resource_type': 'EBS'}, 'ec2 is the option group of EC2 recovery points, but resource_type is EBS'),
    ({'ec2': {'instance_type': 't3.micro'}, 'ebs': {'volume_type': 'gp3'}}, 'set one of them'),
    ({'resource_type': 'EC2', 'metadata': {'Instancetype': 't3.micro'}}, 'Instancetype is not restore metadata of EC2'),
    ({'resource_type': 'EC2', 'metadata': {'SecurityGroups': '["sg-0a1bc2d345ef67890"]'}}, 'accepted: Architecture'),
])
def test_bad_ec2_options_fail_before_any_call(run_module, aws, args, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, **args))
    assert code == 1
    assert words in result['msg']
    assert aws['make'].call_count == 0


def test_a_misspelt_key_is_refused_once_the_point_says_it_is_ec2_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', {
        'RecoveryPointArn': RP, 'BackupVaultName': 'compute-vault', 'ResourceArn': SOURCE_ARN, 'ResourceType': 'EC2',
        'Status': 'COMPLETED', 'CreationDate': NOW})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'subnetid': OTHER_SUBNET}))
    assert code == 1
    assert 'subnetid is not restore metadata of EC2' in result['msg'] and 'SubnetId' in result['msg']


def test_every_documented_key_is_accepted_and_the_group_sets_aws_spelling():
    kind = _aws_backup_types.BY_GROUP['ec2']
    keys = set(kind.metadata_keys())
    # restoring-ec2.html "Restore Amazon EC2 with AWS CLI": the accepted keys, and the information-only vpcId.
    documented = {'InstanceType', 'KeyName', 'SubnetId', 'Architecture', 'EnaSupport', 'SecurityGroupIds', 'IamInstanceProfileName',
                  'CpuOptions', 'InstanceInitiatedShutdownBehavior', 'HibernationOptions', 'DisableApiTermination', 'CreditSpecification',
                  'Placement', 'RootDeviceType', 'RamdiskId', 'KernelId', 'UserData', 'Monitoring', 'NetworkInterfaces',
                  'ElasticGpuSpecification', 'CapacityReservationSpecification', 'InstanceMarketOptions', 'LicenseSpecifications',
                  'EbsOptimized', 'VirtualizationType', 'Platform', 'RequireIMDSv2', 'BlockDeviceMappings', 'aws:backup:request-id', 'vpcId'}
    assert documented <= keys and keys - documented == {'VpcId'}
    assert _aws_backup_types.helpers({'ec2': {'security_group_ids': [GROUP, OTHER_GROUP], 'require_imdsv2': True,
                                              'disable_api_termination': False, 'instance_type': None}}) == {
        'SecurityGroupIds': '["%s","%s"]' % (GROUP, OTHER_GROUP), 'RequireIMDSv2': 'true', 'DisableApiTermination': 'false'}


# ---- restore, tag, reuse --------------------------------------------------------------------------
GROUP_OPTIONS = {'instance_type': 't3.small', 'subnet_id': OTHER_SUBNET, 'security_group_ids': [GROUP, OTHER_GROUP],
                 'require_imdsv2': True, 'disable_api_termination': False, 'instance_initiated_shutdown_behavior': 'terminate',
                 'iam_instance_profile_name': 'web-app', 'ebs_optimized': True}
SENT = dict(BASE, InstanceType='t3.small', SubnetId=OTHER_SUBNET, SecurityGroupIds='["%s","%s"]' % (GROUP, OTHER_GROUP), RequireIMDSv2='true',
            DisableApiTermination='false', InstanceInitiatedShutdownBehavior='terminate', IamInstanceProfileName='web-app', EbsOptimized='true')


def test_an_ec2_restore_merges_the_group_over_the_points_metadata_tags_the_instance_and_names_it(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-i'},
                        {'RecoveryPointArn': RP, 'Metadata': SENT, 'IdempotencyToken': ANY, 'ResourceType': 'EC2', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW))
    ec2.add_response('create_tags', {}, {'Resources': [RESTORED],
                                         'Tags': [{'Key': 'purpose', 'Value': 'drill'}, {'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, tags={'purpose': 'drill'}, ec2=GROUP_OPTIONS))
    assert code == 0, result
    assert result['changed'] and result['request']['Metadata'] == SENT
    assert result['job']['created_resource'] == {'type': 'ec2_instance', 'id': RESTORED, 'name': RESTORED, 'arn': RESTORED_ARN,
                                                 'region': 'us-east-1', 'account': '123456789012'}
    assert result['tags'] == {'purpose': 'drill', RESTORED_TAG: RP}


def test_a_metadata_key_that_contradicts_the_group_fails_before_the_start(run_module, aws):
    stub_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, ec2={'instance_type': 't3.small'}, metadata={'InstanceType': 't3.large'}))
    assert code == 1
    assert "metadata.InstanceType ('t3.large') contradicts the ec2.instance_type option ('t3.small')" in result['msg']


def test_the_same_list_in_metadata_and_the_group_agrees(run_module, aws):
    stub_point(aws['backup'])
    aws['backup'].add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, ec2={'security_group_ids': [OTHER_GROUP]},
                                                            metadata={'SecurityGroupIds': '["%s"]' % OTHER_GROUP}), check_mode=True)
    assert code == 0, result
    assert result['request']['Metadata']['SecurityGroupIds'] == '["%s"]' % OTHER_GROUP


def test_check_mode_plans_the_restore_and_sends_no_start(run_module, aws):
    stub_point(aws['backup'])
    aws['backup'].add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, ec2={'instance_type': 'm7i-flex.large'}), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started'
    assert result['request']['Metadata'] == dict(BASE, InstanceType='m7i-flex.large')


def test_user_data_is_masked_in_what_the_module_reports(run_module, aws):
    # UserData scripts often carry secrets: the module sends it, but never shows it.
    stub_point(aws['backup'])
    aws['backup'].add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    script = 'IyEvYmluL3NoCmV4cG9ydCBEQl9QQVNTV09SRD1odW50ZXIy'
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'UserData': script}), check_mode=True)
    assert code == 0, result
    # Only the task's own arguments (`invocation`, shown at -vvv) carry it: metadata is not a no_log option.
    shown = {key: value for key, value in result.items() if key != 'invocation'}
    assert result['request']['Metadata']['UserData'] == '********' and script not in json.dumps(shown)


def stub_earlier_job(backup, metadata=None):
    done = job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-i', 'Metadata': dict(BASE if metadata is None else metadata)})
    return done


def test_a_rerun_reuses_the_completed_job_while_its_instance_exists(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    done = stub_earlier_job(backup)
    ec2.add_response('describe_instances', instances(), {'InstanceIds': [RESTORED]})
    backup.add_response('describe_restore_job', done)
    ec2.add_response('create_tags', {}, {'Resources': [RESTORED], 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-i'


@pytest.mark.parametrize('gone', ['terminated', 'shutting-down', 'not found'])
def test_a_terminated_instance_makes_the_rerun_restore_again(run_module, aws, gone):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    stub_earlier_job(backup)
    if gone == 'not found':
        ec2.add_client_error('describe_instances', 'InvalidInstanceID.NotFound', "The instance ID '%s' does not exist" % RESTORED, 400)
    else:
        ec2.add_response('describe_instances', instances(state=gone), {'InstanceIds': [RESTORED]})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-new'})
    backup.add_response('describe_restore_job', job('COMPLETED', 'job-new', CreatedResourceArn=RESTORED_ARN.replace('0123', '0999'),
                                                    CompletionDate=NOW))
    ec2.add_response('create_tags', {}, {'Resources': [RESTORED.replace('0123', '0999')], 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 0, result
    assert result['changed'] and not result['job']['reused'] and result['restore_job_id'] == 'job-new'


def test_a_failed_tag_names_the_job_and_the_instance(run_module, aws):
    backup, ec2 = aws['backup'], aws['ec2']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-i'})
    backup.add_response('describe_restore_job', job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW))
    ec2.add_client_error('create_tags', 'UnauthorizedOperation', 'You are not authorized to perform this operation.', 403)
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'restored instance %s, but tagging it failed' % RESTORED_ARN in result['msg'] and 'tags the instance' in result['msg']


# ---- verify -------------------------------------------------------------------------------------
def test_the_instance_checks_name_expected_and_found(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(kind='t3.micro'), {'InstanceIds': [RESTORED]})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ec2_instance', 'id': RESTORED,
                                                                'expected': {'instance_type': 't3.small', 'subnet_id': SUBNET}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert list(checks) == ['exists', 'ready', 'instance_type', 'subnet_id']
    assert checks['exists']['passed'] and checks['ready']['passed'] and checks['subnet_id']['passed']
    assert not checks['instance_type']['passed'] and checks['instance_type']['found'] == 't3.micro'
    assert checks['instance_type']['msg'] == 'instance type is t3.micro, expected t3.small'
    assert result['passed'] is False and result['changed'] is False
    assert result['resource']['security_group_ids'] == sorted([GROUP, OTHER_GROUP])
    assert result['resource']['availability_zone'] == 'us-east-1a' and result['resource']['image_id'].startswith('ami-')


def test_a_stopped_instance_fails_the_ready_check(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(state='stopped'))
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 0
    ready = [check for check in result['checks'] if check['name'] == 'ready'][0]
    assert not ready['passed'] and ready['expected'] == 'running' and ready['found'] == 'stopped' and not result['passed']


def test_a_pending_instance_is_read_again_until_it_runs(run_module, aws, mocker):
    mocker.patch.object(time, 'sleep')
    aws['ec2'].add_response('describe_instances', instances(state='pending'))
    aws['ec2'].add_response('describe_instances', instances(state='running'))
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ec2_instance', 'id': RESTORED, 'ready_timeout': 60})
    assert code == 0, result
    assert result['passed'] and result['resource']['state'] == 'running'


def test_a_terminated_instance_does_not_exist(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(state='terminated'))
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 0
    assert result['exists'] is False and result['checks'] == [
        {'name': 'exists', 'passed': False, 'expected': True, 'found': False, 'msg': 'ec2 instance was not found'}]


def test_expected_keys_of_another_type_are_refused_before_any_call(run_module, aws):
    code, result = run(run_module, aws_restored_resource_info, {'type': 'ec2_instance', 'id': RESTORED, 'expected': {'size_gib': 8}})
    assert code == 1
    assert 'expected.size_gib is not checked for type ec2_instance; its keys: instance_type, subnet_id' in result['msg']
    assert aws['make'].call_count == 0


@pytest.mark.parametrize('instance_id', ['i-123', 'i-0123456789abcdef0\n', 'vol-0123456789abcdef0', 'I-0123456789ABCDEF0'])
def test_instance_ids_are_checked_before_any_call(run_module, aws, instance_id):
    for module in (aws_restored_resource, aws_restored_resource_info):
        code, result = run(run_module, module, {'type': 'ec2_instance', 'id': instance_id})
        assert code == 1 and 'id must be an EC2 instance id' in result['msg']
    assert aws['make'].call_count == 0


# ---- clean up -----------------------------------------------------------------------------------
def test_cleanup_refuses_an_instance_without_the_restore_tag(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(tags={'Name': 'web-1'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 1
    assert 'Refusing to delete ec2 instance %s' % RESTORED in result['msg'] and RESTORED_TAG in result['msg']


def test_cleanup_refuses_an_instance_restored_from_another_point(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(tags={RESTORED_TAG: RP.replace('0001', '0009')}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED, 'restored_from': RP})
    assert code == 1
    assert 'not from %s' % RP in result['msg']


def test_cleanup_terminates_a_tagged_instance_and_check_mode_does_not(run_module, aws):
    ec2 = aws['ec2']
    ec2.add_response('describe_instances', instances(tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED, 'restored_from': RP}, check_mode=True)
    assert code == 0 and result['changed'] and result['resource']['id'] == RESTORED
    ec2.add_response('describe_instances', instances(tags={RESTORED_TAG: RP}))
    ec2.add_response('terminate_instances', {'TerminatingInstances': []}, {'InstanceIds': [RESTORED]})
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED, 'restored_from': RP})
    assert code == 0 and result['changed']


def test_cleanup_turns_off_the_termination_protection_a_restore_copied(run_module, aws):
    ec2 = aws['ec2']
    ec2.add_response('describe_instances', instances(tags={RESTORED_TAG: RP}))
    ec2.add_client_error('terminate_instances', 'OperationNotPermitted', "The instance '%s' may not be terminated." % RESTORED, 400)
    ec2.add_response('modify_instance_attribute', {}, {'InstanceId': RESTORED, 'DisableApiTermination': {'Value': False}})
    ec2.add_response('terminate_instances', {'TerminatingInstances': []}, {'InstanceIds': [RESTORED]})
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED, 'restored_from': RP})
    assert code == 0 and result['changed']


def test_cleanup_of_a_protected_instance_that_is_not_ours_touches_nothing(run_module, aws):
    # No terminate and no modify stubbed: the stubber fails the test if either is called.
    aws['ec2'].add_response('describe_instances', instances(tags={'Name': 'prod-web'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 1 and 'Refusing to delete' in result['msg']


def test_another_termination_error_fails_naming_the_call(run_module, aws):
    ec2 = aws['ec2']
    ec2.add_response('describe_instances', instances(tags={RESTORED_TAG: RP}))
    ec2.add_client_error('terminate_instances', 'UnauthorizedOperation', 'You are not authorized to perform this operation.', 403)
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 1
    assert 'EC2 TerminateInstances failed: UnauthorizedOperation' in result['msg']


def test_cleanup_of_a_terminated_instance_changes_nothing(run_module, aws):
    aws['ec2'].add_response('describe_instances', instances(state='terminated', tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource, {'type': 'ec2_instance', 'id': RESTORED})
    assert code == 0 and not result['changed']
