# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Clumio REST API: connection options, client, DynamoDB restore building blocks (../shared/api/clumio.md)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.recoverops.restore.plugins.module_utils._auth import BearerTokenAuth
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError, default_error_parser
from ansible_collections.recoverops.restore.plugins.module_utils._paging import iter_next_link
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, restore_point
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader, StateMap, percent

DEFAULT_API_URL = 'https://us-west-2.api.clumio.com'
PAGE_SIZE = 100

# The versioned Accept header of each endpoint (clumio.md §2, exact strings from the SDKs).
ACCEPT = {
    'backups': 'application/api.clumio.backup-aws-dynamodb-tables=v1+json',
    'restore_table': 'application/api.clumio.restored-aws-dynamodb-tables=v1+json',
    'restore_records': 'application/api.clumio.restored-records-aws-dynamodb-tables=v1+json',
    'tasks': 'application/api.clumio.tasks=v1+json',
    'tables': 'application/api.clumio.aws-dynamodb-tables=v1+json',
    'environments': 'application/api.clumio.aws-environments=v1+json',
}
PATHS = {
    'backups': '/backups/aws/dynamodb-tables',
    'restore_table': '/restores/aws/dynamodb-tables',
    'restore_records': '/restores/aws/dynamodb-tables/records',
    'tasks': '/tasks',
    'tables': '/datasources/aws/dynamodb-tables',
    'environments': '/datasources/aws/environments',
}
OU_HEADER = 'X-Clumio-OrganizationalUnit-Context'

# ---------------------------------------------------------------------------------------------
# Names no primary source confirms (clumio.md marks them UNCONFIRMED). They live here and only
# here: a correction is a change to this table, not to the modules.
# ---------------------------------------------------------------------------------------------
UNCONFIRMED = {
    # The task a table restore creates: its primary_entity names the restored (target) table.
    'restore_task_category': 'restore',
    'restore_task_entity_type': 'aws_dynamodb_table',
    # PATCH /tasks/{id} body that aborts a task.
    'abort_status': 'aborting',
}

TASK_STATES = StateMap(
    running=('queued', 'in_progress', 'aborting'),
    succeeded=('completed',),
    failed=('failed', 'aborted'),
)
ACTIVE_TASK_STATES = ('queued', 'in_progress', 'aborting')

# Target options (snake_case, as Clumio spells them) copied from the backup record when
# keep_source_configuration is true and the option is not given: Clumio drops what is null.
SOURCE_CONFIGURATION = ('global_secondary_indexes', 'local_secondary_indexes', 'tags', 'sse_specification',
                        'stream_specification', 'table_class', 'billing_mode', 'provisioned_throughput')
TARGET_SCALARS = ('billing_mode', 'table_class', 'global_table_version', 'pitr_status', 'contributor_insights_status',
                  'deletion_protection_enabled', 'restore_wcu')
TABLE_NAME_RE = re.compile(r'^[a-zA-Z0-9_.-]{3,255}$')
ACCOUNT_RE = re.compile(r'^\d{12}$')
REGION_RE = re.compile(r'^[a-z]{2}(-[a-z]+)+-\d$')
CONDITION_OPERANDS = {
    'EqualTo': 1, 'NotEqualTo': 1, 'LessThanOrEqualTo': 1, 'LessThan': 1, 'GreaterThanOrEqualTo': 1,
    'GreaterThan': 1, 'Between': 2, 'Exists': 0, 'NotExists': 0, 'Contains': 1, 'NotContains': 1, 'BeginsWith': 1,
}
ATTRIBUTE_TYPES = ('String', 'Number', 'Binary', 'Boolean', 'Null')


class ClumioConnection:
    """The connection option group: argument spec, checks, and the client."""

    ARGSPEC = {
        'api_url': {'type': 'str', 'default': DEFAULT_API_URL, 'fallback': (env_fallback, ['CLUMIO_API_BASE_URL'])},
        'api_token': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['CLUMIO_API_TOKEN'])},
        'organizational_unit_id': {'type': 'str', 'fallback': (env_fallback, ['CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT'])},
        'validate_certs': {'type': 'bool', 'default': True, 'fallback': (env_fallback, ['CLUMIO_VALIDATE_CERTS'])},
        'ca_path': {'type': 'path', 'fallback': (env_fallback, ['CLUMIO_CA_PATH'])},
        'timeout': {'type': 'int', 'default': 30},
    }

    def __init__(self, module):
        self.module = module
        self.check()

    def check(self):
        params = self.module.params
        fail = self.module.fail_json
        if not params['api_token']:
            fail(msg='api_token is required: set the api_token option or CLUMIO_API_TOKEN to a Clumio API token')
        if not re.match(r'^https?://[^/\s]+', params['api_url'] or ''):
            fail(msg='api_url must be an http:// or https:// URL such as %s, got %r' % (DEFAULT_API_URL, params['api_url']))
        if params['timeout'] < 1:
            fail(msg='timeout must be 1 or more seconds, got %s' % params['timeout'])

    def client(self):
        params = self.module.params
        headers = {'Content-Type': 'application/json'}
        if params['organizational_unit_id']:
            headers[OU_HEADER] = params['organizational_unit_id']
        api = ApiClient(params['api_url'].rstrip('/'), headers=headers, timeout=params['timeout'],
                        validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                        auth=BearerTokenAuth(params['api_token']), error_parser=parse_error, redactor=self.module.redact)
        return ClumioClient(api)


