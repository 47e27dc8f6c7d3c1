"""The AWS Backup simulator: the restJson1 paths of botocore's `backup` model for recovery points and restore jobs.

boto3 with endpoint_url pointed here works unchanged: SigV4 Authorization header with a seeded access key,
percent-encoded ARNs in paths, ISO 8601 timestamps in query strings, epoch-second numbers in JSON bodies,
errors with x-amzn-ErrorType. Restores run in a moto server: every seeded DynamoDB recovery point is
backed by a moto backup (a completed restore job is moto's restore_table_from_backup), every EBS point by a
moto snapshot of a seeded volume (the job creates a volume from it), every S3 point by the objects the seed
lists (the job puts them into the destination bucket). Where moto is lenient (a volume smaller than its
snapshot, an unknown volume type) the simulator refuses as AWS does.
"""
from __future__ import annotations

import base64
import binascii
import bisect
import pathlib
import re
import time
import uuid
from decimal import Decimal
from typing import Any, Callable
from urllib.parse import unquote

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions
from boto3.dynamodb.types import TypeSerializer

from simulators.aws_backup.errors import RestoreFailure, aws_error, fail
from simulators.aws_backup.resources import handlers
from simulators.common.server import Request, Response, SimServer, json_response, parse_iso
from simulators.common.tamper import tamper_table

SEED_PATH = pathlib.Path(__file__).with_name('seed.yml')
BOTO_CONFIG = botocore.config.Config(connect_timeout=3, read_timeout=10, retries={'max_attempts': 2})
AUTH_HEADER = re.compile(r'^AWS4-HMAC-SHA256 Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,'
                         r'\s*SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]+)$')
TABLE_NAME = re.compile(r'^[a-zA-Z0-9_.-]{3,255}\Z')
RESTORABLE = ('COMPLETED', 'AVAILABLE')
PLAN_ID = '8f2e0000-0000-4000-8000-000000000001'
MAX_GENERATED = 1_000_000
# The error codes the framework's problem() statuses map to (unknown paths, injected faults, handler bugs).
STATUS_CODES = {400: 'InvalidRequestException', 403: 'UnrecognizedClientException', 404: 'UnknownOperationException',
                405: 'UnknownOperationException', 429: 'ThrottlingException', 500: 'InternalFailure', 503: 'ServiceUnavailableException'}


