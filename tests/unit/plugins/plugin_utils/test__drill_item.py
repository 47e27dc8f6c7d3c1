# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A drill item's steps, module by module: what each module is asked, and what the record says of its answers."""

from __future__ import annotations

import datetime
import os

import pytest
import yaml

from ansible_collections.recoverops.restore.plugins.module_utils._waiting import PROGRESS_FILE_ENV
from ansible_collections.recoverops.restore.plugins.module_utils._aws_backup_types import BY_KIND
from ansible_collections.recoverops.restore.plugins.plugin_utils._drill_item import FIND_MODULE, RESTORE_MODULE, DrillItem, summarize
from ansible_collections.recoverops.restore.plugins.plugin_utils._products import PRODUCTS

DRILL = {'name': 'June drill', 'cleanup': True, 'wait_timeout': 600, 'poll_interval': 2, 'ready_timeout': 60, 'progress_dir': '/tmp/p'}


def hours_ago(hours):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours)
    return moment.replace(tzinfo=None).isoformat() + 'Z'


def clumio_point(**changes):
    point = {'id': 'b-1', 'product': 'clumio', 'resource_id': 't-1', 'resource_name': 'orders', 'region': 'us-east-1',
             'account': '123456789012', 'created_at': hours_ago(2), 'raw': {'item_count': 5}}
    point.update(changes)
    return point


def job(outcome='succeeded', **changes):
    made = {'id': 'task-1', 'product': 'clumio', 'reused': False, 'state': 'completed', 'outcome': outcome,
            'started_at': hours_ago(0.01), 'finished_at': hours_ago(0), 'finished_at_observed': True, 'duration_seconds': 30,
            'created_resource': {'type': 'dynamodb_table', 'name': 'orders-drill', 'region': 'us-east-1'}}
    made.update(changes)
    return made


