# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""AWS Backup and DynamoDB through boto3: connection options, clients, input rules, restores.

Facts and their sources: ../shared/api/aws-backup-and-dynamodb.md. The connection options are
amazon.aws's names, aliases and environment variables, so `module_defaults` written for amazon.aws
read the same here. Both restore kinds run on the one restore flow (_restore.py): `BackupRestore`
(StartRestoreJob) and `TableRestore` (RestoreTableFromBackup / RestoreTableToPointInTime).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import time
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types as _types, _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, arn_parts, call, describe_error, error_code, error_details, paginate, plain, start_call)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import RESTORED_TAG
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._restore import Restore
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp, restore_point, utc_now
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader, StateMap, percent

try:
    import boto3
    import botocore.config
    import botocore.session
except ImportError:
    BOTO3_IMPORT_ERROR = traceback.format_exc()
    CONFIG_KEYS = ()
else:
    BOTO3_IMPORT_ERROR = None
    CONFIG_KEYS = tuple(botocore.config.Config.OPTION_DEFAULTS)

# Throttling and 5xx are retried by botocore's "standard" mode with jittered exponential backoff.
DEFAULT_RETRY = {'mode': 'standard', 'max_attempts': 10}
# RestoreTableFromBackup / RestoreTableToPointInTime carry no idempotency token: botocore must not
# resend them. A lost answer is looked up by the restore flow instead (_restore.start).
# botocore's max_attempts counts the retries (max_attempts 1 is two sends): total_max_attempts counts the sends.
SINGLE_TRY = {'mode': 'standard', 'total_max_attempts': 1}

# Recovery points a restore can start from (RecoveryPointStatus; the others are being created,
# expired, partial or stopped).
RESTORABLE_STATUSES = ('COMPLETED', 'AVAILABLE')
RECOVERY_POINT_STATUSES = ('COMPLETED', 'PARTIAL', 'DELETING', 'EXPIRED', 'AVAILABLE', 'STOPPED', 'CREATING')
RESTORE_JOB_STATUSES = ('PENDING', 'RUNNING', 'COMPLETED', 'ABORTED', 'FAILED')
RESTORE_JOB_STATES = StateMap(running=('PENDING', 'RUNNING'), succeeded=('COMPLETED',), failed=('ABORTED', 'FAILED'))
TABLE_STATES = StateMap(running=('CREATING', 'UPDATING', 'RESTORING'), succeeded=('ACTIVE',),
                        failed=('DELETING', 'INACCESSIBLE_ENCRYPTION_CREDENTIALS', 'ARCHIVING', 'ARCHIVED',
                                'REPLICATION_NOT_AUTHORIZED'))

# The tag every restore of this collection puts on a DynamoDB table it creates; cleanup deletes
# only tables that carry it.
# TagResource refuses a table that is being created or updated (ResourceInUseException).
TAG_TRIES = 5
TAG_PAUSE = 1.0
SECOND = datetime.timedelta(seconds=1)
# Metadata keys whose values are not shown in results: credentials, and EC2 UserData (scripts often carry secrets).
# EFS's CreationToken is an idempotency name, not a secret.
SECRET_KEY_RE = re.compile(r'password|secret|(?<!creation)token|userdata', re.IGNORECASE)

# StartRestoreJob metadata keys for DynamoDB (restore-testing-inferred-metadata page; the full list
# for StartRestoreJob is UNCONFIRMED, see the api notes §1.10).
DYNAMODB_METADATA = {'target_table_name': 'targetTableName', 'encryption_type': 'encryptionType',
                     'kms_master_key_arn': 'kmsMasterKeyArn'}
DYNAMODB_ONLY = ('target_table_name', 'encryption_type', 'kms_master_key_arn')
# Resource types whose restored resource the module tags (and so cleanup may later delete).
TAGGED_TYPES = ('DynamoDB',) + tuple(_types.BY_TYPE)

# StartRestoreJob without IamRoleArn: what AWS then uses is not documented (docs/aws.md), so the module warns.
DEFAULT_ROLE_NOTE = ('iam_role_arn is not set, so StartRestoreJob is sent without IamRoleArn. AWS documents no default '
                     'for the API: the console offers the account\'s AWSBackupDefaultServiceRole, and a restore without a '
                     'usable role fails in AWS Backup after it started. Set iam_role_arn to the role AWS Backup should '
                     'assume (see the collection\'s docs/aws.md, "Which IAM role a restore uses").')


# ---- input rules (whole strings, before any call) ----------------------------------------------
VAULT_NAME = re.compile(r'[a-zA-Z0-9_-]{2,50}')
ROLE_ARN = re.compile(r'arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}')
KMS_ARN = re.compile(r'arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[A-Za-z0-9/_-]+')
TABLE_ARN = re.compile(r'arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}')
BACKUP_ARN = re.compile(r'arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}/backup/[a-zA-Z0-9_.-]+')
RP_EXAMPLE = 'arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45'
RESOURCE_EXAMPLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'


