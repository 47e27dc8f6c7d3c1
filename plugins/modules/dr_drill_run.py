#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dr_drill_run
short_description: Run the items of a DR drill side by side, on the controller, and return their records
version_added: 1.1.0
description:
  - Runs every item of a DR drill, as the C(recoverops.restore.dr_drill) role gives them in C(dr_drill_items), and
    returns one record per item for the role's report. Most plays use the role, which runs this action, checks the
    drill before it and writes the report after it.
  - For each item it finds the restore point with the product's info module, refuses a point that is not the
    source's or is older than the item's C(rpo), starts the restore with the product's restore module and waits for
    it, then verifies what the restore made with M(recoverops.restore.dynamodb_table_info) or
    M(recoverops.restore.aws_restored_resource_info) and, when the item asks for cleanup, claims and removes it with
    M(recoverops.restore.dynamodb_restored_table) or M(recoverops.restore.aws_restored_resource). The modules get
    the arguments a task would give them, the play's C(module_defaults) (their action groups included) and the task's
    C(environment).
  - The modules run inside the controller's process, loaded once, and each item in a fork of it, so an item costs its
    own requests rather than a Python process per module run and a task per step. Items run side by side, at most
    O(max_parallel) at once; each restore's polls are shown as they come (C(drill/<item name>) lines).
  - An item that fails, at any step, is recorded failed with what failed, keeping the restore point it found and the
    job it started; it never stops the other items. An item whose restore module has not returned O(wait_timeout) plus
    300 seconds after the item started is stopped and recorded failed, naming the restore its last progress line showed
    (which may still run in the product). Once the restore returned, verifying and cleaning up are bounded by their
    modules' own waits (O(ready_timeout), the table's deletion).
  - The play's C(module_defaults) are templated once, before any item starts, for the modules the items' products use;
    one that cannot be templated fails the task before anything starts.
  - The whole drill is checked before any item starts, as the role's plan checks it; a bad item fails the task and
    nothing starts.
  - This is an action plugin; it runs on the controller, whatever the host.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Each module runs in check mode, so no restore starts and nothing is tagged or removed.
  diff_mode:
    support: none
  action:
    description: The items run in the action plugin, on the controller.
    support: full
options:
  items:
    description:
      - The drill's items, as C(dr_drill_items) of the C(recoverops.restore.dr_drill) role describes them (C(name),
        C(product), C(source), C(target), C(rpo), C(rto), C(point_in_time), C(cleanup), C(verify)).
    type: list
    elements: dict
    required: true
  name:
    description:
      - >-
        The drill's name. It is the default reason of a Veeam restore (C(<name>: <item name>)) and the value of the
        C(recoverops:drill) tag a restored table is claimed with before it is removed.
    type: str
    default: DR drill
  cleanup:
    description:
      - Remove what each restore made once it is verified, unless the item says otherwise (its C(cleanup)).
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds each restore module waits for its restore.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two polls of a restore, as the restore modules take it.
    type: int
    default: 5
  ready_timeout:
    description:
      - Seconds M(recoverops.restore.aws_restored_resource_info) waits for a restored AWS resource to be ready.
    type: int
    default: 900
  progress_dir:
    description:
      - An existing folder on the controller for the restores' progress lines, one file per item (C(<item name>.jsonl)),
        which stay there. By default a folder of the task's own, removed when it ends.
    type: path
  max_parallel:
    description:
      - How many items run at once, each a process on the controller; the others wait for a free one.
    type: int
    default: 100
  results_dir:
    description:
      - When set, each item's record is also written to C(<results_dir>/<run_id>/<item name>.json) (characters other
        than letters, digits, C(_), C(.) and C(-) as C(_)) for the report step of a sliced drill
        (C(recoverops.restore.dr_drill_report)).
    type: path
  run_id:
    description:
      - The drill run the records of O(results_dir) belong to.
    type: str
    default: latest
notes:
  - The modules run as the user who runs C(ansible-playbook), in the controller's Python (which needs boto3 and requests,
    as the collection's execution environment has them); C(become), C(ansible_python_interpreter) and the host's
    connection do not apply to them.
  - The items' source and target values under keys that look secret (password, secret, token, api_key, access_key) are
    masked in the records it returns.
seealso:
  - module: recoverops.restore.dynamodb_table_info
  - module: recoverops.restore.aws_restored_resource_info
'''

EXAMPLES = r'''
# The recoverops.restore.dr_drill role runs this task between its checks and its report.
- name: Restore, verify and clean up every item
  recoverops.restore.dr_drill_run:
    items:
      - name: orders
        product: clumio
        source: {table_name: orders, account_native_id: "123456789012", aws_region: us-east-1}
        target: {target_table_name: orders-drill, target_account_id: "123456789012", target_region: us-east-1}
        rpo: 24h
        verify: {min_items: 1}
    name: Monthly DR drill
    cleanup: true
  register: drill_run
'''

RETURN = r'''
results:
  description:
    - One record per item, in the order of O(items), as the drill report reads them.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: The item, its secret-looking values masked.
      type: dict
    started_at:
      description: When the item started (UTC, ISO 8601).
      type: str
    finished_at:
      description: When the item ended.
      type: str
    restore_point:
      description: The normalized restore point found, also when it was refused (older than the RPO).
      type: dict
    restore_requested_at:
      description: When the restore was sent; absent when the item stopped before.
      type: str
    job_id:
      description: The product's id of the restore job; null when none started.
      type: str
    job:
      description:
        - The restore module's normalized job (the same keys for every product) with C(status), C(changed) and C(msg);
          null when the item stopped before the restore.
      type: dict
    phases:
      description: The item's find, verify and cleanup phases, each with C(name), C(start) and C(end).
      type: list
      elements: dict
    checks:
      description: What was checked of the restored table, resource or VM, each with C(name), C(passed) and C(msg).
      type: list
      elements: dict
    cleaned_up:
      description: Whether what the restore made was removed.
      type: bool
    errors:
      description:
        - Why the item failed outside its checks - it stopped before its restore, verifying stopped, or its run broke
          off (a broken-off item keeps the point and job it had). Empty for an item whose restore and checks ran.
      type: list
      elements: str
'''
