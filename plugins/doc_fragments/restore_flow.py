# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """How every restore module starts, reuses and reports a restore (module_utils/_restore.py)."""

    DOCUMENTATION = r'''
options: {}
notes:
  - Every restore module of this collection runs one restore flow. A restore of the same target that is
    running, or that succeeded into a target that still exists, is reused (C(changed=false), RV(job.reused=true))
    instead of starting another. A target that exists although no restore of this point made it is refused
    before anything is written.
  - A restore request whose answer is lost (the connection dropped, a proxy answered 502 or 504, or the body
    could not be read) is looked up among the product's restores before anything is sent again; it is sent at
    most three times in all, and after an HTTP 500 only looked up, never sent again. A restore is thus neither
    started twice nor left unreported.
  - Whatever fails once a restore started (a status poll, the timeout, the restore itself), the failure carries
    the job id, the product's own job and RV(job).
'''
