#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: async_restore_wait
short_description: Wait for a restore started as an async job, showing the restore's own progress
version_added: 1.1.0
description:
  - Waits for an async job (a restore module run with C(async) and C(poll=0), as the C(recoverops.restore.restore_latest) role does
    when C(restore_latest_async) is set) and returns its result, like M(ansible.builtin.async_status) in an C(until) loop,
    but without a C(FAILED - RETRYING) line per poll. The C(recoverops.restore.dr_drill) role does not use it, since its
    items run in M(recoverops.restore.dr_drill_run).
  - On the local connection (where the collection's modules run) it reads the job's result file and the restore's
    progress file on the controller, so a wait costs no process per poll and the output shows one line per poll of
    the restore (its state, percent done, time waited). On other connections it runs M(ansible.builtin.async_status)
    every O(poll_interval) seconds.
  - This is an action plugin; it runs on the controller.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Only reads.
  diff_mode:
    support: none
  action:
    description: The waiting runs in the action plugin, on the controller.
    support: full
options:
  jid:
    description:
      - The async job id (C(ansible_job_id) of the task that started the restore).
    type: str
    required: true
  timeout:
    description:
      - Seconds to wait before giving up; the job keeps running.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two async_status runs on a remote connection. The local connection reads every second.
    type: int
    default: 5
  progress_file:
    description:
      - The file the restore module appends its polls to (the E(RECOVEROPS_PROGRESS_FILE) of its task), shown as they come.
    type: path
seealso:
  - module: ansible.builtin.async_status
'''

EXAMPLES = r'''
- name: Start a restore in the background
  recoverops.restore.veeam_aws_dynamodb_restore:
    restore_point_id: "{{ point_id }}"
    target_table_name: orders-drill
    authentication:
      iam_role_id: "{{ role_id }}"
  environment:
    RECOVEROPS_PROGRESS_FILE: /tmp/orders-drill.progress
  async: 7200
  poll: 0
  register: started

- name: Wait for it
  recoverops.restore.async_restore_wait:
    jid: "{{ started.ansible_job_id }}"
    timeout: 7200
    progress_file: /tmp/orders-drill.progress
  register: restored
'''

RETURN = r'''
finished:
  description: True when the job ended within O(timeout).
  returned: always
  type: bool
ansible_job_id:
  description: The job id.
  returned: always
  type: str
job:
  description: The restore module's normalized job (every other key of the module's result is returned too).
  returned: when the job ended and the module returned one
  type: dict
'''
