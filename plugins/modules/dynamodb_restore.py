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
  - The new table is tagged C(recoverops:restored-from=<backup ARN or source@time>) plus O(tags), which is also how a
    rerun recognises its own table (C(changed=false)) and how M(recoverops.restore.dynamodb_restored_table) knows it
    may delete it. An existing table without that tag makes the module fail; it is never replaced.
  - DynamoDB does not restore auto scaling policies, IAM policies, CloudWatch alarms, tags, streams, TTL or PITR
    settings; set them up after the restore.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.wait
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
    description: The ISO 8601 time to restore O(source_table_name) to.
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
        description: Read capacity units.
        type: int
        required: true
      write_capacity_units:
        description: Write capacity units.
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
table:
  description:
    - The restored table (C(name), C(arn), C(status), C(key_schema), C(global_secondary_indexes),
      C(local_secondary_indexes), C(item_count), C(billing_mode), C(restore_summary), C(tags)) with AWS's object under C(raw).
  returned: unless check mode starts nothing
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

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    ARN_RE,
    RESTORED_TAG,
    TABLE_NAME_RE,
    TABLE_STATES,
    DynamoDBConnection,
    call,
    check_in_window,
    describe_table,
    normalize_table,
    pitr_window,
    table_overrides,
    table_tags,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, OperationFailed, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader

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


def restore(module, dynamodb, restore_time):
    params = module.params
    operation, request, source = build_request(params, dynamodb, restore_time)
    result = {'changed': False, 'existing': False, 'restored_from': source, 'request': dict(request, Operation=operation)}
    target = params['target_table_name']
    existing = describe_table(dynamodb, target)
    if existing:
        check_own_table(dynamodb, existing, source)
        result['existing'] = True
    elif module.check_mode:
        result['changed'] = True
        return result
    else:
        call(dynamodb, operation, **request)
        result['changed'] = True
        tag(dynamodb, target, params['tags'], source)
    return module.finish_job(result, target, table_reader(dynamodb), key='table', what='restored table')


def build_request(params, dynamodb, restore_time):
    """(operation, parameters, what the table is restored from) - the window is checked here, before any write."""
    request = {'TargetTableName': params['target_table_name']}
    request.update(table_overrides(params))
    if params['backup_arn']:
        call(dynamodb, 'describe_backup', BackupArn=params['backup_arn'])
        request['BackupArn'] = params['backup_arn']
        return 'restore_table_from_backup', request, params['backup_arn']
    source = params['source_table_name']
    request['SourceTableArn' if source.startswith('arn:') else 'SourceTableName'] = source
    window = pitr_window(dynamodb, source)
    if params['use_latest_restorable_time']:
        request['UseLatestRestorableTime'] = True
        return 'restore_table_to_point_in_time', request, '%s@latest' % source
    request['RestoreDateTime'] = check_in_window(restore_time, window, source)
    return 'restore_table_to_point_in_time', request, '%s@%s' % (source, iso_z(restore_time))


def check_own_table(dynamodb, table, source):
    """A rerun finds its own table; any other table of that name is not ours to touch."""
    tags = table_tags(dynamodb, table['TableArn'])
    mark = tags.get(RESTORED_TAG)
    # A restore to the latest restorable time cannot know its exact moment again; the source table is enough.
    same = mark == source or (source.endswith('@latest') and (mark or '').startswith(source[:-len('latest')]))
    if not same:
        raise OperationFailed('Table %s already exists and was not restored from %s (its %s tag is %r); choose another '
                              'target_table_name or delete that table first' % (table['TableName'], source, RESTORED_TAG, mark))


def tag(dynamodb, name, tags, source):
    """Tag the new table; it exists (CREATING) as soon as the restore call returned."""
    arn = call(dynamodb, 'describe_table', TableName=name)['Table']['TableArn']
    values = dict(tags or {}, **{RESTORED_TAG: source})
    call(dynamodb, 'tag_resource', ResourceArn=arn, Tags=[{'Key': key, 'Value': str(value)} for key, value in values.items()])


def table_reader(dynamodb):
    def get(name):
        return call(dynamodb, 'describe_table', TableName=name)['Table']

    def state(table):
        # ACTIVE with the restore still copying data is not done yet.
        if table.get('TableStatus') == 'ACTIVE' and (table.get('RestoreSummary') or {}).get('RestoreInProgress'):
            return 'RESTORING'
        return table.get('TableStatus')

    def normalize(table, _log):
        return normalize_table(table, table_tags(dynamodb, table['TableArn']))

    return JobReader(get=get, state=state, log=lambda _name: [], normalize=normalize, states=TABLE_STATES)


def check_input(module):
    params = module.params
    if not TABLE_NAME_RE.match(params['target_table_name']):
        module.fail_json(msg='target_table_name must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and ., got %r'
                         % params['target_table_name'])
    if params['backup_arn'] and not (ARN_RE.match(params['backup_arn']) and '/backup/' in params['backup_arn']):
        module.fail_json(msg='backup_arn must be a DynamoDB backup ARN such as '
                         'arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01700000000000-abcdef12, got %r'
                         % params['backup_arn'])
    source = params['source_table_name']
    if source and not (TABLE_NAME_RE.match(source) or ARN_RE.match(source)):
        module.fail_json(msg='source_table_name must be a table name or a table ARN, got %r' % source)
    if source and not (params['restore_date_time'] or params['use_latest_restorable_time']):
        module.fail_json(msg='source_table_name needs restore_date_time or use_latest_restorable_time: true')
    if (params['restore_date_time'] or params['use_latest_restorable_time']) and not source:
        module.fail_json(msg='restore_date_time and use_latest_restorable_time restore a source_table_name; with backup_arn drop them')
    if source == params['target_table_name']:
        module.fail_json(msg='target_table_name must differ from source_table_name: a restore always creates a new table')
    check_capacity(module)
    module.check_wait_options()
    return module.check_timestamp('restore_date_time')


def check_capacity(module):
    params = module.params
    if params['provisioned_throughput'] and params['billing_mode'] != 'PROVISIONED':
        module.fail_json(msg='provisioned_throughput needs billing_mode: PROVISIONED (got %s)' % params['billing_mode'])
    if params['billing_mode'] == 'PROVISIONED' and not params['provisioned_throughput']:
        module.fail_json(msg='billing_mode: PROVISIONED needs provisioned_throughput (read_capacity_units, write_capacity_units)')
    for unit, value in (params['provisioned_throughput'] or {}).items():
        if value < 1:
            module.fail_json(msg='provisioned_throughput.%s must be 1 or more, got %s' % (unit, value))
    sse = params['sse_specification'] or {}
    if sse.get('kms_master_key_id') and sse.get('sse_type') != 'KMS':
        module.fail_json(msg='sse_specification.kms_master_key_id needs sse_specification.sse_type: KMS')
    for option in ('global_secondary_indexes', 'local_secondary_indexes'):
        for position, index in enumerate(params[option] or []):
            missing = [key for key in ('index_name', 'key_schema', 'projection') if not index.get(key)]
            if missing:
                module.fail_json(msg='%s[%d] needs %s' % (option, position, ', '.join(missing)))


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=DynamoDBConnection, requires_requests=False, supports_check_mode=True,
        required_one_of=[('backup_arn', 'source_table_name')],
        mutually_exclusive=[('backup_arn', 'source_table_name'), ('restore_date_time', 'use_latest_restorable_time')],
    )
    restore_time = check_input(module)
    module.run(lambda clients: restore(module, clients.dynamodb, restore_time))


if __name__ == '__main__':
    main()
