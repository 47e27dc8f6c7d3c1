"""Restore sessions. Their state is a function of wall-clock timestamps, so it survives a restart."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from simulators.common.server import utc_iso
from simulators.veeam_aws.model import API

RESULTS = {'Running': 'Running', 'Succeeded': 'Success', 'Warning': 'Warning', 'Failed': 'Failed', 'Canceled': 'Cancelled'}
LOG_STATUS = {'Succeeded': 'Success', 'Warning': 'Warning', 'Failed': 'Error', 'Canceled': 'Canceled'}
STATUSES = ('Running', 'NeverExecuted', 'Succeeded', 'Warning', 'Failed', 'Canceled')
TYPES = ('Policy', 'Job', 'Task', 'UserPolicy', 'RetentionActivity', 'RestoreTask', 'FLRTask', 'ConfigurationBackupActivity',
         'ImportPolicy', 'TombstoneRetention', 'ArchiveRetrieval', 'ArchiveRetrievalProlongation', 'ManualTask', 'FlrEfsTask')
WARNING_TEXT = 'Point-in-time recovery settings could not be applied to the restored table; check them manually.'


@dataclass
class Session:
    """One restore session; status and timings are derived from the timestamps on read."""

    id: str
    usn: int
    point_id: str
    table_id: str
    source_name: str
    item_count: int
    restore_to_original: bool
    target: dict[str, Any]
    reason: str | None
    started: float
    duration_s: float
    # The outcome configured when the restore was posted; the moto step may still turn it into Failed.
    planned_outcome: str
    stopped_at: float | None = None
    final_status: str | None = None
    final_message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def due(self) -> bool:
        """The session has ended but its outcome has not been worked out yet."""
        return self.final_status is None and (self.stopped_at is not None or time.time() >= self.started + self.duration_s)

    @property
    def status(self) -> str:
        return self.final_status or 'Running'

    @property
    def stop_time(self) -> float | None:
        if self.final_status is None:
            return None
        return self.stopped_at if self.stopped_at is not None else self.started + self.duration_s

    def duration_ms(self) -> int:
        end = self.stop_time if self.stop_time is not None else time.time()
        return int(max(0.0, end - self.started) * 1000)

    def progress(self) -> int:
        if self.final_status is not None:
            return 100
        return min(99, int((time.time() - self.started) / max(self.duration_s, 0.001) * 100))


def describe_target(session: Session) -> str:
    return f"table {session.target['table_name']} in region {session.target['region']}"


def render(session: Session) -> dict[str, Any]:
    href = f'{API}/sessions/{session.id}'
    return {
        'id': session.id,
        'type': 'RestoreTask',
        'name': f'DynamoDB restore: {session.source_name}',
        'executionStartTime': utc_iso(session.started),
        'executionStopTime': None if session.stop_time is None else utc_iso(session.stop_time),
        'executionDuration': session.duration_ms(),
        'status': session.status,
        'result': RESULTS[session.status],
        'reason': session.reason,
        'usn': session.usn,
        'extendedSessionType': 'DynamoDbRestore',
        '_links': [
            {'rel': 'self', 'href': href, 'method': 'GET'},
            {'rel': 'log', 'href': f'{href}/log', 'method': 'GET'},
            {'rel': 'restoredItems', 'href': f'{href}/restoredItems', 'method': 'GET'},
            {'rel': 'stop', 'href': f'{href}/stop', 'method': 'POST'},
        ],
        '_embedded': {'restoreJobInfo': {
            'restorePointId': session.point_id,
            'dynamoDbId': session.table_id,
            'sourceTableName': session.source_name,
            'targetTableName': session.target['table_name'],
            'targetRegionName': session.target['region'],
            'restoreToOriginal': session.restore_to_original,
            'itemCount': session.item_count,
            'progressPercent': session.progress(),
        }},
    }


def _log_entry(at: float, status: str, message: str, until: float | None) -> dict[str, Any]:
    return {
        'logTime': utc_iso(at), 'status': status, 'message': message, 'executionStartTime': utc_iso(at),
        'executionDuration': int(((until if until is not None else time.time()) - at) * 1000),
    }


def log_entries(session: Session) -> list[dict[str, Any]]:
    """The session log as the product writes it: start, the table step, the outcome."""
    stop = session.stop_time
    step_status = 'Running' if stop is None else LOG_STATUS[session.status]
    entries = [
        _log_entry(session.started, 'Success', f'DynamoDB restore session started (reason: {session.reason or "none"})',
                   session.started),
        _log_entry(session.started + 0.001, step_status,
                   f'Restoring {session.item_count} items of table {session.source_name} to {describe_target(session)}', stop),
    ]
    if stop is not None:
        entries.append(_log_entry(stop, LOG_STATUS[session.status], session.final_message or '', stop))
    return entries


def restored_items(session: Session) -> list[dict[str, Any]]:
    status = 'InProgress' if session.final_status is None else RESULTS[session.status]
    return [{'name': session.target['table_name'], 'status': status, 'regionName': session.target['region']}]


SORT_KEYS = {
    'startTime': lambda s: s.started,
    'stopTime': lambda s: s.stop_time or float('inf'),
    'duration': lambda s: s.duration_ms(),
    'type': lambda _session: 'RestoreTask',
    'reason': lambda s: s.reason or '',
    'usn': lambda s: s.usn,
}
