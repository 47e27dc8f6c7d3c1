# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark aid (not part of the collection): controller CPU and wall time per task, summed over hosts.

With the linear strategy every host runs a task before the next task starts, so the CPU that
ansible-playbook and its waited-for workers (and their module processes) spent between two task
starts is the first task's cost over all hosts. Async jobs detach from the process tree and are not
counted here (drill_scale.py counts them). Enable with
ANSIBLE_CALLBACK_PLUGINS=benchmarks/callback ANSIBLE_CALLBACKS_ENABLED=cpu_per_task and name the
output file in RECOVEROPS_CPU_PER_TASK.
"""
from __future__ import annotations

DOCUMENTATION = '''
name: cpu_per_task
type: aggregate
short_description: controller CPU per task (benchmark aid)
description: Writes the CPU seconds and wall seconds each task cost, over all hosts, as JSON.
'''

import json
import os
import resource
import time

from ansible.plugins.callback import CallbackBase


def _cpu():
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'cpu_per_task'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = {}
        self.current = None
        self.mark = (_cpu(), time.monotonic())
        self.hosts = {}

    def _close(self):
        cpu, wall = _cpu(), time.monotonic()
        if self.current is not None:
            entry = self.tasks.setdefault(self.current, {'task': self.current[1], 'action': self.current[0], 'cpu_seconds': 0.0,
                                                         'wall_seconds': 0.0, 'runs': 0})
            entry['cpu_seconds'] += cpu - self.mark[0]
            entry['wall_seconds'] += wall - self.mark[1]
        self.mark = (cpu, wall)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = (task.action, task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _count(self, result):
        if self.current is not None:
            self.hosts[self.current] = self.hosts.get(self.current, 0) + 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = _count

    def v2_playbook_on_stats(self, stats):
        self._close()
        self.current = None
        rows = []
        for key, entry in self.tasks.items():
            entry['runs'] = self.hosts.get(key, 0)
            entry['cpu_seconds'] = round(entry['cpu_seconds'], 3)
            entry['wall_seconds'] = round(entry['wall_seconds'], 3)
            rows.append(entry)
        rows.sort(key=lambda row: -row['cpu_seconds'])
        path = os.environ.get('RECOVEROPS_CPU_PER_TASK')
        if path:
            with open(path, 'w', encoding='utf-8') as output:
                json.dump({'total_cpu_seconds': round(_cpu(), 3), 'tasks': rows}, output, indent=1)
