#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dynamodb_table_info
short_description: Verify a DynamoDB table, for example one a restore created
version_added: 1.0.0
description:
  - Reads a table with C(DescribeTable) and its tags; reports C(exists=false) rather than failing when there is none.
  - C(ItemCount) from C(DescribeTable) is refreshed by DynamoDB about every six hours; O(exact_count=true) counts the
    items with a paginated C(Scan) and C(Select=COUNT), which reads the whole table (and consumes its read capacity).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  table_name:
    description: Name or ARN of the table.
    type: str
    required: true
  exact_count:
    description: Count the items with a paginated C(Scan) (C(Select=COUNT)).
    type: bool
    default: false
  consistent_read:
    description: Use strongly consistent reads for O(exact_count).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: The restored table is there, ACTIVE, with every item
  recoverops.restore.dynamodb_table_info:
    table_name: orders-restored
    exact_count: true
  register: restored

- name: Check it
  ansible.builtin.assert:
    that:
      - restored.exists
      - restored.table.status == 'ACTIVE'
      - restored.table.item_count_exact >= 1000
'''

RETURN = r'''
exists:
  description: Whether the table exists.
  returned: always
  type: bool
table:
  description:
    - C(name), C(arn), C(status), C(key_schema), C(attribute_definitions), C(global_secondary_indexes),
      C(local_secondary_indexes) (index names), C(item_count) (DynamoDB's estimate), C(item_count_exact) and
      C(scan_pages) with O(exact_count), C(size_bytes), C(billing_mode), C(restore_summary), C(created_at),
      C(deletion_protection), C(tags), and AWS's object under C(raw).
  returned: when the table exists
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    DynamoDBConnection,
    count_items,
    describe_table,
    normalize_table,
    table_or_arn,
    table_tags,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'table_name': {'type': 'str', 'required': True},
    'exact_count': {'type': 'bool', 'default': False},
    'consistent_read': {'type': 'bool', 'default': False},
}


def read_table(module, dynamodb):
    params = module.params
    raw = describe_table(dynamodb, params['table_name'])
    if raw is None:
        return {'changed': False, 'exists': False}
    table = normalize_table(raw, table_tags(dynamodb, raw['TableArn']))
    if params['exact_count']:
        table['item_count_exact'], table['scan_pages'] = count_items(dynamodb, raw['TableName'], params['consistent_read'])
    return {'changed': False, 'exists': True, 'table': table}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=DynamoDBConnection, requires_requests=False, supports_check_mode=True,
                              checks=lambda params, _module: table_or_arn('table_name', params['table_name']))
    module.run(lambda clients: read_table(module, clients.dynamodb))


if __name__ == '__main__':
    main()
