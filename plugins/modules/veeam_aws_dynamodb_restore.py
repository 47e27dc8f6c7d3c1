#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: veeam_aws_dynamodb_restore
short_description: Restore a DynamoDB table from a Veeam Backup for AWS restore point
version_added: 1.0.0
description:
  - Starts the restore of a DynamoDB table from a restore point, to its original place or to a new table
    (other name, region, table class, capacity, point-in-time recovery, deletion protection, KMS key),
    and waits for the restore session to finish.
  - Idempotent. When a restore session into the same target table and region is running, or succeeded after
    the restore point was created into a table that still exists (see O(target_exists)), that session is returned
    instead of starting another (C(changed=false)). O(force=true) starts a new one anyway.
  - The field names inside C(authenticationSpecification) and C(differentLocationSpecification) are not
    published by Veeam for DynamoDB. The module keeps them in one table in the collection's
    C(_veeam_aws) module_utils (see the collection's docs), so a correction is a one-line change.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
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
      - Id (a UUID) of the restore point, as returned by M(recoverops.restore.veeam_aws_dynamodb_restore_point_info).
    type: str
    required: true
  restore_to_original:
    description:
      - Restore to the original table name in its original region.
      - Veeam refuses this while the original table exists, so it never overwrites data; delete or rename the
        table first.
    type: bool
    default: false
  target_table_name:
    description:
      - Name of the new table (3 to 255 of V(a-z), V(A-Z), V(0-9), V(_), V(-), V(.)). Required unless
        O(restore_to_original=true).
    type: str
  target_region:
    description:
      - AWS region of the new table. Defaults to the region of the restore point.
    type: str
  table_class:
    description:
      - Table class of the new table.
    type: str
    choices: [standard, standard_infrequent_access]
  capacity_mode:
    description:
      - Capacity mode of the new table. V(provisioned) needs O(read_capacity_units) and O(write_capacity_units).
    type: str
    choices: [on_demand, provisioned]
  read_capacity_units:
    description:
      - Read capacity units of the new table and its global secondary indexes (provisioned mode), 1 to 2**63-1;
        above 40,000, the default DynamoDB quota per table, the module warns.
    type: int
  write_capacity_units:
    description:
      - Write capacity units of the new table and its global secondary indexes (provisioned mode), 1 to 2**63-1;
        above 40,000, the default DynamoDB quota per table, the module warns.
    type: int
  point_in_time_recovery:
    description:
      - Turn point-in-time recovery on or off on the new table.
    type: bool
  deletion_protection:
    description:
      - Turn deletion protection on or off on the new table.
    type: bool
  kms_key:
    description:
      - KMS key ARN or alias for server-side encryption of the new table. Default keeps the original encryption.
    type: str
  reason:
    description:
      - Reason saved with the restore session in Veeam's history, e.g. the change or drill id, at most 456 characters.
      - The module adds C([recoverops point <restore_point_id>]) after it (C(recoverops.restore) when no reason is
        given). Veeam's sessions do not say which restore point they restored, so a rerun reuses only a session whose
        reason names this point, never another point's restore into the same table.
    type: str
  authentication:
    description:
      - How the appliance authenticates to AWS to perform the restore. Set either O(authentication.iam_role_id)
        or O(authentication.access_key) with O(authentication.secret_key).
    type: dict
    required: true
    suboptions:
      iam_role_id:
        description:
          - Veeam id (a UUID) of an IAM role added to the appliance.
        type: str
      access_key:
        description:
          - One-time AWS access key id; Veeam does not store it.
        type: str
      secret_key:
        description:
          - Secret access key of O(authentication.access_key).
        type: str
  target_exists:
    description:
      - Whether the table the restore writes to exists now, as the caller read it off DynamoDB (for example with
        M(recoverops.restore.dynamodb_table_info); the C(recoverops.restore.restore_latest) role does). Veeam's table
        inventory lags the AWS account, so the module cannot tell by itself.
      - V(false) - an earlier restore into this target whose table has since been deleted is not reused; a new
        restore starts.
      - V(true) - an earlier restore of this point into the target is reused; with none, the restore to a new table
        is refused before anything is sent, since the table there was not made by it.
      - Unset - earlier restores into the target that succeeded are reused, and nothing is refused.
    type: bool
  force:
    description:
      - Start a new restore even when a matching session is running or succeeded.
    type: bool
    default: false
seealso:
  - module: recoverops.restore.veeam_aws_dynamodb_restore_point_info
  - module: recoverops.restore.veeam_aws_session_info
'''

EXAMPLES = r'''
- name: Restore the newest point of orders into a drill table
  module_defaults:
    group/recoverops.restore.veeam_aws:
      server: https://vbaws.example.com:11005
      username: restore-operator
      password: "{{ vbaws_password }}"
      ca_path: /etc/pki/vbaws-ca.pem
  block:
    - name: Find the newest point
      recoverops.restore.veeam_aws_dynamodb_restore_point_info:
        table_name: orders
        latest: true
      register: newest

    - name: Restore it as orders-drill, on demand, with PITR
      recoverops.restore.veeam_aws_dynamodb_restore:
        restore_point_id: "{{ newest.restore_points[0].id }}"
        target_table_name: orders-drill
        capacity_mode: on_demand
        point_in_time_recovery: true
        reason: Monthly DR drill
        authentication:
          iam_role_id: 6a3d1f2e-8b7c-4d5e-9f01-23456789abcd
        wait_timeout: 7200
      register: restored

- name: Start a restore to the original table (after it was deleted) and return at once
  recoverops.restore.veeam_aws_dynamodb_restore:
    restore_point_id: "{{ point_id }}"
    restore_to_original: true
    authentication:
      access_key: "{{ restore_access_key }}"
      secret_key: "{{ restore_secret_key }}"
    wait: false
  register: started
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
      description: 'What the restore creates, e.g. C({type: dynamodb_table, name, region, account}).'
      type: dict
    request:
      description: The request sent (or that check mode would send), secrets masked.
      type: dict
    raw:
      description: The product's own job object, untouched.
      type: dict
session_id:
  description: Id of the restore session (started now, or the existing one when C(changed=false)).
  returned: when a session exists or was started
  type: str
  sample: 1b2c3d4e-5f60-4718-89ab-cdef01234567
session:
  description: The restore session, normalized.
  returned: when a session exists or was started
  type: dict
  contains:
    id:
      description: Session id.
      type: str
    status:
      description: Veeam's session status (V(Running), V(Succeeded), V(Warning), V(Failed), V(Canceled)).
      type: str
    result:
      description: Veeam's session result (V(Running), V(Success), V(Warning), V(Failed), V(Cancelled)).
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning) or V(failed).
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
  description: The restore point used, normalized (see M(recoverops.restore.veeam_aws_dynamodb_restore_point_info)).
  returned: always
  type: dict
