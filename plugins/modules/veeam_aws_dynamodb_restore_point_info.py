#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_aws_dynamodb_restore_point_info
short_description: List DynamoDB restore points in Veeam Backup for AWS
version_added: 1.0.0
description:
  - Lists the restore points of DynamoDB tables protected by Veeam Backup for AWS, newest first, or gets one by id.
  - The server sorts (C(Sort=creationTimeUtcDesc)), so O(latest=true) costs one request however many points exist,
    and O(point_in_time) stops at the first page that reaches it.
  - Every point is returned in the collection's normalized shape with the product's own object under C(raw).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  restore_point_id:
    description:
      - Get this one restore point (a UUID). Cannot be combined with the selection options.
    type: str
  dynamodb_id:
    description:
      - Veeam's id (a UUID) of the DynamoDB table whose points to list. Mutually exclusive with O(table_name).
    type: str
  table_name:
    description:
      - Name of the DynamoDB table, resolved through C(/api/v1/dynamoDb) to its Veeam id with an exact match.
      - When the name exists in several accounts or regions the module fails with the candidates; narrow it with
        O(resource_aws_account_id) and O(table_region).
    type: str
  table_region:
    description:
      - AWS region of O(table_name), e.g. V(us-east-1), to tell apart tables of the same name.
    type: str
    aliases: [region]
  resource_aws_account_id:
    description:
      - Only points of tables in this AWS account (C(ResourceAwsAccountId)).
    type: str
    aliases: [account_id]
  resource_aws_organization_id:
    description:
      - Only points of tables in this AWS Organization (C(ResourceAwsOrganizationId)).
    type: str
  restore_point_aws_account_id:
    description:
      - Only points stored in this AWS account (C(RestorePointAwsAccountId)).
    type: str
  latest:
    description:
      - Return only the newest restore point.
    type: bool
    default: false
  point_in_time:
    description:
      - Return only the newest restore point created at or before this ISO 8601 time, e.g. V(2026-11-20T08:00:00Z).
      - Must not be in the future. Mutually exclusive with O(latest).
    type: str
seealso:
  - module: recoverops.restore.veeam_aws_dynamodb_restore
  - module: recoverops.restore.veeam_aws_dynamodb_restore_point
'''

EXAMPLES = r'''
- name: Newest restore point of the orders table
  recoverops.restore.veeam_aws_dynamodb_restore_point_info:
    server: https://vbaws.example.com:11005
    username: restore-operator
    password: "{{ vbaws_password }}"
    ca_path: /etc/pki/vbaws-ca.pem
    table_name: orders
    resource_aws_account_id: "123456789012"
    latest: true
  register: newest

- name: The point to use for a restore to yesterday 18:00 UTC
  recoverops.restore.veeam_aws_dynamodb_restore_point_info:
    table_name: orders
    point_in_time: "2026-11-21T18:00:00Z"
  register: before_incident

- name: Every point of a table, by Veeam id
  recoverops.restore.veeam_aws_dynamodb_restore_point_info:
    dynamodb_id: 594d2af8-df57-46d8-b05d-20ea4264ee38
  register: all_points
'''

RETURN = r'''
restore_points:
  description: The restore points, newest first, in the collection's normalized shape.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Restore point id; what O(recoverops.restore.veeam_aws_dynamodb_restore#module:restore_point_id) takes.
      type: str
      sample: 497f6eca-6276-4993-bfeb-53cbbbba6f08
    product:
      description: Always V(veeam_aws).
      type: str
    resource_id:
      description: Veeam id of the DynamoDB table.
      type: str
    resource_name:
      description: Table name.
      type: str
      sample: orders
    created_at:
      description: Creation time, ISO 8601 UTC.
      type: str
      sample: "2026-11-20T02:00:00Z"
    size_bytes:
      description: Backup size in bytes, when reported.
      type: int
    kind:
      description: Veeam job type, e.g. V(AwsDynamoDbBackup) or V(AwsDynamoDbManualBackup).
      type: str
    region:
      description: AWS region of the table.
      type: str
    account:
      description: AWS account of the table.
      type: str
    raw:
      description: The restore point as Veeam returned it.
      type: dict
table:
  description: The table O(table_name) resolved to, as Veeam returned it.
  returned: when O(table_name) is given
  type: dict
'''

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import (
    VeeamAwsConnection,
    normalize_restore_point,
)
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z

ARGUMENT_SPEC = {
    'restore_point_id': {'type': 'str'},
    'dynamodb_id': {'type': 'str'},
    'table_name': {'type': 'str'},
    'table_region': {'type': 'str', 'aliases': ['region']},
    'resource_aws_account_id': {'type': 'str', 'aliases': ['account_id']},
    'resource_aws_organization_id': {'type': 'str'},
    'restore_point_aws_account_id': {'type': 'str'},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
}
ORGANIZATION_ID = re.compile(r'o-[a-z0-9]{10,32}')
SELECTORS = ('dynamodb_id', 'table_name', 'table_region', 'resource_aws_account_id', 'resource_aws_organization_id',
             'restore_point_aws_account_id', 'point_in_time')


def check_options(params, _module):
    """Each selector whole, before any request: "orders\n" is not a table name."""
    _checks.uuid('restore_point_id', params['restore_point_id'])
    _checks.uuid('dynamodb_id', params['dynamodb_id'])
    _checks.table_name('table_name', params['table_name'])
    _checks.region('table_region', params['table_region'])
    _checks.account('resource_aws_account_id', params['resource_aws_account_id'])
    _checks.account('restore_point_aws_account_id', params['restore_point_aws_account_id'])
    _checks.whole('resource_aws_organization_id', params['resource_aws_organization_id'], ORGANIZATION_ID,
                  'an AWS Organizations id such as o-a1b2c3d4e5')
    return _checks.timestamp('point_in_time', params['point_in_time'])


def list_points(module, client, point_in_time):
    params = module.params
    result = {'changed': False}
    if params['restore_point_id']:
        result['restore_points'] = [normalize_restore_point(client.get_restore_point(params['restore_point_id']))]
        return result
    dynamodb_id = params['dynamodb_id']
    if params['table_name']:
        table = client.find_table(params['table_name'], params['resource_aws_account_id'], params['table_region'],
                                  params['resource_aws_organization_id'])
        result['table'] = table
        dynamodb_id = table['id']
    filters = {'DynamoDbId': dynamodb_id, 'ResourceAwsAccountId': params['resource_aws_account_id'],
               'ResourceAwsOrganizationId': params['resource_aws_organization_id'],
               'RestorePointAwsAccountId': params['restore_point_aws_account_id']}
    points = (normalize_restore_point(raw) for raw in client.list_restore_points(filters, 1 if params['latest'] else None))
    if point_in_time:
        limit = iso_z(point_in_time)
        # Newest first, so the first point at or before the limit is the answer.
        points = [next((point for point in points if point['created_at'] <= limit), None)]
        points = [point for point in points if point]
    result['restore_points'] = list(points)
    return result


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=VeeamAwsConnection, checks=check_options, supports_check_mode=True,
        mutually_exclusive=[('dynamodb_id', 'table_name'), ('latest', 'point_in_time')]
        + [('restore_point_id', name) for name in SELECTORS] + [('restore_point_id', 'latest')],
        required_by={'table_region': 'table_name'},
    )
    module.run(lambda client: list_points(module, client, module.checked))


if __name__ == '__main__':
    main()
