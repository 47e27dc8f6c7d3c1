#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: aws_backup_recovery_point_info
short_description: List AWS Backup recovery points, newest first
version_added: 1.0.0
description:
  - Lists the recovery points of a resource (C(ListRecoveryPointsByResource)) or of a backup vault
    (C(ListRecoveryPointsByBackupVault), with every filter of that call), or describes one.
  - The API promises no order, so points are sorted by C(CreationDate) here, newest first.
  - With O(latest=true) or O(point_in_time) in the vault form, the newest point is searched in growing
    C(ByCreatedAfter) windows (1 day, 4 days, 16 days...) instead of listing the whole vault.
  - Only restorable points (C(COMPLETED), C(AVAILABLE)) are returned unless O(statuses) says otherwise.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  backup_vault_name:
    description:
      - List the points in this vault (with the vault filters below), or describe O(recovery_point_arn) in it.
      - One of O(backup_vault_name) and O(resource_arn) is required.
    type: str
  backup_vault_account_id:
    description: Account that owns O(backup_vault_name), for a vault shared from another account.
    type: str
  resource_arn:
    description:
      - ARN of the protected resource, for example a DynamoDB table ARN.
      - Alone, lists the resource's points with C(ListRecoveryPointsByResource); with O(backup_vault_name), filters the vault.
    type: str
  recovery_point_arn:
    description: Describe this one recovery point (needs O(backup_vault_name)).
    type: str
  resource_type:
    description: Vault form only. Only points of this resource type, for example V(DynamoDB), V(EBS), V(RDS), V(EFS), V(S3).
    type: str
  backup_plan_id:
    description: Vault form only. Only points created by this backup plan.
    type: str
  parent_recovery_point_arn:
    description: Vault form only. Only the children of this composite recovery point.
    type: str
  created_after:
    description: Vault form only. Only points created after this ISO 8601 time.
    type: str
  created_before:
    description: Vault form only. Only points created before this ISO 8601 time (C(ByCreatedBefore), exclusive).
    type: str
  managed_by_aws_backup_only:
    description: Resource form only. Only points managed by AWS Backup (C(ManagedByAWSBackupOnly)).
    type: bool
    default: false
  statuses:
    description: Only points in these states.
    type: list
    elements: str
    choices: [COMPLETED, AVAILABLE, PARTIAL, DELETING, EXPIRED, STOPPED, CREATING]
    default: [COMPLETED, AVAILABLE]
  latest:
    description: Only the newest point.
    type: bool
    default: false
  point_in_time:
    description:
      - The newest point created at or before this ISO 8601 time, that second included (C(ByCreatedBefore) is
        documented as "before", so the module asks for points before the next second and filters here).
    type: str
  max_points:
    description: Return at most this many points (the newest).
    type: int
  include_restore_metadata:
    description:
      - Add each returned point's C(GetRecoveryPointRestoreMetadata) (one call per point, so use with O(latest),
        O(point_in_time), O(recovery_point_arn) or a small O(max_points)). Needs O(backup_vault_name), or points
        that name their vault.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Newest restorable DynamoDB recovery point of the orders table in a vault
  recoverops.restore.aws_backup_recovery_point_info:
    region: us-east-1
    backup_vault_name: dr-vault
    resource_arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders
    latest: true
    include_restore_metadata: true
  register: newest

- name: Every recovery point of a resource
  recoverops.restore.aws_backup_recovery_point_info:
    resource_arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders
'''

RETURN = r'''
recovery_points:
  description: The points as AWS returns them (timestamps as ISO 8601), newest first.
  returned: always
  type: list
  elements: dict
restore_points:
  description:
    - The same points in the collection's normalized shape (C(id) is the recovery point ARN, C(product=aws_backup),
      C(resource_id), C(resource_name), C(created_at), C(size_bytes), C(kind) is the resource type, C(region),
      C(account), C(raw)), newest first.
  returned: always
  type: list
  elements: dict
restore_metadata:
  description: Recovery point ARN to its restore metadata.
  returned: when O(include_restore_metadata=true)
  type: dict
list_requests:
  description: How many list pages were read (a measure of what O(latest) saved).
  returned: always
  type: int
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'backup_vault_name': {'type': 'str'},
    'backup_vault_account_id': {'type': 'str'},
    'resource_arn': {'type': 'str'},
    'recovery_point_arn': {'type': 'str'},
    'resource_type': {'type': 'str'},
    'backup_plan_id': {'type': 'str'},
    'parent_recovery_point_arn': {'type': 'str'},
    'created_after': {'type': 'str'},
    'created_before': {'type': 'str'},
    'managed_by_aws_backup_only': {'type': 'bool', 'default': False},
    'statuses': {'type': 'list', 'elements': 'str', 'choices': list(_aws.RECOVERY_POINT_STATUSES), 'default': ['COMPLETED', 'AVAILABLE']},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
    'max_points': {'type': 'int'},
    'include_restore_metadata': {'type': 'bool', 'default': False},
}
VAULT_ONLY = ('resource_type', 'backup_plan_id', 'parent_recovery_point_arn', 'created_after', 'created_before')


def list_points(module, backup, times):
    search = _aws.RecoveryPointSearch(backup, module.params, *times)
    points = search.run()
    result = {'changed': False, 'recovery_points': _aws.plain(points), 'list_requests': search.pages,
              'restore_points': [_aws.normalize_recovery_point(point) for point in points]}
    if module.params['include_restore_metadata']:
        result['restore_metadata'] = {point['RecoveryPointArn']: search.restore_metadata(point) for point in points}
    return result


def check_options(params, module):
    """Whole-string rules before any call; (created_after, created_before, point_in_time) as datetimes."""
    _aws.vault_name('backup_vault_name', params['backup_vault_name'])
    _checks.account('backup_vault_account_id', params['backup_vault_account_id'])
    for option in ('resource_arn', 'recovery_point_arn', 'parent_recovery_point_arn'):
        _aws.resource_arn(option, params[option])
    _checks.not_blank('resource_type', params['resource_type'])
    _checks.not_blank('backup_plan_id', params['backup_plan_id'])
    if not params['backup_vault_name']:
        used = [option for option in VAULT_ONLY if params[option]]
        if used:
            raise OptionError('%s filter(s) a backup vault: set backup_vault_name too' % ', '.join(used))
    elif params['managed_by_aws_backup_only']:
        raise OptionError('managed_by_aws_backup_only applies to the resource form: drop backup_vault_name or the option')
    if not params['statuses']:
        raise OptionError('statuses must name at least one of %s' % ', '.join(_aws.RECOVERY_POINT_STATUSES))
    _checks.at_least('max_points', params['max_points'], 1)
    return _aws.time_window(params)


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=_aws.AwsBackupConnection, requires_requests=False, checks=check_options, supports_check_mode=True,
        required_one_of=[('backup_vault_name', 'resource_arn')],
        mutually_exclusive=[('latest', 'point_in_time'), ('recovery_point_arn', 'latest'), ('recovery_point_arn', 'point_in_time')],
        required_by={'recovery_point_arn': 'backup_vault_name'},
    )
    module.run(lambda clients: list_points(module, clients.backup, module.checked))


if __name__ == '__main__':
    main()
