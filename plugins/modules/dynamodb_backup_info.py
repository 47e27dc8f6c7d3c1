#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dynamodb_backup_info
short_description: List DynamoDB on-demand backups of a table and its point-in-time recovery window
version_added: 1.0.0
description:
  - Lists a table's backups with C(ListBackups) (newest first), or describes one with C(DescribeBackup), and reads
    the table's point-in-time recovery window with C(DescribeContinuousBackups).
  - C(ListBackups) does not list backups made with AWS Backup's advanced features (C(arn:aws:backup) ARNs); use
    M(recoverops.restore.aws_backup_recovery_point_info) for those.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  table_name:
    description: Name or ARN of the table. Required unless O(backup_arn) is given.
    type: str
  backup_arn:
    description: Describe this one backup.
    type: str
  backup_type:
    description: Which backups C(ListBackups) returns; V(ALL) is user and system backups.
    type: str
    choices: [USER, SYSTEM, AWS_BACKUP, ALL]
    default: ALL
  created_after:
    description: Only backups created at or after this ISO 8601 time (C(TimeRangeLowerBound)).
    type: str
  created_before:
    description: Only backups created before this ISO 8601 time (C(TimeRangeUpperBound), exclusive).
    type: str
  latest:
    description: Only the newest available backup.
    type: bool
    default: false
  point_in_time:
    description:
      - The newest available backup created at or before this ISO 8601 time, that second included
        (C(TimeRangeUpperBound) is exclusive, so the module asks for backups before the next second and filters here).
    type: str
  include_pitr:
    description: Read the table's point-in-time recovery status and window.
    type: bool
    default: true
'''

EXAMPLES = r'''
- name: Newest on-demand backup of orders, and how far back point-in-time recovery goes
  recoverops.restore.dynamodb_backup_info:
    region: us-east-1
    table_name: orders
    latest: true
  register: orders_backups
'''

RETURN = r'''
backups:
  description: C(ListBackups) summaries (or the C(DescribeBackup) description), timestamps as ISO 8601, newest first.
  returned: always
  type: list
  elements: dict
restore_points:
  description:
    - The same backups normalized (C(id) is the backup ARN, C(product=dynamodb), C(resource_id) the table ARN,
      C(resource_name), C(created_at), C(size_bytes), C(kind) the backup type, C(region), C(account), C(raw)).
  returned: always
  type: list
  elements: dict
point_in_time_recovery:
  description: C(status) (V(ENABLED) or V(DISABLED)), C(earliest_restorable), C(latest_restorable), C(recovery_period_days).
  returned: when O(include_pitr=true) and a table is named
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _aws
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'table_name': {'type': 'str'},
    'backup_arn': {'type': 'str'},
    'backup_type': {'type': 'str', 'choices': ['USER', 'SYSTEM', 'AWS_BACKUP', 'ALL'], 'default': 'ALL'},
    'created_after': {'type': 'str'},
    'created_before': {'type': 'str'},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
    'include_pitr': {'type': 'bool', 'default': True},
}


def list_backups(module, dynamodb, times):
    params = module.params
    if params['backup_arn']:
        description = _aws.call(dynamodb, 'describe_backup', BackupArn=params['backup_arn'])['BackupDescription']
        details = dict(description['BackupDetails'], TableName=description['SourceTableDetails']['TableName'],
                       TableArn=description['SourceTableDetails'].get('TableArn'))
        backups = [details]
        table = details['TableName']
    else:
        table = params['table_name']
        backups = _aws.list_table_backups(dynamodb, table, params['backup_type'], *times)
        if params['latest'] or params['point_in_time']:
            backups = [backup for backup in backups if backup.get('BackupStatus') == 'AVAILABLE'][:1]
    result = {'changed': False, 'backups': _aws.plain(backups), 'restore_points': [_aws.normalize_backup(backup) for backup in backups]}
    if params['include_pitr'] and table:
        result['point_in_time_recovery'] = _aws.pitr_status(dynamodb, table)
    return result


def check_options(params, module):
    """Whole-string rules before any call; (created_after, created_before, point_in_time) as datetimes."""
    _aws.table_or_arn('table_name', params['table_name'])
    _aws.backup_arn('backup_arn', params['backup_arn'])
    return _aws.time_window(params)


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=_aws.DynamoDBConnection, requires_requests=False, checks=check_options, supports_check_mode=True,
        required_one_of=[('table_name', 'backup_arn')],
        mutually_exclusive=[('table_name', 'backup_arn'), ('latest', 'point_in_time'), ('backup_arn', 'latest'),
                            ('backup_arn', 'point_in_time'), ('backup_arn', 'created_after'), ('backup_arn', 'created_before')],
    )
    module.run(lambda clients: list_backups(module, clients.dynamodb, module.checked))


if __name__ == '__main__':
    main()
