#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_azure_vm_restore
short_description: Restore an Azure VM from a Veeam Backup for Microsoft Azure restore point
version_added: 1.0.0
description:
  - Starts the restore of an Azure VM from a restore point
    (C(POST /restorePoints/virtualMachines/{id}/restoreVirtualMachine)), to its original place or to an alternative
    one, and waits for the job session to finish.
  - A restore to the original place replaces the VM there, so it needs O(allow_overwrite=true), checked before any call.
    So does an O(to_alternative) restore whose O(to_alternative.name) is the name of the VM the point backs up
    (checked once the point is read, before anything is written). Set O(to_alternative) with another name to restore
    next to the original instead.
  - A restore point in the archive tier must be retrieved first. With O(retrieve_archived=true) the module starts the
    retrieval (C(retrieveData)), waits for it, then restores; otherwise it fails with a clear message.
  - Earlier restores of this target are the C(RestoreVms) sessions with the same O(reason) whose restored VM has the
    target name, since the restore point was created. A running one is returned instead of starting another
    (C(changed=false)); a succeeded one only while the appliance's VM inventory (C(GET /virtualMachines)) still lists
    that VM, so a drill whose VM was deleted restores it again. O(force=true) starts a new one anyway.
  - The wait polls C(/jobSessions/{id}); V(Running), V(RunningWithWarning), V(RunningWithError), V(Pending) and
    V(Canceling) keep it waiting, V(Success) and V(Warning) end it, V(Error) and V(Canceled) fail the module with the
    session log.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_azure
  - recoverops.restore.veeam_azure.actiongroup
  - recoverops.restore.wait
  - recoverops.restore.restore_flow
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the restore point and the sessions, returns RV(request) as it would be sent, starts nothing.
  diff_mode:
    support: none
options:
  restore_point_id:
    description:
      - Id (a UUID) of the restore point, as returned by M(recoverops.restore.veeam_azure_vm_restore_point_info).
    type: str
    required: true
  reason:
    description:
      - Reason saved with the restore session in Veeam's history, e.g. the change or drill id, at most 456 characters.
      - The module adds C([recoverops point <restore_point_id>]) after it. A rerun reuses only a session with this
        reason and point, since Veeam's sessions do not say which restore point they restored.
    type: str
    required: true
  allow_overwrite:
    description:
      - Allow a restore that replaces the VM the point backs up - to the original place (no O(to_alternative)), or
        with O(to_alternative.name) set to that VM's own name.
      - With O(to_alternative) and any other name it is refused, since such a restore replaces nothing.
    type: bool
    default: false
  to_alternative:
    description:
      - Restore to an alternative place or with different settings. Omit it to restore to the original place.
    type: dict
    suboptions:
      name:
        description:
          - Name of the restored VM (1 to 64 letters, digits, V(-), V(_) and V(.); not ending in V(-) or V(.)).
        type: str
        required: true
      subscription_id:
        description:
          - Veeam id (a UUID) of the Azure subscription to restore into.
        type: str
      resource_group_id:
        description:
          - Veeam id of the resource group.
        type: str
      region_id:
        description:
          - Veeam id of the Azure region.
        type: str
      vm_size:
        description:
          - Azure VM size, e.g. V(Standard_B2s).
        type: str
      virtual_network_id:
        description:
          - Veeam id of the virtual network.
        type: str
      subnet:
        description:
          - Name of the subnet in O(to_alternative.virtual_network_id).
        type: str
      network_security_group_id:
        description:
          - Veeam id of the network security group.
        type: str
      availability_set_id:
        description:
          - Veeam id of the availability set. Mutually exclusive with O(to_alternative.availability_zone).
        type: str
      availability_zone:
        description:
          - Availability zone, e.g. V(1).
        type: str
      disk_type:
        description:
          - Type of the restored disks.
        type: str
        choices: [managed, unmanaged]
  service_account_id:
    description:
      - System id (C(accountId)) of the Veeam service account whose permissions perform the restore
        (C(serviceAccountId)); C(GET /api/v8.1/accounts/azure/service?Purpose=VirtualMachineRestore) lists them.
      - When omitted the module sends no C(serviceAccountId) and the appliance chooses; the v8.1 reference calls the
        field required yet its schema does not, and it does not say which account an appliance then uses. An
        appliance that refuses the restore without one fails the module with a message naming this option and
        where to find its value.
    type: str
  source_service_account_id:
    description:
      - Id of the service account with access to the source (C(sourceServiceAccountId)).
    type: str
  start_vm_after_restore:
    description:
      - Power on the VM once restored.
    type: bool
    default: false
  retrieve_archived:
    description:
      - Retrieve a restore point in the archive tier before restoring it. Without it such a point fails the module.
    type: bool
    default: false
  retrieval_priority:
    description:
      - Priority of the archive retrieval (C(dataRetrievalPriority)).
    type: str
    choices: [normal, high]
    default: normal
  retrieval_days_to_keep:
    description:
      - Days (1 to 30) the retrieved data stays available.
    type: int
    default: 1
  force:
    description:
      - Start a new restore even when a matching session is running or succeeded.
    type: bool
    default: false
