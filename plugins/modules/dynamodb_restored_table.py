#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dynamodb_restored_table
short_description: Claim or delete a DynamoDB table that a restore or a DR drill created
version_added: 1.0.0
description:
  - With O(state=present), claims a table that a restore just created, by tagging it C(recoverops:restored-from) plus
    O(tags). Restores by other products (Veeam, Clumio) do not tag the tables they create; a drill claims them so that
    it may clean them up later. A table that is not tagged yet is only claimed when DynamoDB says it was created at or
    after O(created_after), so an older table, production data among them, is never claimed.
  - With O(state=absent), deletes a table only if it carries the C(recoverops:restored-from) tag that the restores of
    this collection put on the tables they create, and every tag of O(required_tags) (a drill adds its own).
    A table without them is refused, so a typo in a cleanup task cannot delete production data.
  - A table that does not exist is C(changed=false). Waits until the table is gone.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the table and its tags, deletes nothing.
  diff_mode:
    support: none
options:
  table_name:
    description: Name or ARN of the table.
    type: str
    required: true
  state:
    description:
      - V(present) claims the table, V(absent) deletes it.
      - Omitted, V(absent) is assumed with a deprecation warning. That default is deprecated and changes to V(present)
        in release 2.0.0, as amazon.aws and community.general modules default to V(present); always set O(state).
    type: str
    choices: [present, absent]
  required_tags:
    description: Tags the table must also carry, with these values, to be deleted.
    type: dict
    default: {}
  restored_from:
    description: With O(state=present), what the table was restored from (a restore point id), the value of its C(recoverops:restored-from) tag.
    type: str
  created_after:
    description:
      - With O(state=present), an ISO 8601 time at or after which the table must have been created, for example when the
        restore was requested. A minute of clock difference between the controller and AWS is allowed.
    type: str
  tags:
    description: With O(state=present), more tags to put on the table, for example the drill's id.
    type: dict
    default: {}
  wait:
    description: Wait until the table is gone.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the deletion.
    type: int
    default: 600
  poll_interval:
    description: Seconds between the first polls; then a tenth of the time already waited, at most 5 minutes.
    type: int
    default: 2
'''

EXAMPLES = r'''
- name: Claim the table a Veeam restore created a minute ago, for this drill
  recoverops.restore.dynamodb_restored_table:
    table_name: orders-drill
    state: present
    restored_from: "{{ restore_point_id }}"
    created_after: "{{ restore_requested_at }}"
    tags:
      recoverops:drill: "{{ drill_id }}"

- name: Remove the table the drill restored
  recoverops.restore.dynamodb_restored_table:
    table_name: orders-drill
    state: absent
    required_tags:
      recoverops:drill: "{{ drill_id }}"
'''

RETURN = r'''
table:
  description: The table as it was before the change (C(name), C(arn), C(status), C(tags)...).
  returned: when the table existed
  type: dict
tags:
  description: The tags the table carries after the claim.
  returned: with O(state=present)
  type: dict
'''

import datetime

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    RESTORED_TAG,
    DynamoDBConnection,
    call,
    describe_table,
    normalize_table,
    table_or_arn,
    table_tags,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import StateMap, wait_for_job

ARGUMENT_SPEC = {
    'table_name': {'type': 'str', 'required': True},
    'state': {'type': 'str', 'choices': ['present', 'absent']},
    'required_tags': {'type': 'dict', 'default': {}},
    'wait': {'type': 'bool', 'default': True},
    'wait_timeout': {'type': 'int', 'default': 600},
    'poll_interval': {'type': 'int', 'default': 2},
    'restored_from': {'type': 'str'},
    'created_after': {'type': 'str'},
    'tags': {'type': 'dict', 'default': {}},
}
CLOCK_SLACK = datetime.timedelta(minutes=1)
GONE = StateMap(running=('DELETING', 'ACTIVE', 'UPDATING', 'CREATING'), succeeded=('GONE',))


def remove(module, dynamodb):
    params = module.params
    raw = describe_table(dynamodb, params['table_name'])
    if raw is None:
        return {'changed': False}
    table = normalize_table(raw, table_tags(dynamodb, raw['TableArn']))
    check_ours(table, params['required_tags'])
    result = {'changed': True, 'table': table}
    if module.check_mode or raw['TableStatus'] == 'DELETING':
        result['changed'] = raw['TableStatus'] != 'DELETING'
    else:
        call(dynamodb, 'delete_table', TableName=raw['TableName'])
    if params['wait'] and not module.check_mode:
        def poll():
            current = describe_table(dynamodb, raw['TableName'])
            return ('GONE', None) if current is None else (current['TableStatus'], current)
        result['wait'] = wait_for_job(poll, GONE, timeout=params['wait_timeout'], poll_interval=params['poll_interval']).as_dict()
    return result


def claim(module, dynamodb, created_after):
    params = module.params
    raw = describe_table(dynamodb, params['table_name'])
    if raw is None:
        raise OperationFailed('Table %s does not exist, so there is nothing to claim' % params['table_name'])
    table = normalize_table(raw, table_tags(dynamodb, raw['TableArn']))
    tags = table['tags'] or {}
    if RESTORED_TAG not in tags and parse_timestamp(raw['CreationDateTime']) < created_after - CLOCK_SLACK:
        raise OperationFailed('Refusing to claim table %s: it was created %s, before %s, so this restore did not create it'
                              % (table['name'], table['created_at'], iso_z(created_after)), table=table)
    wanted = dict(params['tags'], **{RESTORED_TAG: tags.get(RESTORED_TAG, params['restored_from'])})
    missing = {key: str(value) for key, value in wanted.items() if tags.get(key) != str(value)}
    if missing and not module.check_mode:
        call(dynamodb, 'tag_resource', ResourceArn=raw['TableArn'], Tags=[{'Key': key, 'Value': value} for key, value in missing.items()])
    return {'changed': bool(missing), 'table': table, 'tags': dict(tags, **missing)}


def check_ours(table, required_tags):
    tags = table['tags'] or {}
    if RESTORED_TAG not in tags:
        raise OperationFailed('Refusing to delete table %s: it has no %s tag, so no restore of this collection created it'
                              % (table['name'], RESTORED_TAG), table=table)
    wrong = sorted(key for key, value in required_tags.items() if tags.get(key) != str(value))
    if wrong:
        raise OperationFailed('Refusing to delete table %s: required_tags %s do not match its tags (%s)'
                              % (table['name'], ', '.join(wrong), ', '.join('%s=%s' % (key, tags.get(key)) for key in wrong)),
                              table=table)
    if table['deletion_protection']:
        raise OperationFailed('Table %s has deletion protection enabled; turn it off first if it really is to go' % table['name'],
                              table=table)


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=DynamoDBConnection, requires_requests=False, supports_check_mode=True,
                              required_if=[('state', 'present', ('restored_from', 'created_after'))],
                              checks=lambda params, _module: table_or_arn('table_name', params['table_name']))
    module.check_wait_options()
    if module.params['state'] is None:
        module.deprecate('state was not set, so absent (delete the table) was assumed. That default is deprecated and becomes '
                         'present in 2.0.0: set state: absent to delete, state: present to claim', version='2.0.0',
                         collection_name='recoverops.restore')
        module.params['state'] = 'absent'
    if module.params['state'] == 'present':
        created_after = module.check_timestamp('created_after', allow_future=True)
        module.run(lambda clients: claim(module, clients.dynamodb, created_after))
    module.run(lambda clients: remove(module, clients.dynamodb))


if __name__ == '__main__':
    main()
