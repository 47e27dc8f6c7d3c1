# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aws_backup_restore's `rds` option group and the restored-resource modules for RDS DB instances, on botocore-stubbed clients."""
from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import RESTORED_TAG, AwsClients
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_rds import RdsInstance
from ansible_collections.recoverops.restore.plugins.modules import aws_backup_restore, aws_restored_resource, aws_restored_resource_info
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': 'wJalrXUtnFEMI/K7MDENG/unit-test-secret', 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0DB00000-0000-4000-8000-000000000001'
SOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders-db'
RESTORED = 'orders-db-drill'
RESTORED_ARN = 'arn:aws:rds:us-east-1:123456789012:db:' + RESTORED
SERVICES = ('backup', 'rds', 'ec2')
RDS_BASE = {'DBInstanceIdentifier': 'orders-db', 'DBInstanceClass': 'db.t3.micro', 'Engine': 'postgres', 'EngineVersion': '16.3',
            'AllocatedStorage': '20', 'StorageType': 'gp2', 'Port': '5432', 'MultiAZ': 'false', 'DBSubnetGroupName': 'orders-db-subnets'}
RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'db-vault', 'poll_interval': 1,
           'iam_role_arn': 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'}
NOT_FOUND = ('DBInstanceNotFound', 'DBInstance %s not found.' % RESTORED, 404)


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


class Clock(FakeClock):
    def monotonic(self):
        return self.now


def run(run_module, module, args, **kwargs):
    return run_module(module, dict(CONNECTION, **args), connection=False, **kwargs)


def point(kind='RDS', resource=SOURCE_ARN):
    return {'RecoveryPointArn': RP, 'BackupVaultName': 'db-vault', 'ResourceArn': resource, 'ResourceType': kind,
            'ResourceName': resource.rsplit('/', 1)[-1].rsplit(':', 1)[-1], 'Status': 'COMPLETED',
            'CreationDate': NOW - datetime.timedelta(hours=5), 'BackupSizeInBytes': 20 * 2**30}


def stub_point(backup, base=None):
    backup.add_response('describe_recovery_point', point())
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': dict(RDS_BASE if base is None else base)})


def job(status, job_id='job-r', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW - datetime.timedelta(minutes=9),
                 'PercentDone': '100.00%', 'ResourceType': 'RDS', 'AccountId': '123456789012'}, **extra)


def instance(status='available', tags=None, identifier=RESTORED, klass='db.t4g.small', multi_az=False):
    return {'DBInstances': [{
        'DBInstanceIdentifier': identifier, 'DBInstanceArn': 'arn:aws:rds:us-east-1:123456789012:db:' + identifier,
        'DBInstanceStatus': status, 'DBInstanceClass': klass, 'Engine': 'postgres', 'EngineVersion': '16.3', 'MultiAZ': multi_az,
        'StorageType': 'gp2', 'AllocatedStorage': 20, 'AvailabilityZone': 'us-east-1a', 'DeletionProtection': False,
        'Endpoint': {'Address': identifier + '.abc.us-east-1.rds.amazonaws.com', 'Port': 5432},
        'DBSubnetGroup': {'DBSubnetGroupName': 'orders-db-subnets'}, 'InstanceCreateTime': NOW,
        'TagList': [{'Key': key, 'Value': value} for key, value in (tags or {}).items()]}]}


def done():
    return job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)


# ---- the option group: every rule before any call ----------------------------------------------
@pytest.mark.parametrize('group, words', [
    ({'db_instance_identifier': 'orders--drill'}, 'rds.db_instance_identifier'),
    ({'db_instance_identifier': '1orders'}, 'rds.db_instance_identifier'),
    ({'db_instance_identifier': 'orders-drill-'}, 'rds.db_instance_identifier'),
    ({'db_instance_identifier': 'a' * 64}, 'rds.db_instance_identifier'),
    ({'db_instance_identifier': 'orders-drill\n'}, 'rds.db_instance_identifier'),
    ({'db_instance_identifier': 'orders_drill'}, 'rds.db_instance_identifier'),
    ({'db_instance_class': 't3.micro'}, 'rds.db_instance_class'),
    ({'db_instance_class': 'db.t3.micro '}, 'rds.db_instance_class'),
    ({'availability_zone': 'us-east-1'}, 'rds.availability_zone'),
    ({'db_subnet_group_name': 'subnets/1'}, 'rds.db_subnet_group_name'),
    ({'db_parameter_group_name': 'pg--x'}, 'rds.db_parameter_group_name'),
    ({'option_group_name': '-og'}, 'rds.option_group_name'),
    ({'port': 80}, 'rds.port must be 1150 to 65535'),
    ({'port': 70000}, 'rds.port'),
    ({'iops': 500, 'storage_type': 'io1'}, 'rds.iops must be 1000 or more'),
    ({'iops': 3000, 'storage_type': 'gp2'}, 'io1, io2 or gp3'),
    ({'storage_type': 'io2'}, 'needs rds.iops'),
    ({'storage_type': 'magnetic'}, 'storage_type'),
    ({'multi_az': True, 'availability_zone': 'us-east-1a'}, 'rds.multi_az: true'),
    ({'multi_az': 'perhaps'}, 'multi_az'),
])
def test_bad_group_options_fail_before_any_call(run_module, aws, group, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds=group))
    assert code == 1
    assert words in result['msg']
    assert aws['make'].call_count == 0


