#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_dynamodb_restore
short_description: Restore a DynamoDB table from a Clumio backup or continuous backup
version_added: 1.0.0
description:
  - Restores a DynamoDB table into a new table with C(POST /restores/aws/dynamodb-tables?embed=read-task) and waits
    for its task (C(/tasks/{id})).
  - The source is a SecureVault backup (O(backup_id)) or a continuous backup (O(continuous_backup)).
  - Clumio drops every target setting sent as null (no GSIs, LSIs or tags). With O(keep_source_configuration)
    the module copies GSIs, LSIs, tags, SSE, streams, table class and billing from the backup record (or, for a
    continuous backup, from the table's current record) for every setting not given.
  - Idempotent. Before starting, the module looks for a restore task whose target is O(target_table_name)
    (C(GET /tasks) filtered on category C(restore) and the entity name, matched exactly). A queued or running one
    is waited for instead of starting another; a completed one, or a table of that name already known to Clumio
    in the target environment, means the restore already happened and nothing is started (C(changed=false)).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
  - recoverops.restore.wait
attributes:
  check_mode:
    description: Checks mode resolves the source and target and reports whether a restore would start; it starts none.
    support: full
  diff_mode:
    description: Not supported.
    support: none
options:
  backup_id:
    description: Clumio id of the SecureVault backup to restore (from M(recoverops.restore.clumio_dynamodb_backup_info)).
    type: str
  continuous_backup:
    description: Restore from continuous backup (point in time) instead of O(backup_id).
    type: dict
    suboptions:
      table_id:
        description: Clumio id of the source table.
        type: str
        required: true
      timestamp:
        description: Point in time (RFC 3339). Exactly one of this and O(continuous_backup.use_latest_restorable_time).
        type: str
      use_latest_restorable_time:
        description: Restore to the latest restorable time.
        type: bool
        default: false
      type:
        description: Which continuous backup to read.
        type: str
        choices: [aws_pitr, clumio_pitr]
        default: aws_pitr
  target_table_name:
    description: Name of the new table.
    type: str
    required: true
  environment_id:
    description: Clumio environment id of the destination. Or give O(target_account_id) and O(target_region).
    type: str
  target_account_id:
    description: AWS account of the destination, resolved with O(target_region) through C(/datasources/aws/environments).
    type: str
  target_region:
    description: AWS region of the destination.
    type: str
  keep_source_configuration:
    description: Copy every target setting not given from the source record (see description).
    type: bool
    default: true
  billing_mode:
    description: Billing mode of the new table.
    type: str
    choices: [PROVISIONED, PAY_PER_REQUEST]
  provisioned_throughput:
    description: Read and write capacity; required with V(PROVISIONED), refused with V(PAY_PER_REQUEST).
    type: dict
    suboptions:
      read_capacity_units:
        description: Read capacity units (1 or more).
        type: int
        required: true
      write_capacity_units:
        description: Write capacity units (1 or more).
        type: int
        required: true
  table_class:
    description: Table class.
    type: str
    choices: [STANDARD, STANDARD_INFREQUENT_ACCESS]
  global_secondary_indexes:
    description: GSIs of the new table (a subset of the source's). An empty list means none.
    type: list
    elements: dict
  local_secondary_indexes:
    description: LSIs of the new table (a subset of the source's). An empty list means none.
    type: list
    elements: dict
  global_table_version:
    description: Global table version.
    type: str
    choices: ['2017.11.29', '2019.11.21']
  sse_specification:
    description: Encryption of the new table.
    type: dict
    suboptions:
      kms_key_type:
        description: Key type; V(CUSTOMER_MANAGED) needs O(sse_specification.kms_master_key_id).
        type: str
        choices: [DEFAULT, AWS_MANAGED, CUSTOMER_MANAGED]
        required: true
      kms_master_key_id:
        description: KMS key id, ARN, alias or alias ARN.
        type: str
  stream_specification:
    description: DynamoDB Streams of the new table.
    type: dict
    suboptions:
      enabled:
        description: Enable streams.
        type: bool
        required: true
      view_type:
        description: Stream view type; required when enabled.
        type: str
        choices: [KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES]
  pitr_status:
    description: Point-in-time recovery on the new table; unset keeps the backup's.
    type: bool
  contributor_insights_status:
    description: Contributor insights on the new table; unset keeps the backup's.
    type: bool
  deletion_protection_enabled:
    description: Deletion protection on the new table; unset keeps the backup's.
    type: bool
  restore_wcu:
    description: Write capacity used during the restore.
    type: int
  tags:
    description: Tags of the new table, as a dict. Set to replace the source's tags; V({}) for none.
    type: dict
'''

EXAMPLES = r'''
- name: Restore the newest backup of orders
  module_defaults:
    group/recoverops.restore.clumio:
      api_token: "{{ clumio_api_token }}"
  block:
    - name: Newest backup
      recoverops.restore.clumio_dynamodb_backup_info:
        table_name: orders
        latest: true
      register: newest

    - name: Restore it
      recoverops.restore.clumio_dynamodb_restore:
        backup_id: "{{ newest.backups[0].id }}"
        target_table_name: orders-restored
        target_account_id: "123456789012"
        target_region: us-east-1

- name: Restore to the latest restorable time with new tags
  recoverops.restore.clumio_dynamodb_restore:
    continuous_backup:
      table_id: 8e7f6e2a-0000-4000-8000-000000000001
      use_latest_restorable_time: true
    target_table_name: orders-pitr
    environment_id: 5c1d7f0a-0000-4000-8000-000000000002
    tags:
      restored-by: ansible
'''

RETURN = r'''
task:
  description: The restore task, normalized, with Clumio's object under C(raw).
  returned: when a restore was started or found
  type: dict
restore_request:
  description: The body sent (or, in check mode, that would be sent).
  returned: when a restore was started or would be
  type: dict
restore_started:
  description:
    - Whether this run started the restore.
    - Not named C(started), which M(ansible.builtin.async_status) reserves. A result with C(started) and no
      C(finished) reads as a job still running, so an async restore would never be seen to finish.
  returned: always
  type: bool
reason:
  description: Why nothing was started, when nothing was.
  returned: when nothing was started
  type: str
wait:
  description: What the wait observed (state, polls, timeline).
  returned: when waited
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import (
    ACTIVE_TASK_STATES,
    ClumioConnection,
    build_restore_source,
    build_restore_target,
    check_continuous,
    check_restore_target,
    normalize_task,
    task_reader,
)
from ansible_collections.recoverops.restore.plugins.module_utils._http import RETRY_IF_IDEMPOTENT, ApiConnectionError, ApiError
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, OperationFailed, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp

THROUGHPUT = {'read_capacity_units': {'type': 'int', 'required': True}, 'write_capacity_units': {'type': 'int', 'required': True}}
CONTINUOUS = {'table_id': {'type': 'str', 'required': True}, 'timestamp': {'type': 'str'},
              'use_latest_restorable_time': {'type': 'bool', 'default': False},
              'type': {'type': 'str', 'choices': ['aws_pitr', 'clumio_pitr'], 'default': 'aws_pitr'}}
ARGUMENT_SPEC = {
    'backup_id': {'type': 'str'},
    'continuous_backup': {'type': 'dict', 'options': CONTINUOUS},
    'target_table_name': {'type': 'str', 'required': True},
    'environment_id': {'type': 'str'},
    'target_account_id': {'type': 'str'},
    'target_region': {'type': 'str'},
    'keep_source_configuration': {'type': 'bool', 'default': True},
    'billing_mode': {'type': 'str', 'choices': ['PROVISIONED', 'PAY_PER_REQUEST']},
    'provisioned_throughput': {'type': 'dict', 'options': THROUGHPUT},
    'table_class': {'type': 'str', 'choices': ['STANDARD', 'STANDARD_INFREQUENT_ACCESS']},
    'global_secondary_indexes': {'type': 'list', 'elements': 'dict'},
    'local_secondary_indexes': {'type': 'list', 'elements': 'dict'},
    'global_table_version': {'type': 'str', 'choices': ['2017.11.29', '2019.11.21']},
    'sse_specification': {'type': 'dict', 'options': {
        'kms_key_type': {'type': 'str', 'required': True, 'choices': ['DEFAULT', 'AWS_MANAGED', 'CUSTOMER_MANAGED']},
        'kms_master_key_id': {'type': 'str'}}},
    'stream_specification': {'type': 'dict', 'options': {
        'enabled': {'type': 'bool', 'required': True},
        'view_type': {'type': 'str', 'choices': ['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']}}},
    'pitr_status': {'type': 'bool'},
    'contributor_insights_status': {'type': 'bool'},
    'deletion_protection_enabled': {'type': 'bool'},
    'restore_wcu': {'type': 'int'},
    'tags': {'type': 'dict'},
    **WAIT_ARGSPEC,
}


def check_options(module):
    params = module.params
    errors = check_restore_target(params)
    message = check_continuous('continuous_backup', params['continuous_backup'])
    if message:
        errors.append(message)
    if params['continuous_backup'] and params['continuous_backup'].get('timestamp'):
        try:
            parse_timestamp(params['continuous_backup']['timestamp'])
        except ValueError as exc:
            errors.append('continuous_backup.timestamp: %s' % exc)
    if errors:
        module.fail_json(msg='; '.join(errors))
    module.check_wait_options()


def restore(module, client):
    params = module.params
    environment_id = params['environment_id'] or client.resolve_environment(params['target_account_id'], params['target_region'])
    result = {'changed': False, 'restore_started': False}
    # Idempotency: a restore to this target that runs, finished, or a table already there.
    earlier = client.find_restore_tasks(params['target_table_name'], environment_id, list(ACTIVE_TASK_STATES) + ['completed', 'failed', 'aborted'])
    tasks = [task for task in earlier if task.get('status') in ACTIVE_TASK_STATES + ('completed',)]
    running = [task for task in tasks if task.get('status') in ACTIVE_TASK_STATES]
    if running:
        result['reason'] = 'A restore to %s is already running (task %s); waiting for it.' % (params['target_table_name'], running[0]['id'])
        result['task'] = normalize_task(running[0])
        return module.finish_job(result, running[0]['id'], task_reader(client), key='task', what='Clumio task')
    if tasks:
        result['reason'] = 'A restore to %s already completed (task %s).' % (params['target_table_name'], tasks[0]['id'])
        result['task'] = normalize_task(tasks[0])
        return result
    if client.find_table(params['target_table_name'], environment_id=environment_id, missing_ok=True):
        result['reason'] = 'Table %s already exists in environment %s.' % (params['target_table_name'], environment_id)
        return result
    source_config = None
    if params['keep_source_configuration']:
        if params['backup_id']:
            source_config = client.get_backup(params['backup_id'])
        else:
            source_config = client.get_table(params['continuous_backup']['table_id'])
    elif params['backup_id']:
        client.get_backup(params['backup_id'])  # a wrong id fails clearly before the POST
    body = {'source': build_restore_source(params), 'target': build_restore_target(params, environment_id, source_config)}
    result.update(changed=True, restore_request=body)
    if module.check_mode:
        return result
    answer = start(client, body, params['target_table_name'], environment_id, result, known={task['id'] for task in earlier})
    task_id = answer.get('task_id') or ((answer.get('_embedded') or {}).get('read-task') or {}).get('id')
    result['restore_started'] = True
    embedded = (answer.get('_embedded') or {}).get('read-task')
    if embedded:
        result['task'] = normalize_task(embedded)
    else:
        result['task'] = {'id': task_id}
    return module.finish_job(result, task_id, task_reader(client), key='task', what='Clumio task')


# How often a restore whose answer was lost is sent again (after finding no task it made).
POST_ATTEMPTS = 3


def start(client, body, target, environment_id, result, known):
    """POST the restore; when its answer is lost, look for the task it made before sending it again.

    A dropped connection or a proxy's 502/504 may hide a restore that did start, so a restore task
    for the target that was not there before counts as this one; the request is sent again only
    when none appeared. A restore is thus neither started twice nor left unreported.
    """
    for attempt in range(1, POST_ATTEMPTS + 1):
        try:
            return client.restore_table(body) or {}
        except ApiError as exc:
            if not isinstance(exc, ApiConnectionError) and exc.status not in RETRY_IF_IDEMPOTENT:
                raise
            new = [task for task in client.find_restore_tasks(target, environment_id, list(ACTIVE_TASK_STATES) + ['completed', 'failed'])
                   if task['id'] not in known]
            if new:
                return {'task_id': new[0]['id'], '_embedded': {'read-task': new[0]}}
            if attempt == POST_ATTEMPTS:
                raise OperationFailed('The restore request was sent %d times and each answer was lost (last: %s); no restore task '
                                      'for %s appeared. Check the tasks in Clumio before running again.'
                                      % (POST_ATTEMPTS, exc.msg, target), **result) from None
    return {}


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=ClumioConnection, supports_check_mode=True,
        mutually_exclusive=[('backup_id', 'continuous_backup'), ('environment_id', 'target_account_id'),
                            ('environment_id', 'target_region')],
        required_one_of=[('backup_id', 'continuous_backup'), ('environment_id', 'target_account_id')],
        required_together=[('target_account_id', 'target_region')],
    )
    check_options(module)
    module.run(lambda client: restore(module, client))


if __name__ == '__main__':
    main()
