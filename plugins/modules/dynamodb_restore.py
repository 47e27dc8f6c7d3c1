#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dynamodb_restore
short_description: Restore a DynamoDB table from a backup or to a point in time, into a new table
version_added: 1.0.0
description:
  - Restores from an on-demand backup (C(RestoreTableFromBackup)) or to a point in time of a source table
    (C(RestoreTableToPointInTime)), into a new table, and waits until it is C(ACTIVE).
  - A point in time is checked against the source table's recovery window (C(DescribeContinuousBackups)) before
    anything is written; a time outside it fails with the window in the message.
  - The restore's job is the new table (RV(job.id) is its ARN). A table of the target name whose C(RestoreSummary)
    names this source (the backup, or the source table and the time) is this restore, found again by a rerun
    (C(changed=false)); any other table of that name makes the module fail before anything is written.
  - C(RestoreTableFromBackup) and C(RestoreTableToPointInTime) are sent once, without botocore's retries; an answer
    lost on the way back is looked up (the table above) instead of being resent into C(TableAlreadyExistsException).
  - Once the table is C(ACTIVE) it is tagged C(recoverops:restored-from=<backup ARN or source@time>) plus O(tags)
    (C(TagResource) is retried while DynamoDB answers C(ResourceInUseException)), which is how
    M(recoverops.restore.dynamodb_restored_table) knows it may delete it. When tagging fails the failure names the
    table (C(changed=true)), and a rerun finds it by its C(RestoreSummary) and tags it. With O(wait=false) the table
    is tagged right after the restore call when DynamoDB allows it; when it refuses, a warning says to run again.
  - DynamoDB records no end of a restore, so RV(job.finished_at) is the poll that first saw the table C(ACTIVE)
    (RV(job.finished_at_observed=true)); RV(job.started_at) is the table's C(CreationDateTime).
  - DynamoDB does not restore auto scaling policies, IAM policies, CloudWatch alarms, tags, streams, TTL or PITR
    settings; set them up after the restore.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.wait
  - recoverops.restore.restore_flow
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the backup or the recovery window and the target, returns RV(request) as it would be sent.
  diff_mode:
    support: none
options:
  target_table_name:
    description: Name of the new table.
    type: str
    required: true
  backup_arn:
    description: Restore from this backup. Mutually exclusive with O(source_table_name).
    type: str
  source_table_name:
    description: Restore this table (name or ARN) to a point in time; needs O(restore_date_time) or O(use_latest_restorable_time).
    type: str
  restore_date_time:
    description: The ISO 8601 time to restore O(source_table_name) to; not in the future.
    type: str
  use_latest_restorable_time:
    description: Restore O(source_table_name) to its latest restorable time (typically five minutes ago).
    type: bool
    default: false
  billing_mode:
    description: Billing mode of the new table.
    type: str
    choices: [PROVISIONED, PAY_PER_REQUEST]
  provisioned_throughput:
    description: Capacity of the new table, with O(billing_mode=PROVISIONED).
    type: dict
    suboptions:
      read_capacity_units:
        description: Read capacity units, 1 to 2**63-1 (above 40,000, the default quota per table, the module warns).
        type: int
        required: true
      write_capacity_units:
        description: Write capacity units, 1 to 2**63-1 (above 40,000, the default quota per table, the module warns).
        type: int
        required: true
  global_secondary_indexes:
    description:
      - Global secondary indexes of the new table, replacing the source's (C(GlobalSecondaryIndexOverride)); an empty
        list restores none. Keys in snake_case, for example C(index_name), C(key_schema), C(projection).
    type: list
    elements: dict
  local_secondary_indexes:
    description: Local secondary indexes of the new table (C(LocalSecondaryIndexOverride)), as for O(global_secondary_indexes).
    type: list
    elements: dict
  sse_specification:
    description: Encryption of the new table.
    type: dict
    suboptions:
      enabled:
        description: Encrypt with a KMS key (V(true)) or an AWS owned key (V(false)).
        type: bool
      sse_type:
        description: Encryption type.
        type: str
        choices: [AES256, KMS]
      kms_master_key_id:
        description: KMS key id, ARN or alias, with O(sse_specification.sse_type=KMS).
        type: str
  tags:
    description: Tags to put on the new table once it exists.
    type: dict
'''

EXAMPLES = r'''
- name: Restore orders as it was an hour ago, into a new table
  recoverops.restore.dynamodb_restore:
    region: us-east-1
    source_table_name: orders
    restore_date_time: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 3600) }}"
    target_table_name: orders-1h-ago
    billing_mode: PAY_PER_REQUEST
    tags:
      purpose: dr-drill

- name: Restore the newest on-demand backup
  recoverops.restore.dynamodb_restore:
    backup_arn: "{{ orders_backups.restore_points[0].id }}"
    target_table_name: orders-restored
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
      description: 'What the restore creates, e.g. C({type: dynamodb_table, name, arn, region, account}).'
      type: dict
    request:
      description: The request sent (or that check mode would send), secrets masked.
      type: dict
    raw:
      description: The product's own job object, untouched.
      type: dict
