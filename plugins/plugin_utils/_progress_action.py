# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this plugin_util is internal to recoverops.restore and may change at any time.
"""Show each poll of a restore module's wait in the task output, while the task runs.

A module cannot print before it returns, so a restore that waits an hour would look like a hang.
The restore modules append one JSON line per poll to the file named by RECOVEROPS_PROGRESS_FILE
(module_utils/_waiting.py); this action runs the module in a thread and displays those lines as
they come. It only does so where it can read that file: a foreground task (no async), not in check
mode, with wait on, on the local connection without become. Everywhere else it is the normal
action and the module runs exactly as it would without this plugin.
"""
from __future__ import annotations

import json
import os
import tempfile
import threading

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display

from ansible_collections.recoverops.restore.plugins.module_utils._waiting import PROGRESS_FILE_ENV

display = Display()

# How often the file is read; the module's own poll interval decides how often a line comes.
READ_INTERVAL = 1.0


class ProgressAction(NormalAction):
    """The normal action, plus a line in the output for every poll of a foreground wait."""

    def run(self, tmp=None, task_vars=None):
        if not self._shows_progress():
            return super().run(tmp, task_vars)
        host = (task_vars or {}).get('inventory_hostname', '')
        with tempfile.TemporaryDirectory(prefix='recoverops-progress-') as directory:
            path = os.path.join(directory, 'progress.jsonl')
            self._task.environment = _with_variable(self._task.environment, PROGRESS_FILE_ENV, path)
            outcome = {}
            module = threading.Thread(target=self._run_module, args=(outcome, tmp, task_vars), daemon=True)
            module.start()
            shown = 0
            while module.is_alive():
                module.join(READ_INTERVAL)
                shown = show_new_lines(path, shown, host)
        if 'error' in outcome:
            raise outcome['error']
        return outcome['result']

    def _run_module(self, outcome, tmp, task_vars):
        try:
            outcome['result'] = super().run(tmp, task_vars)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Re-raised in the task's own thread, where Ansible reports it as it always would.
            outcome['error'] = exc

    def _shows_progress(self):
        if self._task.async_val or self._play_context.check_mode or self._play_context.become:
            return False
        if self._connection.transport not in ('local', 'ansible.builtin.local'):
            return False
        return boolean(self._task.args.get('wait', True), strict=False)


def _with_variable(environment, name, value):
    """The task's environment (None, a dict or a list of dicts) with one more variable."""
    if not environment:
        environments = []
    elif isinstance(environment, list):
        environments = list(environment)
    else:
        environments = [environment]
    return environments + [{name: value}]


def show_new_lines(path, shown, host):
    """Display the lines after the first `shown` complete ones; returns how many are shown now."""
    try:
        with open(path, encoding='utf-8') as progress_file:
            lines = progress_file.read().split('\n')[:-1]  # the last piece may be half written
    except OSError:
        return shown
    for line in lines[shown:]:
        display.display(describe_poll(line, host))
    return max(shown, len(lines))


def describe_poll(line, host=''):
    """'orders-host: restore session 7c1e…: Running, 45% done, 32 s' from one progress line."""
    try:
        poll = json.loads(line)
    except ValueError:
        return '%s: %s' % (host, line)
    percent = '' if poll.get('percent') is None else ', %g%% done' % poll['percent']
    return '%s: %s %s: %s%s, %s s' % (host, poll.get('what'), poll.get('id'), poll.get('state'), percent,
                                      poll.get('elapsed_seconds'))