def vault_name(name, value):
    return _checks.whole(name, value, VAULT_NAME, '2 to 50 letters, digits, - or _')


def role_arn(name, value):
    return _checks.whole(name, value, ROLE_ARN, 'an IAM role ARN such as arn:aws:iam::123456789012:role/AWSBackupDefaultServiceRole')


def kms_arn(name, value):
    return _checks.whole(name, value, KMS_ARN, 'a KMS key ARN such as arn:aws:kms:us-east-1:123456789012:key/'
                                               '1234abcd-12ab-34cd-56ef-1234567890ab')


def backup_arn(name, value):
    return _checks.whole(name, value, BACKUP_ARN, 'a DynamoDB backup ARN such as '
                         'arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01700000000000-abcdef12')


def resource_arn(name, value, example=RESOURCE_EXAMPLE):
    return _checks.arn(name, value, example)


def time_window(params):
    """(created_after, created_before, point_in_time) of a listing; the first two may lie ahead, a point in time not."""
    return (_checks.timestamp('created_after', params['created_after'], allow_future=True),
            _checks.timestamp('created_before', params['created_before'], allow_future=True),
            _checks.timestamp('point_in_time', params['point_in_time']))


def table_or_arn(name, value):
    """A table name, or a table ARN (DynamoDB takes either as TableName)."""
    if value is not None and not (isinstance(value, str) and (_checks.TABLE_NAME.fullmatch(value) or TABLE_ARN.fullmatch(value))):
        raise OptionError('%s must be a table name (3 to 255 characters of a-z, A-Z, 0-9, _, - and .) or a table ARN such as '
                          '%s, got %r' % (name, RESOURCE_EXAMPLE, value))
    return value


def capacities(params, module, option):
    """Every capacity unit of a dict option (or list of dicts), through _checks.capacity."""
    for unit, value in (params.get(option) or {}).items():
        _checks.capacity('%s.%s' % (option, unit), value, warn=module.warn)


def wait_options(params):
    _checks.at_least('wait_timeout', params['wait_timeout'], 0)
    _checks.at_least('poll_interval', params['poll_interval'], 1)


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
        """Every connection option, whole-string, before any call; secrets registered for redaction."""
        params = self.module.params
        for secret in (params['secret_key'], params['session_token']):
            if secret:
                self.module.redact.add(secret)
        try:
            check_connection(params)
        except OptionError as exc:
            self.module.fail_json(msg=exc.msg)

    def client(self):
        return AwsClients(self.module, self.SERVICE)


def check_connection(params):
    if params['profile'] and (params['access_key'] or params['secret_key'] or params['session_token']):
        raise OptionError('Passing both a profile and access tokens is not supported: set profile, or access_key and secret_key')
    if bool(params['access_key']) != bool(params['secret_key']):
        raise OptionError('access_key and secret_key go together: set both (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), '
                          'or neither')
    _checks.not_blank('access_key', params['access_key'])
    _checks.not_blank('profile', params['profile'])
    _checks.url('endpoint_url', params['endpoint_url'], 'https://backup.us-east-1.amazonaws.com')
    _checks.region('region', params['region'])
    _checks.known_keys('aws_config', params['aws_config'], CONFIG_KEYS)


class AwsBackupConnection(AwsConnection):
    SERVICE = 'backup'


class DynamoDBConnection(AwsConnection):
    SERVICE = 'dynamodb'


class RestoredResourceConnection(AwsConnection):
    """For a resource AWS Backup restored: endpoint_url applies to the service of its `type` (ec2 or s3)."""

    def client(self):
        return AwsClients(self.module, _types.BY_KIND[self.module.params['type']].service)


