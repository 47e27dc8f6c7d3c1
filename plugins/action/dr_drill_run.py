# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every item of a DR drill side by side, each in a process of its own, and return their records.

An item as tasks (find, start async, a poll per async_status, claim, read, remove, a dozen set_facts)
cost about 7 controller CPU-seconds: every module run is a new Python process that imports Ansible,
requests and boto3 again, and every task costs the strategy its templating and results. Here the
modules are loaded once, in this action's process, and each item runs in a fork of it
(plugin_utils/_drill_item.py runs the steps, plugin_utils/_in_process.py the modules): a fork shares
what is loaded, so an item costs its own requests and little else, and a fork keeps each item's
module arguments, environment and failures its own. The parent only shows the restores' progress
lines as they come and gathers the records.
"""
from __future__ import annotations

import json
import os
import signal
import tempfile
import time

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.executor.module_common import _apply_action_arg_defaults
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.recoverops.restore.plugins.filter.drill_report import masked
from ansible_collections.recoverops.restore.plugins.filter.restore_inputs import dr_drill_plan_problems
from ansible_collections.recoverops.restore.plugins.inventory.dr_drill import result_file_name
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import human_duration
from ansible_collections.recoverops.restore.plugins.plugin_utils._drill_item import DrillItem, modules_for, progress_file_name, utc_now
from ansible_collections.recoverops.restore.plugins.plugin_utils._in_process import COLLECTION, ModuleRunner, plain
from ansible_collections.recoverops.restore.plugins.plugin_utils._progress_action import show_new_lines

display = Display()

ARGUMENT_SPEC = {
    'items': {'type': 'list', 'elements': 'dict', 'required': True},
    'name': {'type': 'str', 'default': 'DR drill'},
    'cleanup': {'type': 'bool', 'default': False},
    'wait_timeout': {'type': 'int', 'default': 3600},
    'poll_interval': {'type': 'int', 'default': 5},
    'ready_timeout': {'type': 'int', 'default': 900},
    'progress_dir': {'type': 'path'},
    'max_parallel': {'type': 'int', 'default': 100},
    'results_dir': {'type': 'path'},
    'run_id': {'type': 'str', 'default': 'latest'},
}
# How often the parent looks at its children and their progress lines: reading files costs nothing.
LOOK_SECONDS = 1.0
# An item's process is stopped if its restore has not returned this long after the restore module's own
# wait_timeout: finding the point, the restore module's look-ups and its last poll fit well within it. Once the restore
# returned, the verify and cleanup modules bound their own waits (ready_timeout, the table's deletion).
SPARE_SECONDS = 300


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        self._refuse_bad_settings(args)
        # As the modules get them: a YAML date in an item is its ISO string, as a task would send it.
        try:
            items = plain(args['items'])
        except (TypeError, ValueError) as exc:
            raise AnsibleActionFail('dr_drill: nothing was started, an item holds a value a module cannot be given (%s)' % exc) from None
        modules = modules_for({item['product'] for item in items})
        with tempfile.TemporaryDirectory(prefix='recoverops-drill-') as scratch:
            drill = {key: args[key] for key in ('name', 'cleanup', 'wait_timeout', 'poll_interval', 'ready_timeout')}
            drill.update(progress_dir=args['progress_dir'] or scratch, check_mode=bool(self._play_context.check_mode))
            runner = ModuleRunner(modules, defaults=self._module_defaults(modules), check_mode=drill['check_mode'],
                                  no_log=self._task.no_log, tmpdir=scratch)
            pool = ItemPool(items, drill, runner, self._environment(), scratch, args['max_parallel'])
            pool.run_all()
            recorded = pool.records()
        if args['results_dir']:
            _write_results(args['results_dir'], args['run_id'], drill['name'], recorded)
        result.update(changed=any((record.get('job') or {}).get('changed') for record in recorded), results=recorded)
        return result

    def _refuse_bad_settings(self, args):
        """The drill's plan checks, again: an item that would fail only after others had started is refused now."""
        problems = dr_drill_plan_problems(args['items'], args['poll_interval'], args['wait_timeout'], args['ready_timeout'],
                                          args['cleanup'])
        if args['max_parallel'] < 1:
            problems.append('dr_drill_run: max_parallel (dr_drill_max_parallel) must be 1 or more, got %s' % args['max_parallel'])
        if problems:
            raise AnsibleActionFail('dr_drill: %s problem(s), nothing was started: %s' % (len(problems), '; '.join(problems)))

    def _module_defaults(self, modules):
        """The play's module_defaults (its groups included) for the modules the items run, as their tasks would get them.

        Templated once, before any item starts: a default that cannot be templated stops the drill before it restores.
        """
        defaults = {}
        for name in modules:
            try:
                defaults[name] = plain(_apply_action_arg_defaults('%s.%s' % (COLLECTION, name), self._task, {}, self._templar))
            except AnsibleError as exc:
                raise AnsibleActionFail('dr_drill: nothing was started, the module_defaults of %s.%s cannot be templated: %s'
                                        % (COLLECTION, name, exc.message)) from None
        return defaults

    def _environment(self):
        """The task's environment keyword, as a local module's process would have it."""
        environment = {}
        for entry in self._task.environment or []:
            values = self._templar.template(entry)
            if isinstance(values, dict):
                environment.update((str(key), str(value)) for key, value in values.items())
        return environment


