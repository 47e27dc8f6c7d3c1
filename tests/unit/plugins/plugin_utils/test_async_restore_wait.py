# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""async_restore_wait reads an async job's result file on the controller: running until the module's result is there."""

from __future__ import annotations

import json
import types

from ansible.plugins.action import ActionBase

from ansible_collections.recoverops.restore.plugins.action import async_restore_wait


def action(tmp_path):
    waiter = async_restore_wait.ActionModule.__new__(async_restore_wait.ActionModule)
    waiter.get_shell_option = lambda name, default=None: str(tmp_path)
    return waiter


def test_a_job_is_running_until_its_result_replaces_the_started_marker(tmp_path):
    waiter = action(tmp_path)
    assert waiter._read_local('j1', None) is None  # the wrapper has not written anything yet
    (tmp_path / 'j1').write_text(json.dumps({'started': 1, 'finished': 0, 'ansible_job_id': 'j1'}))
    assert waiter._read_local('j1', None) is None
    (tmp_path / 'j1').write_text('{"changed": true, "job": {"id": "s-1"')  # half written
    assert waiter._read_local('j1', None) is None
    (tmp_path / 'j1').write_text(json.dumps({'changed': True, 'job': {'id': 's-1', 'outcome': 'succeeded'}}))
    assert waiter._read_local('j1', None)['job']['id'] == 's-1'


def test_a_job_the_wrapper_killed_is_finished_and_failed(tmp_path):
    (tmp_path / 'j2').write_text(json.dumps({'failed': 1, 'finished': 1, 'msg': 'Job reached maximum time limit of 10 seconds.'}))
    assert action(tmp_path)._read_local('j2', None)['failed'] == 1


def test_module_warnings_are_shown_as_text_not_as_objects(mocker):
    shown = mocker.patch.object(async_restore_wait.display, 'warning')
    job = {'warnings': ['plain', {'event': {'msg': 'iam_role_arn is not set'}, '__ansible_type': 'WarningSummary'}], 'changed': True}
    async_restore_wait._show_messages(job)
    assert [call.args[0] for call in shown.call_args_list] == ['plain', 'iam_role_arn is not set']
    assert 'warnings' not in job and job['changed'] is True


def test_a_job_past_its_timeout_is_told_in_human_units(tmp_path, mocker):
    mocker.patch.object(ActionBase, 'run', return_value={})
    waiter = action(tmp_path)
    waiter.validate_argument_spec = lambda argument_spec: (None, {'jid': 'j3', 'timeout': 0, 'poll_interval': 5, 'progress_file': None})
    waiter._connection = types.SimpleNamespace(transport='local')
    waiter._play_context = types.SimpleNamespace(become=False)
    result = waiter.run(task_vars={'inventory_hostname': 'localhost'})
    assert result['failed'] and result['msg'] == 'async job j3 did not finish within 0 s'
    waiter.validate_argument_spec = lambda argument_spec: (None, {'jid': 'j3', 'timeout': 3600, 'poll_interval': 5, 'progress_file': None})
    mocker.patch.object(async_restore_wait.time, 'monotonic', side_effect=[0.0, 3600.0])
    assert waiter.run(task_vars={})['msg'] == 'async job j3 did not finish within 60.0 min'
