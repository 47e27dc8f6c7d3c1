# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""aws_backup_restore's `aurora` option group and the restored-resource modules for Aurora DB clusters, on botocore-stubbed clients."""
from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types, _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._aws import RESTORED_TAG, AwsClients
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_aurora import AuroraCluster
from ansible_collections.recoverops.restore.plugins.modules import aws_backup_restore, aws_restored_resource, aws_restored_resource_info
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

CONNECTION = {'access_key': 'AKIAUNITTEST00000001', 'secret_key': 'wJalrXUtnFEMI/K7MDENG/unit-test-secret', 'region': 'us-east-1'}
UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0A0C0000-0000-4000-8000-000000000001'
SOURCE_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:orders-aurora'
RESTORED = 'orders-aurora-drill'
RESTORED_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:' + RESTORED
SERVICES = ('backup', 'rds', 'ec2')
BASE = {'DBClusterIdentifier': 'orders-aurora', 'Engine': 'aurora-postgresql', 'EngineVersion': '16.4', 'EngineMode': 'provisioned',
        'Port': '5432', 'DBSubnetGroupName': 'orders-aurora-subnets'}
RESTORE = {'recovery_point_arn': RP, 'backup_vault_name': 'aurora-vault', 'poll_interval': 1,
           'iam_role_arn': 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'}
NOT_FOUND = ('DBClusterNotFoundFault', 'DBCluster %s not found.' % RESTORED, 404)


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


def point(kind='Aurora', resource=SOURCE_ARN):
    return {'RecoveryPointArn': RP, 'BackupVaultName': 'aurora-vault', 'ResourceArn': resource, 'ResourceType': kind,
            'ResourceName': resource.rsplit('/', 1)[-1].rsplit(':', 1)[-1], 'Status': 'COMPLETED',
            'CreationDate': NOW - datetime.timedelta(hours=5), 'BackupSizeInBytes': 10 * 2**30}


def stub_point(backup, base=None):
    backup.add_response('describe_recovery_point', point())
    backup.add_response('get_recovery_point_restore_metadata', {'RestoreMetadata': dict(BASE if base is None else base)})


def job(status, job_id='job-a', **extra):
    return dict({'RestoreJobId': job_id, 'RecoveryPointArn': RP, 'Status': status, 'CreationDate': NOW - datetime.timedelta(minutes=9),
                 'PercentDone': '100.00%', 'ResourceType': 'Aurora', 'AccountId': '123456789012'}, **extra)


def cluster(status='available', tags=None, identifier=RESTORED, engine='aurora-postgresql', members=()):
    return {'DBClusters': [{
        'DBClusterIdentifier': identifier, 'DBClusterArn': 'arn:aws:rds:us-east-1:123456789012:cluster:' + identifier,
        'Status': status, 'Engine': engine, 'EngineVersion': '16.4', 'EngineMode': 'provisioned', 'MultiAZ': False,
        'DBClusterMembers': [{'DBInstanceIdentifier': member, 'IsClusterWriter': True} for member in members],
        'Endpoint': identifier + '.cluster-abc.us-east-1.rds.amazonaws.com', 'Port': 5432, 'DBSubnetGroup': 'orders-aurora-subnets',
        'DeletionProtection': False, 'ClusterCreateTime': NOW,
        'TagList': [{'Key': key, 'Value': value} for key, value in (tags or {}).items()]}]}


def done():
    return job('COMPLETED', CreatedResourceArn=RESTORED_ARN, CompletionDate=NOW)


def test_the_registry_knows_aurora_by_group_type_and_kind():
    kind = _aws_backup_types.BY_GROUP['aurora']
    assert _aws_backup_types.BY_TYPE['Aurora'] is kind and _aws_backup_types.BY_KIND['aurora_cluster'] is kind
    assert isinstance(kind, AuroraCluster) and kind.service == 'rds'
    assert kind.created_id(RESTORED_ARN) == RESTORED
    # Even metadata naming the source is not in place: the restore is refused (conflict), never run into the source.
    assert kind.in_place({'DBClusterIdentifier': 'orders-aurora'}, 'orders-aurora') is False


# ---- the option group: every rule before any call ----------------------------------------------
@pytest.mark.parametrize('group, words', [
    ({'db_cluster_identifier': 'orders--drill'}, 'aurora.db_cluster_identifier'),
    ({'db_cluster_identifier': '1orders'}, 'aurora.db_cluster_identifier'),
    ({'db_cluster_identifier': 'orders-drill-'}, 'aurora.db_cluster_identifier'),
    ({'db_cluster_identifier': 'a' * 64}, 'aurora.db_cluster_identifier'),
    ({'db_cluster_identifier': 'orders-drill\n'}, 'aurora.db_cluster_identifier'),
    ({'db_cluster_identifier': 'orders_drill'}, 'aurora.db_cluster_identifier'),
    ({'engine': 'postgres'}, 'engine'),
    ({'engine_mode': 'global'}, 'engine_mode'),
    ({'engine_version': '16.4 '}, 'aurora.engine_version'),
    ({'engine_version': 'latest'}, 'aurora.engine_version'),
    ({'db_subnet_group_name': 'subnets/1'}, 'aurora.db_subnet_group_name'),
    ({'database_name': '1orders'}, 'aurora.database_name'),
    ({'database_name': 'orders-db'}, 'aurora.database_name'),
    ({'db_cluster_parameter_group_name': 'pg--x'}, 'aurora.db_cluster_parameter_group_name'),
    ({'port': 80}, 'aurora.port must be 1150 to 65535'),
    ({'port': 70000}, 'aurora.port'),
    ({'deletion_protection': 'perhaps'}, 'deletion_protection'),
])
def test_bad_group_options_fail_before_any_call(run_module, aws, group, words):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora=group))
    assert code == 1
    assert words in result['msg']
    assert aws['make'].call_count == 0


