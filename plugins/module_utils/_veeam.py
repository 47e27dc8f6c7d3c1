# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""What the two Veeam products share: their sessions carry executionStartTime and executionStopTime, and a
reason that says which restore point they restored."""

from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp

# Both products keep a restore's reason (at most 512 characters) but no session says which point it
# restored; so the reason a module sends ends with the point, and a rerun reuses only its own restore
# of this point, never another point's restore into the same target (a drill would report one point
# over another's data).
REASON_MAX = 512
POINT_MARK = ' [recoverops point %s]'
DEFAULT_REASON = 'recoverops.restore'


def check_reason(reason, point_id_length=36):
    """The user's part of the reason, leaving room for the point mark (a uuid's length by default)."""
    room = REASON_MAX - len(POINT_MARK % ('x' * point_id_length))
    if reason is not None and len(reason) > room:
        raise OptionError('reason must be at most %d characters (the module adds the restore point after it), got %d'
                          % (room, len(reason)))
    return reason


def reason_with_point(reason, point_id):
    return (reason or DEFAULT_REASON) + POINT_MARK % point_id


def restores_point(session_reason, point_id):
    return (session_reason or '').endswith(POINT_MARK % point_id)


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


def read_session(params, client, normalize):
    """What both session info modules return: the session, its log and restored items when asked for."""
    session_id = params['session_id']
    session = normalize(client.get_session(session_id), client.get_session_log(session_id) if params['include_log'] else None)
    if params['include_restored_items']:
        session['restored_items'] = client.get_restored_items(session_id)
    return {'changed': False, 'session': session}
