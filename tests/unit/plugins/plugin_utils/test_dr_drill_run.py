# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""dr_drill_run: each item in a fork, an item that breaks or hangs recorded failed, modules run in this process."""

from __future__ import annotations

import datetime
import json
import os
import time
import types

import pytest

from ansible.errors import AnsibleActionFail
from ansible.module_utils import _internal

from ansible_collections.recoverops.restore.plugins.action import dr_drill_run
from ansible_collections.recoverops.restore.plugins.plugin_utils._drill_item import warning_text
from ansible_collections.recoverops.restore.plugins.plugin_utils._in_process import ModuleRunner

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat() + 'Z'
POINT = {'id': 'b-1', 'resource_name': 'orders', 'account': '1', 'region': 'r', 'created_at': NOW}
JOB = {'id': 'task-1', 'outcome': 'succeeded', 'state': 'completed', 'started_at': NOW,
       'created_resource': {'type': 'dynamodb_table', 'name': 'orders-drill', 'region': 'r'}}


def item(name, table='orders'):
    return {'name': name, 'product': 'clumio', 'source': {'table_name': table},
            'target': {'target_table_name': '%s-drill' % name, 'tags': {'api_token': 'tok-SECRET-1'}}}


class Runner:
    """A ModuleRunner's stand-in: `breaks` names the source tables whose item misbehaves, and how."""

    def __init__(self, breaks=None):
        self.breaks = breaks or {}

    def run(self, name, args):
        how = self.breaks.get(args.get('table_name'))
        if name == 'clumio_dynamodb_backup_info':
            if how == 'exit':
                os._exit(3)
            if how == 'hang':
                time.sleep(60)
            return {'restore_points': [dict(POINT, resource_name=args['table_name'])]}
        if name == 'clumio_dynamodb_restore':
            if self.breaks.get(args['target_table_name'].replace('-drill', '')) == 'raise':
                raise RuntimeError('bug in the item')
            return {'changed': True, 'job': JOB, 'warnings': ['slow appliance']}
        return {'exists': True, 'table': {'status': 'ACTIVE'}}


def pool(tmp_path, items, runner, deadline=None):
    drill = {'name': 'd', 'cleanup': False, 'wait_timeout': 10, 'poll_interval': 1, 'ready_timeout': 10, 'progress_dir': str(tmp_path)}
    records = tmp_path / 'records'
    records.mkdir()
    made = dr_drill_run.ItemPool(items, drill, runner, {'DRILL_ENV': 'from-the-task'}, str(records), limit=2)
    if deadline is not None:
        made.deadline_seconds = deadline
    return made


def test_every_item_gets_its_record_in_the_drills_order_whatever_broke_in_the_others(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)
    shown = []
    monkeypatch.setattr(dr_drill_run.display, 'warning', shown.append)
    items = [item('a'), item('b', 'exits'), item('c'), item('d')]
    ran = pool(tmp_path, items, Runner({'exits': 'exit', 'c': 'raise'}))
    ran.run_all()
    records = ran.records()
    assert [record['item']['name'] for record in records] == ['a', 'b', 'c', 'd']
    assert records[0]['job']['id'] == 'task-1' and records[3]['errors'] == []
    assert records[1]['errors'] == ["the item's run broke off: its process ended with code 3"]
    assert records[1]['job'] is None and records[1]['checks'] == []
    # A module that raises is the runner's to catch (ModuleRunner does); past it, the item's process records why it ended,
    # and the point it saved before the restore stays in the record.
    assert records[2]['errors'] == ["the item's run broke off: it stopped with RuntimeError: bug in the item"]
    assert records[2]['restore_point']['resource_name'] == 'orders' and records[2]['job'] is None
    assert 'warnings' not in records[0]
    # The module's warning of each item whose restore returned is shown once, naming the item.
    assert sorted(shown) == ['drill/a: slow appliance', 'drill/d: slow appliance']