@pytest.mark.parametrize('group', [{'db_cluster_identifier': 'a'}, {'db_cluster_identifier': 'Orders-Aurora-2'},
                                   {'engine_version': '8.0.mysql_aurora.3.05.2'}, {'engine_version': '16.4'},
                                   {'database_name': 'orders_db'}, {'db_cluster_parameter_group_name': 'default.aurora-postgresql16'},
                                   {'port': 1150}, {'port': 65535}])
def test_good_group_options_pass_the_checks(group):
    AuroraCluster().check(group)


def test_a_misspelt_metadata_key_of_aurora_is_refused_before_any_call(run_module, aws):
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, resource_type='Aurora', metadata={'DbClusterIdentifier': RESTORED}))
    assert code == 1
    assert 'DbClusterIdentifier is not restore metadata of Aurora' in result['msg'] and 'DBClusterIdentifier' in result['msg']
    assert aws['make'].call_count == 0


def test_a_misspelt_key_is_refused_once_the_point_names_its_type_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point())
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'dbClusterIdentifier': RESTORED}))
    assert code == 1
    assert 'dbClusterIdentifier is not restore metadata of Aurora' in result['msg']


def test_an_aurora_group_on_an_rds_point_fails_before_any_start(run_module, aws):
    aws['backup'].add_response('describe_recovery_point', point('RDS', 'arn:aws:rds:us-east-1:123456789012:db:orders-db'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED}))
    assert code == 1
    assert 'aurora applies to Aurora recovery points' in result['msg']


# ---- the identifier: never the source's, never one that exists ----------------------------------
def test_a_restore_under_the_sources_own_identifier_is_refused_before_the_start(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, RESTORE)
    assert code == 1
    assert 'identifier of its source DB cluster' in result['msg'] and 'aurora.db_cluster_identifier' in result['msg']
    assert result['request']['Metadata']['DBClusterIdentifier'] == 'orders-aurora'


