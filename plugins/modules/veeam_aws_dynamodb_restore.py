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
    the restore point was created, that session is returned instead of starting another (C(changed=false)).
    O(force=true) starts a new one anyway.
  - A restore whose answer is lost (the connection dropped, or a proxy answered 502/504) is looked up among
    the appliance's sessions before anything else; the request is sent again, up to three times in all, only
    when no session appeared. A restore is thus neither started twice nor left unreported.
  - The field names inside C(authenticationSpecification) and C(differentLocationSpecification) are not
    published by Veeam for DynamoDB. The module keeps them in one table in the collection's
    C(_veeam_aws) module_utils (see the collection's docs), so a correction is a one-line change.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.veeam_aws
  - recoverops.restore.veeam_aws.actiongroup
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
      - Read capacity units of the new table and its global secondary indexes (provisioned mode).
    type: int
  write_capacity_units:
    description:
      - Write capacity units of the new table and its global secondary indexes (provisioned mode).
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
      - Reason saved with the restore session in Veeam's history, e.g. the change or drill id.
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

import datetime
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
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp, utc_now
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import (
    SESSION_STATES,
    VeeamAwsConnection,
    build_restore_body,
    normalize_restore_point,
    restore_target,
    session_reader,
    session_state,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import StateMap, WaitTimeout, wait_for_job

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
    force={'type': 'bool', 'default': False},
    **WAIT_ARGSPEC,
)
NEW_TABLE_OPTIONS = ('target_table_name', 'target_region', 'table_class', 'capacity_mode', 'read_capacity_units',
                     'write_capacity_units', 'point_in_time_recovery', 'deletion_protection', 'kms_key')
TABLE_NAME_RE = re.compile(r'^[a-zA-Z0-9_.-]{3,255}$')
# How long a session may take to show up in /sessions after an empty 202, and the clock skew we allow.
SESSION_APPEAR_TIMEOUT = 60
# After a lost answer: how long to look for the session, and how often to send the POST in all.
LOST_ANSWER_LOOKUP = 10
POST_ATTEMPTS = 3
CLOCK_SKEW = datetime.timedelta(minutes=2)


def check_options(module):
    """Every rule the API would enforce, checked before the first request."""
    params = module.params
    module.check_uuid('restore_point_id')
    module.check_wait_options()
    module.check_uuid('authentication.iam_role_id', params['authentication'].get('iam_role_id'))
    if params['restore_to_original']:
        extra = [name for name in NEW_TABLE_OPTIONS if params[name] is not None]
        if extra:
            module.fail_json(msg='%s only apply to a restore to a new table; remove them or set restore_to_original: false'
                             % ', '.join(extra))
        return
    name = params['target_table_name']
    if not name:
        module.fail_json(msg='target_table_name is required for a restore to a new table (restore_to_original: false)')
    if not TABLE_NAME_RE.match(name):
        module.fail_json(msg='target_table_name must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and ., got %r' % name)
    units = [unit for unit in ('read_capacity_units', 'write_capacity_units') if params[unit] is not None]
    for unit in units:
        module.check_positive(unit, 1)
    if params['capacity_mode'] == 'provisioned' and len(units) < 2:
        module.fail_json(msg='capacity_mode: provisioned needs read_capacity_units and write_capacity_units')
    if units and params['capacity_mode'] != 'provisioned':
        module.fail_json(msg='%s need capacity_mode: provisioned (got capacity_mode: %s)' % (' and '.join(units), params['capacity_mode']))


def restore(module, client):
    params = module.params
    point = normalize_restore_point(client.get_restore_point(params['restore_point_id']))
    table, region = restore_target(params, point)
    result = {'changed': False, 'existing': False, 'restore_point': point, 'request': build_restore_body(params),
              'target': {'table_name': table, 'region': region}}
    before = client.find_restore_sessions((table, region), since=parse_timestamp(point['created_at']))
    reusable = [session for session in before if SESSION_STATES.outcome(session_state(session)) != 'failed']
    if reusable and not params['force']:
        result.update(existing=True, session_id=reusable[0]['id'])
        return module.finish_job(result, result['session_id'], session_reader(client))
    result['changed'] = True
    if module.check_mode:
        return result
    result['session_id'] = start(client, point, result, known={session['id'] for session in before})
    return module.finish_job(result, result['session_id'], session_reader(client))


def start(client, point, result, known):
    """POST the restore and return its session id, finding the session when the 202 does not name it.

    An answer lost on the way (dropped connection, a proxy's 502/504) may hide a restore that did
    start, so its session is looked for first; the request is sent again only when none appeared.
    A restore is thus neither started twice nor left unreported.
    """
    target = result['target']
    for attempt in range(1, POST_ATTEMPTS + 1):
        posted_at = utc_now()
        try:
            session_id = client.start_restore(point['id'], result['request'])
        except ApiError as exc:
            if not isinstance(exc, ApiConnectionError) and exc.status not in RETRY_IF_IDEMPOTENT:
                raise
            session_id = find_new_session(client, target, posted_at, known, timeout=LOST_ANSWER_LOOKUP)
            if session_id is not None:
                return session_id
            if attempt < POST_ATTEMPTS:
                continue
            raise OperationFailed('The restore request was sent %d times and each answer was lost (last: %s); no restore '
                                  'session for %s in %s appeared. Check Sessions on the appliance before running again.'
                                  % (POST_ATTEMPTS, exc.msg, target['table_name'], target['region']), **result) from None
        if session_id is None:
            session_id = find_new_session(client, target, posted_at, known, timeout=SESSION_APPEAR_TIMEOUT)
        if session_id is None:
            raise OperationFailed('Veeam accepted the restore but no restore session for %s in %s appeared within %ss; '
                                  'check Sessions on the appliance.' % (target['table_name'], target['region'], SESSION_APPEAR_TIMEOUT),
                                  **result)
        return session_id
    return None


def find_new_session(client, target, posted_at, known, timeout):
    def newest_unknown():
        sessions = client.find_restore_sessions((target['table_name'], target['region']), since=posted_at - CLOCK_SKEW,
                                                outcomes=('running', 'succeeded', 'warning', 'failed'))
        fresh = [session for session in sessions if session['id'] not in known]
        return ('found', fresh[0]) if fresh else ('missing', None)
    try:
        found = wait_for_job(newest_unknown, StateMap(succeeded=('found',)), timeout=timeout, poll_interval=1, max_interval=5)
    except WaitTimeout:
        return None
    return found.job['id']


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=VeeamAwsConnection, supports_check_mode=True)
    check_options(module)
    module.run(lambda client: restore(module, client))


if __name__ == '__main__':
    main()
