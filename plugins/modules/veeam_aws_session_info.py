#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_aws_session_info
short_description: Read a Veeam Backup for AWS session, its log and restored items
version_added: 1.0.0
description:
  - Returns one session with its status, result, timings, log and restored items, for instance a restore
    started by M(recoverops.restore.veeam_aws_dynamodb_restore) with
    O(recoverops.restore.veeam_aws_dynamodb_restore#module:wait=false).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  session_id:
    description:
      - Id (a UUID) of the session.
    type: str
    required: true
  include_log:
    description:
      - Also read the session log.
    type: bool
    default: true
  include_restored_items:
    description:
      - Also read the items the session restored (tables, with their region and status).
    type: bool
    default: true
seealso:
  - module: recoverops.restore.veeam_aws_dynamodb_restore
'''

EXAMPLES = r'''
- name: Check on a restore started without waiting
  recoverops.restore.veeam_aws_session_info:
    session_id: "{{ started.session_id }}"
  register: restore_session

- name: Wait in the playbook instead, printing the status of each poll
  recoverops.restore.veeam_aws_session_info:
    session_id: "{{ started.session_id }}"
    include_log: false
  register: restore_session
  until: restore_session.session.outcome != 'running'
  retries: 120
  delay: 30
'''

RETURN = r'''
session:
  description: The session, normalized.
  returned: always
  type: dict
  contains:
    id:
      description: Session id.
      type: str
    type:
      description: Session type, e.g. V(RestoreTask).
      type: str
    status:
      description: Veeam's status (V(Running), V(Succeeded), V(Warning), V(Failed), V(Canceled)).
      type: str
    result:
      description: Veeam's result (V(Running), V(Success), V(Warning), V(Failed), V(Cancelled)).
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning) or V(failed), whichever spelling Veeam used.
      type: str
    reason:
      description: The reason given when the session was started.
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
      description: Restored items (C(name), C(status), C(regionName)), when O(include_restored_items=true).
      type: list
      elements: dict
    raw:
      description: The session as Veeam returned it.
      type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._veeam import read_session
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import VeeamAwsConnection, normalize_session

ARGUMENT_SPEC = {
    'session_id': {'type': 'str', 'required': True},
    'include_log': {'type': 'bool', 'default': True},
    'include_restored_items': {'type': 'bool', 'default': True},
}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAwsConnection, supports_check_mode=True)
    module.check_uuid('session_id')
    module.run(lambda client: read_session(module.params, client, normalize_session))


if __name__ == '__main__':
    main()