class Modules:
    """Answers per module name (a dict, or a function of the arguments); every call is kept."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def __call__(self, name, args):
        self.calls.append((name, args))
        answer = self.answers.get(name, {})
        return dict(answer(args) if callable(answer) else answer)

    def names(self):
        return [name for name, _args in self.calls]

    def args(self, name, index=0):
        return [args for called, args in self.calls if called == name][index]


def table_answers(args):
    if 'checks' in args:
        return {'exists': True, 'table': {'arn': 'arn:t', 'status': 'ACTIVE'},
                'checks': [{'name': 'item_count', 'passed': True, 'msg': '5 items'}]}
    return {'exists': False}


def clumio_modules(point=None, restored=None, **more):
    answers = {'clumio_dynamodb_backup_info': {'restore_points': [point or clumio_point()]},
               'clumio_dynamodb_restore': {'changed': True, 'job': restored or job()},
               'dynamodb_table_info': table_answers, 'dynamodb_restored_table': {'changed': True}}
    answers.update(more)
    return Modules(**answers)


def clumio_item(**changes):
    item = {'name': 'orders', 'product': 'clumio', 'source': {'table_name': 'orders', 'account_id': '123456789012'},
            'target': {'target_table_name': 'orders-drill', 'target_account_id': '123456789012', 'target_region': 'us-east-1'},
            'rpo': '24h', 'verify': {'item_count': 5}}
    item.update(changes)
    return item


def test_a_clumio_item_is_found_restored_claimed_checked_and_removed_in_that_order():
    modules = clumio_modules()
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert modules.names() == ['clumio_dynamodb_backup_info', 'dynamodb_table_info', 'clumio_dynamodb_restore',
                               'dynamodb_restored_table', 'dynamodb_table_info', 'dynamodb_restored_table']
    # The alias account_id goes to the info module as the key it stands for.
    assert modules.args('clumio_dynamodb_backup_info') == {'table_name': 'orders', 'account_native_id': '123456789012', 'latest': True}
    restore = modules.args('clumio_dynamodb_restore')
    assert restore['backup_id'] == 'b-1' and restore['target_exists'] is False
    assert (restore['wait'], restore['wait_timeout'], restore['poll_interval']) == (True, 600, 2)
    claim, remove = modules.args('dynamodb_restored_table', 0), modules.args('dynamodb_restored_table', 1)
    assert claim['state'] == 'present' and claim['restored_from'] == 'b-1' and claim['tags'] == {'recoverops:drill': 'June drill'}
    assert remove == {'table_name': 'orders-drill', 'region': 'us-east-1', 'state': 'absent',
                      'required_tags': {'recoverops:drill': 'June drill'}}
    checks = modules.args('dynamodb_table_info', 1)['checks']
    assert checks['expected_count'] == 5 and checks['product_count'] == 5
    assert checks['compare_with_source']['table_name'] == 'orders'
    assert [check['name'] for check in record['checks']] == ['exists', 'active', 'claimed', 'item_count', 'cleanup']
    assert all(check['passed'] for check in record['checks'])
    assert record['cleaned_up'] is True and record['job_id'] == 'task-1' and record['errors'] == []
    assert [phase['name'] for phase in record['phases']] == ['find', 'verify', 'cleanup']


def test_the_progress_file_is_named_for_the_restore_only():
    seen = {}

    def restore(args):
        seen['progress'] = os.environ.get(PROGRESS_FILE_ENV)
        return {'changed': True, 'job': job()}

    DrillItem(clumio_item(name='orders/eu 1'), DRILL, clumio_modules(clumio_dynamodb_restore=restore)).run()
    assert seen['progress'] == '/tmp/p/orders_eu_1.jsonl'
    assert PROGRESS_FILE_ENV not in os.environ


@pytest.mark.parametrize('point, words', [
    (clumio_point(resource_name='customers'), "source table_name is orders, but the restore point b-1 found belongs to resource_name customers"),
    (clumio_point(account=None), 'does not say its account'),
    (clumio_point(created_at=hours_ago(30)), 'older than the rpo 24h; no restore was started'),
])
def test_a_point_that_is_not_the_sources_or_too_old_starts_nothing_and_is_reported(point, words):
    modules = clumio_modules(point=point)
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert modules.names() == ['clumio_dynamodb_backup_info']
    assert words in record['errors'][0] and 'no restore was started' in record['errors'][0]
    assert record['restore_point']['id'] == 'b-1' and record['job'] is None and record['job_id'] is None
    assert [phase['name'] for phase in record['phases']] == ['find']


def test_no_point_or_a_failed_find_starts_nothing():
    none_found = DrillItem(clumio_item(point_in_time='2026-06-01T00:00:00Z'), DRILL,
                           clumio_modules(clumio_dynamodb_backup_info={'restore_points': []})).run()
    assert 'has no restore point for' in none_found['errors'][0] and 'at or before 2026-06-01T00:00:00Z' in none_found['errors'][0]
    refused = Modules(clumio_dynamodb_backup_info={'failed': True, 'msg': 'Clumio refused the token'})
    assert DrillItem(clumio_item(), DRILL, refused).run()['errors'] == ['Clumio refused the token']
    assert refused.args('clumio_dynamodb_backup_info')['latest'] is True


def test_a_point_in_time_asks_for_the_newest_point_at_or_before_it():
    modules = clumio_modules()
    DrillItem(clumio_item(point_in_time='2026-06-01T00:00:00Z', rpo=None), DRILL, modules).run()
    # latest and point_in_time are mutually exclusive in every info module, latest: false included.
    assert modules.args('clumio_dynamodb_backup_info') == {'table_name': 'orders', 'account_native_id': '123456789012',
                                                           'point_in_time': '2026-06-01T00:00:00Z'}


def test_a_restore_that_failed_after_it_started_keeps_its_job_and_verifies_nothing():
    failed = {'failed': True, 'msg': 'the task failed: throttled', 'job': job(outcome='failed', state='failed')}
    modules = clumio_modules(clumio_dynamodb_restore=failed)
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert modules.names()[-1] == 'clumio_dynamodb_restore'
    assert record['job']['outcome'] == 'failed' and record['job']['msg'] == 'the task failed: throttled'
    assert record['job_id'] == 'task-1' and record['checks'] == [] and record['cleaned_up'] is False


def test_a_module_that_failed_with_its_job_still_running_is_a_failed_job():
    assert summarize('clumio', {'failed': True, 'msg': 'timed out', 'job': job(outcome='running')})['outcome'] == 'failed'
    no_job = summarize('clumio', {'failed': True, 'msg': 'refused'})
    assert no_job['outcome'] == 'failed' and no_job['id'] is None and no_job['msg'] == 'refused'


def test_a_table_that_cannot_be_claimed_is_not_removed():
    modules = clumio_modules(dynamodb_restored_table={'failed': True, 'msg': 'the table is older than the restore'})
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert modules.names().count('dynamodb_restored_table') == 1
    claimed = [check for check in record['checks'] if check['name'] == 'claimed'][0]
    assert claimed == {'name': 'claimed', 'passed': False, 'msg': 'the table is older than the restore'}
    assert record['cleaned_up'] is False and 'cleanup' not in [check['name'] for check in record['checks']]


def test_the_source_table_is_never_claimed_or_removed_even_if_the_product_reports_it_as_restored():
    restored = job(created_resource={'type': 'dynamodb_table', 'name': 'orders', 'region': 'us-east-1'})
    modules = clumio_modules(restored=restored)
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert 'dynamodb_restored_table' not in modules.names()
    assert record['cleaned_up'] is False and 'claimed' not in [check['name'] for check in record['checks']]


def test_cleanup_off_for_the_item_reads_the_table_only():
    modules = clumio_modules()
    DrillItem(clumio_item(cleanup=False), DRILL, modules).run()
    assert 'dynamodb_restored_table' not in modules.names()


def test_verify_off_checks_nothing():
    modules = clumio_modules()
    record = DrillItem(clumio_item(verify={'enabled': False}), DRILL, modules).run()
    assert modules.names()[-1] == 'clumio_dynamodb_restore' and record['checks'] == []


def test_a_clumio_target_named_by_environment_is_not_read_off_dynamodb():
    modules = clumio_modules()
    item = clumio_item(target={'target_table_name': 'orders-drill', 'environment_id': 'env-1'})
    DrillItem(item, DRILL, modules).run()
    assert modules.names()[:2] == ['clumio_dynamodb_backup_info', 'clumio_dynamodb_restore']
    assert 'target_exists' not in modules.args('clumio_dynamodb_restore')


def test_a_veeam_restore_gets_the_drills_reason_and_what_dynamodb_says_of_the_target():
    point = {'id': 'rp-1', 'resource_name': 'orders', 'resource_id': 'd-1', 'region': 'eu-west-1', 'account': '1',
             'created_at': hours_ago(1), 'raw': {'itemCount': 3}}
    modules = Modules(veeam_aws_dynamodb_restore_point_info={'restore_points': [point]},
                      dynamodb_table_info={'exists': True}, veeam_aws_dynamodb_restore={'job': job(outcome='failed')})
    item = {'name': 'orders', 'product': 'veeam_aws', 'source': {'table_name': 'orders', 'region': 'eu-west-1'},
            'target': {'target_table_name': 'orders-drill', 'authentication': {'iam_role_id': 'r-1'}}}
    DrillItem(item, DRILL, modules).run()
    assert modules.args('veeam_aws_dynamodb_restore_point_info') == {'table_name': 'orders', 'table_region': 'eu-west-1', 'latest': True}
    assert modules.args('dynamodb_table_info', 0) == {'table_name': 'orders-drill', 'region': 'eu-west-1'}
    restore = modules.args('veeam_aws_dynamodb_restore')
    assert restore['reason'] == 'June drill: orders' and restore['target_exists'] is True
    assert restore['restore_to_original'] is False and restore['authentication'] == {'iam_role_id': 'r-1'}


def test_an_aws_backup_volume_is_checked_against_what_the_restore_asked_and_removed_by_its_point():
    point = {'id': 'arn:rp', 'resource_id': 'arn:vol', 'kind': 'EBS', 'created_at': hours_ago(1), 'size_bytes': 8 * 1073741824,
             'raw': {'BackupVaultName': 'Default'}}
    volume = job(created_resource={'type': 'ebs_volume', 'id': 'vol-1', 'region': 'us-east-1'}, request={'Metadata': {'volumeType': 'gp3'}})
    modules = Modules(aws_backup_recovery_point_info={'restore_points': [point]}, aws_backup_restore={'job': volume},
                      aws_restored_resource_info={'exists': True, 'checks': [{'name': 'exists', 'passed': True}]},
                      aws_restored_resource={'changed': True})
    item = {'name': 'vol', 'product': 'aws_backup', 'source': {'resource_arn': 'arn:vol'}, 'target': {}}
    record = DrillItem(item, DRILL, modules).run()
    assert modules.args('aws_backup_restore')['backup_vault_name'] == 'Default'
    read = modules.args('aws_restored_resource_info')
    assert read['expected'] == {'size_gib': 8, 'volume_type': 'gp3'} and read['ready_timeout'] == 60
    assert modules.args('aws_restored_resource') == {'type': 'ebs_volume', 'id': 'vol-1', 'region': 'us-east-1',
                                                     'restored_from': 'arn:rp', 'state': 'absent'}
    assert record['cleaned_up'] is True


def test_a_resource_that_could_not_be_read_fails_its_exists_check_and_is_not_removed():
    point = {'id': 'arn:rp', 'resource_id': 'arn:b', 'created_at': hours_ago(1), 'raw': {'BackupVaultName': 'V'}}
    bucket = job(created_resource={'type': 's3_bucket', 'id': 'b-restored', 'region': None})
    modules = Modules(aws_backup_recovery_point_info={'restore_points': [point]}, aws_backup_restore={'job': bucket},
                      aws_restored_resource_info={'failed': True, 'msg': 'AccessDenied'})
    record = DrillItem({'name': 'b', 'product': 'aws_backup', 'source': {'resource_arn': 'arn:b'}, 'target': {}}, DRILL, modules).run()
    assert record['checks'] == [{'name': 'exists', 'passed': False, 'expected': 'b-restored', 'found': None, 'msg': 'AccessDenied'}]
    assert 'aws_restored_resource' not in modules.names()


def test_what_is_expected_of_each_type_comes_from_the_metadata_else_the_point():
    assert BY_KIND['ebs_volume'].drill_expected({'size_bytes': 0}, {}, {}) == {}
    assert BY_KIND['efs_file_system'].drill_expected({}, {'Encrypted': 'false', 'PerformanceMode': 'generalPurpose'}, {}) == {
        'performance_mode': 'generalPurpose', 'encrypted': False}
    assert BY_KIND['rds_instance'].drill_expected({}, {'MultiAZ': True, 'Engine': 'mysql'}, {}) == {'engine': 'mysql', 'multi_az': True}
    assert BY_KIND['s3_bucket'].drill_expected({}, {}, {'item_count': 3, 'min_items': 1}) == {'object_count': 3, 'min_objects': 1}
    assert BY_KIND['ec2_instance'].drill_expected({}, {'InstanceType': 't3.micro', 'SubnetId': ''}, {}) == {'instance_type': 't3.micro'}
    assert BY_KIND['aurora_cluster'].drill_expected({}, {'Engine': 'aurora-mysql'}, {}) == {'engine': 'aurora-mysql'}


def test_every_type_a_drill_expects_something_of_is_one_aws_restored_resource_info_compares():
    metadata = {'volumeSize': '8', 'volumeType': 'gp3', 'PerformanceMode': 'maxIO', 'Encrypted': 'true', 'InstanceType': 't3.micro',
                'SubnetId': 'subnet-1', 'DBInstanceClass': 'db.t3.micro', 'Engine': 'mysql', 'MultiAZ': 'false'}
    for kind in BY_KIND.values():
        expected = kind.drill_expected({'size_bytes': 1073741824}, metadata, {'item_count': 1, 'min_items': 1, 'fingerprint': 'f'})
        assert expected, kind.kind
        assert set(expected) <= set(kind.expected) | set(kind.other_expected), kind.kind


def test_an_azure_vm_is_checked_as_the_session_records_it():
    point = {'id': 'rp-vm', 'resource_name': 'web-01', 'resource_id': 'vm-1', 'created_at': hours_ago(1)}
    vm = job(outcome='warning', id='s-9', created_resource={'type': 'azure_vm', 'name': 'web-01-drill', 'recorded': False})
    modules = Modules(veeam_azure_vm_restore_point_info={'restore_points': [point]}, veeam_azure_vm_restore={'job': vm})
    record = DrillItem({'name': 'vm', 'product': 'veeam_azure', 'source': {'vm_name': 'web-01'}, 'target': {}}, DRILL, modules).run()
    assert modules.args('veeam_azure_vm_restore')['allow_overwrite'] is False
    assert record['checks'] == [{'name': 'restored_vm', 'passed': False, 'expected': 'web-01-drill', 'found': None,
                                 'msg': 'session s-9 names no restored VM web-01-drill'}]


def test_module_warnings_are_kept_as_text_for_the_parent_to_show():
    modules = clumio_modules(clumio_dynamodb_restore={'job': job(), 'warnings': [{'event': {'msg': 'slow'}}, 'plain']})
    assert DrillItem(clumio_item(), DRILL, modules).run()['warnings'] == ['slow', 'plain']


ROLE_TASKS = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'restore_latest', 'tasks')


def role_task_options(product, step, module):
    """The options restore_latest's <product>/<step>.yml passes to the module."""
    with open(os.path.join(ROLE_TASKS, product, step + '.yml'), encoding='utf-8') as tasks:
        for task in yaml.safe_load(tasks):
            if 'recoverops.restore.' + module in task:
                return set(task['recoverops.restore.' + module])
    raise AssertionError('%s/%s.yml runs no %s' % (product, step, module))


