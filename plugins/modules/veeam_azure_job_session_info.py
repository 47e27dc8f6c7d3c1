#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_azure_job_session_info
short_description: Read a Veeam Backup for Microsoft Azure job session and its log
version_added: 1.0.0
description:
  - Returns one job session with its JobStatus, timings, log and restored items, for instance a VM restore started by
    M(recoverops.restore.veeam_azure_vm_restore) with O(recoverops.restore.veeam_azure_vm_restore#module:wait=false).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_azure
  - recoverops.restore.veeam_azure.actiongroup
  - recoverops.restore.attributes.info_module
options:
  session_id:
    description:
      - Id of the job session, in the product's own form - a UUID, or a string such as V(38) (the archived v1
        listing links C(/jobSessions/38)). Letters, digits, V(-), V(_), V(.) and V(:) only, so it stays one path
        segment.
    type: str
    required: true
  include_log:
    description:
      - Also read the session log (C(/jobSessions/{id}/log)).
    type: bool
    default: true
  include_restored_items:
    description:
      - Also read the items the session restored (C(/jobSessions/{id}/restoredItems)).
    type: bool
    default: true
seealso:
  - module: recoverops.restore.veeam_azure_vm_restore
'''

EXAMPLES = r'''
- name: Check on a restore started without waiting
  recoverops.restore.veeam_azure_job_session_info:
    session_id: "{{ started.session_id }}"
  register: restore_session

- name: Wait in the playbook instead
  recoverops.restore.veeam_azure_job_session_info:
    session_id: "{{ started.session_id }}"
    include_log: false
  register: restore_session
  until: restore_session.session.outcome != 'running'
  retries: 120
  delay: 30
'''

RETURN = r'''
session:
  description: The job session, normalized.
  returned: always
  type: dict
  contains:
    id:
      description: Session id.
      type: str
    type:
      description: Session type, e.g. V(RestoreVms).
      type: str
    status:
      description: Veeam's JobStatus, e.g. V(Running), V(Success), V(Warning), V(Error), V(Canceled).
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning) or V(failed).
      type: str
    reason:
      description: The reason given when the restore was started.
      type: str
    started_at:
      description: Start time, ISO 8601 UTC.
      type: str
    finished_at:
      description: End time, ISO 8601 UTC; null while running.
      type: str
    duration_seconds:
      description: Duration, when finished.
      type: float
    log:
      description: Log records (C(logTime), C(status), C(message)), when O(include_log=true).
      type: list
      elements: dict
    restored_items:
      description: Restored items (C(name), C(resourceGroupName), C(regionName)), when O(include_restored_items=true).
      type: list
      elements: dict
    raw:
      description: The session as Veeam returned it.
      type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._veeam import read_session
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import (
    ARCHIVED_VERSION,
    SESSION_ID_EXAMPLE,
    VeeamAzureConnection,
    normalize_session,
)

ARGUMENT_SPEC = {
    'session_id': {'type': 'str', 'required': True},
    'include_log': {'type': 'bool', 'default': True},
    'include_restored_items': {'type': 'bool', 'default': True},
}


def check_options(params, module):
    if params['api_version'] == ARCHIVED_VERSION:
        raise OptionError('api_version: v1 only serves the archived restore point listing; job sessions need v8.1, v8, v7 or v6')
    _checks.path_id('session_id', params['session_id'], SESSION_ID_EXAMPLE)


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAzureConnection, checks=check_options, supports_check_mode=True)
    module.run(lambda client: read_session(module.params, client, normalize_session))


if __name__ == '__main__':
    main()
