"""Protected DynamoDB tables and their restore points, built from a seed document."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from simulators.common.server import parse_iso, utc_iso

API = '/api/v1'
REGION_NAMES = {
    'us-east-1': 'US East (N. Virginia)', 'us-east-2': 'US East (Ohio)', 'us-west-1': 'US West (N. California)',
    'us-west-2': 'US West (Oregon)', 'eu-west-1': 'Europe (Ireland)', 'eu-central-1': 'Europe (Frankfurt)',
    'ap-southeast-2': 'Asia Pacific (Sydney)',
}
JOB_TYPES = ('AwsDynamoDbBackup', 'AwsDynamoDbBackupCopy', 'AwsDynamoDbManualBackup')
TABLE_CLASSES = ('Standard', 'StandardInfrequentAccess')
# How long the simulated backup job ran after the restore point's creation time.
BACKUP_SECONDS = 95


@dataclass(slots=True)
class RestorePoint:
    """Kept small on purpose: /_sim/generate creates a hundred thousand of these."""

    id: str
    table_id: str
    created: float
    size: int
    job_type: str
    manual: bool
    account: str
    backup_id: str


@dataclass
class Table:
    """A DynamoDB table protected by a policy, with its backed-up items."""

    id: str
    name: str
    region: str
    account: str
    organization: str | None
    policy_name: str
    key_schema: list[dict[str, str]]
    attribute_definitions: list[dict[str, str]]
    items: list[dict[str, Any]]
    capacity_mode: str = 'OnDemand'
    read_capacity_units: int = 0
    write_capacity_units: int = 0
    table_class: str = 'Standard'
    deletion_protection: bool = False
    point_in_time_recovery: bool = False
    ttl_attribute: str | None = None
    encryption_key: str | None = None
    # Sorted by creation time, oldest first; this is also the API's unsorted order.
    points: list[RestorePoint] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return f'arn:aws:dynamodb:{self.region}:{self.account}:table/{self.name}'

    @property
    def size_bytes(self) -> int:
        return sum(len(repr(item)) for item in self.items)


def region_display_name(region: str) -> str:
    return REGION_NAMES.get(region, region)


def table_from_seed(doc: dict[str, Any]) -> Table:
    key_schema = doc['key_schema']
    table = Table(
        id=str(uuid.UUID(doc['id'])), name=doc['name'], region=doc['region'], account=str(doc['account']),
        organization=doc.get('organization'), policy_name=doc.get('policy', f"{doc['name']}-daily"),
        key_schema=key_schema, attribute_definitions=doc['attribute_definitions'],
        items=doc.get('items') or generate_items(doc['name'], doc['attribute_definitions'], key_schema, doc.get('generate_items', 0)),
        capacity_mode=doc.get('capacity_mode', 'OnDemand'), read_capacity_units=doc.get('read_capacity_units', 0),
        write_capacity_units=doc.get('write_capacity_units', 0), table_class=doc.get('table_class', 'Standard'),
        deletion_protection=doc.get('deletion_protection', False), point_in_time_recovery=doc.get('point_in_time_recovery', False),
        ttl_attribute=doc.get('ttl_attribute'), encryption_key=doc.get('encryption_key'),
    )
    table.points = sorted((point_from_seed(table, point) for point in doc.get('restore_points', [])), key=lambda p: p.created)
    return table


def point_from_seed(table: Table, doc: dict[str, Any]) -> RestorePoint:
    manual = bool(doc.get('manual', False))
    job_type = doc.get('job_type') or ('AwsDynamoDbManualBackup' if manual else 'AwsDynamoDbBackup')
    if job_type not in JOB_TYPES:
        raise ValueError(f'unknown job_type {job_type!r}')
    point_id = str(uuid.UUID(doc['id']))
    return RestorePoint(
        id=point_id, table_id=table.id, created=parse_iso(doc['created']), size=int(doc.get('size', table.size_bytes)),
        job_type=job_type, manual=manual, account=str(doc.get('account', table.account)),
        backup_id=str(doc.get('backup_id') or uuid.uuid5(uuid.UUID(point_id), 'backup')),
    )


def generate_items(table_name: str, attribute_definitions: list[dict[str, str]], key_schema: list[dict[str, str]],
                   count: int) -> list[dict[str, Any]]:
    """Deterministic items: the key attributes, plus a payload and an amount."""
    types = {attribute['AttributeName']: attribute['AttributeType'] for attribute in attribute_definitions}
    items = []
    for index in range(1, count + 1):
        item: dict[str, Any] = {}
        for key in key_schema:
            name = key['AttributeName']
            item[name] = index if types[name] == 'N' else f'{table_name.upper()}#{index:05d}'
        item['payload'] = f'{table_name} item {index}'
        item['amount'] = index * 10
        items.append(item)
    return items


def generate_points(table: Table, count: int, newest: float, interval_minutes: float) -> list[RestorePoint]:
    """count points, newest first in time steps of interval_minutes; ids depend only on the inputs."""
    namespace = uuid.uuid5(uuid.UUID(table.id), f'generated-{newest}-{interval_minutes}')
    step = interval_minutes * 60
    size = table.size_bytes
    points = []
    for index in range(count):
        point_id = str(uuid.uuid5(namespace, str(index)))
        # Every fourth point is a copy, as a policy with a backup-copy schedule produces.
        job_type = 'AwsDynamoDbBackupCopy' if index % 4 == 3 else 'AwsDynamoDbBackup'
        points.append(RestorePoint(point_id, table.id, newest - index * step, size + index % 97, job_type, False, table.account, point_id))
    return points


def render_table(table: Table) -> dict[str, Any]:
    return {
        'id': table.id,
        'awsResourceId': table.arn,
        'name': table.name,
        'regionId': table.region,
        'regionName': table.region,
        'regionDisplayName': region_display_name(table.region),
        'resourceAwsAccountId': table.account,
        'resourceAwsOrganizationId': table.organization,
        'sizeBytes': table.size_bytes,
        'itemCount': len(table.items),
        '_links': [
            {'rel': 'self', 'href': f'{API}/dynamoDb/{table.id}', 'method': 'GET'},
            {'rel': 'restorePoints', 'href': f'{API}/dynamoDb/restorePoints?DynamoDbId={table.id}', 'method': 'GET'},
        ],
    }


def render_point(point: RestorePoint, table: Table) -> dict[str, Any]:
    href = f'{API}/dynamoDb/restorePoints/{point.id}'
    return {
        'policyName': None if point.manual else table.policy_name,
        'id': point.id,
        'dynamoDbId': table.id,
        'backupId': point.backup_id,
        'name': table.name,
        'regionName': table.region,
        'regionDisplayName': region_display_name(table.region),
        'jobType': point.job_type,
        'hasManualBackup': point.manual,
        'createTimeUtc': utc_iso(point.created),
        'completedTimeUtc': utc_iso(point.created + BACKUP_SECONDS),
        'status': 'Available',
        'writeCapacityUnits': table.write_capacity_units,
        'readCapacityUnits': table.read_capacity_units,
        'tableClass': table.table_class,
        'deletionProtection': table.deletion_protection,
        'pointInTimeRecovery': table.point_in_time_recovery,
        'ttlAttribute': table.ttl_attribute,
        'size': point.size,
        'isStandalone': False,
        'itemCount': len(table.items),
        'resourceAwsAccountId': table.account,
        'restorePointAwsAccountId': point.account,
        'encryptionKey': table.encryption_key,
        '_links': [
            {'rel': 'self', 'href': href, 'method': 'GET'},
            {'rel': 'restore', 'href': f'{href}/restore', 'method': 'POST'},
            {'rel': 'dynamoDb', 'href': f'{API}/dynamoDb/{table.id}', 'method': 'GET'},
        ],
    }
