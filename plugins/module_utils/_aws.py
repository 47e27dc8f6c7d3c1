# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""AWS Backup and DynamoDB through boto3: connection options, clients, restore building blocks.

Facts and their sources: ../shared/api/aws-backup-and-dynamodb.md. The connection options are
amazon.aws's names, aliases and environment variables, so `module_defaults` written for amazon.aws
read the same here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp, restore_point, utc_now
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader, StateMap, percent

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    BOTO3_IMPORT_ERROR = traceback.format_exc()
    AWS_ERRORS = ()
else:
    BOTO3_IMPORT_ERROR = None
    AWS_ERRORS = (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)

# Throttling and 5xx are retried by botocore's "standard" mode with jittered exponential backoff.
# Every call that writes carries a token or a target name that makes a repeat harmless.
DEFAULT_RETRY = {'mode': 'standard', 'max_attempts': 10}

# Recovery points a restore can start from (RecoveryPointStatus; the others are being created,
# expired, partial or stopped).
RESTORABLE_STATUSES = ('COMPLETED', 'AVAILABLE')
RECOVERY_POINT_STATUSES = ('COMPLETED', 'PARTIAL', 'DELETING', 'EXPIRED', 'AVAILABLE', 'STOPPED', 'CREATING')
RESTORE_JOB_STATUSES = ('PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED')
RESTORE_JOB_STATES = StateMap(running=('PENDING', 'RUNNING'), succeeded=('COMPLETED',), failed=('ABORTED', 'FAILED'))
LIVE_RESTORE_JOB_STATUSES = ('PENDING', 'RUNNING', 'COMPLETED')
TABLE_STATES = StateMap(running=('CREATING', 'UPDATING'), succeeded=('ACTIVE',),
                        failed=('DELETING', 'INACCESSIBLE_ENCRYPTION_CREDENTIALS', 'ARCHIVING', 'ARCHIVED',
                                'REPLICATION_NOT_AUTHORIZED'))

# The tag every restore of this collection puts on a DynamoDB table it creates; cleanup deletes
# only tables that carry it.
RESTORED_TAG = 'recoverops:restored-from'
TABLE_NAME_RE = re.compile(r'^[a-zA-Z0-9_.-]{3,255}$')
VAULT_NAME_RE = re.compile(r'^[a-zA-Z0-9\-_]{2,50}$')
ACCOUNT_RE = re.compile(r'^\d{12}$')
ARN_RE = re.compile(r'^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$')

# StartRestoreJob metadata keys for DynamoDB (restore-testing-inferred-metadata page; the full list
# for StartRestoreJob is UNCONFIRMED, see the api notes §1.10).
DYNAMODB_METADATA = {'target_table_name': 'targetTableName', 'encryption_type': 'encryptionType',
                     'kms_master_key_arn': 'kmsMasterKeyArn'}


