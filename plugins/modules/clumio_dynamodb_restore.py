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
  - Idempotent. Before starting, the module looks for a table restore task (C(GET /tasks) filtered on category
    C(restore), the table restore task type and the entity name, matched exactly) into O(target_table_name) in the
    same environment, created since the backup (or the point in time; with
    O(continuous_backup.use_latest_restorable_time) any within Clumio's six-month task window). One that is queued
    or running is waited for; one that completed is reused only while its table still exists (see O(target_exists)).
    A records restore task is never taken for a table restore.
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
    details: Reads the source, the target environment, the tasks and the inventory; returns RV(request) as it would be sent, starts nothing.
  diff_mode:
    support: none
options:
  backup_id:
    description:
      - Clumio id of the SecureVault backup to restore (from M(recoverops.restore.clumio_dynamodb_backup_info)).
      - Letters, digits, V(-), V(_), V(.) and V(:) only (it goes into a URL path).
    type: str
  continuous_backup:
    description: Restore from continuous backup (point in time) instead of O(backup_id).
    type: dict
    suboptions:
      table_id:
        description: Clumio id of the source table (letters, digits, V(-), V(_), V(.) and V(:)).
        type: str
        required: true
      timestamp:
        description:
          - Point in time (RFC 3339), not in the future. Exactly one of this and
            O(continuous_backup.use_latest_restorable_time).
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
    description:
      - Clumio environment id of the destination (read with C(GET /datasources/aws/environments/{id})).
        Or give O(target_account_id) and O(target_region).
    type: str
  target_account_id:
    description: AWS account of the destination, resolved with O(target_region) through C(/datasources/aws/environments).
    type: str
  target_region:
    description: AWS region of the destination.
    type: str
  keep_source_configuration:
    description:
      - Copy every target setting not given from the source record (see description).
      - The copied global secondary indexes follow the billing mode the new table gets (given, or copied).
        With V(PAY_PER_REQUEST) they carry no C(provisioned_throughput) (DynamoDB refuses index throughput on an
        on-demand table); with V(PROVISIONED) each keeps its own, or takes the table's O(provisioned_throughput).
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
        description: Read capacity units (1 to 2**63-1; above the default DynamoDB quota of 40,000 a warning).
        type: int
        required: true
      write_capacity_units:
        description: Write capacity units (1 to 2**63-1; above 40,000 a warning).
        type: int
        required: true
  table_class:
    description: Table class.
    type: str
    choices: [STANDARD, STANDARD_INFREQUENT_ACCESS]
  global_secondary_indexes:
    description:
      - GSIs of the new table (a subset of the source's). An empty list means none.
      - A C(provisioned_throughput) here is refused with O(billing_mode=PAY_PER_REQUEST).
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
    description: Write capacity used during the restore (1 or more; above 40,000 a warning).
    type: int
  tags:
    description: Tags of the new table, as a dict. Set to replace the source's tags; V({}) for none.
    type: dict
  target_exists:
    description:
      - Whether the target table exists now, as the caller read it off DynamoDB (for example with
        M(recoverops.restore.dynamodb_table_info)). Clumio's table inventory lags the AWS account, so this overrides
        what the module reads from it.
      - V(false) - an earlier completed restore into this target whose table has since been deleted is not reused;
        a new restore starts.
      - V(true) - an earlier completed restore of this point into the target is reused; with none, the restore is
        refused before anything is sent, since the table there was not made by it.
      - Unset - the module looks the table up in Clumio's inventory (C(GET /datasources/aws/dynamodb-tables)
        by name and environment) and acts as above on what it finds.
    type: bool
    version_added: 1.1.0
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
job:
  description:
    - The restore job, normalized the same way by every restore module of the collection; roles read only this.
    - In check mode RV(job.outcome) is V(not_started) and RV(job.request) is what would be sent.
  returned: always, except when the module fails before it reads the restore point
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
task_id:
  description: Id of the Clumio restore task (started now, or the earlier one reused when C(changed=false)).
  returned: when a task was started or reused
  type: str
task:
  description: The restore task, normalized, with Clumio's object under C(raw).
  returned: when a task was started or reused
  type: dict
  contains:
    id:
      description: Task id.
      type: str
    type:
      description: Clumio's task type (for a table restore V(aws_dynamodb_table_restore) in the simulator; unconfirmed).
      type: str
    status:
      description: V(queued), V(in_progress), V(completed), V(failed), V(aborting) or V(aborted).
      type: str
    outcome:
      description: V(running), V(succeeded) or V(failed).
      type: str
    progress_percentage:
      description: Percent done.
      type: int
    created_at:
      description: When Clumio created the task.
      type: str
    started_at:
      description: When it started, null while queued.
      type: str
    finished_at:
      description: When it ended, null while running.
      type: str
    primary_entity:
      description: The entity the task acts on, C({id, type, value}).
      type: dict
    parent_entity:
      description: Its parent (the target environment), C({id, type, value}).
      type: dict
    raw:
      description: The task as Clumio returned it.
      type: dict
restore_point:
  description: The backup (or the continuous-backup point) restored, normalized.
  returned: always, except when the module fails before it reads the source
  type: dict
target:
  description: The table the restore writes to, C({table_name, environment_id, region, account}).
  returned: always, except when the module fails before it reads the source
  type: dict
request:
  description: The body sent (or, in check mode, that would be sent).
  returned: always, except when the module fails before it reads the source
  type: dict
existing:
  description: True when an earlier restore task was reused and nothing was started.
  returned: always, except when the module fails before it reads the source
  type: bool
wait:
  description: What the wait observed (state, polls, timeline).
  returned: when waited
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ClumioConnection, TableRestore, check_table_restore
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore

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
    'target_exists': {'type': 'bool'},
    **WAIT_ARGSPEC,
}


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=ClumioConnection, checks=check_table_restore, supports_check_mode=True,
        mutually_exclusive=[('backup_id', 'continuous_backup'), ('environment_id', 'target_account_id'),
                            ('environment_id', 'target_region')],
        required_one_of=[('backup_id', 'continuous_backup'), ('environment_id', 'target_account_id')],
        required_together=[('target_account_id', 'target_region')],
    )
    module.run(lambda client: run_restore(module, TableRestore(module, client)))


if __name__ == '__main__':
    main()
