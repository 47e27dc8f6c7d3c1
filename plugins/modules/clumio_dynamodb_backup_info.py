#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_dynamodb_backup_info
short_description: List Clumio backups of DynamoDB tables
version_added: 1.0.0
description:
  - Lists Clumio DynamoDB table backups newest first (C(sort=-start_timestamp)), or gets one by id.
  - Filters are sent to Clumio as the C(filter) JSON (C(table_id $eq), C(start_timestamp $lte/$gt), C(type $all));
    pages are followed through C(_links._next) only as far as needed, so O(latest=true) is one list request.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
  - recoverops.restore.attributes.info_module
options:
  backup_id:
    description: Get this one backup.
    type: str
  table_id:
    description: Clumio id of the table. Mutually exclusive with O(table_name).
    type: str
  table_name:
    description:
      - Table name, matched exactly (Clumio only filters names by substring). A name found in several accounts or
        regions fails with the candidates unless O(account_native_id) and O(aws_region) narrow it.
    type: str
  account_native_id:
    description: AWS account of O(table_name).
    type: str
    aliases: [account_id]
  aws_region:
    description: AWS region of O(table_name).
    type: str
    aliases: [region]
  backup_types:
    description: Only backups of all these types (C(type $all)).
    type: list
    elements: str
    choices: [clumio_backup, aws_snapshot]
  latest:
    description: Only the newest backup (one list request).
    type: bool
    default: false
  point_in_time:
    description: The newest backup at or before this time (C(start_timestamp $lte)).
    type: str
  since:
    description: Only backups that started after this time (C(start_timestamp $gt)).
    type: str
  max_backups:
    description: Stop after this many backups.
    type: int
'''

EXAMPLES = r'''
- name: Newest backup of orders in one account and region
  recoverops.restore.clumio_dynamodb_backup_info:
    api_token: "{{ clumio_api_token }}"
    table_name: orders
    account_native_id: "123456789012"
    aws_region: us-east-1
    latest: true
  register: newest
'''

RETURN = r'''
backups:
  description: The backups as Clumio returns them (seed 002 shape), newest first.
  returned: always
  type: list
  elements: dict
restore_points:
  description:
    - The same backups in the collection's normalized restore point shape (C(id), C(product=clumio), C(resource_id),
      C(resource_name), C(created_at), C(size_bytes), C(kind), C(region), C(account), C(raw)), newest first.
  returned: always
  type: list
  elements: dict
table:
  description: The table O(table_name) resolved to.
  returned: when O(table_name) is given
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ClumioConnection, check_id, normalize_backup
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'backup_id': {'type': 'str'},
    'table_id': {'type': 'str'},
    'table_name': {'type': 'str'},
    'account_native_id': {'type': 'str', 'aliases': ['account_id']},
    'aws_region': {'type': 'str', 'aliases': ['region']},
    'backup_types': {'type': 'list', 'elements': 'str', 'choices': ['clumio_backup', 'aws_snapshot']},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
    'since': {'type': 'str'},
    'max_backups': {'type': 'int'},
}
SELECTORS = ('table_id', 'table_name', 'account_native_id', 'aws_region', 'backup_types', 'point_in_time', 'since', 'max_backups')


def check_options(params, _module):
    """Ids, names and times checked before the first request."""
    check_id('backup_id', params['backup_id'])
    check_id('table_id', params['table_id'])
    _checks.table_name('table_name', params['table_name'])
    _checks.account('account_native_id', params['account_native_id'])
    _checks.region('aws_region', params['aws_region'])
    _checks.at_least('max_backups', params['max_backups'], 1)
    for name in ('point_in_time', 'since'):
        _checks.not_blank(name, params[name])
    _checks.timestamp('point_in_time', params['point_in_time'])
    _checks.timestamp('since', params['since'])


def list_backups(module, client, before, after):
    params = module.params
    result = {'changed': False}
    if params['backup_id']:
        result['backups'] = [client.get_backup(params['backup_id'])]
        result['restore_points'] = [normalize_backup(backup) for backup in result['backups']]
        return result
    table_id = params['table_id']
    if params['table_name']:
        table = client.find_table(params['table_name'], params['account_native_id'], params['aws_region'])
        result['table'] = table
        table_id = table['id']
    limit = 1 if params['latest'] or before else params['max_backups']
    backups = []
    for backup in client.list_backups(table_id, before, after, params['backup_types'], page_size=min(limit or 100, 100)):
        backups.append(backup)
        if limit and len(backups) >= limit:
            break
    result['backups'] = backups
    result['restore_points'] = [normalize_backup(backup) for backup in backups]
    return result


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=ClumioConnection, checks=check_options, supports_check_mode=True,
        mutually_exclusive=[('table_id', 'table_name'), ('latest', 'point_in_time')] + [('backup_id', name) for name in SELECTORS]
        + [('backup_id', 'latest')],
        required_by={'account_native_id': 'table_name', 'aws_region': 'table_name'},
    )
    # Checked already (check_options): these parse.
    before = _checks.timestamp('point_in_time', module.params['point_in_time'])
    after = _checks.timestamp('since', module.params['since'])
    module.run(lambda client: list_backups(module, client, before, after))


if __name__ == '__main__':
    main()
