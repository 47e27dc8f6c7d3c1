#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_dynamodb_table_info
short_description: Find DynamoDB tables known to Clumio
version_added: 1.0.0
description:
  - Lists the DynamoDB tables of C(/datasources/aws/dynamodb-tables), or gets one by id.
  - O(table_name) is matched exactly on our side (Clumio's name filter is C($contains)); a name found in several
    accounts or regions fails with the candidates unless O(account_native_id) and O(aws_region) narrow it.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
  - recoverops.restore.attributes.info_module
options:
  table_id:
    description: Get this one table.
    type: str
  table_name:
    description: Exact table name.
    type: str
  account_native_id:
    description: AWS account id.
    type: str
    aliases: [account_id]
  aws_region:
    description: AWS region.
    type: str
    aliases: [region]
  environment_id:
    description: Clumio environment id.
    type: str
'''

EXAMPLES = r'''
- name: Find orders
  recoverops.restore.clumio_dynamodb_table_info:
    api_token: "{{ clumio_api_token }}"
    table_name: orders
    aws_region: us-east-1
  register: orders
'''

RETURN = r'''
tables:
  description: The tables as Clumio returns them.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ClumioConnection, check_id
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'table_id': {'type': 'str'},
    'table_name': {'type': 'str'},
    'account_native_id': {'type': 'str', 'aliases': ['account_id']},
    'aws_region': {'type': 'str', 'aliases': ['region']},
    'environment_id': {'type': 'str'},
}


def check_options(params, _module):
    """Every rule checked before the first request; all failing options are named at once."""
    errors = []
    for name, rule in (('table_id', check_id), ('environment_id', check_id), ('table_name', _checks.table_name),
                       ('account_native_id', _checks.account), ('aws_region', _checks.region)):
        try:
            rule(name, params[name])
        except OptionError as exc:
            errors.append(exc.msg)
    if errors:
        raise OptionError('; '.join(errors))


def tables(module, client):
    params = module.params
    if params['table_id']:
        return {'changed': False, 'tables': [client.get_table(params['table_id'])]}
    if params['table_name']:
        return {'changed': False, 'tables': [client.find_table(params['table_name'], params['account_native_id'], params['aws_region'],
                                                               params['environment_id'])]}
    return {'changed': False, 'tables': client.list_tables(None, params['account_native_id'], params['aws_region'], params['environment_id'])}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=ClumioConnection, checks=check_options, supports_check_mode=True,
                              mutually_exclusive=[('table_id', name) for name in ('table_name', 'account_native_id', 'aws_region', 'environment_id')])
    module.run(lambda client: tables(module, client))


if __name__ == '__main__':
    main()