class ItemPool:
    """The items' processes: at most `limit` at once, each stopped if it outlives its wait."""

    def __init__(self, items, drill, runner, environment, records, limit):
        self.items, self.drill, self.runner = items, drill, runner
        self.environment, self.records_dir, self.limit = environment, records, limit
        self.deadline_seconds = drill['wait_timeout'] + SPARE_SECONDS
        self.running = {}  # pid -> (index, deadline)
        self.started_at = {}  # index -> when its process started
        self.stopped = {}  # index -> why this process stopped it
        self.done = {}  # index -> its record
        self.shown = [0] * len(items)

    def run_all(self):
        waiting = list(range(len(self.items)))
        try:
            while waiting or self.running:
                while waiting and len(self.running) < self.limit:
                    index = waiting.pop(0)
                    self.started_at[index] = utc_now()
                    self.running[self._fork(index)] = (index, time.monotonic() + self.deadline_seconds)
                self._show_progress()
                self._reap()
                self._stop_overdue()
                if self.running:
                    time.sleep(LOOK_SECONDS)
        finally:
            # A cancelled job (AWX, Ctrl-C) takes its items down with it: the restores they started run on in the products.
            for pid in self.running:
                os.kill(pid, signal.SIGTERM)

    def records(self):
        """The items' records in the drill's order, their items masked as the report masks them (the records go into facts and
        result files); an item that left none is reported failed."""
        records = [self.done.get(index) or self._broken_off(index, 'it never started') for index in range(len(self.items))]
        return [dict(record, item=masked(record['item'])) for record in records]

    def _fork(self, index):
        pid = os.fork()
        if pid:
            return pid
        code = 1
        try:
            os.environ.update(self.environment)
            saved = self._record_path(index) + '.partial'
            record = DrillItem(self.items[index], self.drill, self.runner.run, save=lambda record: _write_json(saved, record)).run()
            _write_json(self._record_path(index), record)
            code = 0
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            # Whatever broke, the parent records the item as failed with this, not as silently missing.
            try:
                _write_json(self._record_path(index) + '.error', {'error': '%s: %s' % (type(exc).__name__, exc)})
            except BaseException:  # pylint: disable=broad-exception-caught
                pass
        finally:
            os._exit(code)  # never back into the worker's code: it belongs to the parent
        return pid  # not reached

    def _reap(self):
        for pid in list(self.running):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                index = self.running.pop(pid)[0]
                self._show_progress()
                self.done[index] = record = self._load(index, status)
                display.display('drill/%s: %s' % (self.items[index]['name'], _outcome(record)))

    def _show_progress(self):
        for pid in self.running:
            index = self.running[pid][0]
            name = self.items[index]['name']
            self.shown[index] = show_new_lines(os.path.join(self.drill['progress_dir'], progress_file_name(name)),
                                               self.shown[index], 'drill/%s' % name)

    def _stop_overdue(self):
        now = time.monotonic()
        for pid, (index, deadline) in self.running.items():
            if now > deadline and index not in self.stopped and not (self._partial(index) or {}).get('job'):
                self.stopped[index] = 'it did not finish within %s and was stopped; %s' % (
                    human_duration(self.deadline_seconds), self._restore_left_running(index))
                os.kill(pid, signal.SIGKILL)

    def _restore_left_running(self, index):
        """What the item's last progress line says of its restore: a stopped item's restore runs on in the product."""
        path = os.path.join(self.drill['progress_dir'], progress_file_name(self.items[index]['name']))
        try:
            with open(path, encoding='utf-8') as progress:
                last = json.loads(progress.read().split('\n')[:-1][-1])
        except (OSError, ValueError, IndexError):
            return 'no restore was seen running, but one may have started'
        return 'its %s %s may still run (last seen %s)' % (last.get('what'), last.get('id'), last.get('state'))

    def _record_path(self, index):
        return os.path.join(self.records_dir, '%d.json' % index)

    def _load(self, index, status):
        path = self._record_path(index)
        if status == 0 and index not in self.stopped and os.path.exists(path):
            with open(path, encoding='utf-8') as record_file:
                record = json.load(record_file)
            for warning in record.pop('warnings', []):
                display.warning('drill/%s: %s' % (self.items[index]['name'], warning))
            return record
        if index in self.stopped:
            return self._broken_off(index, self.stopped[index])
        if os.path.exists(path + '.error'):
            with open(path + '.error', encoding='utf-8') as error:
                return self._broken_off(index, 'it stopped with %s' % json.load(error)['error'])
        return self._broken_off(index, _exit_words(status))

    def _partial(self, index):
        """The record as the item's process last saved it (after its find, after its restore), or None."""
        try:
            with open(self._record_path(index) + '.partial', encoding='utf-8') as partial:
                return json.load(partial)
        except (OSError, ValueError):
            return None

    def _broken_off(self, index, why):
        """The item failed with why; the point and the job its process saved stay in the record (the report names them)."""
        now = utc_now()
        record = {'item': self.items[index], 'started_at': self.started_at.get(index, now), 'restore_point': None,
                  'job_id': None, 'job': None, 'phases': [], 'checks': [], 'cleaned_up': False, 'errors': []}
        record.update(self._partial(index) or {})
        for warning in record.pop('warnings', None) or []:
            display.warning('drill/%s: %s' % (self.items[index]['name'], warning))
        record.update(finished_at=now, errors=record['errors'] + ["the item's run broke off: %s" % why])
        return record


