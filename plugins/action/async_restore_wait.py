# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wait for a restore started as an async job, on the controller, without a process per poll.

`async_status` in an until/retries loop runs a module for every poll (a fifth of a CPU-second each)
and prints "FAILED - RETRYING" for a healthy wait. On the local connection (where the restore
modules run) the job's result file is on this machine, so this action reads it, and the restore's
own progress file, directly: one line per poll of the restore (its state, percent done, time
waited), and the module's result once the job ends. Elsewhere it runs async_status per poll, as the
loop did.
"""
from __future__ import annotations

import json
import os
import time

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import human_duration
from ansible_collections.recoverops.restore.plugins.plugin_utils._progress_action import show_new_lines

display = Display()
LOCAL = ('local', 'ansible.builtin.local')
# Reading a local file costs nothing; asking the remote async_status costs a module run.
LOCAL_READ_SECONDS = 1.0


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec={
            'jid': {'type': 'str', 'required': True},
            'timeout': {'type': 'int', 'default': 3600},
            'poll_interval': {'type': 'int', 'default': 5},
            'progress_file': {'type': 'path'},
        })[1]
        if args['timeout'] < 0 or args['poll_interval'] < 1:
            raise AnsibleActionFail('timeout must be 0 or more and poll_interval 1 or more seconds')
        host = (task_vars or {}).get('inventory_hostname', '')
        local = self._connection.transport in LOCAL and not self._play_context.become
        read = self._read_local if local else self._read_remote
        deadline, shown = time.monotonic() + args['timeout'], 0
        while True:
            job = read(args['jid'], task_vars)
            if args['progress_file']:
                shown = show_new_lines(args['progress_file'], shown, host)
            if job is not None:
                _show_messages(job)
                result.update(job)
                result.update(ansible_job_id=args['jid'], started=True, finished=True)
                return result
            if time.monotonic() >= deadline:
                result.update(failed=True, finished=False, ansible_job_id=args['jid'],
                              msg='async job %s did not finish within %s' % (args['jid'], human_duration(args['timeout'])))
                return result
            time.sleep(LOCAL_READ_SECONDS if local else args['poll_interval'])

    def _async_dir(self):
        return self.get_shell_option('async_dir', default='~/.ansible_async')

    def _read_local(self, jid, _task_vars):
        """The job's result once it ended, else None (the wrapper writes {started: 1} until then)."""
        path = os.path.join(os.path.expanduser(self._async_dir()), jid)
        try:
            with open(path, encoding='utf-8') as results:
                data = json.load(results)
        except FileNotFoundError:
            return None  # the wrapper has not written it yet
        except (OSError, ValueError):
            return None  # half written: read it again next time
        return None if data.get('started') and not data.get('finished') else data

    def _read_remote(self, jid, task_vars):
        async_dir = self._remote_expand_user(self._async_dir())
        data = self._execute_module(module_name='ansible.legacy.async_status', task_vars=task_vars,
                                    module_args={'jid': jid, '_async_dir': async_dir})
        return data if data.get('finished') else None


def _message(entry):
    """A warning or deprecation as the async job wrote it: a string, or (ansible-core 2.19+) a serialized summary."""
    if isinstance(entry, dict):
        event = entry.get('event') or {}
        return event.get('msg') or entry.get('msg') or str(entry)
    return str(entry)


def _show_messages(job):
    """The module's warnings and deprecations, shown as the normal action would show them, not as raw objects."""
    for entry in job.pop('warnings', None) or []:
        display.warning(_message(entry))
    for entry in job.pop('deprecations', None) or []:
        # The collection's restore modules deprecate only what goes in 2.0.0.
        display.deprecated(_message(entry), version='2.0.0', collection_name='recoverops.restore')