def test_the_source_identifier_in_other_case_is_refused_too(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': 'Orders-Aurora'}))
    assert code == 1 and 'aurora.db_cluster_identifier' in result['msg'] and 'source DB cluster' in result['msg']


def test_an_identifier_a_cluster_has_is_refused_before_the_start(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_response('describe_db_clusters', cluster(identifier='orders-aurora-old'), {'DBClusterIdentifier': 'orders-aurora-old'})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': 'orders-aurora-old'}))
    assert code == 1
    assert 'DB cluster orders-aurora-old already exists (available)' in result['msg'] and 'aurora.db_cluster_identifier' in result['msg']


def test_a_cluster_being_deleted_still_holds_its_identifier(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_response('describe_db_clusters', cluster(status='deleting'))
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED}), check_mode=True)
    assert code == 1 and 'already exists (deleting)' in result['msg']


def test_a_bad_identifier_given_through_metadata_is_refused_before_the_start(run_module, aws):
    backup = aws['backup']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, metadata={'DBClusterIdentifier': 'orders--x'}))
    assert code == 1 and "DBClusterIdentifier 'orders--x' is not a DB cluster identifier" in result['msg']


def test_restore_metadata_without_an_identifier_needs_the_option(run_module, aws):
    backup = aws['backup']
    stub_point(backup, base={'Engine': 'aurora-postgresql'})
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    code, result = run(run_module, aws_backup_restore, RESTORE, check_mode=True)
    assert code == 1 and 'needs a DBClusterIdentifier' in result['msg'] and 'aurora.db_cluster_identifier' in result['msg']


# ---- end to end on stubs ----------------------------------------------------------------------
def test_a_restore_merges_the_group_over_the_points_metadata_tags_the_cluster_by_arn_and_names_it(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_client_error('describe_db_clusters', *NOT_FOUND, expected_params={'DBClusterIdentifier': RESTORED})
    sent = dict(BASE, DBClusterIdentifier=RESTORED, Port='6543', DeletionProtection='false', DatabaseName='orders',
                CopyTagsToSnapshot='true')
    backup.add_response('start_restore_job', {'RestoreJobId': 'job-a'},
                        {'RecoveryPointArn': RP, 'Metadata': sent, 'IdempotencyToken': ANY, 'ResourceType': 'Aurora', 'IamRoleArn': ANY})
    backup.add_response('describe_restore_job', done())
    rds.add_response('add_tags_to_resource', {}, {'ResourceName': RESTORED_ARN,
                                                  'Tags': [{'Key': 'purpose', 'Value': 'drill'}, {'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, tags={'purpose': 'drill'}, aurora={
        'db_cluster_identifier': RESTORED, 'port': 6543, 'deletion_protection': False, 'database_name': 'orders',
        'copy_tags_to_snapshot': True}))
    assert code == 0, result
    assert result['changed'] and result['request']['Metadata'] == sent
    assert result['job']['created_resource'] == {'type': 'aurora_cluster', 'id': RESTORED, 'name': RESTORED, 'arn': RESTORED_ARN,
                                                 'region': 'us-east-1', 'account': '123456789012'}
    assert result['tags'] == {'purpose': 'drill', RESTORED_TAG: RP}


def test_a_metadata_key_that_contradicts_the_group_fails_before_the_start(run_module, aws):
    stub_point(aws['backup'])
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED},
                                                            metadata={'DBClusterIdentifier': 'other-cluster'}))
    assert code == 1 and 'contradicts the aurora.db_cluster_identifier option' in result['msg']


def test_a_rerun_reuses_the_completed_job_while_its_cluster_exists(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done()]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-a', 'Metadata': dict(BASE, DBClusterIdentifier=RESTORED)})
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}), {'DBClusterIdentifier': RESTORED})
    backup.add_response('describe_restore_job', done())
    rds.add_response('add_tags_to_resource', {}, {'ResourceName': RESTORED_ARN, 'Tags': [{'Key': RESTORED_TAG, 'Value': RP}]})
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED}))
    assert code == 0, result
    assert not result['changed'] and result['job']['reused'] and result['restore_job_id'] == 'job-a'


def test_a_deleted_cluster_makes_the_rerun_restore_again(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': [done()]})
    backup.add_response('get_restore_job_metadata', {'RestoreJobId': 'job-a', 'Metadata': dict(BASE, DBClusterIdentifier=RESTORED)})
    rds.add_client_error('describe_db_clusters', *NOT_FOUND)
    rds.add_client_error('describe_db_clusters', *NOT_FOUND)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED}), check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started' and not result['job']['reused']