@pytest.mark.parametrize('group', [{'db_instance_identifier': 'a'}, {'db_instance_identifier': 'Orders-DB-2'},
                                   {'db_instance_class': 'db.r6g.2xlarge'}, {'db_instance_class': 'db.r5.2xlarge.tpc2.mem4x'},
                                   {'db_parameter_group_name': 'default.postgres16'}, {'option_group_name': 'default:postgres-16'},
                                   {'storage_type': 'io1', 'iops': 1000}, {'storage_type': 'gp3', 'iops': 0}, {'port': 1150}])
def test_good_group_options_pass_the_checks(group):
    RdsInstance().check(group)


def test_a_misspelt_metadata_key_of_rds_is_refused_before_any_call(run_module, aws):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, resource_type='RDS', metadata={'DbInstanceClass': 'db.t3.micro'}))
    assert code == 1
    assert 'DbInstanceClass is not restore metadata of RDS' in result['msg'] and 'DBInstanceClass' in result['msg']
    assert aws['make'].call_count == 0


def test_a_misspelt_key_is_refused_once_the_point_names_its_type_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point())
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'dbInstanceIdentifier': RESTORED}))
    assert code == 1
    assert 'dbInstanceIdentifier is not restore metadata of RDS' in result['msg']


def test_an_rds_group_on_an_ebs_point_fails_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point('EBS', 'arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc1234def567890'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED}))
    assert code == 1
    assert 'rds applies to RDS recovery points' in result['msg']


# ---- the identifier: never the source's, never one that exists ----------------------------------
def test_a_restore_under_the_sources_own_identifier_is_refused_before_the_start(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'identifier of its source DB instance' in result['msg'] and 'rds.db_instance_identifier' in result['msg']
    assert result['request']['Metadata']['DBInstanceIdentifier'] == 'orders-db'


def test_the_source_identifier_in_other_case_is_refused_too(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': 'Orders-DB'}))
    assert code == 1 and 'rds.db_instance_identifier' in result['msg']


def test_an_identifier_an_instance_has_is_refused_before_the_start(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_response('describe_db_instances', instance(identifier='orders-db-old'), {'DBInstanceIdentifier': 'orders-db-old'})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': 'orders-db-old'}))
    assert code == 1
    assert 'DB instance orders-db-old already exists (available)' in result['msg'] and 'rds.db_instance_identifier' in result['msg']


def test_an_instance_being_deleted_still_holds_its_identifier(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_response('describe_db_instances', instance(status='deleting'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED}), check_mode=True)
    assert code == 1 and 'already exists (deleting)' in result['msg']


def test_a_bad_identifier_given_through_metadata_is_refused_before_the_start(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'DBInstanceIdentifier': 'orders--x'}))
    assert code == 1 and "DBInstanceIdentifier 'orders--x' is not a DB instance identifier" in result['msg']


def test_restore_metadata_without_an_identifier_needs_the_option(run_module, aws):
    backup = aws['backup']
    stub_point(backup, base={'DBInstanceClass': 'db.t3.micro'})
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, RESTORE, check_mode=True)
    assert code == 1 and 'needs a DBInstanceIdentifier' in result['msg'] and 'rds.db_instance_identifier' in result['msg']