class AwsConnection:
    """The amazon.aws connection option group: argument spec, checks, and boto3 clients."""

    ARGSPEC = {
        'access_key': {'type': 'str', 'aliases': ['aws_access_key_id', 'aws_access_key'], 'no_log': False,
                       'fallback': (env_fallback, ['AWS_ACCESS_KEY_ID', 'AWS_ACCESS_KEY'])},
        'secret_key': {'type': 'str', 'aliases': ['aws_secret_access_key', 'aws_secret_key'], 'no_log': True,
                       'fallback': (env_fallback, ['AWS_SECRET_ACCESS_KEY', 'AWS_SECRET_KEY'])},
        'session_token': {'type': 'str', 'aliases': ['aws_session_token'], 'no_log': True,
                          # AWX's built-in AWS credential injects STS tokens as AWS_SECURITY_TOKEN.
                          'fallback': (env_fallback, ['AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'])},
        'profile': {'type': 'str', 'aliases': ['aws_profile'], 'fallback': (env_fallback, ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'])},
        'region': {'type': 'str', 'aliases': ['aws_region'], 'fallback': (env_fallback, ['AWS_REGION', 'AWS_DEFAULT_REGION'])},
        'endpoint_url': {'type': 'str', 'aliases': ['aws_endpoint_url'], 'fallback': (env_fallback, ['AWS_URL'])},
        'validate_certs': {'type': 'bool', 'default': True},
        'aws_ca_bundle': {'type': 'path', 'fallback': (env_fallback, ['AWS_CA_BUNDLE'])},
        'aws_config': {'type': 'dict'},
    }
    # The service the module talks to; endpoint_url applies to it (others follow AWS_ENDPOINT_URL_<SERVICE>).
    SERVICE = None

    def __init__(self, module):
        self.module = module
        if BOTO3_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib('boto3'), exception=BOTO3_IMPORT_ERROR)
        self.check()

    def check(self):
        params = self.module.params
        fail = self.module.fail_json
        if params['profile'] and (params['access_key'] or params['secret_key'] or params['session_token']):
            fail(msg='Passing both a profile and access tokens is not supported: set profile, or access_key and secret_key')
        if bool(params['access_key']) != bool(params['secret_key']):
            fail(msg='access_key and secret_key go together: set both (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or neither')
        if params['endpoint_url'] and not re.match(r'^https?://[^/\s]+', params['endpoint_url']):
            fail(msg='endpoint_url must be an http:// or https:// URL such as https://backup.us-east-1.amazonaws.com, got %r'
                 % params['endpoint_url'])
        if params['region'] and not re.match(r'^[a-z]{2}(-[a-z]+)+-\d$', params['region']):
            fail(msg='region must be an AWS region such as us-east-1, got %r' % params['region'])
        for secret in (params['secret_key'], params['session_token']):
            if secret:
                self.module.redact.add(secret)

    def client(self):
        return AwsClients(self.module, self.SERVICE)


class AwsBackupConnection(AwsConnection):
    SERVICE = 'backup'


class DynamoDBConnection(AwsConnection):
    SERVICE = 'dynamodb'


class AwsClients:
    """boto3 clients made on first use, all from one session."""

    def __init__(self, module, main_service):
        self.module = module
        self.main_service = main_service
        self._clients = {}
        self._session = None

    def __getattr__(self, service):
        if service.startswith('_'):
            raise AttributeError(service)
        if service not in self._clients:
            self._clients[service] = self._make(service)
        return self._clients[service]

    def _make(self, service):
        params = self.module.params
        if self._session is None:
            self._session = boto3.session.Session(
                aws_access_key_id=params['access_key'], aws_secret_access_key=params['secret_key'],
                aws_session_token=params['session_token'], profile_name=params['profile'], region_name=params['region'])
        config = botocore.config.Config(retries=dict(DEFAULT_RETRY), user_agent_extra='recoverops.restore')
        if params['aws_config']:
            config = config.merge(botocore.config.Config(**params['aws_config']))
        verify = (params['aws_ca_bundle'] or True) if params['validate_certs'] else False
        endpoint = params['endpoint_url'] if service == self.main_service else None
        return self._session.client(service, endpoint_url=endpoint, verify=verify, config=config)

    def close(self):
        for client in self._clients.values():
            client.close()


def call(client, operation, **kwargs):
    """client.<operation>(**kwargs); an AWS error becomes OperationFailed naming the call and the code."""
    try:
        return getattr(client, operation)(**kwargs)
    except AWS_ERRORS as exc:
        raise OperationFailed(describe_error(client, operation, exc), error=error_details(exc)) from None


def paginate(client, operation, result_key, **kwargs):
    """The items of every page of a paginated operation, fetched as they are consumed."""
    try:
        for page in client.get_paginator(operation).paginate(**kwargs):
            yield from page.get(result_key, [])
    except AWS_ERRORS as exc:
        raise OperationFailed(describe_error(client, operation, exc), error=error_details(exc)) from None


def error_code(exc):
    return getattr(exc, 'response', {}).get('Error', {}).get('Code')


def error_details(exc):
    error = getattr(exc, 'response', {}).get('Error', {})
    return {'code': error.get('Code'), 'message': error.get('Message') or str(exc)}


def describe_error(client, operation, exc):
    service = client.meta.service_model.service_id if hasattr(client, 'meta') else 'AWS'
    name = ''.join(part.capitalize() for part in operation.split('_'))
    details = error_details(exc)
    if details['code']:
        return '%s %s failed: %s: %s' % (service, name, details['code'], details['message'])
    return '%s %s failed: %s' % (service, name, details['message'])


def plain(value):
    """boto3 output as JSON-ready data: datetimes as ISO 8601 Z strings."""
    if isinstance(value, datetime.datetime):
        return iso_z(parse_timestamp(value))
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if key != 'ResponseMetadata'}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def arn_parts(arn):
    """(region, account) of an ARN, None for what it does not carry."""
    parts = (arn or '').split(':', 5)
    if len(parts) < 6:
        return None, None
    return parts[3] or None, parts[4] or None


# ---- AWS Backup ------------------------------------------------------------------------------
def normalize_recovery_point(raw):
    """A recovery point of either list call (or DescribeRecoveryPoint) as a normalized restore point."""
    raw = plain(raw)
    region, account = arn_parts(raw.get('ResourceArn') or raw.get('RecoveryPointArn'))
    return restore_point(
        id=raw['RecoveryPointArn'], product='aws_backup', resource_id=raw.get('ResourceArn'),
        resource_name=raw.get('ResourceName') or raw.get('ResourceArn'), created_at=raw.get('CreationDate'),
        size_bytes=raw.get('BackupSizeInBytes', raw.get('BackupSizeBytes')), kind=raw.get('ResourceType'),
        region=region, account=account, raw=raw)


