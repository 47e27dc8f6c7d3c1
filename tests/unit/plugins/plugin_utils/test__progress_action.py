# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore modules' action: each poll of a foreground wait shows up while the task runs."""

from __future__ import annotations

import json
import os
import time
from unittest.mock import MagicMock

import pytest
from ansible.plugins.action.normal import ActionModule as NormalAction

from ansible_collections.recoverops.restore.plugins.module_utils._waiting import PROGRESS_FILE_ENV
from ansible_collections.recoverops.restore.plugins.plugin_utils import _progress_action
from ansible_collections.recoverops.restore.plugins.plugin_utils._progress_action import ProgressAction, describe_poll


def action(args=None, async_val=0, check_mode=False, become=False, transport='local', environment=None):
    task = MagicMock()
    task.args = {'wait': True} if args is None else args
    task.async_val = async_val
    task.environment = environment
    play_context = MagicMock(check_mode=check_mode, become=become)
    connection = MagicMock(transport=transport)
    return ProgressAction(task, connection, play_context, loader=None, templar=None, shared_loader_obj=None)


@pytest.fixture
def shown(monkeypatch):
    lines = []
    monkeypatch.setattr(_progress_action.display, 'display', lines.append)
    monkeypatch.setattr(_progress_action, 'READ_INTERVAL', 0.01)
    return lines


def module_that_polls(polls, seen):
    """A stand-in for running the module: writes its polls where the environment says, slowly."""
    def run(self, tmp=None, task_vars=None):
        path = self._task.environment[-1].get(PROGRESS_FILE_ENV) if self._task.environment else None
        seen.append(path)
        for state, percent_done in polls:
            if path:
                with open(path, 'a', encoding='utf-8') as progress_file:
                    progress_file.write(json.dumps({'what': 'restore job', 'id': 'job-1', 'state': state,
                                                    'percent': percent_done, 'elapsed_seconds': 1.5}) + '\n')
            time.sleep(0.05)
        return {'changed': True, 'restore_job_id': 'job-1'}
    return run


def test_every_poll_is_shown_while_the_module_runs(monkeypatch, shown):
    seen = []
    monkeypatch.setattr(NormalAction, 'run', module_that_polls([('RUNNING', 10), ('RUNNING', 55.5), ('COMPLETED', None)], seen))
    result = action(environment=[{'TZ': 'UTC'}]).run(task_vars={'inventory_hostname': 'dr-host'})
    assert result == {'changed': True, 'restore_job_id': 'job-1'}
    assert shown == ['dr-host: restore job job-1: RUNNING, 10% done, 1.5 s',
                     'dr-host: restore job job-1: RUNNING, 55.5% done, 1.5 s',
                     'dr-host: restore job job-1: COMPLETED, 1.5 s']
    assert not os.path.exists(seen[0])  # the progress file goes with its temporary directory


def test_the_task_environment_is_kept(monkeypatch, shown):
    seen = []
    monkeypatch.setattr(NormalAction, 'run', module_that_polls([], seen))
    plugin = action(environment={'TZ': 'UTC'})
    plugin.run(task_vars={})
    assert plugin._task.environment[0] == {'TZ': 'UTC'}
    assert plugin._task.environment[1] == {PROGRESS_FILE_ENV: seen[0]}


@pytest.mark.parametrize('kwargs', [
    {'async_val': 600},
    {'check_mode': True},
    {'become': True},
    {'transport': 'ssh'},
    {'args': {'wait': False}},
    {'args': {'wait': 'no'}},
])
def test_the_module_runs_plainly_where_progress_cannot_be_read(monkeypatch, shown, kwargs):
    seen = []
    monkeypatch.setattr(NormalAction, 'run', module_that_polls([('RUNNING', None)], seen))
    plugin = action(**kwargs)
    assert plugin.run(task_vars={}) == {'changed': True, 'restore_job_id': 'job-1'}
    assert seen == [None]
    assert shown == []


def test_an_error_in_the_module_run_reaches_ansible(monkeypatch, shown):
    def broken(self, tmp=None, task_vars=None):
        raise RuntimeError('connection lost')
    monkeypatch.setattr(NormalAction, 'run', broken)
    with pytest.raises(RuntimeError, match='connection lost'):
        action().run(task_vars={})


def test_describe_poll_reads_what_it_can():
    assert describe_poll('{"what": "Clumio task", "id": "42", "state": "in_progress", "percent": 40, '
                         '"elapsed_seconds": 3}', 'h') == 'h: Clumio task 42: in_progress, 40% done, 3 s'
    assert describe_poll('not json', 'h') == 'h: not json'