# ---- end to end on stubs ----------------------------------------------------------------------
def test_a_restore_merges_the_group_over_the_points_metadata_tags_the_instance_by_arn_and_names_it(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_client_error('describe_db_instances', *NOT_FOUND, expected_params={'DBInstanceIdentifier': RESTORED})
    sent = dict(RDS_BASE, DBInstanceIdentifier=RESTORED, DBInstanceClass='db.t4g.small', MultiAZ='true', Port='6543',
                DeletionProtection='false', StorageType='io1', Iops='3000')
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-r'},
                        {'RecoveryPointArn': RP, 'Metadata': sent, 'IdempotencyToken': ANY, 'ResourceType': 'RDS', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', done())
    rds.add_response('add_tags_to_resource', {}, {'ResourceName': RESTORED_ARN,
                                                  'Tags': [{'Key': 'purpose', 'Value': 'drill'}, {'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, tags={'purpose': 'drill'}, rds={
        'db_instance_identifier': RESTORED, 'db_instance_class': 'db.t4g.small', 'multi_az': True, 'port': 6543,
        'deletion_protection': False, 'storage_type': 'io1', 'iops': 3000}))
    assert code == 0, result
    assert result['changed'] and result['request']['Metadata'] == sent
    assert result['job']['created_resource'] == {'type': 'rds_instance', 'id': RESTORED, 'name': RESTORED, 'arn': RESTORED_ARN,
                                                 'region': 'us-east-1', 'account': '123456789012'}
    assert result['tags'] == {'purpose': 'drill', RESTORED_TAG: RP}


def test_a_metadata_key_that_contradicts_the_group_fails_before_the_start(run_module, aws):
    stub_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED},
                                                            metadata={'DBInstanceIdentifier': 'other-db'}))
    assert code == 1 and 'contradicts the rds.db_instance_identifier option' in result['msg']


def test_a_rerun_reuses_the_completed_job_while_its_instance_exists(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done()]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-r', 'Metadata': dict(RDS_BASE, DBInstanceIdentifier=RESTORED)})
    rds.add_response('describe_db_instances', instance(tags={RESTORED_TAG: RP}), {'DBInstanceIdentifier': RESTORED})
    backup.add_response('describe_restore_job', done())
    # The tag is put again (AddTagsToResource overwrites it with the same value), so a run that failed to tag recovers.
    rds.add_response('add_tags_to_resource', {}, {'ResourceName': RESTORED_ARN, 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED}))
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-r'


def test_a_deleted_instance_makes_the_rerun_restore_again(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done()]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-r', 'Metadata': dict(RDS_BASE, DBInstanceIdentifier=RESTORED)})
    rds.add_client_error('describe_db_instances', *NOT_FOUND)
    rds.add_client_error('describe_db_instances', *NOT_FOUND)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED}), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started' and not result['job']['reused']


def test_check_mode_sends_no_start_and_no_tag(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_client_error('describe_db_instances', *NOT_FOUND)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, rds={'db_instance_identifier': RESTORED, 'multi_az': True}),
                       check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started'
    assert result['request']['Metadata']['DBInstanceIdentifier'] == RESTORED and result['request']['Metadata']['MultiAZ'] == 'true'
    assert 'tags' not in result


# ---- read, wait, check -------------------------------------------------------------------------
class Clients:
    def __init__(self, rds):
        self.rds = rds


def test_read_when_ready_waits_through_creating_and_backing_up(aws):
    rds = aws['rds']
    for status in ('creating', 'backing-up', 'available'):
        rds.add_response('describe_db_instances', instance(status=status), {'DBInstanceIdentifier': RESTORED})
    clock = Clock()
    found, waited = RdsInstance().read_when_ready(Clients(aws['clients']['rds']), RESTORED, timeout=900, clock=clock)
    assert found['state'] == 'available' and clock.sleeps == [5, 5] and waited == 10


def test_a_failed_instance_is_not_waited_for_and_fails_the_ready_check(aws):
    aws['rds'].add_response('describe_db_instances', instance(status='incompatible-restore'))
    clock = Clock()
    kind = RdsInstance()
    found, waited = kind.read_when_ready(Clients(aws['clients']['rds']), RESTORED, timeout=900, clock=clock)
    assert clock.sleeps == [] and waited == 0
    ready = [check for check in kind.all_checks(found, {}) if check['name'] == 'ready'][0]
    assert not ready['passed'] and ready['found'] == 'incompatible-restore'