class AwsClients:
    """boto3 clients made on first use, all from one session; `once(service)` sends each call once."""

    def __init__(self, module, main_service):
        self.module = module
        self.main_service = main_service
        self._clients = {}
        self._session = None

    def __getattr__(self, service):
        if service.startswith('_'):
            raise AttributeError(service)
        return self._get(service, False)

    def once(self, service):
        """A client whose calls botocore never resends (max_attempts 1), for calls without a token."""
        return self._get(service, True)

    def in_region(self, service, region):
        """A client of the same session for another region (e.g. a source table's), None meaning the module's."""
        return self._get(service, False, region)

    def _get(self, service, single_try, region=None):
        key = (service, single_try, region)
        if key not in self._clients:
            self._clients[key] = self._make(service, single_try, region)
        return self._clients[key]

    def _make(self, service, single_try=False, region=None):
        params = self.module.params
        if self._session is None:
            self._session = boto3.session.Session(
                aws_access_key_id=params['access_key'], aws_secret_access_key=params['secret_key'],
                aws_session_token=params['session_token'], profile_name=params['profile'], region_name=params['region'],
                botocore_session=botocore_session())
        verify = (params['aws_ca_bundle'] or True) if params['validate_certs'] else False
        endpoint = params['endpoint_url'] if service == self.main_service else None
        regional = {'region_name': region} if region else {}

        def make(with_aws_config):
            return self._session.client(service, endpoint_url=endpoint, verify=verify, config=self._config(single_try, with_aws_config),
                                        **regional)
        try:
            return make(True)
        except (TypeError, ValueError, AttributeError, botocore.exceptions.BotoCoreError) as exc:
            if not params['aws_config']:
                raise
            make(False)  # the same client without aws_config: any other cause of the error raises here, as itself
            # botocore checks aws_config's values only when it makes a client, before any request: name the option.
            raise OptionError('aws_config is not a valid botocore Config (%s: %s); see the Config parameters of '
                              'https://botocore.amazonaws.com/v1/documentation/api/latest/reference/config.html'
                              % (type(exc).__name__, exc)) from None

    def _config(self, single_try, with_aws_config=True):
        config = botocore.config.Config(retries=dict(DEFAULT_RETRY), user_agent_extra='recoverops.restore')
        if with_aws_config and self.module.params['aws_config']:
            config = config.merge(botocore.config.Config(**self.module.params['aws_config']))
        if single_try:
            config = config.merge(botocore.config.Config(retries=dict(SINGLE_TRY)))
        return config

    def close(self):
        for client in self._clients.values():
            client.close()


_DATA_LOADER = []


def botocore_session():
    """A new botocore session that shares this process's data loader (the service models it has parsed).

    A module run makes one session; dr_drill_run runs many modules in one process, and a session of its own
    loader would parse the same service models again for each client (about 0.13 CPU-seconds each). The
    loader only reads botocore's data files; credentials and settings stay each session's own.
    """
    session = botocore.session.Session()
    if _DATA_LOADER:
        session.register_component('data_loader', _DATA_LOADER[0])
    else:
        _DATA_LOADER.append(session.get_component('data_loader'))
    return session


def tag_table(dynamodb, arn, tags, tries=None):
    """TagResource, again (TAG_TRIES in all, TAG_PAUSE s more each time) while the table is being created or
    updated (ResourceInUseException)."""
    pairs = [{'Key': key, 'Value': str(value)} for key, value in tags.items()]
    tries = tries or TAG_TRIES
    for attempt in range(1, tries + 1):
        try:
            return dynamodb.tag_resource(ResourceArn=arn, Tags=pairs)
        except AWS_ERRORS as exc:
            if error_code(exc) != 'ResourceInUseException' or attempt == tries:
                raise OperationFailed(describe_error(dynamodb, 'tag_resource', exc), error=error_details(exc)) from None
        time.sleep(TAG_PAUSE * attempt)
    return None


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


PAGE_SIZE = 1000
FIRST_WINDOW = datetime.timedelta(days=1)
WINDOW_GROWTH = 4
# Past this the windows stop and one unbounded listing finishes the search.
LAST_WINDOW = datetime.timedelta(days=3650)
VAULT_FILTERS = (('backup_vault_account_id', 'BackupVaultAccountId'), ('resource_arn', 'ByResourceArn'),
                 ('resource_type', 'ByResourceType'), ('backup_plan_id', 'ByBackupPlanId'),
                 ('parent_recovery_point_arn', 'ByParentRecoveryPointArn'))


def end_of_second(moment):
    """An "at or before" bound given to the second includes that whole second (DESIGN.md)."""
    return moment.replace(microsecond=999999) if moment is not None and moment.microsecond == 0 else moment


def exclusive_bound(moment):
    """The exclusive upper bound an API needs so that the second of `moment` is in: its next whole second."""
    return moment.replace(microsecond=0) + SECOND if moment is not None else None


