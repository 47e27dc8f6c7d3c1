# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options of every module that starts a restore and can wait for it."""

    DOCUMENTATION = r'''
options:
  wait:
    description:
      - Wait until the restore reaches a terminal state. With V(false) the module returns as soon as the
        restore is started, with the id to poll.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait before giving up. The restore keeps running on the server; the result still names it.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between the first polls. After that the restore is looked at again after a tenth of the time already
        waited (never sooner than this, never later than 5 minutes), so its end is seen at most max(O(poll_interval),
        10% of its length) late; a restore that reports its percent done is looked at when its pace says it ends.
      - A restore the module has just started is first polled after this many seconds, since it is known to be running;
        a restore it found already running is polled at once.
    type: int
    default: 5
'''
