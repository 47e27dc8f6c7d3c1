"""The DynamoDB restore request body (validation) and its effect (a table in moto DynamoDB)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from simulators.common.tamper import tamper
from simulators.veeam_aws.api import bad_request, check_uuid
from simulators.veeam_aws.model import TABLE_CLASSES, Table

TABLE_NAME_RE = re.compile(r'^[a-zA-Z0-9_.-]{3,255}\Z')
ROOT_FIELDS = {'restoreToOriginal': bool, 'authenticationSpecification': dict, 'differentLocationSpecification': dict, 'reason': str}
DIFFERENT_FIELDS = {
    'tableName': str, 'regionId': str, 'tableClass': str, 'capacityMode': str, 'readCapacityUnits': int,
    'writeCapacityUnits': int, 'pointInTimeRecovery': bool, 'deletionProtection': bool, 'encryptionKey': str,
}
AUTH_FIELDS = {'type': str, 'iamRoleId': str, 'accessKey': str, 'secretKey': str}
KMS_KEY_RE = re.compile(r'^(arn:aws[\w-]*:kms:[\w-]+:\d{12}:(key|alias)/.+|alias/.+|[0-9a-f-]{36})\Z')
BOTO_CONFIG = botocore.config.Config(connect_timeout=3, read_timeout=10, retries={'max_attempts': 2})


@dataclass
class RestoreTarget:
    """Where and how a restore creates its table."""

    table_name: str
    region: str
    table_class: str
    capacity_mode: str
    read_capacity_units: int
    write_capacity_units: int
    point_in_time_recovery: bool
    deletion_protection: bool
    encryption_key: str | None


def _check_fields(doc: Any, fields: dict[str, type], where: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise bad_request(f"'{where}' must be a JSON object.")
    for name, value in doc.items():
        if name not in fields:
            raise bad_request(f"The property '{where}.{name}' is not supported." if where else f"The property '{name}' is not supported.")
        expected = fields[name]
        # JSON true is not a number here, as in a strictly typed .NET model.
        if value is not None and (not isinstance(value, expected) or (expected is int and isinstance(value, bool))):
            raise bad_request(f"The property '{name}' has an invalid type: {expected.__name__} expected.")
    return doc


def parse_body(body: dict[str, Any], iam_roles: dict[str, Any]) -> tuple[bool, dict[str, Any], dict[str, Any] | None, str | None]:
    """(restoreToOriginal, authentication, differentLocationSpecification, reason), validated."""
    _check_fields(body, ROOT_FIELDS, '')
    if body.get('restoreToOriginal') is None:
        raise bad_request("The property 'restoreToOriginal' is required.")
    if body.get('authenticationSpecification') is None:
        raise bad_request("The property 'authenticationSpecification' is required.")
    original = body['restoreToOriginal']
    different = body.get('differentLocationSpecification')
    if original and different is not None:
        raise bad_request("'differentLocationSpecification' must not be set when 'restoreToOriginal' is true.")
    if not original and different is None:
        raise bad_request("'differentLocationSpecification' is required when 'restoreToOriginal' is false.")
    reason = body.get('reason')
    if reason is not None and len(reason) > 512:
        raise bad_request("The property 'reason' must be at most 512 characters long.")
    auth = _parse_auth(body['authenticationSpecification'], iam_roles)
    if different is not None:
        _check_different(_check_fields(different, DIFFERENT_FIELDS, 'differentLocationSpecification'))
    return original, auth, different, reason


def _parse_auth(doc: Any, iam_roles: dict[str, Any]) -> dict[str, Any]:
    auth = _check_fields(doc, AUTH_FIELDS, 'authenticationSpecification')
    kind = auth.get('type')
    if kind == 'IamRole':
        role_id = check_uuid(auth.get('iamRoleId') or '', 'iamRoleId')
        if role_id not in iam_roles:
            raise bad_request(f"The IAM role '{role_id}' is not found.")
        if 'accessKey' in auth or 'secretKey' in auth:
            raise bad_request("'accessKey' and 'secretKey' apply only to authentication type 'AccessKeys'.")
        return {'type': kind, 'iamRoleId': role_id}
    if kind == 'AccessKeys':
        if not auth.get('accessKey') or not auth.get('secretKey'):
            raise bad_request("'accessKey' and 'secretKey' are required for authentication type 'AccessKeys'.")
        if 'iamRoleId' in auth:
            raise bad_request("'iamRoleId' applies only to authentication type 'IamRole'.")
        return {'type': kind, 'accessKey': auth['accessKey'], 'secretKey': auth['secretKey']}
    raise bad_request(f"The authentication type '{kind}' is not supported. Allowed values: IamRole, AccessKeys.")


def _check_different(spec: dict[str, Any]) -> None:
    if not TABLE_NAME_RE.match(spec.get('tableName') or ''):
        raise bad_request("'tableName' is required: 3-255 characters from a-z, A-Z, 0-9, '_', '-', '.'.")
    if spec.get('tableClass') is not None and spec['tableClass'] not in TABLE_CLASSES:
        raise bad_request(f"The value '{spec['tableClass']}' is not valid for tableClass. Allowed values: {', '.join(TABLE_CLASSES)}.")
    mode = spec.get('capacityMode')
    if mode is not None and mode not in ('OnDemand', 'Provisioned'):
        raise bad_request(f"The value '{mode}' is not valid for capacityMode. Allowed values: OnDemand, Provisioned.")
    units = [spec.get('readCapacityUnits'), spec.get('writeCapacityUnits')]
    if mode == 'Provisioned' and (None in units or min(units) < 1):
        raise bad_request("'readCapacityUnits' and 'writeCapacityUnits' (>= 1) are required with capacityMode 'Provisioned'.")
    if mode != 'Provisioned' and units != [None, None]:
        raise bad_request("'readCapacityUnits' and 'writeCapacityUnits' apply only to capacityMode 'Provisioned'.")
    if spec.get('encryptionKey') is not None and not KMS_KEY_RE.match(spec['encryptionKey']):
        raise bad_request(f"The value '{spec['encryptionKey']}' is not a KMS key ARN, key id or alias.")


def target_for(table: Table, different: dict[str, Any] | None) -> RestoreTarget:
    """The table a restore creates: the original's settings, overridden by the different-location spec."""
    spec = different or {}
    mode = spec.get('capacityMode') or table.capacity_mode
    provisioned = mode == 'Provisioned'
    return RestoreTarget(
        table_name=spec.get('tableName') or table.name,
        region=spec.get('regionId') or table.region,
        table_class=spec.get('tableClass') or table.table_class,
        capacity_mode=mode,
        read_capacity_units=(spec.get('readCapacityUnits') or table.read_capacity_units or 5) if provisioned else 0,
        write_capacity_units=(spec.get('writeCapacityUnits') or table.write_capacity_units or 5) if provisioned else 0,
        point_in_time_recovery=spec.get('pointInTimeRecovery', table.point_in_time_recovery),
        deletion_protection=spec.get('deletionProtection', table.deletion_protection),
        encryption_key=spec.get('encryptionKey', table.encryption_key),
    )