seealso:
  - module: recoverops.restore.veeam_azure_vm_restore_point_info
  - module: recoverops.restore.veeam_azure_job_session_info
'''

EXAMPLES = r'''
- name: Restore the newest point of web-01 as web-01-drill
  module_defaults:
    group/recoverops.restore.veeam_azure:
      server: https://vbazure.example.com
      username: restore-operator
      password: "{{ vbazure_password }}"
      ca_path: /etc/pki/vbazure-ca.pem
  block:
    - name: Find the newest point
      recoverops.restore.veeam_azure_vm_restore_point_info:
        vm_name: web-01
        latest: true
      register: newest

    - name: Restore it next to the original
      recoverops.restore.veeam_azure_vm_restore:
        restore_point_id: "{{ newest.restore_points[0].id }}"
        reason: Monthly DR drill CHG-1234
        to_alternative:
          name: web-01-drill
          subscription_id: 9b3c6d1e-2f40-4a5b-8c7d-0e1f2a3b4c5d
          resource_group_id: rg-drill
          region_id: westeurope
          vm_size: Standard_B2s
          disk_type: managed
        retrieve_archived: true
        wait_timeout: 7200
      register: restored

- name: Put web-01 back where it was (replaces the VM there)
  recoverops.restore.veeam_azure_vm_restore:
    restore_point_id: "{{ point_id }}"
    reason: Incident INC-42 rollback
    allow_overwrite: true
    start_vm_after_restore: true
'''

RETURN = r'''
job:
  description:
    - The restore job, normalized the same way by every restore module of the collection; roles read only this.
    - In check mode RV(job.outcome) is V(not_started) and RV(job.request) is what would be sent.
  returned: always, except when the module fails before it reads the restore point
  type: dict
  contains:
    id:
      description: The product's job id (null in check mode).
      type: str
    product:
      description: V(veeam_aws), V(clumio), V(veeam_azure), V(aws_backup) or V(dynamodb).
      type: str
    restore_point:
      description: The normalized restore point restored.
      type: dict
    reused:
      description: True when the restore was found running or done and nothing was started.
      type: bool
    state:
      description: The product's own state word.
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning), V(failed), or V(not_started) in check mode.
      type: str
    started_at:
      description: When the product started the restore, ISO 8601 UTC, from the product's own clock.
      type: str
    finished_at:
      description: When the product finished it (ISO 8601 UTC), null while it runs.
      type: str
    finished_at_observed:
      description: True when the product records no end and RV(job.finished_at) is the poll that first saw it.
      type: bool
    duration_seconds:
      description: RV(job.finished_at) minus RV(job.started_at).
      type: float
    created_resource:
      description:
        - What the restore creates - C(type) (V(azure_vm)), C(name), C(original_place), and C(resource_group) and
          C(region) when the session's restored item or the request names them.
      type: dict
    request:
      description: The request sent (or that check mode would send), secrets masked.
      type: dict
    raw:
      description: The product's own job object, untouched.
      type: dict
session_id:
  description: Id of the restore job session (started now, or the existing one when C(changed=false)).
  returned: when a session exists or was started
  type: str
  sample: 1b2c3d4e-5f60-4718-89ab-cdef01234567
