#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_dynamodb_records_restore
short_description: Restore selected DynamoDB records from a Clumio backup
version_added: 1.0.0
description:
  - Record-level restore (C(POST /restores/aws/dynamodb-tables/records?embed=read-task)) with partition and sort key
    conditions and attribute filters.
  - O(delivery=preview) returns the matching rows at once (HTTP 200, nothing changes, no task, C(changed=false));
    V(direct_download) and V(email) start a task that prepares a download, which the module waits for.
  - A records restore run twice starts one task. Before starting, the module looks for a records restore task
    (its own task type, never a table restore's) on the source table created since the backup (or the point in
    time; with O(continuous_backup.use_latest_restorable_time) any within Clumio's six-month task window). One that
    runs or completed is reused (C(changed=false)).
  - Limit. Clumio's tasks show neither the filters, the delivery nor the backup of a records restore (only its
    source table), so a run with other filters, another delivery or another backup of the same table within that
    window is taken for the earlier one.
    O(force=true) starts another anyway.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
  - recoverops.restore.wait
  - recoverops.restore.restore_flow
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the source and the tasks, returns RV(request) as it would be sent; starts nothing (a preview is not sent either).
  diff_mode:
    support: none
options:
  backup_id:
    description: Clumio backup id to read records from (letters, digits, V(-), V(_), V(.) and V(:)).
    type: str
  continuous_backup:
    description: Read records from continuous backup instead.
    type: dict
    suboptions:
      table_id:
        description: Clumio table id (letters, digits, V(-), V(_), V(.) and V(:)).
        type: str
        required: true
      timestamp:
        description: Point in time (RFC 3339), not in the future.
        type: str
      use_latest_restorable_time:
        description: Latest restorable time.
        type: bool
        default: false
  partition_key_filter:
    description: Condition on the partition key.
    type: dict
    suboptions:
      condition:
        description: EqualTo, NotEqualTo, LessThan(OrEqualTo), GreaterThan(OrEqualTo), Between, Exists, NotExists, Contains, NotContains, BeginsWith.
        type: str
        required: true
      values:
        description: Operands (two for Between, none for Exists/NotExists, else one).
        type: list
        elements: str
        default: []
  sort_key_filter:
    description: Condition on the sort key, as O(partition_key_filter).
    type: dict
    suboptions:
      condition:
        description: As O(partition_key_filter.condition).
        type: str
        required: true
      values:
        description: Operands.
        type: list
        elements: str
        default: []
  attribute_filters:
    description: Conditions on other attributes.
    type: list
    elements: dict
    suboptions:
      name:
        description: Attribute name.
        type: str
        required: true
      type:
        description: Attribute type.
        type: str
        required: true
        choices: [String, Number, Binary, Boolean, 'Null']
      condition:
        description: As O(partition_key_filter.condition).
        type: str
        required: true
      values:
        description: Operands.
        type: list
        elements: str
        default: []
  delivery:
    description: Where the records go.
    type: str
    choices: [preview, direct_download, email]
    default: preview
  recipient_emails:
    description: Recipients for O(delivery=email).
    type: list
    elements: str
  email_message:
    description: Message for O(delivery=email).
    type: str
  force:
    description:
      - Start a new records restore even when an earlier one was found (see the limit in the description).
      - Refused with O(delivery=preview), which starts no task.
    type: bool
    default: false
    version_added: 1.1.0
'''

EXAMPLES = r'''
- name: Preview the orders of one customer
  recoverops.restore.clumio_dynamodb_records_restore:
    api_token: "{{ clumio_api_token }}"
    backup_id: "{{ newest.backups[0].id }}"
    partition_key_filter:
      condition: EqualTo
      values: [customer-42]