def test_an_item_that_outlives_its_deadline_is_stopped_and_recorded_failed(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)
    ran = pool(tmp_path, [item('a'), item('slow', 'hangs')], Runner({'hangs': 'hang'}), deadline=1)
    started = time.monotonic()
    ran.run_all()
    assert time.monotonic() - started < 10
    records = ran.records()
    assert records[0]['job']['id'] == 'task-1'
    assert 'did not finish within 1 s and was stopped; no restore was seen running, but one may have started' in records[1]['errors'][0]


def test_a_stopped_item_names_the_restore_its_progress_lines_last_showed(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)
    (tmp_path / 'slow.jsonl').write_text(json.dumps({'what': 'restore session', 'id': 's-42', 'state': 'Running'}) + '\n')
    ran = pool(tmp_path, [item('slow', 'hangs')], Runner({'hangs': 'hang'}), deadline=1)
    ran.run_all()
    assert ran.records()[0]['errors'][0].endswith('its restore session s-42 may still run (last seen Running)')


def test_the_items_run_with_the_tasks_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)

    class Seeing(Runner):
        def run(self, name, args):
            if name == 'clumio_dynamodb_backup_info':
                return {'failed': True, 'msg': 'env ' + os.environ.get('DRILL_ENV', 'unset')}
            return super().run(name, args)

    ran = pool(tmp_path, [item('a')], Seeing())
    ran.run_all()
    assert ran.records()[0]['errors'] == ['env from-the-task']
    assert 'DRILL_ENV' not in os.environ


def test_secret_looking_values_of_the_items_are_masked_in_their_records_and_nothing_else(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)
    items = [dict(item('a'), target={'target_table_name': 'a-drill', 'authentication': {'secret_key': 'k-SECRET', 'access_key': 'AKIA1'},
                                     'tags': {'ci_token': '2026', 'api_keys': ['k1'], 'secret': {'value': 's'}}})]
    ran = pool(tmp_path, items, Runner())
    ran.run_all()
    record = ran.records()[0]
    assert record['item']['target'] == {'target_table_name': 'a-drill', 'authentication': {'secret_key': '********', 'access_key': '********'},
                                        'tags': {'ci_token': '********', 'api_keys': '********', 'secret': '********'}}
    # A secret's value elsewhere is not a reason to rewrite it there: a token of '2026' leaves the times alone.
    assert '*' not in record['started_at'] + record['finished_at']
    assert record['job']['started_at'] == NOW


def test_an_item_whose_restore_returned_is_not_stopped_while_it_verifies(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)

    class SlowVerify(Runner):
        def run(self, name, args):
            if name == 'dynamodb_table_info':
                time.sleep(1.5)
            return super().run(name, args)

    ran = pool(tmp_path, [item('a')], SlowVerify(), deadline=0.5)
    ran.run_all()
    record = ran.records()[0]
    assert record['errors'] == [] and record['job']['id'] == 'task-1' and record['checks']


def test_an_item_stopped_after_its_find_keeps_its_point(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)

    class HangingRestore(Runner):
        def run(self, name, args):
            if name == 'clumio_dynamodb_restore':
                time.sleep(60)
            return super().run(name, args)

    ran = pool(tmp_path, [item('a')], HangingRestore(), deadline=1)
    ran.run_all()
    record = ran.records()[0]
    assert record['restore_point']['id'] == 'b-1' and record['job'] is None
    assert record['errors'][0].startswith("the item's run broke off: it did not finish within 1 s and was stopped")


def test_a_yaml_date_in_an_item_reaches_the_modules_as_its_iso_string(tmp_path, monkeypatch):
    monkeypatch.setattr(dr_drill_run, 'LOOK_SECONDS', 0.05)
    seen = {}

    class Seeing(Runner):
        def run(self, name, args):
            if name == 'clumio_dynamodb_restore':
                seen.update(args['tags'])
                with open(os.path.join(str(tmp_path), 'seen.json'), 'w') as out:
                    json.dump(args['tags'], out)
            return super().run(name, args)

    dated = dict(item('a'), target={'target_table_name': 'a-drill', 'tags': {'drill_date': datetime.date(2026, 12, 1)}})
    ran = pool(tmp_path, dr_drill_run.plain([dated]), Seeing())
    ran.run_all()
    assert json.loads((tmp_path / 'seen.json').read_text()) == {'drill_date': '2026-12-01'}
    assert ran.records()[0]['errors'] == []


