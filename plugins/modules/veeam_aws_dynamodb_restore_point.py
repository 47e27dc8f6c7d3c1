#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_aws_dynamodb_restore_point
short_description: Remove a manual DynamoDB restore point in Veeam Backup for AWS
version_added: 1.0.0
description:
  - Removes a DynamoDB restore point that was created manually (C(hasManualBackup)). Veeam only lets manual
    points be removed; points that policies created are kept by their retention, and the module refuses them
    before sending anything.
  - Idempotent. A point that does not exist is already absent (C(changed=false)).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the point and reports whether it would be removed; removes nothing.
  diff_mode:
    support: full
options:
  restore_point_id:
    description:
      - Id (a UUID) of the restore point.
    type: str
    required: true
  state:
    description:
      - V(absent) removes the restore point.
    type: str
    choices: [absent]
    default: absent
seealso:
  - module: recoverops.restore.veeam_aws_dynamodb_restore_point_info
'''

EXAMPLES = r'''
- name: Remove the manual point a drill created
  recoverops.restore.veeam_aws_dynamodb_restore_point:
    restore_point_id: "{{ manual_point_id }}"
    state: absent
'''

RETURN = r'''
restore_point:
  description: The restore point before removal, normalized; null when it did not exist.
  returned: always
  type: dict
diff:
  description: Before and after, in diff mode.
  returned: when diff mode is on
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import (
    VeeamAwsConnection,
    normalize_restore_point,
)

ARGUMENT_SPEC = {
    'restore_point_id': {'type': 'str', 'required': True},
    'state': {'type': 'str', 'choices': ['absent'], 'default': 'absent'},
}


def ensure_absent(module, client):
    point_id = module.params['restore_point_id']
    raw = client.get_restore_point(point_id, missing_ok=True)
    if raw is None:
        return {'changed': False, 'restore_point': None}
    point = normalize_restore_point(raw)
    result = {'changed': True, 'restore_point': point}
    if module._diff:
        result['diff'] = {'before': {'restore_point': point_id}, 'after': {}}
    if not raw.get('hasManualBackup'):
        raise OperationFailed('restore_point_id %s was created by a backup policy (%s), not manually; Veeam only removes '
                              'manual restore points. Policy points leave through retention.'
                              % (point_id, raw.get('policyName') or raw.get('jobType')), changed=False, restore_point=point)
    if not module.check_mode:
        client.delete_restore_point(point_id)
    return result


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAwsConnection, supports_check_mode=True)
    module.check_uuid('restore_point_id')
    module.run(lambda client: ensure_absent(module, client))


if __name__ == '__main__':
    main()
