# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""What the two Veeam products share: their sessions carry executionStartTime and executionStopTime."""

from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp


def normalize_session(raw, log, outcome, **fields):
    """A Veeam session as the modules return it: its times as ISO 8601 Z, the duration, `fields` of the product's own."""
    started, stopped = raw.get('executionStartTime'), raw.get('executionStopTime')
    duration = None
    if started and stopped:
        duration = round((parse_timestamp(stopped) - parse_timestamp(started)).total_seconds(), 3)
    session = {'id': raw.get('id'), 'type': raw.get('type'), 'status': raw.get('status')}
    session.update(fields)
    session.update({
        'outcome': outcome,
        'started_at': iso_z(parse_timestamp(started)) if started else None,
        'finished_at': iso_z(parse_timestamp(stopped)) if stopped else None,
        'duration_seconds': duration,
        'log': log if log is not None else [],
        'raw': raw,
    })
    return session