class RecoveryPointSearch:
    """Recovery points by vault or by resource, newest first, the pages read counted.

    ByCreatedBefore is documented as "before" (exclusive), so an "at or before point_in_time" search
    sends point_in_time + 1 s and keeps what is at or before point_in_time itself here. `created_before`
    keeps the documented "before".
    """

    def __init__(self, backup, params, after=None, before=None, point_in_time=None):
        self.backup = backup
        self.params = params
        self.after, self.before, self.point_in_time = after, before, point_in_time
        self.last = end_of_second(point_in_time)
        bounds = [moment for moment in (before, exclusive_bound(point_in_time)) if moment]
        self.server_before = min(bounds) if bounds else None
        self.pages = 0

    def run(self):
        params = self.params
        if params['recovery_point_arn']:
            points = [call(self.backup, 'describe_recovery_point', **self.vault_args(params['recovery_point_arn']))]
        elif params['backup_vault_name'] and (params['latest'] or self.point_in_time):
            points = self.newest_in_windows()
        elif params['backup_vault_name']:
            points = self.keep(self.vault(self.after))
        else:
            # ListRecoveryPointsByResource does not repeat the resource in each point.
            points = [dict(point, ResourceArn=params['resource_arn'], ResourceType=resource_type_of(params['resource_arn']))
                      for point in self.keep(self.resource())]
        points = newest_by_creation(points)
        count = 1 if params['latest'] or self.point_in_time else params['max_points']
        return points[:count] if count else points

    def keep(self, points):
        wanted = set(self.params['statuses'])
        return [point for point in points if point.get('Status') in wanted and self.in_bounds(parse_timestamp(point['CreationDate']))]

    def in_bounds(self, created):
        return (self.before is None or created < self.before) and (self.last is None or created <= self.last)

    def newest_in_windows(self):
        """The newest matching point, looking back from the bound (or now) in growing windows."""
        end = self.server_before or utc_now()
        window = FIRST_WINDOW
        while True:
            start = end - window
            if self.after and start <= self.after:
                return self.keep(self.vault(self.after))
            if window > LAST_WINDOW:
                return self.keep(self.vault(None))
            found = self.keep(self.vault(start))
            if found:
                return found
            window *= WINDOW_GROWTH

    def vault(self, after):
        query = {'BackupVaultName': self.params['backup_vault_name'], 'MaxResults': PAGE_SIZE}
        query.update({key: self.params[option] for option, key in VAULT_FILTERS if self.params[option]})
        if after:
            query['ByCreatedAfter'] = after
        if self.server_before:
            query['ByCreatedBefore'] = self.server_before
        return self._pages('list_recovery_points_by_backup_vault', query)

    def resource(self):
        query = {'ResourceArn': self.params['resource_arn'], 'MaxResults': PAGE_SIZE}
        if self.params['managed_by_aws_backup_only']:
            query['ManagedByAWSBackupOnly'] = True
        return self._pages('list_recovery_points_by_resource', query)

    def _pages(self, operation, query):
        points = []
        while True:
            page = call(self.backup, operation, **query)
            self.pages += 1
            points.extend(page.get('RecoveryPoints', []))
            if not page.get('NextToken'):
                return points
            query['NextToken'] = page['NextToken']

    def vault_args(self, arn, vault=None):
        return vault_args(self.params, arn, vault)

    def restore_metadata(self, point):
        vault = self.params['backup_vault_name'] or point.get('BackupVaultName')
        if not vault:
            raise OperationFailed('include_restore_metadata needs backup_vault_name: the points of %s do not name their vault'
                                  % self.params['resource_arn'])
        answer = call(self.backup, 'get_recovery_point_restore_metadata', **self.vault_args(point['RecoveryPointArn'], vault))
        return answer.get('RestoreMetadata', {})


def vault_args(params, recovery_point_arn, vault=None):
    args = {'BackupVaultName': vault or params['backup_vault_name'], 'RecoveryPointArn': recovery_point_arn}
    if params.get('backup_vault_account_id'):
        args['BackupVaultAccountId'] = params['backup_vault_account_id']
    return args


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
    helpers.update(_types.helpers(params))
    overrides = {key: str(value) for key, value in (params.get('metadata') or {}).items()}
    for key, value in helpers.items():
        if key in overrides and overrides[key] != value:
            raise OperationFailed('metadata.%s (%r) contradicts the %s option (%r); set one of them'
                                  % (key, overrides[key], _option_for(key), value))
    metadata.update(helpers)
    metadata.update(overrides)
    if resource_type == 'DynamoDB':
        if not metadata.get('targetTableName'):
            raise OperationFailed('target_table_name is required to restore a DynamoDB recovery point (or metadata.targetTableName)')
        try:
            _checks.table_name('metadata.targetTableName', metadata['targetTableName'])
        except OptionError as exc:
            raise OperationFailed(exc.msg) from None
    return metadata


def _option_for(key):
    return next((option for option, name in DYNAMODB_METADATA.items() if name == key), None) or _types.option_for(key)


def restore_job_reader(backup):
    def get(job_id):
        return plain(call(backup, 'describe_restore_job', RestoreJobId=job_id))

    def log(job_id):
        message = get(job_id).get('StatusMessage')
        return [{'message': message}] if message else []

    def failure(raw):
        return 'Restore job %s ended %s: %s' % (raw.get('RestoreJobId'), raw.get('Status'), raw.get('StatusMessage') or 'no message')

    return JobReader(get=get, state=lambda raw: raw.get('Status'), log=log, normalize=lambda raw, _log: normalize_restore_job(raw),
                     states=RESTORE_JOB_STATES, progress=lambda raw: percent(raw.get('PercentDone')), failure=failure)


