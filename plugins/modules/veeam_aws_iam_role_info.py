#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_aws_iam_role_info
short_description: List the IAM roles added to Veeam Backup for AWS, to find an iam_role_id
version_added: 1.1.0
description:
  - Lists the IAM roles the appliance knows (Veeam's REST API calls them Amazon accounts, C(GET /api/v1/accounts/amazon)),
    with the id that O(recoverops.restore.veeam_aws_dynamodb_restore#module:authentication.iam_role_id) takes.
  - O(name) selects a role by its exact name (Veeam's C(SearchPattern) matches substrings; the module keeps exact matches).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
  - recoverops.restore.attributes
  - recoverops.restore.attributes.info_module
options:
  name:
    description:
      - Exact name of the role in Veeam, e.g. V(VeeamBackupRestoreRole).
    type: str
  aws_account_id:
    description:
      - Only roles of this 12-digit AWS account.
    type: str
    aliases: [account_id]
seealso:
  - module: recoverops.restore.veeam_aws_dynamodb_restore
'''

EXAMPLES = r'''
- name: Find the id of the restore role
  recoverops.restore.veeam_aws_iam_role_info:
    name: VeeamBackupRestoreRole
  register: role

- name: Restore with it
  recoverops.restore.veeam_aws_dynamodb_restore:
    restore_point_id: "{{ point_id }}"
    target_table_name: orders-drill
    authentication:
      iam_role_id: "{{ role.iam_roles[0].id }}"
'''

RETURN = r'''
iam_roles:
  description: The roles, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Veeam's id of the role (a UUID), as O(recoverops.restore.veeam_aws_dynamodb_restore#module:authentication.iam_role_id) takes it.
      type: str
    name:
      description: Name of the role in Veeam.
      type: str
    description:
      description: Description in Veeam.
      type: str
    aws_account_id:
      description: AWS account the role belongs to.
      type: str
    role_name:
      description: Name of the IAM role in AWS.
      type: str
    raw:
      description: The object as Veeam returned it.
      type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import VeeamAwsConnection, normalize_iam_role

ARGUMENT_SPEC = {
    'name': {'type': 'str'},
    'aws_account_id': {'type': 'str', 'aliases': ['account_id']},
}


def check_options(params, _module):
    _checks.not_blank('name', params['name'])
    _checks.account('aws_account_id', params['aws_account_id'])


def list_roles(module, client):
    params = module.params
    roles = [normalize_iam_role(raw) for raw in client.list_iam_roles(params['name'])]
    roles = [role for role in roles if (not params['name'] or role['name'] == params['name'])
             and (not params['aws_account_id'] or role['aws_account_id'] == params['aws_account_id'])]
    return {'changed': False, 'iam_roles': sorted(roles, key=lambda role: role['name'] or '')}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAwsConnection, checks=check_options, supports_check_mode=True)
    module.run(lambda client: list_roles(module, client))


if __name__ == '__main__':
    main()