def parse_error(body):
    """Clumio's `{"errors": [{"error_code": n, "error_message": "..."}]}`."""
    if isinstance(body, dict) and isinstance(body.get('errors'), list):
        parts = []
        for error in body['errors']:
            if isinstance(error, dict):
                message = error.get('error_message') or 'error'
                parts.append('%s (error_code %s)' % (message, error.get('error_code')) if error.get('error_code') is not None else message)
        if parts:
            return '; '.join(parts)
    return default_error_parser(body)


def _filter(**conditions):
    return json.dumps({field: ops for field, ops in conditions.items() if ops}, sort_keys=True, separators=(',', ':'))


def _next_request(page):
    """The request `_links._next.href` names (path plus query), or None on the last page."""
    href = (((page or {}).get('_links') or {}).get('_next') or {}).get('href')
    if not href:
        return None
    parts = urlsplit(href)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))


class ClumioClient:
    """Typed calls over one ApiClient."""

    def __init__(self, api):
        self.api = api

    def close(self):
        self.api.close()

    def _get(self, resource, path=None, params=None):
        return self.api.request('GET', path or PATHS[resource], params=params, headers={'Accept': ACCEPT[resource]})

    def _pages(self, resource, params):
        def fetch(request):
            path, query = request
            page = self._get(resource, path, query) or {}
            return ((page.get('_embedded') or {}).get('items') or []), _next_request(page)
        return iter_next_link(fetch, (PATHS[resource], params))

    # -- backups ------------------------------------------------------------------------------------
    def list_backups(self, table_id=None, before=None, after=None, types=None, page_size=PAGE_SIZE):
        """Backups newest first (sort=-start_timestamp); lazily paged, so taking one costs one request."""
        timestamp = {}
        if before is not None:
            timestamp['$lte'] = iso_z(before)
        if after is not None:
            timestamp['$gt'] = iso_z(after)
        params = {'limit': page_size, 'start': '1', 'sort': '-start_timestamp',
                  'filter': _filter(table_id={'$eq': table_id} if table_id else None, start_timestamp=timestamp,
                                    type={'$all': list(types)} if types else None)}
        return self._pages('backups', params)

    def get_backup(self, backup_id):
        try:
            return self._get('backups', '%s/%s' % (PATHS['backups'], backup_id))
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise OperationFailed('backup_id %s: Clumio has no DynamoDB backup with this id.' % backup_id) from None

    # -- tables and environments ----------------------------------------------------------------------
    def list_tables(self, name=None, account=None, region=None, environment_id=None):
        params = {'limit': PAGE_SIZE, 'start': '1',
                  'filter': _filter(name={'$contains': name} if name else None,
                                    account_native_id={'$eq': account} if account else None,
                                    aws_region={'$eq': region} if region else None,
                                    environment_id={'$eq': environment_id} if environment_id else None)}
        return list(self._pages('tables', params))

    def get_table(self, table_id):
        try:
            return self._get('tables', '%s/%s' % (PATHS['tables'], table_id))
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise OperationFailed('table_id %s: Clumio has no DynamoDB table with this id.' % table_id) from None

    def find_table(self, name, account=None, region=None, environment_id=None, missing_ok=False):
        """The one table named exactly `name` (Clumio's name filter is $contains)."""
        tables = [table for table in self.list_tables(name, account, region, environment_id) if table.get('name') == name]
        if not tables:
            if missing_ok:
                return None
            narrowed = ''.join(' in %s %s' % (what, value) for what, value in (('account', account), ('region', region)) if value)
            raise OperationFailed('No DynamoDB table named %r%s is known to Clumio.' % (name, narrowed))
        if len(tables) > 1:
            candidates = '; '.join('id %s (account %s, region %s)' % (table.get('id'), table.get('account_native_id'), table.get('aws_region'))
                                   for table in tables)
            raise OperationFailed('table_name %r matches %d tables: %s. Narrow it with account_native_id and aws_region, '
                                  'or pass table_id.' % (name, len(tables), candidates))
        return tables[0]

    def resolve_environment(self, account, region):
        """The Clumio environment id of an AWS account and region (page-token paging)."""
        params = {'limit': PAGE_SIZE, 'filter': _filter(account_native_id={'$eq': account}, aws_region={'$eq': region})}
        for environment in self._pages('environments', params):
            if environment.get('account_native_id') == account and environment.get('aws_region') == region:
                return environment['id']
        raise OperationFailed('No Clumio AWS environment for account %s in region %s: connect it in Clumio, '
                              'or pass target.environment_id.' % (account, region))

    # -- restores -------------------------------------------------------------------------------------
    def restore_table(self, body):
        return self.api.request('POST', PATHS['restore_table'], params={'embed': 'read-task'}, json=body,
                                headers={'Accept': ACCEPT['restore_table']}, expect=(200, 202))

    def restore_records(self, body):
        return self.api.request('POST', PATHS['restore_records'], params={'embed': 'read-task'}, json=body,
                                headers={'Accept': ACCEPT['restore_records']}, expect=(200, 202))

    # -- tasks ----------------------------------------------------------------------------------------
    def get_task(self, task_id):
        try:
            return self._get('tasks', '%s/%s' % (PATHS['tasks'], task_id))
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise OperationFailed('task_id %s: Clumio has no task with this id.' % task_id) from None

    def list_tasks(self, statuses=None, categories=None, entity_value=None, since=None):
        params = {'limit': PAGE_SIZE, 'start': '1',
                  'filter': _filter(status={'$in': list(statuses)} if statuses else None,
                                    category={'$in': list(categories)} if categories else None,
                                    created_timestamp={'$gte': iso_z(since)} if since else None,
                                    **{'primary_entity.value': {'$contains': entity_value} if entity_value else None})}
        return self._pages('tasks', params)

    def abort_task(self, task_id):
        return self.api.request('PATCH', '%s/%s' % (PATHS['tasks'], task_id), json={'status': UNCONFIRMED['abort_status']},
                                headers={'Accept': ACCEPT['tasks']})

    def find_restore_tasks(self, table_name, environment_id, statuses):
        """Restore tasks whose target is exactly `table_name` (in `environment_id` when the task names it)."""
        found = []
        for task in self.list_tasks(statuses=statuses, categories=[UNCONFIRMED['restore_task_category']], entity_value=table_name):
            entity = task.get('primary_entity') or {}
            parent = task.get('parent_entity') or {}
            if entity.get('value') != table_name:
                continue
            if parent.get('id') and environment_id and parent['id'] != environment_id:
                continue
            found.append(task)
        return found