def normalize_restore_job(raw):
    raw = plain(raw)
    return {
        'id': raw.get('RestoreJobId'), 'status': raw.get('Status'), 'status_message': raw.get('StatusMessage'),
        'percent_done': raw.get('PercentDone'), 'created_resource_arn': raw.get('CreatedResourceArn'),
        'recovery_point_arn': raw.get('RecoveryPointArn'), 'resource_type': raw.get('ResourceType'),
        'created_at': raw.get('CreationDate'), 'completed_at': raw.get('CompletionDate'), 'raw': raw,
    }


def check_point(params, point):
    if point.get('Status') not in RESTORABLE_STATUSES:
        raise OperationFailed('Recovery point %s is %s; only %s points can be restored'
                              % (params['recovery_point_arn'], point.get('Status'), ' or '.join(RESTORABLE_STATUSES)))
    resource_type = point.get('ResourceType') or params['resource_type']
    if params['resource_type'] and resource_type != params['resource_type']:
        raise OperationFailed('resource_type is %s but recovery point %s is of type %s'
                              % (params['resource_type'], params['recovery_point_arn'], resource_type))
    used = [option for option in DYNAMODB_ONLY if params[option] is not None]
    if used and resource_type != 'DynamoDB':
        raise OperationFailed('%s only apply to DynamoDB recovery points; %s is of type %s: use metadata instead'
                              % (', '.join(used), params['recovery_point_arn'], resource_type))
    group, group_type = _types.used_group(params)
    if group and resource_type != group_type:
        raise OperationFailed('%s applies to %s recovery points; %s is of type %s'
                              % (group, group_type, params['recovery_point_arn'], resource_type))
    if params.get('tags') and resource_type not in TAGGED_TYPES:
        raise OperationFailed('tags apply to %s recovery points; %s is of type %s'
                              % (', '.join(TAGGED_TYPES), params['recovery_point_arn'], resource_type))
    # The type is known now, before StartRestoreJob: a metadata key it does not take is refused.
    _types.check_metadata_keys(resource_type, params.get('metadata'), fail=OperationFailed)
    return resource_type


def snake_type(resource_type):
    """created_resource.type: dynamodb_table, ebs_volume, s3_bucket, else AWS Backup's resource type in snake case."""
    if resource_type == 'DynamoDB':
        return 'dynamodb_table'
    if resource_type in _types.BY_TYPE:
        return _types.BY_TYPE[resource_type].kind
    return re.sub(r'(?<=[a-z])(?=[A-Z])', '_', resource_type or '').replace(' ', '_').lower() or None


def masked(metadata):
    return {key: '********' if SECRET_KEY_RE.search(key) else value for key, value in metadata.items()}