target:
  description: The table the restore writes to.
  returned: always
  type: dict
  sample: {"table_name": "orders-drill", "region": "us-east-1"}
request:
  description: The restore request body (sent, or in check mode the one that would be sent). Secrets are masked.
  returned: always
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
from ansible_collections.recoverops.restore.plugins.module_utils import _veeam
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import DynamoDbRestore, VeeamAwsConnection

ARGUMENT_SPEC = dict(
    restore_point_id={'type': 'str', 'required': True},
    restore_to_original={'type': 'bool', 'default': False},
    target_table_name={'type': 'str'},
    target_region={'type': 'str'},
    table_class={'type': 'str', 'choices': ['standard', 'standard_infrequent_access']},
    capacity_mode={'type': 'str', 'choices': ['on_demand', 'provisioned']},
    read_capacity_units={'type': 'int'},
    write_capacity_units={'type': 'int'},
    point_in_time_recovery={'type': 'bool'},
    deletion_protection={'type': 'bool'},
    kms_key={'type': 'str', 'no_log': False},
    reason={'type': 'str'},
    authentication={
        'type': 'dict', 'required': True,
        'options': {
            'iam_role_id': {'type': 'str'},
            'access_key': {'type': 'str', 'no_log': False},
            'secret_key': {'type': 'str', 'no_log': True},
        },
        'required_one_of': [('iam_role_id', 'access_key')],
        'mutually_exclusive': [('iam_role_id', 'access_key')],
        'required_together': [('access_key', 'secret_key')],
    },
    target_exists={'type': 'bool'},
    force={'type': 'bool', 'default': False},
    **WAIT_ARGSPEC,
)
NEW_TABLE_OPTIONS = ('target_table_name', 'target_region', 'table_class', 'capacity_mode', 'read_capacity_units',
                     'write_capacity_units', 'point_in_time_recovery', 'deletion_protection', 'kms_key')


def check_options(params, module):
    """Every rule the API would enforce, checked before the first request."""
    _checks.uuid('restore_point_id', params['restore_point_id'])
    _checks.uuid('authentication.iam_role_id', params['authentication'].get('iam_role_id'))
    _checks.not_blank('authentication.access_key', params['authentication'].get('access_key'))
    _checks.at_least('wait_timeout', params['wait_timeout'], 0)
    _checks.at_least('poll_interval', params['poll_interval'], 1)
    _veeam.check_reason(params['reason'])
    if params['restore_to_original']:
        extra = [name for name in NEW_TABLE_OPTIONS if params[name] is not None]
        if extra:
            raise OptionError('%s only apply to a restore to a new table; remove them or set restore_to_original: false'
                              % ', '.join(extra))
        return
    if not params['target_table_name']:
        raise OptionError('target_table_name is required for a restore to a new table (restore_to_original: false)')
    _checks.table_name('target_table_name', params['target_table_name'])
    _checks.region('target_region', params['target_region'])
    _checks.not_blank('kms_key', params['kms_key'])
    units = [unit for unit in ('read_capacity_units', 'write_capacity_units') if params[unit] is not None]
    for unit in units:
        _checks.capacity(unit, params[unit], warn=module.warn)
    if params['capacity_mode'] == 'provisioned' and len(units) < 2:
        raise OptionError('capacity_mode: provisioned needs read_capacity_units and write_capacity_units')
    if units and params['capacity_mode'] != 'provisioned':
        raise OptionError('%s need capacity_mode: provisioned (got capacity_mode: %s)' % (' and '.join(units), params['capacity_mode']))


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAwsConnection, checks=check_options, supports_check_mode=True)
    module.run(lambda client: run_restore(module, DynamoDbRestore(module, client)))


if __name__ == '__main__':
    main()