# ARN service (and resource prefix) -> AWS Backup resource type, for points listed by resource.
RESOURCE_TYPES = (('dynamodb', '', 'DynamoDB'), ('ec2', 'volume/', 'EBS'), ('ec2', 'instance/', 'EC2'),
                  ('elasticfilesystem', '', 'EFS'), ('rds', 'cluster:', 'Aurora'), ('rds', '', 'RDS'), ('s3', '', 'S3'),
                  ('fsx', '', 'FSx'), ('redshift', '', 'Redshift'), ('neptune', '', 'Neptune'), ('docdb', '', 'DocumentDB'))


def resource_type_of(arn):
    parts = (arn or '').split(':', 5)
    if len(parts) < 6:
        return None
    return next((name for service, prefix, name in RESOURCE_TYPES if parts[2] == service and parts[5].startswith(prefix)), None)


def newest_by_creation(points):
    """The API promises no order: sort by CreationDate ourselves, newest first."""
    return sorted(points, key=lambda point: parse_timestamp(point['CreationDate']), reverse=True)


def idempotency_token(recovery_point_arn, metadata):
    """The same recovery point restored to the same target always gets the same token."""
    digest = hashlib.sha256(json.dumps([recovery_point_arn, metadata], sort_keys=True).encode()).hexdigest()
    return 'recoverops-%s' % digest[:40]


def build_restore_metadata(params, base, resource_type):
    """Metadata for StartRestoreJob: the recovery point's own, then DynamoDB helpers, then `metadata`.

    A helper and a `metadata` key that say different things fail rather than one silently winning.
    """
    metadata = dict(base or {})
    helpers = {}
    for option, key in DYNAMODB_METADATA.items():
        if params.get(option) is not None:
            helpers[key] = params[option]
    overrides = {key: str(value) for key, value in (params.get('metadata') or {}).items()}
    for key, value in helpers.items():
        if key in overrides and overrides[key] != value:
            raise OperationFailed('metadata.%s (%r) contradicts the %s option (%r); set one of them'
                                  % (key, overrides[key], _option_for(key), value))
    metadata.update(helpers)
    metadata.update(overrides)
    if resource_type == 'DynamoDB' and not metadata.get('targetTableName'):
        raise OperationFailed('target_table_name is required to restore a DynamoDB recovery point (or metadata.targetTableName)')
    return metadata


def _option_for(key):
    return next(option for option, name in DYNAMODB_METADATA.items() if name == key)


def restore_job_reader(backup):
    def get(job_id):
        return call(backup, 'describe_restore_job', RestoreJobId=job_id)

    def log(job_id):
        message = get(job_id).get('StatusMessage')
        return [{'message': message}] if message else []

    return _job_reader(get, log)


def _job_reader(get, log):
    return JobReader(get=get, state=lambda raw: raw.get('Status'), log=log, normalize=lambda raw, _log: normalize_restore_job(raw),
                     states=RESTORE_JOB_STATES, progress=lambda raw: percent(raw.get('PercentDone')))


def normalize_restore_job(raw):
    raw = plain(raw)
    return {
        'id': raw.get('RestoreJobId'), 'status': raw.get('Status'), 'status_message': raw.get('StatusMessage'),
        'percent_done': raw.get('PercentDone'), 'created_resource_arn': raw.get('CreatedResourceArn'),
        'recovery_point_arn': raw.get('RecoveryPointArn'), 'resource_type': raw.get('ResourceType'),
        'created_at': raw.get('CreationDate'), 'completed_at': raw.get('CompletionDate'), 'raw': raw,
    }


# ---- DynamoDB --------------------------------------------------------------------------------
def normalize_backup(raw):
    raw = plain(raw)
    region, account = arn_parts(raw.get('TableArn') or raw.get('BackupArn'))
    return restore_point(
        id=raw['BackupArn'], product='dynamodb', resource_id=raw.get('TableArn'), resource_name=raw.get('TableName'),
        created_at=raw.get('BackupCreationDateTime'), size_bytes=raw.get('BackupSizeBytes'), kind=raw.get('BackupType'),
        region=region, account=account, raw=raw)


def table_overrides(params):
    """The RestoreTableFromBackup / RestoreTableToPointInTime overrides from snake_case options."""
    body = {}
    if params.get('billing_mode'):
        body['BillingModeOverride'] = params['billing_mode']
    for option, key in (('provisioned_throughput', 'ProvisionedThroughputOverride'),
                        ('sse_specification', 'SSESpecificationOverride')):
        if params.get(option):
            body[key] = _camel(params[option])
    for option, key in (('global_secondary_indexes', 'GlobalSecondaryIndexOverride'),
                        ('local_secondary_indexes', 'LocalSecondaryIndexOverride')):
        if params.get(option) is not None:
            body[key] = [_camel(index) for index in params[option]]
    return body