class AwsBackupSim(SimServer):
    """AWS Backup as far as listing recovery points and restoring them goes."""

    name = 'aws_backup'
    DEFAULT_CONFIG = {'latency_ms': 0, 'queue_s': 0.5, 'job_duration_s': 2, 'job_outcome': 'completed', 'outcome_by_target': {}}
    JOB_OUTCOMES = ('completed', 'failed')
    COUNTER_NAMES = ('restores_started', 'idempotent_replays', 'unauthorized')

    def __init__(self, seed_path: pathlib.Path = SEED_PATH, state_dir: pathlib.Path | None = None, *,
                 dynamodb_endpoint: str | None = None, **options: Any) -> None:
        self.dynamodb_endpoint = dynamodb_endpoint
        self._ddb: Any = None
        self.seed_doc: dict[str, Any] = {}
        self.loaded_at = 0.0
        self.account_id = ''
        self.region = ''
        self.credentials: dict[str, dict[str, Any]] = {}
        self.vaults: set[str] = set()
        self.tables: dict[str, dict[str, Any]] = {}
        self.points: dict[str, dict[str, Any]] = {}
        # ARNs sorted, per vault and per resource: the listing order and the base of NextToken.
        self.by_vault: dict[str, list[str]] = {}
        self.by_resource: dict[str, list[str]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}
        self.generated: list[dict[str, Any]] = []
        self.restores_by_target: dict[str, int] = {}
        self.restored_tables: set[str] = set()
        # AWS Backup resource type -> its handler (the types other than DynamoDB: resources.py).
        self.handlers = {handler.resource_type: handler(self) for handler in handlers()}
        self._moto_clients: dict[str, Any] = {}
        super().__init__(seed_path, state_dir, **options)

    # ---- state ----------------------------------------------------------------------------------
    def load_seed(self, doc: dict[str, Any]) -> None:
        self._load(doc, time.time())
        if self.dynamodb_endpoint:
            self._provision_moto()

    def _load(self, doc: dict[str, Any], loaded_at: float) -> None:
        """Build the in-memory state of a seed; moto is left alone (restore_snapshot reuses what is there)."""
        credentials = {str(c['access_key_id']): dict(c) for c in doc['credentials']}
        account, region = str(doc['account_id']), str(doc['region'])
        vaults = {str(vault['name']) for vault in doc.get('vaults', [])}
        tables = {str(table['name']): dict(table) for table in doc.get('tables', [])}
        points: dict[str, dict[str, Any]] = {}
        for table in tables.values():
            table['arn'] = f"arn:aws:dynamodb:{region}:{account}:table/{table['name']}"
            for spec in table.get('recovery_points', []):
                point = self._seed_point(spec, account, region, loaded_at, 'DynamoDB', table['arn'], table['name'])
                point['size'] = 1024 * len(table.get('items', []))
                points[point['arn']] = point
        for spec in doc.get('other_recovery_points', []):
            arn, handler = str(spec['resource_arn']), self.handlers[str(spec['resource_type'])]
            point = self._seed_point(spec, account, region, loaded_at, handler.resource_type, arn, handler.name_of(arn))
            handler.load(point, spec)
            points[point['arn']] = point
        unknown = {point['vault'] for point in points.values()} - vaults
        if unknown:
            raise ValueError(f'recovery points in unknown vaults: {sorted(unknown)}')
        self.seed_doc, self.loaded_at, self.account_id, self.region = doc, loaded_at, account, region
        self.credentials, self.vaults, self.tables, self.points = credentials, vaults, tables, points
        self.jobs, self.tokens, self.generated, self.restores_by_target = {}, {}, [], {}
        self._reindex()

    @staticmethod
    def _seed_point(spec: dict[str, Any], account: str, region: str, loaded_at: float, resource_type: str,
                    resource_arn: str, resource_name: str) -> dict[str, Any]:
        return {
            'arn': f"arn:aws:backup:{region}:{account}:recovery-point:{str(spec['id']).upper()}",
            'vault': str(spec['vault']), 'resource_arn': resource_arn, 'resource_type': resource_type, 'resource_name': resource_name,
            'created': loaded_at - float(spec['age_hours']) * 3600, 'status': str(spec.get('status', 'COMPLETED')),
            'status_message': spec.get('status_message'), 'size': int(spec.get('size_bytes', 0)),
            'plan_id': str(spec.get('backup_plan_id', PLAN_ID)), 'backup_arn': None, 'generated': False,
            'volume': {}, 'objects': [], 'snapshot_id': None,
        }

    def _reindex(self) -> None:
        self.by_vault, self.by_resource = {vault: [] for vault in self.vaults}, {}
        for arn, point in self.points.items():
            self.by_vault[point['vault']].append(arn)
            self.by_resource.setdefault(point['resource_arn'], []).append(arn)
        for arns in (*self.by_vault.values(), *self.by_resource.values()):
            arns.sort()

    def snapshot(self) -> dict[str, Any]:
        return {'seed': self.seed_doc, 'loaded_at': self.loaded_at, 'generated': self.generated, 'jobs': self.jobs,
                'tokens': self.tokens, 'restores_by_target': self.restores_by_target, 'restored_tables': sorted(self.restored_tables),
                'backup_arns': {arn: point['backup_arn'] for arn, point in self.points.items() if point['backup_arn']},
                'point_ids': {arn: {key: point[key] for key in self.handlers[point['resource_type']].persisted if point.get(key)}
                              for arn, point in self.points.items() if point['resource_type'] in self.handlers and not point['generated']},
                'restored': {kind: sorted(handler.restored) for kind, handler in self.handlers.items()}}

    def restore_snapshot(self, doc: dict[str, Any]) -> None:
        # The moto server outlived us: its tables and backups are still the ones the snapshot names.
        self._load(doc['seed'], doc['loaded_at'])
        for arn, backup_arn in doc.get('backup_arns', {}).items():
            if arn in self.points:
                self.points[arn]['backup_arn'] = backup_arn
        for arn, ids in doc.get('point_ids', {}).items():
            if arn in self.points:
                self.points[arn].update(ids)
        for request in doc['generated']:
            self._generate(**request)
        self.generated = doc['generated']
        self._reindex()
        self.jobs, self.tokens = doc['jobs'], doc['tokens']
        self.restores_by_target = doc.get('restores_by_target', {})
        self.restored_tables = set(doc.get('restored_tables', []))
        for kind, restored in doc.get('restored', {}).items():
            self.handlers[kind].restored = set(restored)

    def known_secrets(self) -> list[str]:
        # moto's published dummy pair is not a secret: it is in every moto example and in env.sh.
        return [str(secret) for credential in self.credentials.values() if not credential.get('well_known')
                for secret in (credential.get('secret_access_key'), credential.get('session_token')) if secret]

    def problem(self, status: int, title: str, details: str = '', **extra: Any) -> Response:
        del extra
        return aws_error(status, STATUS_CODES.get(status, 'InternalFailure'), details or title)

    # ---- moto -----------------------------------------------------------------------------------
    def ddb(self) -> Any:
        if self._ddb is None:
            self._ddb = self.moto('dynamodb')
        return self._ddb

    def moto(self, service: str) -> Any:
        """A client of the moto server (it serves every service on one port: EC2 and S3 too)."""
        if service not in self._moto_clients:
            session = boto3.session.Session(aws_access_key_id='testing', aws_secret_access_key='testing', region_name=self.region)
            self._moto_clients[service] = session.client(service, endpoint_url=self.dynamodb_endpoint, config=BOTO_CONFIG)
        return self._moto_clients[service]

    def _provision_moto(self) -> None:
        """Source tables from scratch (so a reset is idempotent), their items, and one moto backup per recovery point."""
        client = self.ddb()
        for name in sorted(self.restored_tables | set(self.tables)):
            try:
                client.delete_table(TableName=name)
            except client.exceptions.ResourceNotFoundException:
                pass
        self.restored_tables = set()
        for table in self.tables.values():
            client.create_table(TableName=table['name'], KeySchema=table['key_schema'], AttributeDefinitions=table['attribute_definitions'],
                                BillingMode='PAY_PER_REQUEST', **({'Tags': table['tags']} if table.get('tags') else {}))
            for item in table.get('items', []):
                client.put_item(TableName=table['name'], Item=_to_attribute_values(item))
        for point in self.points.values():
            if point['resource_type'] == 'DynamoDB':
                answer = client.create_backup(TableName=point['resource_name'], BackupName=f"awsbackup-{point['arn'].rsplit(':', 1)[-1]}")
                point['backup_arn'] = answer['BackupDetails']['BackupArn']
        for kind, handler in self.handlers.items():
            handler.provision([point for point in self.points.values() if point['resource_type'] == kind and not point['generated']])

    # ---- routes ---------------------------------------------------------------------------------
    def register_routes(self) -> None:
        self._api('GET', '/backup-vaults/{backupVaultName}/recovery-points/', self.list_by_vault)
        self._api('GET', '/backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}', self.describe_point)
        self._api('GET', '/backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}/restore-metadata', self.restore_metadata)
        self._api('GET', '/resources/{resourceArn}/recovery-points/', self.list_by_resource)
        self._api('PUT', '/restore-jobs', self.start_restore)
        self._api('GET', '/restore-jobs/', self.list_jobs)
        self._api('GET', '/restore-jobs/{restoreJobId}', self.describe_job)
        self._api('GET', '/restore-jobs/{restoreJobId}/metadata', self.job_metadata)
        self._api('GET', '/resources/{resourceArn}/restore-jobs/', self.list_jobs_by_resource)
        self.route('POST', '/_sim/generate', self.sim_generate)
        self.route('GET', '/_sim/restores', lambda _request: json_response(200, self.restores_by_target))

    def _api(self, method: str, template: str, handler: Callable[[Request], Response]) -> None:
        def checked(request: Request) -> Response:
            self._authorize(request)
            # botocore percent-encodes ARNs in the path (':' and '/' included); the route matched them encoded.
            request.params = {key: unquote(value) for key, value in request.params.items()}
            return handler(request)
        self.route(method, template, checked)

    def _authorize(self, request: Request) -> None:
        """A SigV4 header for the backup service with a seeded key (and its session token), and a signature that matches."""
        found = AUTH_HEADER.match(request.header('Authorization') or '')
        credential = self.credentials.get(found['key']) if found else None
        token = credential.get('session_token') if credential else None
        if not credential or found['service'] != 'backup' or (token and request.header('X-Amz-Security-Token') != token):
            self.count('unauthorized')
            raise fail('UnrecognizedClientException', 'The security token included in the request is invalid.', 403)
        if _signature(request, credential, found) != found['signature']:
            self.count('unauthorized')
            raise fail('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. '
                       'Check your AWS Secret Access Key and signing method.', 403)

    # ---- request helpers ------------------------------------------------------------------------
    @staticmethod
    def _query(request: Request, name: str) -> str | None:
        values = request.query.get(name)
        return values[-1] if values else None

    def _time(self, request: Request, name: str) -> float | None:
        text = self._query(request, name)
        try:
            return parse_iso(text) if text else None
        except ValueError as exc:
            raise fail('InvalidParameterValueException', f'{name} is not an ISO 8601 timestamp: {text!r}') from exc

    def _max_results(self, request: Request) -> int:
        text = self._query(request, 'maxResults') or '1000'
        if not text.isdigit() or not 1 <= int(text) <= 1000:
            raise fail('InvalidParameterValueException', 'maxResults must be an integer from 1 to 1000.')
        return int(text)

    @staticmethod
    def _decode_token(text: str | None) -> str:
        if not text:
            return ''
        try:
            return base64.urlsafe_b64decode(text.encode()).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise fail('InvalidParameterValueException', 'nextToken is not valid.') from exc

    def _page_arns(self, request: Request, arns: list[str], keep: Callable[[dict[str, Any]], bool]) -> tuple[list[dict[str, Any]], str | None]:
        """One page of an ARN-sorted list: the token is the last ARN returned, so a page costs a bisect and a short scan."""
        limit = self._max_results(request)
        index = bisect.bisect_right(arns, self._decode_token(self._query(request, 'nextToken')))
        page: list[dict[str, Any]] = []
        while index < len(arns) and len(page) < limit:
            point = self.points[arns[index]]
            index += 1
            if keep(point):
                page.append(point)
        more = index < len(arns) and page
        return page, base64.urlsafe_b64encode(page[-1]['arn'].encode()).decode() if more else None

    def _vault(self, request: Request) -> str:
        vault = request.params['backupVaultName']
        account = self._query(request, 'backupVaultAccountId')
        if vault not in self.vaults or (account and account != self.account_id):
            raise fail('ResourceNotFoundException', f'Backup vault {vault} does not exist in account {account or self.account_id}.')
        return vault

    def _point(self, request: Request) -> dict[str, Any]:
        vault = self._vault(request)
        point = self.points.get(request.params['recoveryPointArn'])
        if not point or point['vault'] != vault:
            raise fail('ResourceNotFoundException', f"Recovery point {request.params['recoveryPointArn']} not found in vault {vault}.")
        return point

    # ---- recovery points ------------------------------------------------------------------------
    def vault_arn(self, vault: str) -> str:
        return f'arn:aws:backup:{self.region}:{self.account_id}:backup-vault:{vault}'

    def render_point(self, point: dict[str, Any]) -> dict[str, Any]:
        """RecoveryPointByBackupVault (and most of DescribeRecoveryPoint): timestamps as epoch seconds."""
        created = point['created']
        doc = {
            'RecoveryPointArn': point['arn'], 'BackupVaultName': point['vault'], 'BackupVaultArn': self.vault_arn(point['vault']),
            'ResourceArn': point['resource_arn'], 'ResourceType': point['resource_type'], 'ResourceName': point['resource_name'],
            'CreatedBy': {'BackupPlanId': point['plan_id'], 'BackupPlanArn': f"arn:aws:backup:{self.region}:{self.account_id}:backup-plan:{point['plan_id']}",
                          'BackupPlanVersion': 'ZjA5YmQ3NzQtYzk2Ni00MmIzLWI5ZTAtYjQ5ZTk4M2Q5YjE0', 'BackupRuleId': 'daily'},
            'IamRoleArn': f'arn:aws:iam::{self.account_id}:role/service-role/AWSBackupDefaultServiceRole',
            'Status': point['status'], 'CreationDate': created, 'InitiationDate': created, 'CompletionDate': created + 120,
            'BackupSizeInBytes': point['size'], 'Lifecycle': {'DeleteAfterDays': 35}, 'CalculatedLifecycle': {'DeleteAt': created + 35 * 86400},
            'EncryptionKeyArn': f'arn:aws:kms:{self.region}:{self.account_id}:key/00000000-0000-4000-8000-00000000c0de',
            'IsEncrypted': True, 'IsParent': False, 'VaultType': 'BACKUP_VAULT', 'EncryptionKeyType': 'CUSTOMER_MANAGED_KMS_KEY',
        }
        if point['status_message']:
            doc['StatusMessage'] = point['status_message']
        return doc

    def list_by_vault(self, request: Request) -> Response:
        vault = self._vault(request)
        resource, kind = self._query(request, 'resourceArn'), self._query(request, 'resourceType')
        plan, parent = self._query(request, 'backupPlanId'), self._query(request, 'parentRecoveryPointArn')
        before, after = self._time(request, 'createdBefore'), self._time(request, 'createdAfter')

        def keep(point: dict[str, Any]) -> bool:
            return ((not resource or point['resource_arn'] == resource) and (not kind or point['resource_type'] == kind)
                    and (not plan or point['plan_id'] == plan) and not parent
                    and (before is None or point['created'] < before) and (after is None or point['created'] > after))

        page, token = self._page_arns(request, self.by_vault[vault], keep)
        return self._listing('RecoveryPoints', [self.render_point(point) for point in page], token)

    def list_by_resource(self, request: Request) -> Response:
        arns = self.by_resource.get(request.params['resourceArn'])
        if arns is None:
            raise fail('ResourceNotFoundException', f"No recovery points for resource {request.params['resourceArn']}.")
        page, token = self._page_arns(request, arns, lambda _point: True)
        rows = []
        for point in page:
            full = self.render_point(point)
            row = {key: full[key] for key in ('RecoveryPointArn', 'CreationDate', 'Status', 'EncryptionKeyArn', 'IsParent', 'ResourceName',
                                              'VaultType', 'EncryptionKeyType', 'BackupVaultName') if key in full}
            row['BackupSizeBytes'] = point['size']   # this shape spells it BackupSizeBytes
            if point['status_message']:
                row['StatusMessage'] = point['status_message']
            rows.append(row)
        return self._listing('RecoveryPoints', rows, token)

    @staticmethod
    def _listing(key: str, rows: list[dict[str, Any]], token: str | None) -> Response:
        doc: dict[str, Any] = {key: rows}
        if token:
            doc['NextToken'] = token
        return json_response(200, doc, 'application/json')

    def describe_point(self, request: Request) -> Response:
        doc = self.render_point(self._point(request))
        doc['StorageClass'] = 'WARM'
        return json_response(200, doc, 'application/json')

    def restore_metadata(self, request: Request) -> Response:
        point = self._point(request)
        if point['resource_type'] == 'DynamoDB':
            # Key names follow the restore-testing inferred metadata for DynamoDB; the exact set GetRecoveryPointRestoreMetadata
            # returns for DynamoDB is UNCONFIRMED (originalTableName in particular).
            metadata = {'originalTableName': point['resource_name'], 'targetTableName': point['resource_name'],
                        'encryptionType': 'Default', 'deletionProtection': 'false'}
        else:
            metadata = self.handlers[point['resource_type']].restore_metadata(point)
        return json_response(200, {'BackupVaultArn': self.vault_arn(point['vault']), 'RecoveryPointArn': point['arn'],
                                   'ResourceType': point['resource_type'], 'RestoreMetadata': metadata}, 'application/json')

    # ---- restore jobs ---------------------------------------------------------------------------
    def start_restore(self, request: Request) -> Response:
        try:
            body = request.json()
        except ValueError as exc:
            raise fail('InvalidParameterValueException', f'The request body is not JSON: {exc}') from exc
        if not isinstance(body, dict):
            raise fail('InvalidParameterValueException', 'The request body must be a JSON object.')
        if not body.get('RecoveryPointArn'):
            raise fail('MissingParameterValueException', 'RecoveryPointArn is required.')
        metadata = body.get('Metadata')
        if not isinstance(metadata, dict) or not metadata:
            raise fail('MissingParameterValueException', 'Metadata is required.')
        token = body.get('IdempotencyToken')
        if token and token in self.tokens:
            # "Retrying a successful request with the same idempotency token results in a success message with no action taken."
            self.count('idempotent_replays')
            return json_response(200, {'RestoreJobId': self.tokens[token]}, 'application/json')
        point = self.points.get(body['RecoveryPointArn'])
        if not point:
            raise fail('ResourceNotFoundException', f"Recovery point {body['RecoveryPointArn']} not found.")
        if body.get('ResourceType') and body['ResourceType'] != point['resource_type']:
            raise fail('InvalidParameterValueException', f"ResourceType {body['ResourceType']} does not match the recovery point ({point['resource_type']}).")
        if point['status'] not in RESTORABLE:
            raise fail('InvalidRequestException', f"Recovery point {point['arn']} is {point['status']} and cannot be restored.")
        target = self._target(point, metadata)
        job = self._new_job(point, body, metadata, target)
        if token:
            self.tokens[token] = job['id']
        return json_response(200, {'RestoreJobId': job['id']}, 'application/json')

    def _target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        if point['resource_type'] in self.handlers:
            return self.handlers[point['resource_type']].target(point, metadata)
        if point['resource_type'] != 'DynamoDB':
            return str(metadata.get('volumeId') or point['resource_name'])
        target = metadata.get('targetTableName')
        if not target:
            raise fail('InvalidParameterValueException', 'Metadata targetTableName is required to restore a DynamoDB table.')
        if not isinstance(target, str) or not TABLE_NAME.match(target):
            raise fail('InvalidParameterValueException', f'Metadata targetTableName {target!r} is not a valid table name ([a-zA-Z0-9_.-]{{3,255}}).')
        return target

    def _new_job(self, point: dict[str, Any], body: dict[str, Any], metadata: dict[str, Any], target: str) -> dict[str, Any]:
        job = {
            'id': str(uuid.uuid4()).upper(), 'point': point['arn'], 'target': target, 'metadata': dict(metadata),
            'iam_role': body.get('IamRoleArn'), 'copy_tags': bool(body.get('CopySourceTagsToRestoredResource')),
            'status': 'PENDING', 'status_message': None, 'percent': 0.0, 'created': time.time(), 'started': None, 'completed': None,
            'created_resource_arn': None, 'resource_type': point['resource_type'], 'source': point['resource_arn'], 'vault': point['vault'],
            'size': point['size'], 'point_created': point['created'],
        }
        self.jobs[job['id']] = job
        self.restores_by_target[target] = self.restores_by_target.get(target, 0) + 1
        self.count('restores_started')
        self.changed()
        return job

    def render_job(self, job: dict[str, Any]) -> dict[str, Any]:
        doc = {
            'AccountId': self.account_id, 'RestoreJobId': job['id'], 'RecoveryPointArn': job['point'], 'SourceResourceArn': job['source'],
            'BackupVaultArn': self.vault_arn(job['vault']), 'CreationDate': job['created'], 'Status': job['status'],
            'PercentDone': f"{job['percent']:.2f}%", 'BackupSizeInBytes': job['size'], 'ExpectedCompletionTimeMinutes': 1,
            'ResourceType': job['resource_type'], 'RecoveryPointCreationDate': job['point_created'], 'CreatedBy': {}, 'IsParent': False,
        }
        optional = {'CompletionDate': job['completed'], 'StatusMessage': job['status_message'], 'IamRoleArn': job['iam_role'],
                    'CreatedResourceArn': job['created_resource_arn']}
        doc.update({key: value for key, value in optional.items() if value is not None})
        return doc

    def describe_job(self, request: Request) -> Response:
        job = self.jobs.get(request.params['restoreJobId'])
        if not job:
            raise fail('ResourceNotFoundException', f"Restore job {request.params['restoreJobId']} not found.")
        return json_response(200, self.render_job(job), 'application/json')

    def job_metadata(self, request: Request) -> Response:
        """GetRestoreJobMetadata: the metadata the job was started with."""
        job = self.jobs.get(request.params['restoreJobId'])
        if not job:
            raise fail('ResourceNotFoundException', f"Restore job {request.params['restoreJobId']} not found.")
        return json_response(200, {'RestoreJobId': job['id'], 'Metadata': job['metadata']}, 'application/json')

    def list_jobs(self, request: Request) -> Response:
        account, kind, status = self._query(request, 'accountId'), self._query(request, 'resourceType'), self._query(request, 'status')
        bounds = {name: self._time(request, name) for name in ('createdBefore', 'createdAfter', 'completeBefore', 'completeAfter')}

        def keep(job: dict[str, Any]) -> bool:
            completed = job['completed']
            return ((not account or account == self.account_id) and (not kind or job['resource_type'] == kind)
                    and (not status or job['status'] == status) and _within(job['created'], bounds['createdAfter'], bounds['createdBefore'])
                    and (bounds['completeBefore'] is None and bounds['completeAfter'] is None
                         or completed is not None and _within(completed, bounds['completeAfter'], bounds['completeBefore'])))

        return self._page_jobs(request, keep)

    def list_jobs_by_resource(self, request: Request) -> Response:
        resource, status = request.params['resourceArn'], self._query(request, 'status')
        after, before = self._time(request, 'recoveryPointCreationDateAfter'), self._time(request, 'recoveryPointCreationDateBefore')
        return self._page_jobs(request, lambda job: job['source'] == resource and (not status or job['status'] == status)
                               and _within(job['point_created'], after, before))

    def _page_jobs(self, request: Request, keep: Callable[[dict[str, Any]], bool]) -> Response:
        """Jobs newest first; few enough that an offset token is fine."""
        limit = self._max_results(request)
        offset_text = self._decode_token(self._query(request, 'nextToken')) or '0'
        if not offset_text.isdigit():
            raise fail('InvalidParameterValueException', 'nextToken is not valid.')
        found = [job for job in sorted(self.jobs.values(), key=lambda job: job['created'], reverse=True) if keep(job)]
        offset = int(offset_text)
        more = offset + limit < len(found)
        token = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if more else None
        return self._listing('RestoreJobs', [self.render_job(job) for job in found[offset:offset + limit]], token)

    # ---- job lifecycle --------------------------------------------------------------------------
    def tick(self) -> None:
        now = time.time()
        duration = max(self.config['job_duration_s'], 0.001)
        for job in self.jobs.values():
            if job['status'] == 'PENDING' and now - job['created'] >= self.config['queue_s']:
                job.update(status='RUNNING', started=now)
                self.changed()
            elif job['status'] == 'RUNNING':
                elapsed = now - job['started']
                if elapsed >= self.config['job_duration_s']:
                    self._finish(job, now)
                else:
                    job['percent'] = min(99.0, 100.0 * elapsed / duration)
                self.changed()

    def _finish(self, job: dict[str, Any], now: float) -> None:
        try:
            if self.config['outcome_by_target'].get(job['target'], self.config['job_outcome']) == 'failed':
                raise RestoreFailure(f"Restore of {job['target']} failed (simulated failure).")
            job['created_resource_arn'] = self._restore(job)
        except RestoreFailure as exc:
            job.update(status='FAILED', status_message=str(exc), completed=now)
            return
        job.update(status='COMPLETED', status_message='Restore completed successfully.', completed=now, percent=100.0)

    def _restore(self, job: dict[str, Any]) -> str:
        """Create the restored resource; the ARN it answers with is the job's CreatedResourceArn."""
        point = self.points.get(job['point'])
        if point is not None and point['resource_type'] in self.handlers and self.dynamodb_endpoint and not point['generated']:
            return self.handlers[point['resource_type']].restore(point, job)
        if point is None or point['resource_type'] != 'DynamoDB':
            return f"arn:aws:ec2:{self.region}:{self.account_id}:volume/vol-{job['id'].replace('-', '').lower()[:17]}"
        if point['generated']:
            raise RestoreFailure(f"Recovery point {point['arn']} has no backup data (synthetic recovery point).")
        target = job['target']
        if target in self.tables or (not self.dynamodb_endpoint and target in self.restored_tables):
            raise RestoreFailure(f'Table already exists: {target}')
        if not self.dynamodb_endpoint:
            self.restored_tables.add(target)
            return f'arn:aws:dynamodb:{self.region}:{self.account_id}:table/{target}'
        client = self.ddb()
        # moto holds the truth: a table restored here and deleted since (a drill's cleanup) can be restored again.
        try:
            client.describe_table(TableName=target)
            raise RestoreFailure(f'Table already exists: {target}')
        except client.exceptions.ResourceNotFoundException:
            self.restored_tables.discard(target)
        try:
            answer = client.restore_table_from_backup(TargetTableName=target, BackupArn=point['backup_arn'])
            arn = answer['TableDescription']['TableArn']
            tamper_table(client, target, self.config)
            tags = self.tables[point['resource_name']].get('tags')
            if job['copy_tags'] and tags:
                client.tag_resource(ResourceArn=arn, Tags=tags)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of {target} failed: {exc}') from exc
        self.restored_tables.add(target)
        return arn

    # ---- /_sim/generate -------------------------------------------------------------------------
    def sim_generate(self, request: Request) -> Response:
        default_resource = next(iter(self.tables.values()))['arn'] if self.tables else ''
        try:
            doc = request.json()
            args = {'vault': str(doc['vault']), 'resource_arn': str(doc.get('resource_arn') or default_resource), 'count': int(doc['count']),
                    'newest': parse_iso(doc['newest']) if doc.get('newest') else time.time(),
                    'interval_minutes': float(doc.get('interval_minutes', 60)), 'batch': len(self.generated)}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return json_response(400, {'error': f'expected {{vault, count, resource_arn?, newest?, interval_minutes?}}: {exc!r}'})
        if args['vault'] not in self.vaults or not 0 < args['count'] <= MAX_GENERATED:
            return json_response(400, {'error': f'unknown vault or count outside 1..{MAX_GENERATED}'})
        self._generate(**args)
        self.generated.append(args)
        self.changed()
        return json_response(200, {'generated': args['count'], 'total': len(self.by_vault[args['vault']])})

    def _generate(self, vault: str, resource_arn: str, count: int, newest: float, interval_minutes: float, batch: int) -> None:
        """Synthetic COMPLETED recovery points without moto backups: for listing and paging benchmarks."""
        prefix = f'arn:aws:backup:{self.region}:{self.account_id}:recovery-point:'
        kind = _resource_type_of(resource_arn)
        name = self.handlers[kind].name_of(resource_arn) if kind in self.handlers else resource_arn.rsplit('/', 1)[-1]
        new = []
        for number in range(count):
            # Multiplying by an odd constant permutes the numbers, so ARN order is not creation order (real AWS
            # promises no order either), and it is far cheaper than uuid5 for 100k points.
            arn = f'{prefix}{(number * 2654435761) & 0xFFFFFFFF:08X}-{batch & 0xFFFF:04X}-4000-8000-{number:012X}'
            self.points[arn] = {'arn': arn, 'vault': vault, 'resource_arn': resource_arn, 'resource_type': kind, 'resource_name': name,
                                'created': newest - number * interval_minutes * 60, 'status': 'COMPLETED', 'status_message': None,
                                'size': 1024, 'plan_id': PLAN_ID, 'backup_arn': None, 'generated': True}
            new.append(arn)
        for arns in (self.by_vault[vault], self.by_resource.setdefault(resource_arn, [])):
            arns.extend(new)
            arns.sort()


