#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: dr_drill_history
short_description: Keep a DR drill report in the drill history (a local directory or S3, optionally Object-Locked)
version_added: 1.1.0
description:
  - Stores one report.json of the C(recoverops.restore.dr_drill) role under O(key) in a history store, a local directory
    or an S3 bucket and prefix; M(recoverops.restore.dr_drill_history_info) lists and verifies what is stored.
  - Stored evidence is never overwritten - the same bytes under the same key again change nothing, different bytes fail.
    A local report file is written whole to a scratch file, then linked into place read-only (never replacing a file).
  - The report's HTML, Markdown and JUnit files may be kept beside it (O(files)), so that they outlive a short-lived job
    environment such as AWX's.
  - With O(s3.object_lock), each report is put with C(ObjectLockMode) and C(ObjectLockRetainUntilDate) (now plus
    O(s3.object_lock.days)), so S3 refuses to delete or overwrite that version before then; the bucket must have been
    created with Object Lock enabled (and so versioning).
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
attributes:
  check_mode:
    description: Reports what would be stored; writes nothing.
    support: full
  diff_mode:
    description: Nothing to diff; stored evidence is never changed.
    support: none
notes:
  - The AWS connection options are used only with O(s3); a local O(directory) needs neither boto3 nor AWS credentials.
  - S3 permissions used are C(s3:GetObject), C(s3:PutObject), and C(s3:PutObjectRetention) with O(s3.object_lock).
options:
  directory:
    description: A local history directory, created if needed.
    type: path
  s3:
    description: An S3 history.
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
        description: Lock each stored report version with S3 Object Lock retention.
        type: dict
        suboptions:
          mode:
            description:
              - V(governance) - users with C(s3:BypassGovernanceRetention) may still delete the version.
              - V(compliance) - nobody can, not even the account root, until the date.
            type: str
            required: true
            choices: [governance, compliance]
          days:
            description: Retention in days from the store.
            type: int
            required: true
  key:
    description: Where the report goes below the store root, C(<drill>/<started_at>_<drill id>.json) (the report's C(history.key)).
    type: str
    required: true
  content:
    description: The report.json text, stored byte for byte (its SHA-256 is what the next report records).
    type: str
    required: true
  files:
    description:
      - The report's other files to keep beside it, by name - V(junit.xml), V(report.md), V(report.html) - each stored
        byte for byte under the report's key stem (C(<drill>/<started_at>_<drill id>.junit.xml) and so on), with the same
        S3 Object Lock, and never overwritten either.
      - Only the C(.json) keys are reports; M(recoverops.restore.dr_drill_history_info) verifies their chain, not these.
    type: dict
    version_added: 1.1.0
'''

EXAMPLES = r'''
- name: Keep the drill report in an Object-Locked S3 history
  recoverops.restore.dr_drill_history:
    s3:
      bucket: dr-evidence
      prefix: drills
      object_lock:
        mode: compliance
        days: 400
    key: "{{ dr_drill_report.history.key }}"
    content: "{{ dr_drill_report | to_nice_json }}"
    files:
      report.html: "{{ dr_drill_report | recoverops.restore.dr_drill_html }}"
'''

RETURN = r'''
key:
  description: The key stored.
  returned: always
  type: str
sha256:
  description: SHA-256 of the stored bytes.
  returned: always
  type: str
store:
  description: The store, a directory or C(s3://bucket/prefix/).
  returned: always
  type: str
location:
  description: The stored file or C(s3://) object.
  returned: when stored
  type: str
version_id:
  description: The S3 version id of the stored report.
  returned: when stored in S3
  type: str
object_lock:
  description: C(mode) and C(retain_until) of the stored version.
  returned: when stored in S3 with O(s3.object_lock)
  type: dict
files:
  description: For each of O(files), its C(key), C(sha256), C(changed), and when stored its C(location) (and S3 C(version_id), C(object_lock)).
  returned: when O(files) is given
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _history
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = dict(_history.STORE_SPEC, key={'type': 'str', 'required': True, 'no_log': False},
                     content={'type': 'str', 'required': True}, files={'type': 'dict'})


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=_history.connection_class(), requires_requests=False,
                              checks=_history.check_options, supports_check_mode=True,
                              required_one_of=[('directory', 's3')], mutually_exclusive=[('directory', 's3')])
    module.run(lambda clients: _history.store_report(module.params, clients, module.check_mode))


if __name__ == '__main__':
    main()