def test_records_for_a_sliced_report_are_written_one_file_per_item(tmp_path):
    dr_drill_run._write_results(str(tmp_path), 'run-7', 'June', [{'item': {'name': 'orders (EU)'}, 'errors': []}])
    written = json.loads((tmp_path / 'run-7' / 'orders__EU_.json').read_text())
    assert written == {'run_id': 'run-7', 'drill': 'June', 'result': {'item': {'name': 'orders (EU)'}, 'errors': []}}


def test_a_bad_drill_is_refused_before_anything_starts():
    action = dr_drill_run.ActionModule.__new__(dr_drill_run.ActionModule)
    bad = {'items': [{'name': 'x', 'product': 'clumio', 'source': {'table_nmae': 'orders'}, 'target': {}}], 'poll_interval': 5,
           'wait_timeout': 60, 'ready_timeout': 60, 'cleanup': False, 'max_parallel': 0}
    with pytest.raises(AnsibleActionFail) as refused:
        action._refuse_bad_settings(bad)
    assert 'nothing was started' in str(refused.value) and 'table_nmae' in str(refused.value)
    assert 'max_parallel (dr_drill_max_parallel) must be 1 or more, got 0' in str(refused.value)


def test_a_module_runs_in_this_process_with_its_defaults_and_refuses_bad_input_as_its_task_would():
    runner = ModuleRunner(['dynamodb_table_info'], defaults={'dynamodb_table_info': {'region': 'us-east-1'}})
    refused = runner.run('dynamodb_table_info', {'table_name': 'orders', 'no_such_option': 1})
    assert refused['failed'] and 'no_such_option' in refused['msg']
    assert 'invocation' not in refused


def test_a_module_gets_its_defaults_under_its_own_arguments_and_the_check_mode():
    from ansible.module_utils.basic import AnsibleModule

    def echoes():
        module = AnsibleModule(argument_spec={'region': {'type': 'str'}, 'table_name': {'type': 'str'}}, supports_check_mode=True)
        module.exit_json(changed=False, params=module.params, check_mode=module.check_mode)

    runner = ModuleRunner([], defaults={'echoes': {'region': 'eu-west-1', 'table_name': 'from-defaults'}}, check_mode=True)
    runner.modules['echoes'] = types.SimpleNamespace(main=echoes)
    echoed = runner.run('echoes', {'table_name': 'orders'})
    assert echoed['params'] == {'region': 'eu-west-1', 'table_name': 'orders'} and echoed['check_mode'] is True


def test_a_module_that_raises_is_a_failed_result_naming_it(monkeypatch):
    runner = ModuleRunner(['dynamodb_table_info'])

    def broken():
        raise KeyError('TableName')

    monkeypatch.setattr(runner.modules['dynamodb_table_info'], 'main', broken)
    assert runner.run('dynamodb_table_info', {}) == {
        'failed': True, 'msg': "recoverops.restore.dynamodb_table_info stopped with KeyError: 'TableName'"}


def test_a_modules_warnings_come_back_in_its_result_once_not_on_the_controllers_display():
    from ansible.module_utils.basic import AnsibleModule

    def warns():
        module = AnsibleModule(argument_spec={'table_name': {'type': 'str'}})
        module.warn('the table %s is slow' % module.params['table_name'])
        module.exit_json(changed=False)

    def breaks():
        raise RuntimeError('bug')

    runner = ModuleRunner([])
    runner.modules.update(warns=types.SimpleNamespace(main=warns), breaks=types.SimpleNamespace(main=breaks))
    _internal.is_controller = True  # as in the controller's process
    try:
        first, second = runner.run('warns', {'table_name': 'orders'}), runner.run('warns', {'table_name': 'customers'})
        assert _internal.is_controller is True
        assert runner.run('breaks', {})['failed'] and _internal.is_controller is True
    finally:
        _internal.is_controller = False
    assert [warning_text(warning) for warning in first['warnings']] == ['the table orders is slow']
    assert [warning_text(warning) for warning in second['warnings']] == ['the table customers is slow']