@pytest.mark.parametrize('product', sorted(FIND_MODULE))
def test_a_drill_item_passes_its_modules_the_options_restore_latest_passes(product):
    """One flow in two places (the role for a single restore, this for a drill) must not drift apart: same modules, same options."""
    # Every field the identity check compares says 'orders', as every source key does.
    point = {'id': 'p-1', 'resource_name': 'orders', 'resource_id': 'orders', 'region': 'orders', 'account': '1',
             'kind': 'orders', 'created_at': hours_ago(1), 'raw': {'BackupVaultName': 'orders'}}
    full = {key: 'x' for key in PRODUCTS[product]['target']}
    targets = [full, {key: value for key, value in full.items() if key != 'environment_id'}]
    found, restored = set(), set()
    for target, point_in_time in ((targets[0], '2026-01-01T00:00:00Z'), (targets[1], None)):
        target = dict(target, target_account_id='1') if 'target_account_id' in target else target
        modules = Modules(**{FIND_MODULE[product]: {'restore_points': [point]}, RESTORE_MODULE[product]: {'job': job(outcome='failed')},
                             'dynamodb_table_info': {'exists': False}})
        source = {key: '1' if 'account' in key else 'orders' for key in PRODUCTS[product]['source']}
        DrillItem({'name': 'i', 'product': product, 'source': source, 'target': target, 'point_in_time': point_in_time},
                  DRILL, modules).run()
        found |= set(modules.args(FIND_MODULE[product]))
        restored |= set(modules.args(RESTORE_MODULE[product]))
    assert found == role_task_options(product, 'find', FIND_MODULE[product])
    assert restored == role_task_options(product, 'restore', RESTORE_MODULE[product])


