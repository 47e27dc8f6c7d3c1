#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: clumio_dynamodb_records_restore
short_description: Restore selected DynamoDB records from a Clumio backup
version_added: 1.0.0
description:
  - Record-level restore (C(POST /restores/aws/dynamodb-tables/records?embed=read-task)) with partition and sort key
    conditions and attribute filters.
  - O(delivery=preview) returns the matching rows at once (HTTP 200, nothing changes); V(direct_download) and
    V(email) start a task that prepares a download, which the module can wait for.
  - Every run with V(direct_download) or V(email) starts a new task (each produces a new download).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.clumio
  - recoverops.restore.clumio.actiongroup
  - recoverops.restore.wait
attributes:
  check_mode:
    description: Validates and reports the request; starts nothing (a preview is not sent either).
    support: full
  diff_mode:
    description: Not supported.
    support: none
options:
  backup_id:
    description: Clumio backup id to read records from.
    type: str
  continuous_backup:
    description: Read records from continuous backup instead.
    type: dict
    suboptions:
      table_id:
        description: Clumio table id.
        type: str
        required: true
      timestamp:
        description: Point in time (RFC 3339).
        type: str
      use_latest_restorable_time:
        description: Latest restorable time.
        type: bool
        default: false
  partition_key_filter:
    description: Condition on the partition key.
    type: dict
    suboptions:
      condition:
        description: EqualTo, NotEqualTo, LessThan(OrEqualTo), GreaterThan(OrEqualTo), Between, Exists, NotExists, Contains, NotContains, BeginsWith.
        type: str
        required: true
      values:
        description: Operands (two for Between, none for Exists/NotExists, else one).
        type: list
        elements: str
        default: []
  sort_key_filter:
    description: Condition on the sort key, as O(partition_key_filter).
    type: dict
    suboptions:
      condition:
        description: As O(partition_key_filter.condition).
        type: str
        required: true
      values:
        description: Operands.
        type: list
        elements: str
        default: []
  attribute_filters:
    description: Conditions on other attributes.
    type: list
    elements: dict
    suboptions:
      name:
        description: Attribute name.
        type: str
        required: true
      type:
        description: Attribute type.
        type: str
        required: true
        choices: [String, Number, Binary, Boolean, 'Null']
      condition:
        description: As O(partition_key_filter.condition).
        type: str
        required: true
      values:
        description: Operands.
        type: list
        elements: str
        default: []
  delivery:
    description: Where the records go.
    type: str
    choices: [preview, direct_download, email]
    default: preview
  recipient_emails:
    description: Recipients for O(delivery=email).
    type: list
    elements: str
  email_message:
    description: Message for O(delivery=email).
    type: str
'''

EXAMPLES = r'''
- name: Preview the orders of one customer
  recoverops.restore.clumio_dynamodb_records_restore:
    api_token: "{{ clumio_api_token }}"
    backup_id: "{{ newest.backups[0].id }}"
    partition_key_filter:
      condition: EqualTo
      values: [customer-42]
'''

RETURN = r'''
preview:
  description: The preview, C(attributes) and C(items) (rows of strings).
  returned: when O(delivery=preview)
  type: dict
task:
  description: The task preparing the download.
  returned: when a task was started
  type: dict
request:
  description: The body sent.
  returned: always
  type: dict
'''

import re

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import (
    ClumioConnection,
    build_records_body,
    check_continuous,
    check_key_filter,
    normalize_task,
    task_reader,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule

KEY_FILTER = {'condition': {'type': 'str', 'required': True}, 'values': {'type': 'list', 'elements': 'str', 'default': []}}
ARGUMENT_SPEC = {
    'backup_id': {'type': 'str'},
    'continuous_backup': {'type': 'dict', 'options': {'table_id': {'type': 'str', 'required': True}, 'timestamp': {'type': 'str'},
                                                      'use_latest_restorable_time': {'type': 'bool', 'default': False}}},
    # Conditions on table keys, not secrets.
    'partition_key_filter': {'type': 'dict', 'options': KEY_FILTER, 'no_log': False},
    'sort_key_filter': {'type': 'dict', 'options': KEY_FILTER, 'no_log': False},
    'attribute_filters': {'type': 'list', 'elements': 'dict', 'options': {
        'name': {'type': 'str', 'required': True},
        'type': {'type': 'str', 'required': True, 'choices': ['String', 'Number', 'Binary', 'Boolean', 'Null']},
        **KEY_FILTER}},
    'delivery': {'type': 'str', 'choices': ['preview', 'direct_download', 'email'], 'default': 'preview'},
    'recipient_emails': {'type': 'list', 'elements': 'str'},
    'email_message': {'type': 'str'},
    **WAIT_ARGSPEC,
}
EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')


def check_options(module):
    params = module.params
    errors = []
    for name in ('partition_key_filter', 'sort_key_filter'):
        if params[name]:
            message = check_key_filter(name, params[name])
            if message:
                errors.append(message)
    for position, item in enumerate(params['attribute_filters'] or []):
        message = check_key_filter('attribute_filters[%d]' % position, item)
        if message:
            errors.append(message)
    message = check_continuous('continuous_backup', params['continuous_backup'])
    if message:
        errors.append(message)
    if params['delivery'] == 'email':
        bad = [address for address in params['recipient_emails'] or [] if not EMAIL_RE.match(address)]
        if not params['recipient_emails'] or bad:
            errors.append('recipient_emails must list e-mail addresses for delivery email, got %r' % (params['recipient_emails'],))
    elif params['recipient_emails'] or params['email_message']:
        errors.append('recipient_emails and email_message apply only to delivery email')
    if errors:
        module.fail_json(msg='; '.join(errors))
    module.check_wait_options()


def records(module, client):
    params = module.params
    body = build_records_body(params)
    preview = params['delivery'] == 'preview'
    result = {'changed': not preview, 'request': body}
    if module.check_mode:
        return result
    answer = client.restore_records(body) or {}
    if preview:
        result['preview'] = answer.get('preview_result') or {'attributes': [], 'items': []}
        return result
    task_id = answer.get('task_id')
    result['task'] = normalize_task((answer.get('_embedded') or {}).get('read-task') or {'id': task_id})
    return module.finish_job(result, task_id, task_reader(client), key='task', what='Clumio task')


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=ClumioConnection, supports_check_mode=True,
                              mutually_exclusive=[('backup_id', 'continuous_backup')],
                              required_one_of=[('backup_id', 'continuous_backup')])
    check_options(module)
    module.run(lambda client: records(module, client))


if __name__ == '__main__':
    main()
