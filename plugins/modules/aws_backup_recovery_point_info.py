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
    description: Vault form only. Only points created before this ISO 8601 time.
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
    description: The newest point created at or before this ISO 8601 time.
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

import datetime

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    ACCOUNT_RE,
    ARN_RE,
    RECOVERY_POINT_STATUSES,
    VAULT_NAME_RE,
    AwsBackupConnection,
    call,
    newest_by_creation,
    normalize_recovery_point,
    plain,
    resource_type_of,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp, utc_now

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
    'statuses': {'type': 'list', 'elements': 'str', 'choices': list(RECOVERY_POINT_STATUSES), 'default': ['COMPLETED', 'AVAILABLE']},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
    'max_points': {'type': 'int'},
    'include_restore_metadata': {'type': 'bool', 'default': False},
}
VAULT_ONLY = ('resource_type', 'backup_plan_id', 'parent_recovery_point_arn', 'created_after', 'created_before')
PAGE_SIZE = 1000
FIRST_WINDOW = datetime.timedelta(days=1)
WINDOW_GROWTH = 4
# Past this the windows stop and one unbounded listing finishes the search.
LAST_WINDOW = datetime.timedelta(days=3650)


class PointLister:
    """Reads recovery points page by page and counts the pages."""

    def __init__(self, backup, params):
        self.backup = backup
        self.params = params
        self.pages = 0

    def vault(self, after=None, before=None):
        params = self.params
        query = {'BackupVaultName': params['backup_vault_name'], 'MaxResults': PAGE_SIZE}
        for option, key in (('backup_vault_account_id', 'BackupVaultAccountId'), ('resource_arn', 'ByResourceArn'),
                            ('resource_type', 'ByResourceType'), ('backup_plan_id', 'ByBackupPlanId'),
                            ('parent_recovery_point_arn', 'ByParentRecoveryPointArn')):
            if params[option]:
                query[key] = params[option]
        if after:
            query['ByCreatedAfter'] = after
        if before:
            query['ByCreatedBefore'] = before
        return self._pages('list_recovery_points_by_backup_vault', query)

    def resource(self):
        query = {'ResourceArn': self.params['resource_arn'], 'MaxResults': PAGE_SIZE}
        if self.params['managed_by_aws_backup_only']:
            query['ManagedByAWSBackupOnly'] = True
        return self._pages('list_recovery_points_by_resource', query)

    def _pages(self, operation, query):
        points = []
        while True:
            page = call(self.backup, operation, **query)
            self.pages += 1
            points.extend(page.get('RecoveryPoints', []))
            if not page.get('NextToken'):
                return points
            query['NextToken'] = page['NextToken']


def keep(points, statuses, before=None):
    wanted = set(statuses)
    return [point for point in points if point.get('Status') in wanted
            and (before is None or parse_timestamp(point['CreationDate']) <= before)]


def newest_in_windows(lister, statuses, before, after):
    """The newest matching point, looking back from `before` (or now) in growing windows."""
    end = before or utc_now()
    window = FIRST_WINDOW
    while True:
        start = end - window
        if after and start <= after:
            return keep(lister.vault(after=after, before=before), statuses, before)
        if window > LAST_WINDOW:
            return keep(lister.vault(before=before), statuses, before)
        found = keep(lister.vault(after=start, before=before), statuses, before)
        if found:
            return found
        window *= WINDOW_GROWTH


def list_points(module, backup, after, before, point_in_time):
    params = module.params
    lister = PointLister(backup, params)
    limit = min(filter(None, (before, point_in_time))) if (before or point_in_time) else None
    if params['recovery_point_arn']:
        raw = call(backup, 'describe_recovery_point', **vault_args(params, params['recovery_point_arn']))
        points = [raw]
    elif params['backup_vault_name'] and (params['latest'] or point_in_time):
        points = newest_in_windows(lister, params['statuses'], limit, after)
    elif params['backup_vault_name']:
        points = keep(lister.vault(after=after, before=before), params['statuses'], point_in_time)
    else:
        # ListRecoveryPointsByResource does not repeat the resource in each point.
        points = [dict(point, ResourceArn=params['resource_arn'], ResourceType=resource_type_of(params['resource_arn']))
                  for point in keep(lister.resource(), params['statuses'], point_in_time)]
    points = newest_by_creation(points)
    count = 1 if params['latest'] or point_in_time else params['max_points']
    if count:
        points = points[:count]
    result = {'changed': False, 'recovery_points': plain(points), 'list_requests': lister.pages,
              'restore_points': [normalize_recovery_point(point) for point in points]}
    if params['include_restore_metadata']:
        result['restore_metadata'] = {point['RecoveryPointArn']: restore_metadata(module, backup, point) for point in points}
    return result


def vault_args(params, recovery_point_arn, vault=None):
    args = {'BackupVaultName': vault or params['backup_vault_name'], 'RecoveryPointArn': recovery_point_arn}
    if params['backup_vault_account_id']:
        args['BackupVaultAccountId'] = params['backup_vault_account_id']
    return args


def restore_metadata(module, backup, point):
    vault = module.params['backup_vault_name'] or point.get('BackupVaultName')
    if not vault:
        module.fail_json(msg='include_restore_metadata needs backup_vault_name: the points of %s do not name their vault'
                         % module.params['resource_arn'])
    answer = call(backup, 'get_recovery_point_restore_metadata', **vault_args(module.params, point['RecoveryPointArn'], vault))
    return answer.get('RestoreMetadata', {})


def check_input(module):
    params = module.params
    if params['backup_vault_name'] and not VAULT_NAME_RE.match(params['backup_vault_name']):
        module.fail_json(msg='backup_vault_name must be 2 to 50 letters, digits, - or _, got %r' % params['backup_vault_name'])
    if params['backup_vault_account_id'] and not ACCOUNT_RE.match(params['backup_vault_account_id']):
        module.fail_json(msg='backup_vault_account_id must be a 12-digit AWS account id, got %r' % params['backup_vault_account_id'])
    for option in ('resource_arn', 'recovery_point_arn', 'parent_recovery_point_arn'):
        if params[option] and not ARN_RE.match(params[option]):
            module.fail_json(msg='%s must be an ARN such as arn:aws:dynamodb:us-east-1:123456789012:table/orders, got %r'
                             % (option, params[option]))
    if not params['backup_vault_name']:
        used = [option for option in VAULT_ONLY if params[option]]
        if used:
            module.fail_json(msg='%s filter(s) a backup vault: set backup_vault_name too' % ', '.join(used))
    elif params['managed_by_aws_backup_only']:
        module.fail_json(msg='managed_by_aws_backup_only applies to the resource form: drop backup_vault_name or the option')
    if not params['statuses']:
        module.fail_json(msg='statuses must name at least one of %s' % ', '.join(RECOVERY_POINT_STATUSES))
    module.check_positive('max_points')
    return (module.check_timestamp('created_after', allow_future=True), module.check_timestamp('created_before', allow_future=True),
            module.check_timestamp('point_in_time'))


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=AwsBackupConnection, requires_requests=False, supports_check_mode=True,
        required_one_of=[('backup_vault_name', 'resource_arn')],
        mutually_exclusive=[('latest', 'point_in_time'), ('recovery_point_arn', 'latest'), ('recovery_point_arn', 'point_in_time')],
        required_by={'recovery_point_arn': 'backup_vault_name'},
    )
    after, before, point_in_time = check_input(module)
    module.run(lambda clients: list_points(module, clients.backup, after, before, point_in_time))


if __name__ == '__main__':
    main()
