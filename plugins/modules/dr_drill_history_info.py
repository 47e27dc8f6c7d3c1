#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dr_drill_history_info
short_description: List the drills of a DR drill history and verify its hash chain
version_added: 1.1.0
description:
  - Reads every report.json that the C(recoverops.restore.dr_drill) role kept in a history store (a local directory, or
    an S3 bucket and prefix), groups them by drill name, oldest first, and verifies each drill's hash chain; every
    report records the SHA-256 of the report stored before it for the same drill.
  - Names each broken link, in RV(problems), by the report it concerns; C(missing) (a report that its successor names is
    gone), C(altered) (its bytes no longer hash to what its successor recorded), C(unlinked) or C(inserted) (a report
    outside the chain), C(rewritten) (an S3 key written more than once), C(deleted) (a delete marker hides a report;
    the version under it, locked when the bucket uses S3 Object Lock, is still stored and the chain is checked against
    it), C(unreadable) (not a JSON report).
  - The S3 lock of each report version is read with C(HeadObject) (C(ObjectLockMode), C(ObjectLockRetainUntilDate)).
  - 'What the chain cannot prove: a local directory (or an S3 prefix without Object Lock) can be rewritten end to end,
    chain and all, by whoever can write it; and the removal of the newest report leaves no broken link, because no
    later report names it: it shows only against a copy kept elsewhere, such as an Object-Locked version.'
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
notes:
  - The AWS connection options are used only with O(s3); a local O(directory) needs neither boto3 nor AWS credentials.
  - S3 permissions used are C(s3:ListBucketVersions), C(s3:GetObject), C(s3:GetObjectVersion), and
    C(s3:GetBucketObjectLockConfiguration) with O(s3.object_lock).
options:
  directory:
    description: A local history directory (as O(recoverops.restore.dr_drill#role:main:dr_drill_history_dir)).
    type: path
  s3:
    description: An S3 history (as O(recoverops.restore.dr_drill#role:main:dr_drill_history_s3)).
    type: dict
    suboptions:
      bucket:
        description: The bucket.
        type: str
        required: true
      prefix:
        description: The key prefix of the history, without a trailing C(/).
        type: str
        default: ''
      object_lock:
        description:
          - Accepted so that the role can pass the same dictionary to both modules; when set, the bucket must have S3
            Object Lock enabled (checked with C(GetObjectLockConfiguration)), so that a drill whose reports could not be
            locked fails before it starts rather than when its report is stored.
        type: dict
        suboptions:
          mode:
            description: S3 Object Lock retention mode.
            type: str
            required: true
            choices: [governance, compliance]
          days:
            description: Retention in days.
            type: int
            required: true
  name:
    description: Only the drill of this name (the reports' C(name), that is C(dr_drill_name)).
    type: str
  last:
    description: How many of each drill's newest reports to return in RV(drills) C(reports); every report is verified whatever this is.
    type: int
    default: 10
  fail_on_broken:
    description: Fail when a chain does not verify, with RV(problems) in the result.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Verify the drill history kept in S3
  recoverops.restore.dr_drill_history_info:
    s3:
      bucket: dr-evidence
      prefix: drills
    fail_on_broken: true
  register: drill_history

- name: The monthly drill's last six runs, from a local history
  recoverops.restore.dr_drill_history_info:
    directory: /var/lib/recoverops/drill-history
    name: Monthly DR drill
    last: 6
'''

RETURN = r'''
location:
  description: The store, a directory or C(s3://bucket/prefix/).
  returned: always
  type: str
verified:
  description: Every chain of the store (or of O(name)) verifies.
  returned: always
  type: bool
problems:
  description: Each broken or missing link, C(key) (the report it concerns), C(kind) and C(msg).
  returned: always
  type: list
  elements: dict
drills:
  description:
    - One per drill name, oldest report first - C(name), C(count), C(verified), C(problems), C(newest) (C(key), C(sha256),
      C(id), C(started_at)) and C(reports), the last O(last) reports in brief (C(key), C(sha256), C(id), C(started_at),
      C(status), C(passed), C(failed), C(total), C(previous), C(versions), C(deleted), C(lock), and C(items) with each
      item's C(status), C(rpo_seconds), C(rto_seconds) and objectives).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _history
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = dict(_history.STORE_SPEC, name={'type': 'str'}, last={'type': 'int', 'default': 10},
                     fail_on_broken={'type': 'bool', 'default': False})


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=_history.connection_class(), requires_requests=False,
                              checks=_history.check_options, supports_check_mode=True,
                              required_one_of=[('directory', 's3')], mutually_exclusive=[('directory', 's3')])
    module.run(lambda clients: _history.history_info(module.params, clients))


if __name__ == '__main__':
    main()