table:
  description:
    - The restored table (C(name), C(arn), C(status), C(key_schema), C(global_secondary_indexes),
      C(local_secondary_indexes), C(item_count), C(billing_mode), C(restore_summary), C(tags)) with AWS's object under C(raw).
  returned: unless check mode starts nothing
  type: dict
table_arn:
  description: ARN of the restored table (also RV(job.id)).
  returned: unless check mode starts nothing
  type: str
restore_point:
  description: What is restored, normalized (the backup, or for a point-in-time restore C(<source>@<time>)).
  returned: always
  type: dict
tags:
  description: The tags put on the restored table once it was C(ACTIVE).
  returned: when O(wait=true) and the table was restored or found
  type: dict
existing:
  description: True when the target already existed as this restore's table and nothing was started.
  returned: always
  type: bool
request:
  description: The restore call and its parameters as sent (or, in check mode, as they would be).
  returned: always
  type: dict
restored_from:
  description: What the table is restored from, the value of its C(recoverops:restored-from) tag.
  returned: always
  type: str
wait:
  description: What the wait for C(ACTIVE) observed.
  returned: when O(wait=true)
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore

ARGUMENT_SPEC = dict(WAIT_ARGSPEC, **{
    'target_table_name': {'type': 'str', 'required': True},
    'backup_arn': {'type': 'str'},
    'source_table_name': {'type': 'str'},
    'restore_date_time': {'type': 'str'},
    'use_latest_restorable_time': {'type': 'bool', 'default': False},
    'billing_mode': {'type': 'str', 'choices': ['PROVISIONED', 'PAY_PER_REQUEST']},
    'provisioned_throughput': {'type': 'dict', 'options': {
        'read_capacity_units': {'type': 'int', 'required': True},
        'write_capacity_units': {'type': 'int', 'required': True},
    }},
    'global_secondary_indexes': {'type': 'list', 'elements': 'dict'},
    'local_secondary_indexes': {'type': 'list', 'elements': 'dict'},
    'sse_specification': {'type': 'dict', 'options': {
        'enabled': {'type': 'bool'},
        'sse_type': {'type': 'str', 'choices': ['AES256', 'KMS']},
        'kms_master_key_id': {'type': 'str'},
    }},
    'tags': {'type': 'dict'},
})


def check_options(params, module):
    """Every rule that can be checked here, whole-string, before the first request; the restore time."""
    _checks.table_name('target_table_name', params['target_table_name'])
    _aws.backup_arn('backup_arn', params['backup_arn'])
    source = _aws.table_or_arn('source_table_name', params['source_table_name'])
    _aws.wait_options(params)
    if source and not (params['restore_date_time'] or params['use_latest_restorable_time']):
        raise OptionError('source_table_name needs restore_date_time or use_latest_restorable_time: true')
    if (params['restore_date_time'] or params['use_latest_restorable_time']) and not source:
        raise OptionError('restore_date_time and use_latest_restorable_time restore a source_table_name; with backup_arn drop them')
    if source and source.rsplit('/', 1)[-1] == params['target_table_name']:
        raise OptionError('target_table_name must differ from source_table_name: a restore always creates a new table')
    if params['provisioned_throughput'] and params['billing_mode'] != 'PROVISIONED':
        raise OptionError('provisioned_throughput needs billing_mode: PROVISIONED (got %s)' % params['billing_mode'])
    if params['billing_mode'] == 'PROVISIONED' and not params['provisioned_throughput']:
        raise OptionError('billing_mode: PROVISIONED needs provisioned_throughput (read_capacity_units, write_capacity_units)')
    _aws.capacities(params, module, 'provisioned_throughput')
    sse = params['sse_specification'] or {}
    _checks.not_blank('sse_specification.kms_master_key_id', sse.get('kms_master_key_id'))
    if sse.get('kms_master_key_id') and sse.get('sse_type') != 'KMS':
        raise OptionError('sse_specification.kms_master_key_id needs sse_specification.sse_type: KMS')
    for option in ('global_secondary_indexes', 'local_secondary_indexes'):
        for position, index in enumerate(params[option] or []):
            missing = [key for key in ('index_name', 'key_schema', 'projection') if not index.get(key)]
            if missing:
                raise OptionError('%s[%d] needs %s' % (option, position, ', '.join(missing)))
            _checks.table_name('%s[%d].index_name' % (option, position), index['index_name'])
            _aws.capacities(index, module, 'provisioned_throughput')
    return _checks.timestamp('restore_date_time', params['restore_date_time'])


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=_aws.DynamoDBConnection, requires_requests=False, checks=check_options, supports_check_mode=True,
        required_one_of=[('backup_arn', 'source_table_name')],
        mutually_exclusive=[('backup_arn', 'source_table_name'), ('restore_date_time', 'use_latest_restorable_time')],
    )
    module.run(lambda clients: run_restore(module, _aws.TableRestore(module, clients, module.checked)))


if __name__ == '__main__':
    main()
