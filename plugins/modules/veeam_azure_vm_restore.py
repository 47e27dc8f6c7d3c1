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
    Set O(to_alternative) to restore to a new name, subscription, resource group, region, size or network instead.
  - A restore point in the archive tier must be retrieved first. With O(retrieve_archived=true) the module starts the
    retrieval (C(retrieveData)), waits for it, then restores; otherwise it fails with a clear message.
  - Idempotent. When a restore session with the same O(reason) into the same target VM name is running, or succeeded,
    since the restore point was created, that session is returned instead of starting another (C(changed=false)).
    O(force=true) starts a new one anyway.
  - The wait polls C(/jobSessions/{id}); V(Running), V(RunningWithWarning), V(RunningWithError), V(Pending) and
    V(Canceling) keep it waiting, V(Success) and V(Warning) end it, V(Error) and V(Canceled) fail the module with the
    session log.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_azure
  - recoverops.restore.veeam_azure.actiongroup
  - recoverops.restore.wait
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
      - Reason saved with the restore session in Veeam's history, e.g. the change or drill id. Also what a rerun
        uses to find the restore it started before.
    type: str
    required: true
  allow_overwrite:
    description:
      - Allow a restore to the original place (no O(to_alternative)), which replaces the VM there.
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
      - Id of the Veeam service account (C(serviceAccountId)) that performs the restore.
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
  description: The archive retrieval session, when the point had to be retrieved first.
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

import re