def test_the_checks_compare_class_engine_and_multi_az(run_module, aws):
    aws['rds'].add_response('describe_db_instances', instance(klass='db.t3.micro', multi_az=True), {'DBInstanceIdentifier': RESTORED})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'rds_instance', 'id': RESTORED,
                                                                'expected': {'instance_class': 'db.t4g.small', 'engine': 'postgres',
                                                                             'multi_az': True}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert list(checks) == ['exists', 'ready', 'instance_class', 'engine', 'multi_az']
    assert checks['ready']['passed'] and checks['engine']['passed'] and checks['multi_az']['passed']
    assert not checks['instance_class']['passed'] and checks['instance_class']['found'] == 'db.t3.micro'
    assert result['passed'] is False and result['changed'] is False
    assert result['resource']['endpoint'] == RESTORED + '.abc.us-east-1.rds.amazonaws.com' and result['resource']['port'] == 5432
    assert result['resource']['subnet_group'] == 'orders-db-subnets' and result['resource']['arn'] == RESTORED_ARN


def test_tags_come_from_list_tags_for_resource_when_describe_has_none(aws):
    answer = instance()
    del answer['DBInstances'][0]['TagList']
    aws['rds'].add_response('describe_db_instances', answer)
    aws['rds'].add_response('list_tags_for_resource', {'TagList': [{'Key': RESTORED_TAG, 'Value': RP}]}, {'ResourceName': RESTORED_ARN})
    assert RdsInstance().read(Clients(aws['clients']['rds']), RESTORED)['tags'] == {RESTORED_TAG: RP}


def test_a_missing_or_deleting_instance_is_not_there(run_module, aws):
    aws['rds'].add_client_error('describe_db_instances', *NOT_FOUND)
    aws['rds'].add_response('describe_db_instances', instance(status='deleting'))
    for _attempt in range(2):
        code, result = run(run_module, aws_restored_resource_info, {'type': 'rds_instance', 'id': RESTORED})
        assert code == 0 and result['exists'] is False and [check['name'] for check in result['checks']] == ['exists']


def test_expected_keys_of_another_type_are_refused_before_any_call(run_module, aws):
    code, result = run(run_module, aws_restored_resource_info, {'type': 'rds_instance', 'id': RESTORED, 'expected': {'size_gib': 8}})
    assert code == 1 and 'expected.size_gib is not checked for type rds_instance' in result['msg']
    assert aws['make'].call_count == 0


# ---- clean up ----------------------------------------------------------------------------------
def test_cleanup_refuses_an_instance_without_the_restore_tag_such_as_the_source(run_module, aws):
    aws['rds'].add_response('describe_db_instances', instance(identifier='orders-db', tags={'team': 'orders'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'rds_instance', 'id': 'orders-db'})
    assert code == 1
    assert 'Refusing to delete rds instance orders-db' in result['msg'] and RESTORED_TAG in result['msg']


def test_cleanup_deletes_a_tagged_instance_without_a_final_snapshot_and_check_mode_does_not(run_module, aws):
    rds = aws['rds']
    rds.add_response('describe_db_instances', instance(tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource, {'type': 'rds_instance', 'id': RESTORED, 'restored_from': RP}, check_mode=True)
    assert code == 0 and result['changed']
    rds.add_response('describe_db_instances', instance(tags={RESTORED_TAG: RP}))
    rds.add_response('delete_db_instance', {}, {'DBInstanceIdentifier': RESTORED, 'SkipFinalSnapshot': True, 'DeleteAutomatedBackups': True})
    code, result = run(run_module, aws_restored_resource, {'type': 'rds_instance', 'id': RESTORED, 'restored_from': RP})
    assert code == 0 and result['changed'] and result['resource']['id'] == RESTORED


def test_cleanup_of_a_gone_instance_changes_nothing(run_module, aws):
    aws['rds'].add_client_error('describe_db_instances', *NOT_FOUND)
    code, result = run(run_module, aws_restored_resource, {'type': 'rds_instance', 'id': RESTORED})
    assert code == 0 and not result['changed']


@pytest.mark.parametrize('resource_id', ['orders--db', 'orders-db\n', 'arn:aws:rds:us-east-1:123456789012:db:x', '9db'])
def test_instance_ids_are_checked_before_any_call(run_module, aws, resource_id):
    for module in (aws_restored_resource, aws_restored_resource_info):
        code, result = run(run_module, module, {'type': 'rds_instance', 'id': resource_id})
        assert code == 1 and 'id must be a DB instance identifier' in result['msg']
    assert aws['make'].call_count == 0