session:
  description: The restore job session, normalized.
  returned: when a session exists or was started
  type: dict
  contains:
    id:
      description: Session id.
      type: str
    type:
      description: Session type, V(RestoreVms).
      type: str
    status:
      description: Veeam's JobStatus, e.g. V(Running), V(Success), V(Warning), V(Error), V(Canceled).
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning) or V(failed).
      type: str
    reason:
      description: The reason saved with the session.
      type: str
    started_at:
      description: Start time, ISO 8601 UTC.
      type: str
    finished_at:
      description: End time, ISO 8601 UTC, null while running.
      type: str
    duration_seconds:
      description: Duration of the session.
      type: float
    log:
      description: The session log; returned with a failure or a warning.
      type: list
      elements: dict
    raw:
      description: The session as Veeam returned it.
      type: dict
restore_point:
  description: The restore point used, normalized (see M(recoverops.restore.veeam_azure_vm_restore_point_info)).
  returned: always
  type: dict
target:
  description: Where the restore writes to.
  returned: always
  type: dict
  sample: {"vm_name": "web-01-drill", "original_place": false}
request:
  description: The restore request body (sent, or in check mode the one that would be sent).
  returned: always
  type: dict
retrieval:
  description:
    - The archive retrieval, when the point had to be retrieved first - C(request) (the body sent, or in check mode the
      one that would be sent), C(session_id) of the retrieval session, and C(wait), what the wait for it observed.
  returned: when the point was in the archive tier and O(retrieve_archived=true)
  type: dict
existing:
  description: True when a matching session was found and no new restore was started.
  returned: always
  type: bool
wait:
  description: What the wait observed; the states seen with their times and the number of polls.
  returned: when O(wait=true) and a session was waited on
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import (
    ARCHIVED_VERSION,
    ID_EXAMPLE,
    VeeamAzureConnection,
    VmRestore,
    check_alternative,
    check_reason,
)

ARGUMENT_SPEC = dict(
    restore_point_id={'type': 'str', 'required': True},
    reason={'type': 'str', 'required': True},
    allow_overwrite={'type': 'bool', 'default': False},
    to_alternative={
        'type': 'dict',
        'options': {
            'name': {'type': 'str', 'required': True},
            'subscription_id': {'type': 'str'},
            'resource_group_id': {'type': 'str'},
            'region_id': {'type': 'str'},
            'vm_size': {'type': 'str'},
            'virtual_network_id': {'type': 'str'},
            'subnet': {'type': 'str'},
            'network_security_group_id': {'type': 'str'},
            'availability_set_id': {'type': 'str'},
            'availability_zone': {'type': 'str'},
            'disk_type': {'type': 'str', 'choices': ['managed', 'unmanaged']},
        },
        'mutually_exclusive': [('availability_set_id', 'availability_zone')],
        'required_by': {'subnet': 'virtual_network_id'},
    },
    service_account_id={'type': 'str'},
    source_service_account_id={'type': 'str'},
    start_vm_after_restore={'type': 'bool', 'default': False},
    retrieve_archived={'type': 'bool', 'default': False},
    retrieval_priority={'type': 'str', 'default': 'normal', 'choices': ['normal', 'high']},
    retrieval_days_to_keep={'type': 'int', 'default': 1},
    force={'type': 'bool', 'default': False},
    **WAIT_ARGSPEC,
)


def check_options(params, module):
    """Every rule the API would enforce, checked before the first request."""
    if params['api_version'] == ARCHIVED_VERSION:
        raise OptionError('api_version: v1 only serves the archived restore point listing; restores need v8.1, v8, v7 or v6')
    _checks.uuid('restore_point_id', params['restore_point_id'])
    _checks.at_least('wait_timeout', params['wait_timeout'], 0)
    _checks.at_least('poll_interval', params['poll_interval'], 1)
    check_reason(params['reason'])
    if not 1 <= params['retrieval_days_to_keep'] <= 30:
        raise OptionError('retrieval_days_to_keep must be between 1 and 30, got %s' % params['retrieval_days_to_keep'])
    for name in ('service_account_id', 'source_service_account_id'):
        _checks.path_id(name, params[name], ID_EXAMPLE)
    if params['to_alternative']:
        check_alternative(params['to_alternative'])
    elif not params['allow_overwrite']:
        raise OptionError('A restore to the original place replaces the VM there: set allow_overwrite: true to confirm, '
                          'or set to_alternative to restore elsewhere')


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAzureConnection, checks=check_options, supports_check_mode=True)
    module.run(lambda client: run_restore(module, VmRestore(module, client)))


if __name__ == '__main__':
    main()