class BackupRestore(Restore):
    """StartRestoreJob of one recovery point with one set of metadata, as the restore flow drives it.

    An earlier job of this point with the same metadata is this restore: running, it is reused;
    COMPLETED, it is reused while its DynamoDB table exists (other resource types cannot be told, so
    they are reused until `force`). The IdempotencyToken counts every earlier job, failed ones too,
    so a rerun after a failure or a deleted target starts a new job, while botocore's own resends of
    one start carry the same token and start nothing twice.
    """

    product = 'aws_backup'
    key = 'restore_job'
    id_key = 'restore_job_id'
    what = 'restore job'
    where = 'the restore jobs of AWS Backup (aws_backup_restore_job_info, or the console: AWS Backup > Jobs)'

    def prepare(self):
        params = self.params
        self.backup = self.client.backup
        raw = call(self.backup, 'describe_recovery_point', **vault_args(params, params['recovery_point_arn']))
        self.resource_type = check_point(params, raw)
        base = call(self.backup, 'get_recovery_point_restore_metadata', **vault_args(params, params['recovery_point_arn'])
                    ).get('RestoreMetadata', {}) if params['use_restore_metadata'] else {}
        self.metadata = build_restore_metadata(params, base, self.resource_type)
        self.raw_point, self.point = raw, normalize_recovery_point(raw)
        self._first = self.matching_jobs()
        self.request = self.start_request(generation=len(self._first))
        return {'recovery_point': self.point}

    def start_request(self, generation):
        params, point = self.params, self.raw_point
        token = params['idempotency_token'] or idempotency_token(point['RecoveryPointArn'], [self.metadata, generation])
        request = {'RecoveryPointArn': point['RecoveryPointArn'], 'Metadata': self.metadata, 'IdempotencyToken': token}
        if self.resource_type:
            request['ResourceType'] = self.resource_type
        if params['iam_role_arn']:
            request['IamRoleArn'] = params['iam_role_arn']
        if params['copy_source_tags']:
            request['CopySourceTagsToRestoredResource'] = True
        return request

    def masked_request(self):
        return dict(self.request, Metadata=masked(self.metadata))

    def target_text(self):
        return self.table_name() or 'recovery point %s' % self.params['recovery_point_arn']

    def table_name(self, job=None):
        if self.resource_type != 'DynamoDB':
            return None
        arn = (job or {}).get('CreatedResourceArn')
        return arn.split(':table/', 1)[-1] if arn and ':table/' in arn else self.metadata['targetTableName']

    def earlier(self):
        if self._first is not None:
            jobs, self._first = self._first, None
            return jobs
        return self.matching_jobs()

    def matching_jobs(self):
        """Jobs that restored this recovery point with this metadata, whatever their state, newest first."""
        point = self.raw_point
        # A second either side: whether the bounds are inclusive is not documented.
        created = parse_timestamp(point['CreationDate'])
        jobs = paginate(self.backup, 'list_restore_jobs_by_protected_resource', 'RestoreJobs', ResourceArn=point['ResourceArn'],
                        ByRecoveryPointCreationDateAfter=created - SECOND, ByRecoveryPointCreationDateBefore=created + SECOND)
        candidates = [job for job in jobs if job.get('RecoveryPointArn') == point['RecoveryPointArn']]
        same = [job for job in candidates if call(self.backup, 'get_restore_job_metadata',
                                                  RestoreJobId=job['RestoreJobId']).get('Metadata') == self.metadata]
        return sorted(same, key=lambda job: parse_timestamp(job['CreationDate']), reverse=True)

    def job_id(self, raw):
        return raw.get('RestoreJobId')

    def target_exists(self, job):
        if self.resource_type in _types.BY_TYPE:
            arn = plain(job).get('CreatedResourceArn')
            return resource_exists(self.client, self.resource_type, arn) if arn else None
        if self.resource_type != 'DynamoDB':
            return None
        return describe_table(self.client.dynamodb, self.table_name(job)) is not None

    def conflict(self):
        refusal = self._conflict()
        if refusal is None and not self.params['iam_role_arn']:
            # Asked only when a new restore is about to be sent (or shown, in check mode), never on a reuse.
            self.module.warn(DEFAULT_ROLE_NOTE)
        return refusal

    def _conflict(self):
        kind = _types.BY_TYPE.get(self.resource_type)
        if kind is not None:
            return kind.conflict(self.client, self.metadata, self.point['resource_name'], self.params.get(kind.group) or {})
        name = self.table_name()
        if name and describe_table(self.client.dynamodb, name) is not None:
            made = 'force was given' if self.params['force'] else 'no restore job of this recovery point made it'
            return ('Table %s already exists and %s: a restore never replaces a table. Choose another target_table_name, '
                    'or delete that table first.' % (name, made))
        return None

    def start(self):
        # A body cut short parses as {}: no id, so the flow looks the job up instead of failing on a KeyError.
        return start_call(self.backup, 'start_restore_job', **self.request).get('RestoreJobId')

    def reader(self):
        return restore_job_reader(self.backup)

    def describe(self, raw):
        raw = plain(raw)
        arn = raw.get('CreatedResourceArn')
        region, account = arn_parts(arn)
        name = self.table_name(raw) or (re.split(r'[/:]', arn)[-1] if arn else None)
        created = {'type': snake_type(self.resource_type), 'name': name, 'arn': arn,
                   'region': region or self.point['region'], 'account': account or raw.get('AccountId')}
        if self.resource_type in _types.BY_TYPE:
            created['id'] = _types.BY_TYPE[self.resource_type].created_id(arn)
        return {'state': raw.get('Status'), 'started_at': raw.get('CreationDate'), 'finished_at': raw.get('CompletionDate'),
                'created_resource': created}

    def finished(self, result):
        if self.resource_type not in TAGGED_TYPES:
            return
        arn = result['restore_job']['created_resource_arn']
        tags = dict(self.params['tags'] or {}, **{RESTORED_TAG: self.params['recovery_point_arn']})
        kind = _types.BY_TYPE.get(self.resource_type)
        if kind is not None and kind.in_place(self.metadata, self.point['resource_name']):
            # The source itself: never marked as restored, so that no cleanup (aws_restored_resource) can delete it.
            tags.pop(RESTORED_TAG)
            if not tags:
                return
        what = kind.noun if kind else 'table'
        try:
            if kind is None:
                tag_table(self.client.dynamodb, arn, tags)
            else:
                kind.tag(self.client, arn, tags)
        except OperationFailed as exc:
            raise OperationFailed('Restore job %s restored %s %s, but tagging it failed: %s. Run the task again: it finds '
                                  'the job and tags the %s.' % (result[self.id_key], what, arn, exc.msg, what), **result) from None
        result['tags'] = tags


# ---- resources AWS Backup restored (other than tables): each type in _aws_resource_<type>.py -------
def restored_kind(kind):
    """The RestoredResource of a created_resource.type."""
    return _types.BY_KIND[kind]


def check_restored_id(params):
    restored_kind(params['type']).check_id(params['id'])