def _camel(value):
    camel = snake_dict_to_camel_dict(_drop_none(value), capitalize_first=True)
    # botocore spells these two with upper-case abbreviations.
    if 'SseType' in camel:
        camel['SSEType'] = camel.pop('SseType')
    if 'KmsMasterKeyId' in camel:
        camel['KMSMasterKeyId'] = camel.pop('KmsMasterKeyId')
    return camel


def _drop_none(value):
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def describe_table(dynamodb, name):
    """DescribeTable's Table, or None when there is no such table."""
    try:
        return dynamodb.describe_table(TableName=name)['Table']
    except AWS_ERRORS as exc:
        if error_code(exc) == 'ResourceNotFoundException':
            return None
        raise OperationFailed(describe_error(dynamodb, 'describe_table', exc), error=error_details(exc)) from None


def table_tags(dynamodb, arn):
    return {tag['Key']: tag['Value'] for tag in paginate_tags(dynamodb, arn)}


def paginate_tags(dynamodb, arn):
    token = None
    while True:
        kwargs = {'ResourceArn': arn}
        if token:
            kwargs['NextToken'] = token
        page = call(dynamodb, 'list_tags_of_resource', **kwargs)
        yield from page.get('Tags', [])
        token = page.get('NextToken')
        if not token:
            return


def pitr_window(dynamodb, table):
    """(earliest, latest) restorable datetimes of a table; OperationFailed when PITR is off."""
    description = call(dynamodb, 'describe_continuous_backups', TableName=table)['ContinuousBackupsDescription']
    pitr = description.get('PointInTimeRecoveryDescription') or {}
    if pitr.get('PointInTimeRecoveryStatus') != 'ENABLED':
        raise OperationFailed('Point-in-time recovery is %s on table %s: it can only be restored from a backup (backup_arn)'
                              % (pitr.get('PointInTimeRecoveryStatus') or 'not enabled', table))
    return parse_timestamp(pitr['EarliestRestorableDateTime']), parse_timestamp(pitr['LatestRestorableDateTime'])


def check_in_window(moment, window, table):
    """The moment to restore to, inside the window; OperationFailed with the window when it is outside.

    Times are shown and read back at whole seconds, so a moment in the same second as an end of
    the window counts as inside and is moved onto that end.
    """
    earliest, latest = window
    if not _floor(earliest) <= moment <= latest.replace(microsecond=999999):
        raise OperationFailed('restore_date_time %s is outside the point-in-time recovery window of table %s: %s to %s'
                              % (iso_z(moment), table, iso_z(earliest), iso_z(latest)),
                              window={'earliest': iso_z(earliest), 'latest': iso_z(latest)})
    return min(max(moment, earliest), latest)


def _floor(moment):
    return moment.replace(microsecond=0)


def normalize_table(table, tags=None):
    """What a DR check reads off DescribeTable, with boto3's object under raw."""
    table = plain(table)
    return {
        'name': table.get('TableName'), 'arn': table.get('TableArn'), 'status': table.get('TableStatus'),
        'key_schema': table.get('KeySchema', []), 'attribute_definitions': table.get('AttributeDefinitions', []),
        'global_secondary_indexes': [index['IndexName'] for index in table.get('GlobalSecondaryIndexes', [])],
        'local_secondary_indexes': [index['IndexName'] for index in table.get('LocalSecondaryIndexes', [])],
        'item_count': table.get('ItemCount'), 'size_bytes': table.get('TableSizeBytes'),
        'billing_mode': (table.get('BillingModeSummary') or {}).get('BillingMode'),
        'restore_summary': table.get('RestoreSummary'), 'created_at': table.get('CreationDateTime'),
        'deletion_protection': table.get('DeletionProtectionEnabled', False), 'tags': tags, 'raw': table,
    }


def count_items(dynamodb, name, consistent=False):
    """Exact item count by a paginated Scan with Select=COUNT (reads the whole table)."""
    total, scanned = 0, 0
    for page in _scan_pages(dynamodb, name, consistent):
        total += page.get('Count', 0)
        scanned += 1
    return total, scanned


def _scan_pages(dynamodb, name, consistent):
    kwargs = {'TableName': name, 'Select': 'COUNT', 'ConsistentRead': consistent}
    while True:
        page = call(dynamodb, 'scan', **kwargs)
        yield page
        if not page.get('LastEvaluatedKey'):
            return
        kwargs['ExclusiveStartKey'] = page['LastEvaluatedKey']


def now_iso():
    return iso_z(utc_now())