class TableExists(Exception):
    """The target table is already there; the product refuses to overwrite it."""


def _to_dynamo(value: Any) -> Any:
    """Seed values as boto3's resource layer wants them (numbers as Decimal)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _to_dynamo(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_dynamo(item) for item in value]
    return value


def create_table(endpoint: str, table: Table, target: RestoreTarget, config: dict[str, Any] | None = None) -> None:
    """Create the target table in moto and write the backed-up items into it."""
    session = boto3.session.Session(aws_access_key_id='testing', aws_secret_access_key='testing', region_name=target.region)
    resource = session.resource('dynamodb', endpoint_url=endpoint, config=BOTO_CONFIG)
    client = resource.meta.client
    arguments: dict[str, Any] = {
        'TableName': target.table_name, 'KeySchema': table.key_schema, 'AttributeDefinitions': table.attribute_definitions,
        'TableClass': 'STANDARD_INFREQUENT_ACCESS' if target.table_class == 'StandardInfrequentAccess' else 'STANDARD',
        'DeletionProtectionEnabled': target.deletion_protection,
    }
    if target.capacity_mode == 'Provisioned':
        arguments['BillingMode'] = 'PROVISIONED'
        arguments['ProvisionedThroughput'] = {'ReadCapacityUnits': target.read_capacity_units, 'WriteCapacityUnits': target.write_capacity_units}
    else:
        arguments['BillingMode'] = 'PAY_PER_REQUEST'
    if target.encryption_key:
        arguments['SSESpecification'] = {'Enabled': True, 'SSEType': 'KMS', 'KMSMasterKeyId': target.encryption_key}
    try:
        client.create_table(**arguments)
    except client.exceptions.ResourceInUseException as exc:
        raise TableExists(f'Table {target.table_name} already exists in {target.region}') from exc
    client.get_waiter('table_exists').wait(TableName=target.table_name, WaiterConfig={'Delay': 1, 'MaxAttempts': 10})
    if target.point_in_time_recovery:
        client.update_continuous_backups(TableName=target.table_name, PointInTimeRecoverySpecification={'PointInTimeRecoveryEnabled': True})
    with resource.Table(target.table_name).batch_writer() as writer:
        key_names = [key['AttributeName'] for key in table.key_schema]
        for item in tamper(table.items, key_names, config or {}):
            writer.put_item(Item=_to_dynamo(item))


AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