def check_restored_expected(params):
    restored_kind(params['type']).check_expected(params.get('expected'))


def resource_exists(clients, resource_type, arn):
    kind = _types.BY_TYPE[resource_type]
    return kind.read(clients, kind.created_id(arn), full=False) is not None


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


def list_table_backups(dynamodb, table, backup_type, after=None, before=None, point_in_time=None):
    """Every page of ListBackups (followed through LastEvaluatedBackupArn), newest first.

    TimeRangeLowerBound is inclusive and TimeRangeUpperBound exclusive (DynamoDB's documents): an
    "at or before point_in_time" search sends the next whole second and keeps what is at or before
    point_in_time here; `before` (created_before) keeps the documented exclusive meaning.
    """
    query = {'TableName': table, 'BackupType': backup_type}
    if after:
        query['TimeRangeLowerBound'] = after
    bounds = [moment for moment in (before, exclusive_bound(point_in_time)) if moment]
    if bounds:
        query['TimeRangeUpperBound'] = min(bounds)
    backups = []
    while True:
        page = call(dynamodb, 'list_backups', **query)
        backups.extend(page.get('BackupSummaries', []))
        if not page.get('LastEvaluatedBackupArn'):
            break
        query['ExclusiveStartBackupArn'] = page['LastEvaluatedBackupArn']
    last = end_of_second(point_in_time)
    # The bounds are applied here as well: not every implementation applies them.
    backups = [backup for backup in backups if _in_range(parse_timestamp(backup['BackupCreationDateTime']), after, before, last)]
    return sorted(backups, key=lambda backup: parse_timestamp(backup['BackupCreationDateTime']), reverse=True)


def _in_range(moment, after, before, last):
    return (not after or moment >= after) and (not before or moment < before) and (not last or moment <= last)


def pitr_status(dynamodb, table):
    description = call(dynamodb, 'describe_continuous_backups', TableName=table)['ContinuousBackupsDescription']
    window = plain(description.get('PointInTimeRecoveryDescription') or {})
    return {'status': window.get('PointInTimeRecoveryStatus', 'DISABLED'),
            'earliest_restorable': window.get('EarliestRestorableDateTime'),
            'latest_restorable': window.get('LatestRestorableDateTime'),
            'recovery_period_days': window.get('RecoveryPeriodInDays')}


def table_state(table):
    # ACTIVE with the restore still copying data is not done yet.
    if table.get('TableStatus') == 'ACTIVE' and (table.get('RestoreSummary') or {}).get('RestoreInProgress'):
        return 'RESTORING'
    return table.get('TableStatus')