def test_check_mode_sends_no_start_and_no_tag(run_module, aws):
    backup, rds = aws['backup'], aws['rds']
    stub_point(backup)
    backup.add_response('list_restore_jobs_by_protected_resource', {'RestoreJobs': []})
    rds.add_client_error('describe_db_clusters', *NOT_FOUND)
    code, result = run(run_module, aws_backup_restore, dict(RESTORE, aurora={'db_cluster_identifier': RESTORED, 'port': 6543}),
                       check_mode=True)
    assert code == 0, result
    assert result['changed'] and result['job']['outcome'] == 'not_started'
    assert result['request']['Metadata']['DBClusterIdentifier'] == RESTORED and result['request']['Metadata']['Port'] == '6543'
    assert 'tags' not in result


# ---- read, wait, check -------------------------------------------------------------------------
class Clients:
    def __init__(self, rds):
        self.rds = rds


def test_read_when_ready_waits_through_creating_and_backing_up(aws):
    rds = aws['rds']
    for status in ('creating', 'backing-up', 'available'):
        rds.add_response('describe_db_clusters', cluster(status=status), {'DBClusterIdentifier': RESTORED})
    clock = Clock()
    found, waited = AuroraCluster().read_when_ready(Clients(aws['clients']['rds']), RESTORED, timeout=900, clock=clock)
    assert found['state'] == 'available' and clock.sleeps == [5, 5] and waited == 10


def test_a_failed_cluster_is_not_waited_for_and_fails_the_ready_check(aws):
    aws['rds'].add_response('describe_db_clusters', cluster(status='inaccessible-encryption-credentials'))
    clock = Clock()
    kind = AuroraCluster()
    found, waited = kind.read_when_ready(Clients(aws['clients']['rds']), RESTORED, timeout=900, clock=clock)
    assert clock.sleeps == [] and waited == 0
    ready = [check for check in kind.all_checks(found, {}) if check['name'] == 'ready'][0]
    assert not ready['passed'] and ready['found'] == 'inaccessible-encryption-credentials'


def test_the_checks_compare_the_engine_and_the_resource_counts_members(run_module, aws):
    aws['rds'].add_response('describe_db_clusters', cluster(engine='aurora-mysql', members=('writer-1',)), {'DBClusterIdentifier': RESTORED})
    code, result = run(run_module, aws_restored_resource_info, {'type': 'aurora_cluster', 'id': RESTORED,
                                                                'expected': {'engine': 'aurora-postgresql'}})
    assert code == 0, result
    checks = {check['name']: check for check in result['checks']}
    assert list(checks) == ['exists', 'ready', 'engine']
    assert checks['ready']['passed'] and not checks['engine']['passed'] and checks['engine']['found'] == 'aurora-mysql'
    assert result['passed'] is False and result['changed'] is False
    resource = result['resource']
    assert resource['members'] == 1 and resource['arn'] == RESTORED_ARN and resource['engine_version'] == '16.4'
    assert resource['endpoint'] == RESTORED + '.cluster-abc.us-east-1.rds.amazonaws.com' and resource['state'] == 'available'


def test_a_passing_check_of_a_restored_cluster_without_members(run_module, aws):
    aws['rds'].add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource_info, {'type': 'aurora_cluster', 'id': RESTORED,
                                                                'expected': {'engine': 'aurora-postgresql'}})
    assert code == 0 and result['passed'] and result['resource']['members'] == 0
    assert result['resource']['tags'] == {RESTORED_TAG: RP}


def test_tags_come_from_list_tags_for_resource_when_describe_has_none(aws):
    answer = cluster()
    del answer['DBClusters'][0]['TagList']
    aws['rds'].add_response('describe_db_clusters', answer)
    aws['rds'].add_response('list_tags_for_resource', {'TagList': [{'Key': RESTORED_TAG, 'Value': RP}]}, {'ResourceName': RESTORED_ARN})
    assert AuroraCluster().read(Clients(aws['clients']['rds']), RESTORED)['tags'] == {RESTORED_TAG: RP}