def _outcome(record):
    """'restore succeeded, 6 of 6 checks passed, cleaned up' or why the item failed: one line of the task's output."""
    if record['errors']:
        return 'failed: %s' % record['errors'][0]
    job = record.get('job') or {}
    words = ['restore %s' % job.get('outcome')]
    if job.get('outcome') not in ('succeeded', 'warning') and job.get('msg'):
        words[0] += ' (%s)' % job['msg']
    checks = record.get('checks') or []
    if checks:
        failed = [check['name'] for check in checks if not check.get('passed') and not check.get('skipped')]
        words.append('%d of %d checks passed' % (len(checks) - len(failed), len(checks))
                     + (' (failed: %s)' % ', '.join(failed) if failed else ''))
    if record.get('cleaned_up'):
        words.append('cleaned up')
    return ', '.join(words)


def _exit_words(status):
    if status == 0:
        return 'its process ended without a record'
    if os.WIFSIGNALED(status):
        return 'its process was ended by signal %s' % os.WTERMSIG(status)
    return 'its process ended with code %s' % os.WEXITSTATUS(status)


def _write_json(path, data):
    with open(path + '.part', 'w', encoding='utf-8') as part:
        json.dump(data, part, default=str)
    os.replace(path + '.part', path)


def _write_results(directory, run_id, drill, records):
    """One file per item for the sliced drill's report step (playbooks/dr_drill_report.yml)."""
    folder = os.path.join(directory, run_id)
    os.makedirs(folder, exist_ok=True)
    for record in records:
        path = os.path.join(folder, result_file_name(record['item']['name']))
        _write_json(path, {'run_id': run_id, 'drill': drill, 'result': record})
        os.chmod(path, 0o644)