# -- tasks -----------------------------------------------------------------------------------------
def normalize_backup(raw):
    """A Clumio DynamoDB backup (seed 002 shape) as the collection's normalized restore point."""
    return restore_point(id=raw.get('id'), product='clumio', resource_id=raw.get('table_id'), resource_name=raw.get('table_name'),
                         created_at=raw.get('start_timestamp'), size_bytes=raw.get('size'), kind=raw.get('type'),
                         region=raw.get('aws_region'), account=raw.get('account_native_id'), raw=raw)


def normalize_task(raw):
    return {
        'id': raw.get('id'), 'type': raw.get('type'), 'category': raw.get('category'), 'status': raw.get('status'),
        'outcome': TASK_STATES.outcome(raw.get('status')), 'progress_percentage': raw.get('progress_percentage'),
        'is_abortable': raw.get('is_abortable'), 'created_at': raw.get('created_timestamp'),
        'started_at': raw.get('start_timestamp'), 'finished_at': raw.get('end_timestamp'),
        'primary_entity': raw.get('primary_entity'), 'parent_entity': raw.get('parent_entity'), 'raw': raw,
    }


def failed_task_message(task):
    entity = task.get('primary_entity') or {}
    return ('Clumio task %s (%s) %s: entity %s %r (id %s); created %s, started %s, ended %s.' % (
        task.get('id'), task.get('type'), task.get('status'), entity.get('type'), entity.get('value'), entity.get('id'),
        task.get('created_timestamp'), task.get('start_timestamp'), task.get('end_timestamp')))