class TableRestore(Restore):
    """RestoreTableFromBackup or RestoreTableToPointInTime into a new table, as the restore flow drives it.

    The restore's job is the new table itself (its ARN the job id). A table of the target name whose
    RestoreSummary names this source (SourceBackupArn; or SourceTableArn and RestoreDateTime) is this
    restore: reused, and tagged if an earlier run could not; any other table of that name is refused
    before anything is written. Tags are eventually consistent and may be missing after a failed run,
    so RestoreSummary, not the tag, says whose table it is. The start call goes out once (botocore's
    retries off): a lost answer is looked up, never blindly resent into TableAlreadyExistsException.
    """

    product = 'dynamodb'
    key = 'table'
    id_key = 'table_arn'
    what = 'restored table'
    where = 'the tables of DynamoDB in this region (dynamodb_table_info)'

    def __init__(self, module, client, restore_time=None):
        super().__init__(module, client)
        self.restore_time = restore_time
        self.existing = None

    def prepare(self):
        params = self.params
        self.dynamodb = self.client.dynamodb
        self.target = params['target_table_name']
        self.request = {'TargetTableName': self.target}
        self.request.update(table_overrides(params))
        if params['backup_arn']:
            self._from_backup(params['backup_arn'])
        else:
            self._to_point_in_time(params['source_table_name'])
        return {'restored_from': self.source, 'restore_point': self.point}

    def _from_backup(self, arn):
        description = call(self.dynamodb, 'describe_backup', BackupArn=arn)['BackupDescription']
        source = description.get('SourceTableDetails') or {}
        self.point = normalize_backup(dict(description['BackupDetails'], TableName=source.get('TableName'),
                                           TableArn=source.get('TableArn') or arn.split('/backup/', 1)[0]))
        self.operation, self.source = 'restore_table_from_backup', arn
        self.request['BackupArn'] = arn

    def _to_point_in_time(self, source):
        self.request['SourceTableArn' if source.startswith('arn:') else 'SourceTableName'] = source
        window = pitr_window(self.dynamodb, source)
        self.operation = 'restore_table_to_point_in_time'
        if self.params['use_latest_restorable_time']:
            self.request['UseLatestRestorableTime'] = True
            self.source, moment = '%s@latest' % source, window[1]
        else:
            moment = check_in_window(self.restore_time, window, source)
            self.request['RestoreDateTime'] = moment
            self.source = '%s@%s' % (source, iso_z(self.restore_time))
        region, account = arn_parts(source)
        self.point = restore_point(id=self.source, product='dynamodb', resource_id=source if source.startswith('arn:') else None,
                                   resource_name=source.rsplit('/', 1)[-1], created_at=iso_z(moment), size_bytes=None,
                                   kind='PITR', region=region or self.params['region'], account=account, raw=plain(self.request))

    def masked_request(self):
        return plain(dict(self.request, Operation=self.operation))

    def target_text(self):
        return 'table %s' % self.target

    def earlier(self):
        self.existing = describe_table(self.dynamodb, self.target)
        return [self.existing] if self.existing is not None and self.from_this_source(self.existing) else []

    def from_this_source(self, table):
        summary = table.get('RestoreSummary') or {}
        if self.params['backup_arn']:
            return summary.get('SourceBackupArn') == self.params['backup_arn']
        source = self.params['source_table_name']
        source_arn = summary.get('SourceTableArn') or ''
        if not (source_arn == source or source_arn.endswith(':table/' + source)) or summary.get('SourceBackupArn'):
            return False
        if self.params['use_latest_restorable_time']:
            return True  # the moment "latest" meant cannot be known again; the source is enough
        restored = summary.get('RestoreDateTime')
        return restored is not None and abs(parse_timestamp(restored) - self.request['RestoreDateTime']) < SECOND

    def job_id(self, raw):
        return raw.get('TableArn')

    def target_exists(self, job):
        return True  # the job is the table, just read

    def conflict(self):
        if self.existing is None:
            return None
        if self.from_this_source(self.existing):
            return ('Table %s was restored from %s but is %s, not a restore that can be reused: delete it first, or choose '
                    'another target_table_name.' % (self.target, self.source, self.existing.get('TableStatus')))
        summary = self.existing.get('RestoreSummary') or {}
        made_by = summary.get('SourceBackupArn') or summary.get('SourceTableArn')
        return ('Table %s already exists (%s) and was not restored from %s: a restore never replaces a table. Choose another '
                'target_table_name, or delete that table first.'
                % (self.target, 'restored from %s' % made_by if made_by else 'not a restored table', self.source))

    def start(self):
        answer = start_call(self.client.once('dynamodb'), self.operation, **self.request)
        # A body cut short parses as {}: no ARN, so the flow looks the table up by its RestoreSummary.
        arn = (answer.get('TableDescription') or {}).get('TableArn')
        if arn and not self.params['wait']:
            self._tag_at_once(arn)
        return arn

    def _tag_at_once(self, arn):
        """Without `wait` nothing tags the table once it is ACTIVE: try now, DynamoDB may refuse a table being created."""
        try:
            tag_table(self.dynamodb, arn, dict(self.params['tags'] or {}, **{RESTORED_TAG: self.source}), tries=1)
        except OperationFailed as exc:
            self.module.warn('Table %s is not tagged yet (%s): run the task again with wait: true to tag it once it is '
                             'ACTIVE; until then dynamodb_restored_table refuses to delete it.' % (self.target, exc.msg))

    def reader(self):
        def get(arn):
            return plain(call(self.dynamodb, 'describe_table', TableName=arn)['Table'])

        def normalize(table, _log):
            return normalize_table(table, table_tags(self.dynamodb, table['TableArn']))

        return JobReader(get=get, state=table_state, log=lambda _arn: [], normalize=normalize, states=TABLE_STATES)

    def describe(self, raw):
        raw = plain(raw)
        region, account = arn_parts(raw.get('TableArn'))
        return {'state': table_state(raw), 'started_at': raw.get('CreationDateTime'), 'finished_at': None,
                'created_resource': {'type': 'dynamodb_table', 'name': raw.get('TableName'), 'arn': raw.get('TableArn'),
                                     'region': region, 'account': account}}

    def finished(self, result):
        """Tag the table once it is ACTIVE; a rerun finds it by its RestoreSummary and tags it then."""
        wanted = dict(self.params['tags'] or {}, **{RESTORED_TAG: self.source})
        have = (result.get(self.key) or {}).get('tags') or {}
        missing = {key: str(value) for key, value in wanted.items() if have.get(key) != str(value)}
        if missing:
            try:
                tag_table(self.dynamodb, result[self.id_key], missing)
            except OperationFailed as exc:
                raise OperationFailed('Table %s was restored from %s, but tagging it failed: %s. Run the task again: it finds '
                                      'the table by its RestoreSummary and tags it.' % (self.target, self.source, exc.msg),
                                      **result) from None
            result[self.key]['tags'] = dict(have, **missing)
            result['changed'] = True  # a rerun that adopts its table changed its tags
        result['tags'] = wanted