from ansible_collections.recoverops.restore.plugins.module_utils._http import (
    RETRY_IF_IDEMPOTENT,
    ApiConnectionError,
    ApiError,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import (
    WAIT_ARGSPEC,
    OperationFailed,
    RecoverOpsModule,
)
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import (
    ARCHIVED_VERSION,
    JOB_STATES,
    RETRIEVED,
    VeeamAzureConnection,
    build_restore_body,
    build_retrieval_body,
    is_archived,
    normalize_restore_point,
    restore_target_name,
    session_reader,
    session_state,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import WaitTimeout, wait_for_job

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
VM_NAME_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$|^[A-Za-z0-9_]$')
VM_SIZE_RE = re.compile(r'^(Standard|Basic)_[A-Za-z0-9_-]+$')
REASON_MAX = 512
SESSION_APPEAR_TIMEOUT = 30


def check_options(module):
    """Every rule the API would enforce, checked before the first request."""
    params = module.params
    if params['api_version'] == ARCHIVED_VERSION:
        module.fail_json(msg='api_version: v1 only serves the archived restore point listing; restores need v8.1, v8, v7 or v6')
    module.check_uuid('restore_point_id')
    module.check_wait_options()
    reason = params['reason'].strip()
    if not reason:
        module.fail_json(msg='reason must not be empty; it is saved with the restore session')
    if len(params['reason']) > REASON_MAX:
        module.fail_json(msg='reason must be at most %d characters, got %d' % (REASON_MAX, len(params['reason'])))
    days = params['retrieval_days_to_keep']
    if not 1 <= days <= 30:
        module.fail_json(msg='retrieval_days_to_keep must be between 1 and 30, got %s' % days)
    for name in ('service_account_id', 'source_service_account_id'):
        if params[name] is not None and not params[name].strip():
            module.fail_json(msg='%s must not be empty' % name)
    alt = params['to_alternative']
    if not alt:
        if not params['allow_overwrite']:
            module.fail_json(msg='A restore to the original place replaces the VM there: set allow_overwrite: true to confirm, '
                                 'or set to_alternative to restore elsewhere')
        return
    if params['allow_overwrite']:
        module.fail_json(msg='allow_overwrite only applies to a restore to the original place; remove it or remove to_alternative')
    if not VM_NAME_RE.match(alt['name']):
        module.fail_json(msg='to_alternative.name must be 1 to 64 letters, digits, -, _ and ., not ending in - or ., got %r'
                         % alt['name'])
    module.check_uuid('to_alternative.subscription_id', alt.get('subscription_id'))
    if alt.get('vm_size') and not VM_SIZE_RE.match(alt['vm_size']):
        module.fail_json(msg='to_alternative.vm_size must be an Azure VM size such as Standard_B2s, got %r' % alt['vm_size'])
    for name in ('resource_group_id', 'region_id', 'virtual_network_id', 'subnet', 'network_security_group_id',
                 'availability_set_id', 'availability_zone'):
        if alt.get(name) is not None and not alt[name].strip():
            module.fail_json(msg='to_alternative.%s must not be empty' % name)


def restore(module, client):
    params = module.params
    raw_point = client.get_restore_point(params['restore_point_id'])
    point = normalize_restore_point(raw_point)
    target_name = restore_target_name(params, point)
    result = {'changed': False, 'existing': False, 'restore_point': point, 'request': build_restore_body(params),
              'target': {'vm_name': target_name, 'original_place': not params['to_alternative']}}
    since = parse_timestamp(point['created_at']) if point['created_at'] else None
    before = client.find_restore_sessions(params['reason'], target_name, since)
    reusable = [found for found in before if JOB_STATES.outcome(session_state(found)) != 'failed']
    if reusable and not params['force']:
        result.update(existing=True, session_id=reusable[0]['id'])
        return module.finish_job(result, result['session_id'], session_reader(client))
    if is_archived(raw_point) and not params['retrieve_archived']:
        raise OperationFailed('Restore point %s is in the archive tier (data retrieval status %s). Set retrieve_archived: true '
                              'to retrieve it first; retrieval can take hours.'
                              % (point['id'], raw_point.get('dataRetrievalStatus') or 'None'), **result)
    result['changed'] = True
    if module.check_mode:
        if is_archived(raw_point):
            result['retrieval'] = {'request': build_retrieval_body(params)}
        return result
    if is_archived(raw_point):
        retrieve(module, client, point, result)
    known = {found['id'] for found in before}
    result['session_id'] = start(client, point, result, known, since)
    return module.finish_job(result, result['session_id'], session_reader(client))


def retrieve(module, client, point, result):
    """Retrieve an archive-tier point (or wait for a retrieval already under way) before restoring."""
    params = module.params
    retrieval = {'request': build_retrieval_body(params)}
    result['retrieval'] = retrieval
    raw = client.get_restore_point(point['id'])
    if raw.get('dataRetrievalStatus') != 'Retrieving':
        session = client.retrieve_data(point['id'], retrieval['request']) or {}
        retrieval['session_id'] = session.get('id')
    try:
        waited = wait_for_job(lambda: _retrieval_state(client, point['id']), JOB_STATES, timeout=params['wait_timeout'],
                              poll_interval=params['poll_interval'])
    except WaitTimeout as exc:
        raise OperationFailed('%s. The retrieval of restore point %s is still running.' % (exc.msg, point['id']),
                              **result) from None
    retrieval['wait'] = waited.as_dict()
    if waited.outcome == 'failed':
        raise OperationFailed('The retrieval of restore point %s from the archive tier failed; the restore was not started.'
                              % point['id'], **result)


def _retrieval_state(client, point_id):
    raw = client.get_restore_point(point_id)
    status = raw.get('dataRetrievalStatus')
    if status == RETRIEVED:
        return 'Success', raw
    if status in ('Retrieving', 'None', None):
        return 'Running', raw
    return 'Error', raw


def start(client, point, result, known, since):
    """POST the restore and return the session id; find the session when the answer was lost."""
    try:
        session = client.start_restore(point['id'], result['request']) or {}
    except ApiError as exc:
        lost = isinstance(exc, ApiConnectionError) or exc.status in RETRY_IF_IDEMPOTENT or (exc.status and 200 <= exc.status < 300)
        if not lost:
            raise
        # No answer, a proxy's 502/504 or an unreadable 2xx: the request may have reached the appliance,
        # so report the session if one started rather than leave a running restore unreported.
        session_id = find_new_session(client, result, since, known)
        if session_id is None:
            raise OperationFailed('The restore request was sent but its answer was lost (%s), and no new restore session for '
                                  '%s appeared. Check the job sessions on the appliance before running again.'
                                  % (exc.msg, result['target']['vm_name']), **result) from None
        return session_id
    if session.get('id'):
        return session['id']
    session_id = find_new_session(client, result, since, known)
    if session_id is None:
        raise OperationFailed('Veeam accepted the restore but named no job session, and none for %s appeared within %ss.'
                              % (result['target']['vm_name'], SESSION_APPEAR_TIMEOUT), **result)
    return session_id


def find_new_session(client, result, since, known):
    def newest_unknown():
        fresh = [found for found in client.find_restore_sessions(result['request']['reason'], result['target']['vm_name'], since)
                 if found['id'] not in known]
        return ('Success', fresh[0]) if fresh else ('Running', None)
    try:
        return wait_for_job(newest_unknown, JOB_STATES, timeout=SESSION_APPEAR_TIMEOUT, poll_interval=1, max_interval=5).job['id']
    except WaitTimeout:
        return None


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAzureConnection, supports_check_mode=True)
    check_options(module)
    module.run(lambda client: restore(module, client))


if __name__ == '__main__':
    main()
