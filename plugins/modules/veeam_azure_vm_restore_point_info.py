#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_azure_vm_restore_point_info
short_description: List Azure VM restore points in Veeam Backup for Microsoft Azure
version_added: 1.0.0
description:
  - Lists the restore points of an Azure VM protected by Veeam Backup for Microsoft Azure, newest first, or gets one by id.
  - O(latest=true) asks the appliance for the newest point only (C(OnlyLatest=true)), one request however many points exist.
  - Without O(latest) every page is read with C(Offset) and C(Limit), up to C(totalCount) when the appliance gives it,
    and on to an empty page when C(totalCount) is null (it is nullable, and no maximum page size is documented), so
    neither the default page of 100 nor an appliance's own page cap truncates the answer.
  - A lookup that the appliance answers with C(202 Accepted) and an asynchronous operation is followed through
    C(/operations/{id}).
  - With O(api_version=v1) the module reads the archived appliance-wide listing C(GET /api/v1/restorePoints) of
    Veeam Backup for Microsoft Azure 1.0, which has no VM filter, and normalizes it the same way.
  - Every point is returned in the collection's normalized shape with the product's own object under C(raw).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_azure
  - recoverops.restore.veeam_azure.actiongroup
  - recoverops.restore.attributes.info_module
options:
  restore_point_id:
    description:
      - Get this one restore point (a UUID). Cannot be combined with the selection options.
    type: str
  vm_id:
    description:
      - Veeam's system id of the VM (the C(id) of C(/virtualMachines) or C(/protectedItem/virtualMachines), not the
        Azure resource id, which has slashes). Mutually exclusive with O(vm_name).
    type: str
  vm_name:
    description:
      - Name of the VM, resolved with an exact match through the protected-item listing, then the VM inventory.
      - When the name matches several VMs the module fails with the candidates; pass O(vm_id) instead.
    type: str
  latest:
    description:
      - Return only the newest restore point (server-side C(OnlyLatest=true)).
    type: bool
    default: false
  point_in_time:
    description:
      - Return only the newest restore point created at or before this ISO 8601 time (the second itself included),
        e.g. V(2026-11-20T08:00:00Z).
      - Selected from the whole listing of the VM. C(PointInTime) is not sent - the v8.1 reference documents it as
        "restore points created on the specified date and time", an exact match, which would miss a time between
        two points.
    type: str
seealso:
  - module: recoverops.restore.veeam_azure_vm_restore
'''

EXAMPLES = r'''
- name: Newest restore point of web-01
  recoverops.restore.veeam_azure_vm_restore_point_info:
    server: https://vbazure.example.com
    username: restore-operator
    password: "{{ vbazure_password }}"
    vm_name: web-01
    latest: true
  register: newest

- name: Every restore point of a VM by its Veeam id
  recoverops.restore.veeam_azure_vm_restore_point_info:
    vm_id: 8f1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8
  register: all_points

- name: The point to use for a restore to yesterday 08:00 UTC
  recoverops.restore.veeam_azure_vm_restore_point_info:
    vm_name: web-01
    point_in_time: "2026-11-21T08:00:00Z"
  register: at_eight
'''

RETURN = r'''
restore_points:
  description: Restore points, newest first, normalized.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Restore point id; what O(recoverops.restore.veeam_azure_vm_restore#module:restore_point_id) takes.
      type: str
      sample: 15ed5dd3-c759-4726-9682-be9f9d72a7d5
    product:
      description: Always V(veeam_azure).
      type: str
    resource_id:
      description: Veeam id of the VM (its C(resourceHashId) when the VM was not named in the request).
      type: str
    resource_name:
      description: VM name.
      type: str
      sample: web-01
    created_at:
      description: Creation time (C(pointInTime)), ISO 8601 UTC.
      type: str
      sample: "2026-11-20T02:00:00Z"
    size_bytes:
      description: Backup size in bytes, when reported.
      type: int
    kind:
      description: Backup destination, V(Snapshot), V(AzureBlob) or V(ManualSnapshot).
      type: str
    region:
      description: Azure region of the VM.
      type: str
    account:
      description: Azure subscription id of the VM, when the VM was resolved.
      type: str
    raw:
      description: The restore point as Veeam returned it.
      type: dict
vm:
  description: The VM that O(vm_name) resolved to, as Veeam returned it.
  returned: when O(vm_name) is given
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import newest_first, select_restore_point
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import (
    ARCHIVED_VERSION,
    ID_EXAMPLE,
    VeeamAzureConnection,
    normalize_restore_point,
)

ARGUMENT_SPEC = {
    'restore_point_id': {'type': 'str'},
    'vm_id': {'type': 'str'},
    'vm_name': {'type': 'str'},
    'latest': {'type': 'bool', 'default': False},
    'point_in_time': {'type': 'str'},
}
SELECTORS = ('vm_id', 'vm_name', 'point_in_time')


def check_options(params, module):
    """Whole-string rules for every option, before any request; returns the point_in_time as a datetime."""
    _checks.uuid('restore_point_id', params['restore_point_id'])
    point_in_time = _checks.timestamp('point_in_time', params['point_in_time'])
    _checks.path_id('vm_id', params['vm_id'], ID_EXAMPLE)
    _checks.not_blank('vm_name', params['vm_name'])
    if params['api_version'] == ARCHIVED_VERSION:
        given = [name for name in ('restore_point_id', 'vm_id', 'vm_name') if params[name]]
        if given:
            raise OptionError('%s cannot be used with api_version: v1; the archived v1 listing has no VM filter and no '
                              'single-point read. Use api_version v8.1 (or v8, v7, v6).' % ', '.join(given))
    elif not (params['restore_point_id'] or params['vm_id'] or params['vm_name']):
        raise OptionError('one of restore_point_id, vm_id or vm_name is required')
    return point_in_time


def list_points(module, client, point_in_time):
    params = module.params
    result = {'changed': False}
    if params['restore_point_id']:
        result['restore_points'] = [normalize_restore_point(client.get_restore_point(params['restore_point_id']))]
        return result
    vm = {'id': params['vm_id']} if params['vm_id'] else None
    if params['vm_name']:
        vm = client.find_vm(params['vm_name'])
        result['vm'] = vm
    raw_points = client.list_restore_points(vm['id'] if vm else None, latest=params['latest'])
    points = newest_first([normalize_restore_point(raw, vm) for raw in raw_points])
    if params['latest']:
        points = points[:1]
    if point_in_time:
        chosen = select_restore_point(points, point_in_time)
        points = [chosen] if chosen else []
    result['restore_points'] = points
    return result


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=VeeamAzureConnection, checks=check_options, supports_check_mode=True,
        mutually_exclusive=[('vm_id', 'vm_name'), ('latest', 'point_in_time')]
        + [('restore_point_id', name) for name in SELECTORS] + [('restore_point_id', 'latest')],
    )
    module.run(lambda client: list_points(module, client, module.checked))


if __name__ == '__main__':
    main()