def test_a_missing_or_deleting_cluster_is_not_there(run_module, aws):
    aws['rds'].add_client_error('describe_db_clusters', *NOT_FOUND)
    aws['rds'].add_response('describe_db_clusters', cluster(status='deleting'))
    for _attempt in range(2):
        code, result = run(run_module, aws_restored_resource_info, {'type': 'aurora_cluster', 'id': RESTORED})
        assert code == 0 and result['exists'] is False and [check['name'] for check in result['checks']] == ['exists']


def test_expected_keys_of_another_type_are_refused_before_any_call(run_module, aws):
    code, result = run(run_module, aws_restored_resource_info, {'type': 'aurora_cluster', 'id': RESTORED,
                                                                'expected': {'instance_class': 'db.r6g.large'}})
    assert code == 1 and 'expected.instance_class is not checked for type aurora_cluster' in result['msg']
    assert aws['make'].call_count == 0


# ---- clean up ----------------------------------------------------------------------------------
def test_cleanup_refuses_a_cluster_without_the_restore_tag_such_as_the_source(run_module, aws):
    aws['rds'].add_response('describe_db_clusters', cluster(identifier='orders-aurora', tags={'team': 'orders'}))
    code, result = run(run_module, aws_restored_resource, {'type': 'aurora_cluster', 'id': 'orders-aurora'})
    assert code == 1
    assert 'orders-aurora' in result['msg'] and RESTORED_TAG in result['msg'] and 'Refusing to delete' in result['msg']


def test_cleanup_deletes_a_tagged_cluster_without_a_final_snapshot_and_check_mode_does_not(run_module, aws):
    rds = aws['rds']
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}))
    code, result = run(run_module, aws_restored_resource, {'type': 'aurora_cluster', 'id': RESTORED, 'restored_from': RP}, check_mode=True)
    assert code == 0 and result['changed']
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}))
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}))
    rds.add_response('delete_db_cluster', {}, {'DBClusterIdentifier': RESTORED, 'SkipFinalSnapshot': True, 'DeleteAutomatedBackups': True})
    code, result = run(run_module, aws_restored_resource, {'type': 'aurora_cluster', 'id': RESTORED, 'restored_from': RP})
    assert code == 0 and result['changed'] and result['resource']['id'] == RESTORED


def test_cleanup_deletes_member_instances_first(run_module, aws):
    rds = aws['rds']
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}, members=('writer-1',)))
    rds.add_response('describe_db_clusters', cluster(tags={RESTORED_TAG: RP}, members=('writer-1',)))
    rds.add_response('delete_db_instance', {}, {'DBInstanceIdentifier': 'writer-1', 'SkipFinalSnapshot': True})
    rds.add_response('delete_db_cluster', {}, {'DBClusterIdentifier': RESTORED, 'SkipFinalSnapshot': True, 'DeleteAutomatedBackups': True})
    code, result = run(run_module, aws_restored_resource, {'type': 'aurora_cluster', 'id': RESTORED, 'restored_from': RP})
    assert code == 0 and result['changed']


def test_cleanup_of_a_gone_cluster_changes_nothing(run_module, aws):
    aws['rds'].add_client_error('describe_db_clusters', *NOT_FOUND)
    code, result = run(run_module, aws_restored_resource, {'type': 'aurora_cluster', 'id': RESTORED})
    assert code == 0 and not result['changed']


@pytest.mark.parametrize('resource_id', ['orders--aurora', 'orders-aurora\n', 'arn:aws:rds:us-east-1:123456789012:cluster:x', '9db'])
def test_cluster_ids_are_checked_before_any_call(run_module, aws, resource_id):
    for module in (aws_restored_resource, aws_restored_resource_info):
        code, result = run(run_module, module, {'type': 'aurora_cluster', 'id': resource_id})
        assert code == 1 and 'id must be a DB cluster identifier' in result['msg']
    assert aws['make'].call_count == 0