def task_reader(client):
    """How the shared finish (RecoverOpsModule.finish_job) reads Clumio tasks: no log, the task names its failure."""
    return JobReader(get=client.get_task, state=lambda raw: raw.get('status'), log=lambda _task_id: None,
                     normalize=lambda raw, _log: normalize_task(raw), states=TASK_STATES,
                     progress=lambda raw: percent(raw.get('progress_percentage')), failure=failed_task_message)


# -- building request bodies -------------------------------------------------------------------------
def _compact(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def _index(index, with_throughput):
    projection = index.get('projection') or {}
    built = {'index_name': index['index_name'],
             'key_schema': [{'attribute_name': key['attribute_name'], 'key_type': key['key_type']} for key in index['key_schema']],
             'projection': {'projection_type': projection.get('projection_type') or 'ALL',
                            'non_key_attributes': list(projection.get('non_key_attributes') or [])}}
    if with_throughput and index.get('provisioned_throughput'):
        built['provisioned_throughput'] = _compact(index['provisioned_throughput'])
    return built


def tags_to_clumio(tags):
    return [{'key': key, 'value': '' if value is None else str(value)} for key, value in sorted((tags or {}).items())]


def build_restore_target(params, environment_id, source_config=None):
    """The restore `target` from the module options; with `source_config` (the backup or table record)
    every unset field of SOURCE_CONFIGURATION is copied from it."""
    target = {'environment_id': environment_id, 'table_name': params['target_table_name']}
    for name in TARGET_SCALARS:
        if params.get(name) is not None:
            target[name] = params[name]
    if params.get('provisioned_throughput'):
        target['provisioned_throughput'] = _compact(params['provisioned_throughput'])
    for name, throughput in (('global_secondary_indexes', True), ('local_secondary_indexes', False)):
        if params.get(name) is not None:
            target[name] = [_index(index, throughput) for index in params[name]]
    if params.get('sse_specification'):
        target['sse_specification'] = _compact(params['sse_specification'])
    if params.get('stream_specification'):
        target['stream_specification'] = _compact(params['stream_specification'])
    if params.get('tags') is not None:
        target['tags'] = tags_to_clumio(params['tags'])
    if source_config:
        for name in SOURCE_CONFIGURATION:
            value = source_config.get(name)
            if name in target or value in (None, [], {}):
                continue
            if name == 'tags':
                value = [{'key': tag['key'], 'value': tag.get('value', '')} for tag in value]
            elif name in ('global_secondary_indexes', 'local_secondary_indexes'):
                value = [_index(index, name == 'global_secondary_indexes') for index in value]
            elif name == 'sse_specification' and value.get('kms_key_type') == 'DEFAULT':
                continue  # AWS-owned key: null is the same thing
            elif name == 'provisioned_throughput' and (target.get('billing_mode') or source_config.get('billing_mode')) != 'PROVISIONED':
                continue
            target[name] = value
    return target


def build_restore_source(params):
    if params.get('backup_id'):
        return {'securevault_backup': {'backup_id': params['backup_id']}}
    continuous = params['continuous_backup']
    source = {'table_id': continuous['table_id'], 'type': continuous.get('type') or 'aws_pitr'}
    if continuous.get('use_latest_restorable_time'):
        source['use_latest_restorable_time'] = True
    else:
        source['timestamp'] = continuous['timestamp']
    return {'continuous_backup': source}


def build_key_filter(spec):
    return {'condition': spec['condition'], 'values': [str(value) for value in spec.get('values') or []]}


def build_records_body(params):
    query = {}
    if params.get('partition_key_filter'):
        query['partition_key_filter'] = build_key_filter(params['partition_key_filter'])
    if params.get('sort_key_filter'):
        query['sort_key_filter'] = build_key_filter(params['sort_key_filter'])
    if params.get('attribute_filters'):
        query['attribute_filters'] = [{'name': item['name'], 'type': item['type'], 'condition': item['condition'],
                                       'values': [str(value) for value in item.get('values') or []]}
                                      for item in params['attribute_filters']]
    if params.get('backup_id'):
        source = {'backup_id': params['backup_id']}
    else:
        continuous = params['continuous_backup']
        pitr = {'table_id': continuous['table_id']}
        if continuous.get('use_latest_restorable_time'):
            pitr['use_latest_restorable_time'] = True
        else:
            pitr['timestamp'] = continuous['timestamp']
        source = {'continuous_backup': pitr}
    delivery = params['delivery']
    if delivery == 'preview':
        target = {'preview': True}
    elif delivery == 'email':
        target = {'email': _compact({'recipient_emails': params['recipient_emails'], 'message': params.get('email_message')})}
    else:
        target = {'direct_download': {}}
    return {'source': source, 'query_filter': query, 'target': target}


# -- input checks (each returns an error message or None; modules fail before any call) -----------------
def check_key_filter(name, spec):
    condition = spec.get('condition')
    if condition not in CONDITION_OPERANDS:
        return '%s.condition must be one of %s, got %r' % (name, ', '.join(CONDITION_OPERANDS), condition)
    count = len(spec.get('values') or [])
    if count != CONDITION_OPERANDS[condition]:
        return '%s.values must hold %d value(s) for condition %s, got %d' % (name, CONDITION_OPERANDS[condition], condition, count)
    return None


def check_index(option, index, position):
    where = '%s[%d]' % (option, position)
    if not index.get('index_name'):
        return '%s.index_name is required' % where
    keys = index.get('key_schema') or []
    if not isinstance(keys, list) or not all(isinstance(key, dict) and key.get('attribute_name') for key in keys):
        return '%s.key_schema must be a list of {attribute_name, key_type}' % where
    hashes = [key for key in keys if key.get('key_type') == 'HASH']
    if len(hashes) != 1 or len(keys) > 2:
        return '%s.key_schema must have exactly one HASH key and at most one RANGE key' % where
    projection = index.get('projection') or {}
    kind = projection.get('projection_type') or 'ALL'
    attributes = projection.get('non_key_attributes') or []
    if kind == 'INCLUDE' and not attributes:
        return '%s.projection.non_key_attributes must not be empty when projection_type is INCLUDE' % where
    if kind in ('ALL', 'KEYS_ONLY') and attributes:
        return '%s.projection.non_key_attributes must be empty when projection_type is %s' % (where, kind)
    return None


def check_continuous(option, continuous):
    if continuous is None:
        return None
    if bool(continuous.get('timestamp')) == bool(continuous.get('use_latest_restorable_time')):
        return '%s needs exactly one of timestamp or use_latest_restorable_time=true' % option
    return None


def check_restore_target(params):
    """Every target rule of the restore API (seed 001), as messages naming the option."""
    errors = []
    if not TABLE_NAME_RE.match(params.get('target_table_name') or ''):
        errors.append('target_table_name must be 3-255 characters from a-z, A-Z, 0-9, _, - and ., got %r' % params.get('target_table_name'))
    account, region = params.get('target_account_id'), params.get('target_region')
    if account is not None and not ACCOUNT_RE.match(account):
        errors.append('target_account_id must be a 12-digit AWS account id, got %r' % account)
    if region is not None and not REGION_RE.match(region):
        errors.append('target_region must be an AWS region such as us-east-1, got %r' % region)
    mode, throughput = params.get('billing_mode'), params.get('provisioned_throughput')
    if mode == 'PAY_PER_REQUEST' and throughput:
        errors.append('provisioned_throughput applies only to billing_mode PROVISIONED, not PAY_PER_REQUEST')
    if mode == 'PROVISIONED' and not throughput:
        errors.append('billing_mode PROVISIONED needs provisioned_throughput (read_capacity_units and write_capacity_units)')
    if throughput and min(throughput.get('read_capacity_units') or 0, throughput.get('write_capacity_units') or 0) < 1:
        errors.append('provisioned_throughput.read_capacity_units and write_capacity_units must both be 1 or more')
    sse = params.get('sse_specification') or {}
    if sse.get('kms_key_type') == 'CUSTOMER_MANAGED' and not sse.get('kms_master_key_id'):
        errors.append('sse_specification.kms_master_key_id is required when kms_key_type is CUSTOMER_MANAGED')
    if sse.get('kms_key_type') == 'DEFAULT' and sse.get('kms_master_key_id'):
        errors.append('sse_specification.kms_master_key_id must not be set when kms_key_type is DEFAULT (the AWS owned key)')
    stream = params.get('stream_specification') or {}
    if stream.get('enabled') and not stream.get('view_type'):
        errors.append('stream_specification.view_type is required when stream_specification.enabled is true')
    if params.get('restore_wcu') is not None and params['restore_wcu'] < 1:
        errors.append('restore_wcu must be 1 or more, got %s' % params['restore_wcu'])
    for option in ('global_secondary_indexes', 'local_secondary_indexes'):
        for position, index in enumerate(params.get(option) or []):
            message = check_index(option, index, position)
            if message:
                errors.append(message)
    for position, index in enumerate(params.get('local_secondary_indexes') or []):
        if len(index.get('key_schema') or []) != 2:
            errors.append('local_secondary_indexes[%d].key_schema must have a HASH and a RANGE key' % position)
    return errors