'''

RETURN = r'''
job:
  description:
    - The restore job, normalized the same way by every restore module of the collection; roles read only this.
    - In check mode RV(job.outcome) is V(not_started) and RV(job.request) is what would be sent.
  returned: when O(delivery) is V(direct_download) or V(email), except when the module fails before it reads the source
  type: dict
  contains:
    id:
      description: The product's job id (null in check mode).
      type: str
    product:
      description: V(veeam_aws), V(clumio), V(veeam_azure), V(aws_backup) or V(dynamodb).
      type: str
    restore_point:
      description: The normalized restore point restored.
      type: dict
    reused:
      description: True when the restore was found running or done and nothing was started.
      type: bool
    state:
      description: The product's own state word.
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning), V(failed), or V(not_started) in check mode.
      type: str
    started_at:
      description: When the product started the restore, ISO 8601 UTC, from the product's own clock.
      type: str
    finished_at:
      description: When the product finished it (ISO 8601 UTC), null while it runs.
      type: str
    finished_at_observed:
      description: True when the product records no end and RV(job.finished_at) is the poll that first saw it.
      type: bool
    duration_seconds:
      description: RV(job.finished_at) minus RV(job.started_at).
      type: float
    created_resource:
      description: 'What the restore creates, e.g. C({type: dynamodb_table, name, region, account}).'
      type: dict
    request:
      description: The request sent (or that check mode would send), secrets masked.
      type: dict
    raw:
      description: The product's own job object, untouched.
      type: dict
preview:
  description: The preview, C(attributes) and C(items) (rows of strings).
  returned: when O(delivery=preview), except in check mode
  type: dict
task_id:
  description: Id of the task preparing the download (started now, or the earlier one reused when C(changed=false)).
  returned: when a task was started or reused
  type: str
task:
  description: The task preparing the download, normalized as in M(recoverops.restore.clumio_dynamodb_restore).
  returned: when a task was started or reused
  type: dict
restore_point:
  description: The backup (or the continuous-backup point) the records are read from, normalized.
  returned: when O(delivery) is V(direct_download) or V(email)
  type: dict
target:
  description: Where the records go, as sent (C(direct_download) or C(email)).
  returned: when O(delivery) is V(direct_download) or V(email)
  type: dict
request:
  description: The body sent (or, in check mode, that would be sent).
  returned: always
  type: dict
existing:
  description: True when an earlier records restore task was reused and nothing was started.
  returned: when O(delivery) is V(direct_download) or V(email)
  type: bool
wait:
  description: What the wait observed (state, polls, timeline).
  returned: when waited
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import (
    ClumioConnection,
    RecordsRestore,
    check_records_restore,
    records_preview,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore

KEY_FILTER = {'condition': {'type': 'str', 'required': True}, 'values': {'type': 'list', 'elements': 'str', 'default': []}}
ARGUMENT_SPEC = {
    'backup_id': {'type': 'str'},
    'continuous_backup': {'type': 'dict', 'options': {'table_id': {'type': 'str', 'required': True}, 'timestamp': {'type': 'str'},
                                                      'use_latest_restorable_time': {'type': 'bool', 'default': False}}},
    # Conditions on table keys, not secrets.
    'partition_key_filter': {'type': 'dict', 'options': KEY_FILTER, 'no_log': False},
    'sort_key_filter': {'type': 'dict', 'options': KEY_FILTER, 'no_log': False},
    'attribute_filters': {'type': 'list', 'elements': 'dict', 'options': {
        'name': {'type': 'str', 'required': True},
        'type': {'type': 'str', 'required': True, 'choices': ['String', 'Number', 'Binary', 'Boolean', 'Null']},
        **KEY_FILTER}},
    'delivery': {'type': 'str', 'choices': ['preview', 'direct_download', 'email'], 'default': 'preview'},
    'recipient_emails': {'type': 'list', 'elements': 'str'},
    'email_message': {'type': 'str'},
    'force': {'type': 'bool', 'default': False},
    **WAIT_ARGSPEC,
}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=ClumioConnection, checks=check_records_restore, supports_check_mode=True,
                              mutually_exclusive=[('backup_id', 'continuous_backup')],
                              required_one_of=[('backup_id', 'continuous_backup')])
    if module.params['delivery'] == 'preview':
        module.run(lambda client: records_preview(module, client))
    else:
        module.run(lambda client: run_restore(module, RecordsRestore(module, client)))


if __name__ == '__main__':
    main()
