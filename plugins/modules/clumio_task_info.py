#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_task_info
short_description: Read, list or abort Clumio tasks
version_added: 1.0.0
description:
  - Gets one Clumio task (C(GET /tasks/{id})) or lists tasks by status, category and entity name.
  - With O(abort=true) a queued or in-progress task is aborted (C(PATCH /tasks/{id}) with C(status=aborting));
    a task already finished is left alone (C(changed=false)).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
attributes:
  check_mode:
    description: Reads work; an abort is only reported.
    support: full
  diff_mode:
    description: Not supported.
    support: none
options:
  task_id:
    description: The task to read or abort.
    type: str
  abort:
    description: Abort O(task_id) if it is still queued or in progress.
    type: bool
    default: false
  statuses:
    description: List tasks in these states.
    type: list
    elements: str
    choices: [queued, in_progress, completed, failed, aborting, aborted]
  categories:
    description: List tasks of these categories.
    type: list
    elements: str
    choices: [backup, restore, snapshot, snapshot_restore, system, report_generation, management]
  entity_name:
    description: List tasks whose primary entity name contains this text.
    type: str
  max_tasks:
    description: Stop after this many tasks.
    type: int
    default: 100
'''

EXAMPLES = r'''
- name: Abort a restore task
  recoverops.restore.clumio_task_info:
    api_token: "{{ clumio_api_token }}"
    task_id: "{{ restore.task.id }}"
    abort: true
'''

RETURN = r'''
tasks:
  description: The tasks, normalized (id, type, status, outcome, timings, entities) with Clumio's object under C(raw).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ACTIVE_TASK_STATES, ClumioConnection, check_id, normalize_task
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'task_id': {'type': 'str'},
    'abort': {'type': 'bool', 'default': False},
    'statuses': {'type': 'list', 'elements': 'str', 'choices': ['queued', 'in_progress', 'completed', 'failed', 'aborting', 'aborted']},
    'categories': {'type': 'list', 'elements': 'str',
                   'choices': ['backup', 'restore', 'snapshot', 'snapshot_restore', 'system', 'report_generation', 'management']},
    'entity_name': {'type': 'str'},
    'max_tasks': {'type': 'int', 'default': 100},
}


def check_options(params, _module):
    """Every rule checked before the first request."""
    if params['abort'] and not params['task_id']:
        raise OptionError('abort needs task_id: name the task to abort')
    check_id('task_id', params['task_id'])
    _checks.not_blank('entity_name', params['entity_name'])
    _checks.at_least('max_tasks', params['max_tasks'], 1)


def tasks(module, client):
    params = module.params
    result = {'changed': False}
    if params['task_id']:
        task = client.get_task(params['task_id'])
        if params['abort'] and task.get('status') in ('queued', 'in_progress'):
            result['changed'] = True
            if not module.check_mode:
                task = client.abort_task(params['task_id']) or client.get_task(params['task_id'])
        result['tasks'] = [normalize_task(task)]
        result['active'] = task.get('status') in ACTIVE_TASK_STATES
        return result
    found = []
    for task in client.list_tasks(params['statuses'], params['categories'], params['entity_name']):
        found.append(normalize_task(task))
        if len(found) >= params['max_tasks']:
            break
    result['tasks'] = found
    return result


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=ClumioConnection, checks=check_options, supports_check_mode=True,
        mutually_exclusive=[('task_id', 'statuses'), ('task_id', 'categories'), ('task_id', 'entity_name')],
    )
    module.run(lambda client: tasks(module, client))


if __name__ == '__main__':
    main()