def _signature(request: Request, credential: dict[str, Any], found: re.Match[str]) -> str:
    """Recompute the client's SigV4 signature with botocore's own signer, over the headers the client says it signed."""
    headers = {name: request.header(name) or '' for name in found['headers'].split(';')}
    # The path is still percent-encoded as the client sent it; the query is re-encoded the way botocore encodes it.
    url = f"http://{request.header('Host') or 'localhost'}{request.path}"
    params = [(key, value) for key, values in request.query.items() for value in values]
    aws_request = botocore.awsrequest.AWSRequest(method=request.method, url=url, headers=headers, data=request.body, params=params)
    aws_request.context['timestamp'] = request.header('X-Amz-Date') or ''
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(credential['access_key_id'], credential['secret_access_key'],
                                                                      credential.get('session_token')), found['service'], found['region'])
    return signer.signature(signer.string_to_sign(aws_request, signer.canonical_request(aws_request)), aws_request)


# ARN service and resource prefix -> AWS Backup resource type.
ARN_TYPES = (('dynamodb', '', 'DynamoDB'), ('ec2', 'volume/', 'EBS'), ('ec2', 'instance/', 'EC2'), ('s3', '', 'S3'),
             ('elasticfilesystem', '', 'EFS'), ('rds', 'db:', 'RDS'))


def _resource_type_of(arn: str) -> str:
    parts = arn.split(':', 5) + [''] * 6
    return next((kind for service, prefix, kind in ARN_TYPES if parts[2] == service and parts[5].startswith(prefix)), 'EC2')


def _within(value: float, after: float | None, before: float | None) -> bool:
    return (after is None or value > after) and (before is None or value < before)


def _to_attribute_values(item: dict[str, Any]) -> dict[str, Any]:
    """Plain YAML values -> DynamoDB attribute values for the low-level client."""
    serializer = TypeSerializer()
    return {key: serializer.serialize(_decimals(value)) for key, value in item.items()}


def _decimals(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decimals(item) for item in value]
    return value
