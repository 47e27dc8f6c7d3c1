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
      - Seconds between the first polls. The interval grows by half after each poll, up to 30 seconds.
      - A restore the module has just started is first polled after this many seconds, since it is known to be running;
        a restore it found already running is polled at once.
    type: int
    default: 5
'''
