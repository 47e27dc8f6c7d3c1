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
  checks:
    description:
      - Data checks of a restored table, over one consistent C(Scan) of it (read-only). Each returns its expected and
        found figures under RV(checks); the SHA-256 fingerprint is always computed (so two restores of one point can be
        compared).
      - The item count is checked only against O(checks.expected_count) or O(checks.min_items); a product's own count
        (O(checks.product_count)) is an estimate no product documents as exact, so it is reported beside, not checked.
    type: dict
    version_added: 1.1.0
    suboptions:
      expected_count:
        description: The exact number of items the table must hold.
        type: int
      min_items:
        description: The least number of items the table must hold (used when O(checks.expected_count) is not set).
        type: int
      product_count:
        description: The product's count of items at the restore point, reported beside the count found.
        type: int
      expected_items:
        description:
          - "Items that must hold given values, read back with C(GetItem), each C({key, attributes}) in DynamoDB JSON,
            e.g. C({key: {order_id: {S: o-1}}, attributes: {status: {S: shipped}}})."
        type: list
        elements: dict
      expected_fingerprint:
        description: The fingerprint the table must have (an earlier restore of the same point).
        type: str
      compare_with_source:
        description:
          - Compare a sample of the restored items with the source table, attribute by attribute (C(BatchGetItem) only;
            nothing is written). An item whose O(checks.compare_with_source.modified_after_attribute) is newer than
            O(checks.compare_with_source.point_created_at) changed after the point and is skipped.
          - A source table that does not exist (in O(checks.compare_with_source.region)) gives a skipped check that says so.
        type: dict
        suboptions:
          table_name:
            description: The source table.
            type: str
            required: true
          region:
            description: Its region, when not the connection's.
            type: str
          account:
            description:
              - The AWS account of the restore point's table; a table of that name in another account is not compared
                (the check says so), nor one with other keys.
            type: str
          sample_size:
            description: How many of the restored items to compare.
            type: int
            default: 100
          modified_after_attribute:
            description: An attribute of the source items holding when they last changed (ISO 8601 or epoch seconds).
            type: str
          point_created_at:
            description: When the restore point was taken (ISO 8601).
            type: str
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
checks:
  description: With O(checks), one entry per check - C(name), C(passed), C(expected), C(found), C(msg), and C(skipped) for a
    check that could not run, C(differences) for those that found some.
  returned: when the table exists and O(checks) is set
  type: list
  elements: dict
fingerprint:
  description: With O(checks), the SHA-256 of the sorted canonical DynamoDB JSON of every item.
  returned: when the table exists and O(checks) is set
  type: str
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
from ansible_collections.recoverops.restore.plugins.module_utils import _checks, _table_data
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'table_name': {'type': 'str', 'required': True},
    'exact_count': {'type': 'bool', 'default': False},
    'consistent_read': {'type': 'bool', 'default': False},
    'checks': {'type': 'dict', 'options': _table_data.CHECK_OPTIONS},
}


def check_options(params, _module):
    table_or_arn('table_name', params['table_name'])
    source = (params['checks'] or {}).get('compare_with_source') or {}
    if source:
        table_or_arn('checks.compare_with_source.table_name', source['table_name'])
        _checks.region('checks.compare_with_source.region', source.get('region'))
    return _table_data.check_options('checks', params['checks'])


def read_table(module, clients):
    params = module.params
    dynamodb = clients.dynamodb
    raw = describe_table(dynamodb, params['table_name'])
    if raw is None:
        return {'changed': False, 'exists': False}
    table = normalize_table(raw, table_tags(dynamodb, raw['TableArn']))
    if params['exact_count']:
        table['item_count_exact'], table['scan_pages'] = count_items(dynamodb, raw['TableName'], params['consistent_read'])
    result = {'changed': False, 'exists': True, 'table': table}
    if params['checks']:
        result['checks'], result['fingerprint'] = data_checks(params['checks'], clients, raw)
    return result


def data_checks(checks, clients, raw):
    key_names = [key['AttributeName'] for key in raw['KeySchema']]
    source = checks.get('compare_with_source') or {}
    source_client = clients.in_region('dynamodb', source.get('region')) if source.get('region') else clients.dynamodb
    source_exists = _table_data.source_reachable(describe_table(source_client, source['table_name']), raw, source) if source else None
    results, data = _table_data.run_checks(clients.dynamodb, raw['TableName'], key_names, checks, source_client, source_exists)
    return results, data.fingerprint


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=DynamoDBConnection, requires_requests=False, supports_check_mode=True,
                              checks=check_options)
    module.run(lambda clients: read_table(module, clients))


if __name__ == '__main__':
    main()