def test_an_error_while_verifying_keeps_the_job_and_point_and_fails_the_item():
    broken = job(created_resource={'type': 'dynamodb_table', 'region': 'us-east-1'})  # no name: a product bug
    record = DrillItem(clumio_item(), DRILL, clumio_modules(restored=broken)).run()
    assert record['job']['id'] == 'task-1' and record['restore_point']['id'] == 'b-1'
    assert record['errors'] == ["verifying the restore stopped with KeyError: 'name'; nothing was removed"]


def test_a_point_whose_age_cannot_be_read_starts_nothing():
    modules = clumio_modules(point=clumio_point(created_at='yesterday'))
    record = DrillItem(clumio_item(), DRILL, modules).run()
    assert modules.names() == ['clumio_dynamodb_backup_info']
    assert record['errors'][0].startswith('the restore point could not be checked (ValueError:')
    assert record['errors'][0].endswith('no restore was started') and record['restore_point']['id'] == 'b-1'


@pytest.mark.parametrize('on, off', [(1, 0), (1.0, 0.0), ('yes', 'no'), ('y', 'n'), (True, False), ('True', 'False')])
def test_flags_read_as_ansible_reads_booleans(on, off):
    removed = clumio_modules()
    DrillItem(clumio_item(cleanup=on, verify={'enabled': on}), dict(DRILL, cleanup=False), removed).run()
    assert removed.names().count('dynamodb_restored_table') == 2
    unverified = clumio_modules()
    assert DrillItem(clumio_item(verify={'enabled': off}), DRILL, unverified).run()['checks'] == []


def test_check_mode_claims_and_removes_nothing():
    modules = clumio_modules()
    record = DrillItem(clumio_item(), dict(DRILL, check_mode=True), modules).run()
    assert 'dynamodb_restored_table' not in modules.names() and record['cleaned_up'] is False


def test_the_record_is_saved_after_the_find_and_after_the_restore():
    saved = []
    DrillItem(clumio_item(), DRILL, clumio_modules(), save=lambda record: saved.append(dict(record))).run()
    assert [(entry['restore_point']['id'], (entry['job'] or {}).get('id')) for entry in saved] == [('b-1', None), ('b-1', 'task-1')]


@pytest.mark.parametrize('cleanup, in_place', [(1, True), (True, 1), ('yes', 'y')])
def test_the_plan_reads_flags_as_the_drill_does_and_refuses_cleanup_of_the_source(cleanup, in_place):
    from ansible_collections.recoverops.restore.plugins.filter.restore_inputs import dr_drill_plan_problems
    item = {'name': 'orders', 'product': 'veeam_aws', 'source': {'table_name': 'orders'}, 'cleanup': cleanup,
            'target': {'restore_to_original': in_place, 'authentication': {'iam_role_id': 'r-1'}}}
    problems = dr_drill_plan_problems([item])
    assert any('restore_to_original' in problem for problem in problems), problems
