# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Clumio REST API: connection options, client, DynamoDB restore building blocks (../shared/api/clumio.md)."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import parse_qsl, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._auth import BearerTokenAuth
from ansible_collections.recoverops.restore.plugins.module_utils._connection import Connection
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError, default_error_parser
from ansible_collections.recoverops.restore.plugins.module_utils._paging import iter_next_link
from ansible_collections.recoverops.restore.plugins.module_utils._restore import Restore, since
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp, restore_point, utc_now
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
# What to fix when Clumio answers these: the messages name the setting.
HINTS = {401: 'Clumio refused the API token: check the api_token option or CLUMIO_API_TOKEN (a token of this Clumio '
              'region\'s portal, not expired); api_url (CLUMIO_API_BASE_URL) must be that region\'s API host.',
         403: 'The API token may not do this: check its role in Clumio, and organizational_unit_id '
              '(CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT) if the data is in another organizational unit.'}

# ---------------------------------------------------------------------------------------------
# Names no primary source confirms (clumio.md marks them UNCONFIRMED). They live here and only
# here: a correction is a change to this table, not to the modules.
# ---------------------------------------------------------------------------------------------
UNCONFIRMED = {
    # The task a table restore creates: its primary_entity names the restored (target) table and its
    # parent_entity the target environment.
    'restore_task_category': 'restore',
    'restore_task_entity_type': 'aws_dynamodb_table',
    'table_restore_task_type': 'aws_dynamodb_table_restore',
    # The task a record-level restore creates: its own type; its primary_entity is the source table
    # (value its name, id its Clumio table id). It shows neither the filters nor the delivery.
    'records_restore_task_type': 'aws_dynamodb_records_restore',
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
# Clumio lists tasks created within the last 6 months only (created_timestamp filter).
TASK_LOOKBACK = datetime.timedelta(days=180)
ID_EXAMPLE = '5a000000-0000-4000-8000-000000000002'
CONDITION_OPERANDS = {
    'EqualTo': 1, 'NotEqualTo': 1, 'LessThanOrEqualTo': 1, 'LessThan': 1, 'GreaterThanOrEqualTo': 1,
    'GreaterThan': 1, 'Between': 2, 'Exists': 0, 'NotExists': 0, 'Contains': 1, 'NotContains': 1, 'BeginsWith': 1,
}
ATTRIBUTE_TYPES = ('String', 'Number', 'Binary', 'Boolean', 'Null')


class ClumioConnection(Connection):
    """The connection option group: argument spec, checks, and the client."""

    ARGSPEC = {
        'api_url': {'type': 'str', 'default': DEFAULT_API_URL, 'fallback': (env_fallback, ['CLUMIO_API_BASE_URL'])},
        'api_token': {'type': 'str', 'no_log': True, 'fallback': (env_fallback, ['CLUMIO_API_TOKEN'])},
        'organizational_unit_id': {'type': 'str', 'fallback': (env_fallback, ['CLUMIO_ORGANIZATIONAL_UNIT_CONTEXT'])},
        'validate_certs': {'type': 'bool', 'default': True, 'fallback': (env_fallback, ['CLUMIO_VALIDATE_CERTS'])},
        'ca_path': {'type': 'path', 'fallback': (env_fallback, ['CLUMIO_CA_PATH'])},
        'timeout': {'type': 'int', 'default': 30},
    }

    def check(self):
        params = self.module.params
        fail = self.module.fail_json
        if not params['api_token']:
            fail(msg='api_token is required: set the api_token option or CLUMIO_API_TOKEN to a Clumio API token')
        # AWX injects an unset credential field as an empty variable: empty means "no organizational unit".
        if params['organizational_unit_id'] == '':
            params['organizational_unit_id'] = None
        try:
            _checks.url('api_url', params['api_url'] or '', DEFAULT_API_URL)
            _checks.not_blank('organizational_unit_id', params['organizational_unit_id'])
        except OptionError as exc:
            fail(msg=exc.msg)
        self.check_timeout()

    def client(self):
        params = self.module.params
        headers = {'Content-Type': 'application/json'}
        if params['organizational_unit_id']:
            headers[OU_HEADER] = params['organizational_unit_id']
        api = ApiClient(params['api_url'].rstrip('/'), headers=headers, timeout=params['timeout'],
                        validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                        auth=BearerTokenAuth(params['api_token']), error_parser=parse_error, redactor=self.module.redact,
                        hints=HINTS)
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


def _item_path(resource, item_id):
    """The path of one item: its id quoted as exactly one path segment."""
    return '%s/%s' % (PATHS[resource], _checks.path_segment(item_id))


class ClumioClient:
    """Typed calls over one ApiClient."""

    def __init__(self, api):
        self.api = api

    def close(self):
        self.api.close()

    def _get(self, resource, path=None, params=None):
        return self.api.request('GET', path or PATHS[resource], params=params, headers={'Accept': ACCEPT[resource]})

    def _get_one(self, resource, item_id, option, what):
        """One item by id; a 404 names the option and keeps Clumio's own error beside the hint."""
        try:
            return self._get(resource, _item_path(resource, item_id))
        except ApiError as exc:
            if exc.status != 404:
                raise
            detail = (parse_error(exc.body) if exc.body else None) or exc.msg
            raise OperationFailed('%s %s: Clumio has no %s with this id (HTTP 404: %s). Check the id, the organizational_unit_id '
                                  'and that api_url is the portal the token belongs to.' % (option, item_id, what, detail)) from None

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
        return self._get_one('backups', backup_id, 'backup_id', 'DynamoDB backup')

    # -- tables and environments ----------------------------------------------------------------------
    def list_tables(self, name=None, account=None, region=None, environment_id=None):
        params = {'limit': PAGE_SIZE, 'start': '1',
                  'filter': _filter(name={'$contains': name} if name else None,
                                    account_native_id={'$eq': account} if account else None,
                                    aws_region={'$eq': region} if region else None,
                                    environment_id={'$eq': environment_id} if environment_id else None)}
        return list(self._pages('tables', params))

    def get_table(self, table_id):
        return self._get_one('tables', table_id, 'table_id', 'DynamoDB table')

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

    def get_environment(self, environment_id):
        return self._get_one('environments', environment_id, 'environment_id', 'AWS environment')

    def find_environment(self, account, region):
        """The Clumio AWS environment of an account and region (page-token paging)."""
        params = {'limit': PAGE_SIZE, 'filter': _filter(account_native_id={'$eq': account}, aws_region={'$eq': region})}
        for environment in self._pages('environments', params):
            if environment.get('account_native_id') == account and environment.get('aws_region') == region:
                return environment
        raise OperationFailed('No Clumio AWS environment for account %s in region %s: connect it in Clumio, '
                              'or pass environment_id.' % (account, region))

    # -- restores -------------------------------------------------------------------------------------
    def restore_table(self, body):
        return self.api.request('POST', PATHS['restore_table'], params={'embed': 'read-task'}, json=body,
                                headers={'Accept': ACCEPT['restore_table']}, expect=(200, 202))

    def restore_records(self, body, preview=False):
        """A preview changes nothing, so it may be sent again like a read; a records restore never is."""
        return self.api.request('POST', PATHS['restore_records'], params={'embed': 'read-task'}, json=body,
                                headers={'Accept': ACCEPT['restore_records']}, expect=(200, 202), idempotent=preview)

    # -- tasks ----------------------------------------------------------------------------------------
    def get_task(self, task_id):
        return self._get_one('tasks', task_id, 'task_id', 'task')

    def list_tasks(self, statuses=None, categories=None, entity_value=None, since=None, types=None):
        if since is not None:
            since = max(since, utc_now() - TASK_LOOKBACK)  # Clumio refuses a created_timestamp older than that
        params = {'limit': PAGE_SIZE, 'start': '1',
                  'filter': _filter(status={'$in': list(statuses)} if statuses else None,
                                    category={'$in': list(categories)} if categories else None,
                                    type={'$in': list(types)} if types else None,
                                    created_timestamp={'$gte': iso_z(since)} if since else None,
                                    **{'primary_entity.value': {'$contains': entity_value} if entity_value else None})}
        return self._pages('tasks', params)

    def abort_task(self, task_id):
        return self.api.request('PATCH', _item_path('tasks', task_id), json={'status': UNCONFIRMED['abort_status']},
                                headers={'Accept': ACCEPT['tasks']})

    def find_restore_tasks(self, kind, entity_value, since=None, parent_id=None, entity_id=None):
        """Restore tasks of `kind` (a type of UNCONFIRMED) whose primary entity is exactly `entity_value`,
        newest first; a task that names its parent environment or entity id must name these."""
        found = []
        task_type = UNCONFIRMED[kind]
        for task in self.list_tasks(categories=[UNCONFIRMED['restore_task_category']], entity_value=entity_value, since=since,
                                    types=[task_type]):
            entity = task.get('primary_entity') or {}
            parent = task.get('parent_entity') or {}
            if task.get('type') != task_type or entity.get('value') != entity_value:
                continue
            if (parent_id and parent.get('id') and parent['id'] != parent_id) or (entity_id and entity.get('id') and entity['id'] != entity_id):
                continue
            found.append(task)
        return sorted(found, key=lambda task: task.get('created_timestamp') or '', reverse=True)


# -- tasks -----------------------------------------------------------------------------------------
def normalize_backup(raw):
    """A Clumio DynamoDB backup (seed 002 shape) as the collection's normalized restore point."""
    return restore_point(id=raw.get('id'), product='clumio', resource_id=raw.get('table_id'), resource_name=raw.get('table_name'),
                         created_at=raw.get('start_timestamp'), size_bytes=raw.get('size'), kind=raw.get('type'),
                         region=raw.get('aws_region'), account=raw.get('account_native_id'), raw=raw)


def continuous_point(table, continuous):
    """A point in a table's continuous backup as a normalized restore point (no time: the latest restorable)."""
    return restore_point(id=table.get('id'), product='clumio', resource_id=table.get('id'), resource_name=table.get('name'),
                         created_at=continuous.get('timestamp'), size_bytes=table.get('size'), kind=continuous.get('type') or 'aws_pitr',
                         region=table.get('aws_region'), account=table.get('account_native_id'), raw=table)


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
    """How the shared restore flow reads Clumio tasks: no log, the task names its failure."""
    return JobReader(get=client.get_task, state=lambda raw: raw.get('status'), log=lambda _task_id: None,
                     normalize=lambda raw, _log: normalize_task(raw), states=TASK_STATES,
                     progress=lambda raw: percent(raw.get('progress_percentage')), failure=failed_task_message)


# -- the restore flow (module_utils/_restore.py) -----------------------------------------------------
class _TaskRestore(Restore):
    """What table and records restores share: Clumio tasks, read and described the same way."""

    product = 'clumio'
    key = 'task'
    id_key = 'task_id'
    what = 'Clumio task'
    where = 'the tasks in Clumio (GET /tasks or the portal\'s Tasks page)'

    def window_start(self):
        """Restores of this point count from its time; the latest restorable time has none, so any in Clumio's window."""
        return since(self.point) if self.point.get('created_at') else None

    def reader(self):
        return task_reader(self.client)

    @staticmethod
    def task_id(answer):
        """The task a 202 names (task_id, or the embedded read-task); None when it names none."""
        answer = answer or {}
        return answer.get('task_id') or ((answer.get('_embedded') or {}).get('read-task') or {}).get('id')

    def read_source(self):
        """The backup, or for a continuous backup the table; the normalized point."""
        params = self.params
        if params.get('backup_id'):
            source = self.client.get_backup(params['backup_id'])
            self.point = normalize_backup(source)
        else:
            source = self.client.get_table(params['continuous_backup']['table_id'])
            self.point = continuous_point(source, params['continuous_backup'])
        return source

    def describe(self, raw):
        return {'state': raw.get('status'), 'started_at': raw.get('start_timestamp'), 'finished_at': raw.get('end_timestamp'),
                'created_resource': self.created_resource()}

    def created_resource(self):
        return None


class TableRestore(_TaskRestore):
    """A restore of a DynamoDB table into a new table (POST /restores/aws/dynamodb-tables).

    Reused: a table-restore task into the same table name and environment, created since the point,
    that runs, or that completed into a table that still exists: Clumio's inventory says, or the
    caller's `target_exists` (Clumio's inventory lags the account) overrides it.
    """

    def prepare(self):
        params = self.params
        if params['environment_id']:
            self.environment = self.client.get_environment(params['environment_id'])
        else:
            self.environment = self.client.find_environment(params['target_account_id'], params['target_region'])
        self.table = params['target_table_name']
        source = self.read_source()
        source_config = source if params['keep_source_configuration'] else None
        self.request = {'source': build_restore_source(params),
                        'target': build_restore_target(params, self.environment['id'], source_config)}
        self._exists = None
        return {'restore_point': self.point, 'target': self.target()}

    def target(self):
        return {'table_name': self.table, 'environment_id': self.environment['id'],
                'region': self.environment.get('aws_region'), 'account': self.environment.get('account_native_id')}

    def target_text(self):
        target = self.target()
        return '%s in environment %s (account %s, region %s)' % (self.table, target['environment_id'], target['account'], target['region'])

    def created_resource(self):
        target = self.target()
        return {'type': 'dynamodb_table', 'name': self.table, 'region': target['region'], 'account': target['account'],
                'environment_id': target['environment_id']}

    def earlier(self):
        return self.client.find_restore_tasks('table_restore_task_type', self.table, since=self.window_start(), parent_id=self.environment['id'])

    def target_exists(self, job=None):
        if self.params.get('target_exists') is not None:
            return self.params['target_exists']
        if self._exists is None:
            self._exists = self.client.find_table(self.table, environment_id=self.environment['id'], missing_ok=True) is not None
        return self._exists

    def conflict(self):
        if not self.target_exists():
            return None
        told = 'target_exists is true' if self.params.get('target_exists') else "Clumio's inventory lists it"
        return ('Table %s already exists (%s) and no restore of this point made it: a restore never replaces a table. '
                'Choose another target_table_name or delete that table first; if it was deleted and Clumio does not know yet, '
                'set target_exists: false.' % (self.target_text(), told))

    def start(self):
        return self.task_id(self.client.restore_table(self.request))


class RecordsRestore(_TaskRestore):
    """A record-level restore to a download or an e-mail (POST /restores/aws/dynamodb-tables/records).

    Clumio's tasks show neither the filters nor the delivery of a records restore: a rerun is matched
    by the task type, the source table and the time since the point (force starts another anyway).
    """

    def prepare(self):
        source = self.read_source()
        self.table_name, self.table_id = source.get('table_name') or source.get('name'), self.point['resource_id']
        self.request = build_records_body(self.params)
        return {'restore_point': self.point, 'target': self.request['target']}

    def target_text(self):
        return 'records of table %s (%s delivery)' % (self.table_name, self.params['delivery'])

    def earlier(self):
        return self.client.find_restore_tasks('records_restore_task_type', self.table_name, since=self.window_start(), entity_id=self.table_id)

    def start(self):
        return self.task_id(self.client.restore_records(self.request))


def records_preview(module, client):
    """delivery: preview reads rows and changes nothing: no task, never reused; check mode sends nothing."""
    body = build_records_body(module.params)
    result = {'changed': False, 'request': body}
    if not module.check_mode:
        answer = client.restore_records(body, preview=True) or {}
        result['preview'] = answer.get('preview_result') or {'attributes': [], 'items': []}
    return result


# -- building request bodies -------------------------------------------------------------------------
def _compact(mapping):
    return {key: value for key, value in mapping.items() if value is not None}


def _index(index, throughput=None):
    """A GSI or LSI as the restore sends it. `throughput` is the GSI's capacity on a provisioned target
    (its own, else the table's); None on an on-demand target, where DynamoDB refuses index throughput."""
    projection = index.get('projection') or {}
    built = {'index_name': index['index_name'],
             'key_schema': [{'attribute_name': key['attribute_name'], 'key_type': key['key_type']} for key in index['key_schema']],
             'projection': {'projection_type': projection.get('projection_type') or 'ALL',
                            'non_key_attributes': list(projection.get('non_key_attributes') or [])}}
    if throughput:
        built['provisioned_throughput'] = throughput
    return built


def _index_throughput(index, mode, table_throughput):
    """None on an on-demand target; on a provisioned one the index's own units, else the table's; with the
    mode unknown (neither given nor in the source record) the index's own, as given."""
    if mode == 'PAY_PER_REQUEST':
        return None
    own = _compact(index.get('provisioned_throughput') or {})
    if min(own.get('read_capacity_units') or 0, own.get('write_capacity_units') or 0) >= 1:
        return {'read_capacity_units': own['read_capacity_units'], 'write_capacity_units': own['write_capacity_units']}
    return (table_throughput or None) if mode == 'PROVISIONED' else None


def tags_to_clumio(tags):
    return [{'key': key, 'value': '' if value is None else str(value)} for key, value in sorted((tags or {}).items())]


def build_restore_target(params, environment_id, source_config=None):
    """The restore `target` from the module options; with `source_config` (the backup or table record)
    every unset field of SOURCE_CONFIGURATION is copied from it.

    Index throughput follows the billing mode the target gets (given, or copied): on-demand tables
    take none (DynamoDB refuses it), provisioned ones need it (the index's own, else the table's).
    """
    source_config = source_config or {}
    target = {'environment_id': environment_id, 'table_name': params['target_table_name']}
    for name in TARGET_SCALARS:
        if params.get(name) is not None:
            target[name] = params[name]
    if params.get('provisioned_throughput'):
        target['provisioned_throughput'] = _compact(params['provisioned_throughput'])
    if params.get('sse_specification'):
        target['sse_specification'] = _compact(params['sse_specification'])
    if params.get('stream_specification'):
        target['stream_specification'] = _compact(params['stream_specification'])
    if params.get('tags') is not None:
        target['tags'] = tags_to_clumio(params['tags'])
    for name in ('table_class', 'billing_mode', 'provisioned_throughput', 'tags', 'sse_specification', 'stream_specification'):
        value = source_config.get(name)
        if name in target or value in (None, [], {}):
            continue
        if name == 'tags':
            value = [{'key': tag['key'], 'value': tag.get('value', '')} for tag in value]
        elif name == 'sse_specification' and value.get('kms_key_type') == 'DEFAULT':
            continue  # AWS-owned key: null is the same thing
        elif name == 'provisioned_throughput':
            if target.get('billing_mode') != 'PROVISIONED':
                continue
            value = _compact(value)
        target[name] = value
    mode, throughput = target.get('billing_mode'), target.get('provisioned_throughput')
    for name in ('global_secondary_indexes', 'local_secondary_indexes'):
        indexes = params.get(name)
        if indexes is None:
            indexes = source_config.get(name) or None
        if indexes is not None:
            target[name] = [_index(index, _index_throughput(index, mode, throughput) if name.startswith('global') else None)
                            for index in indexes]
    return target


def _timestamp(value):
    """A point in time as RFC 3339 UTC (fractions kept)."""
    moment = parse_timestamp(value)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ') if moment.microsecond else iso_z(moment)


def _continuous(continuous, with_type):
    source = {'table_id': continuous['table_id']}
    if with_type:
        source['type'] = continuous.get('type') or 'aws_pitr'
    if continuous.get('use_latest_restorable_time'):
        source['use_latest_restorable_time'] = True
    else:
        source['timestamp'] = _timestamp(continuous['timestamp'])
    return source


def build_restore_source(params):
    if params.get('backup_id'):
        return {'securevault_backup': {'backup_id': params['backup_id']}}
    return {'continuous_backup': _continuous(params['continuous_backup'], with_type=True)}


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
        source = {'continuous_backup': _continuous(params['continuous_backup'], with_type=False)}
    delivery = params['delivery']
    if delivery == 'preview':
        target = {'preview': True}
    elif delivery == 'email':
        target = {'email': _compact({'recipient_emails': params['recipient_emails'], 'message': params.get('email_message')})}
    else:
        target = {'direct_download': {}}
    return {'source': source, 'query_filter': query, 'target': target}


# -- input checks: each raises OptionError naming the option, before any request ----------------------
EMAIL_RE = re.compile(r'[^@\s]+@[^@\s]+\.[^@\s]+')


def check_id(name, value):
    """A Clumio id (backup, table, task, environment): safe as one URL path segment."""
    return _checks.path_id(name, value, ID_EXAMPLE)


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
    """The source of a continuous backup: its table id, and exactly one of a past timestamp or the latest time."""
    if continuous is None:
        return None
    check_id('%s.table_id' % option, continuous.get('table_id'))
    if bool(continuous.get('timestamp')) == bool(continuous.get('use_latest_restorable_time')):
        return '%s needs exactly one of timestamp or use_latest_restorable_time=true' % option
    if continuous.get('timestamp'):
        _checks.not_blank('%s.timestamp' % option, continuous['timestamp'])
        _checks.timestamp('%s.timestamp' % option, continuous['timestamp'])
    return None


def _raise(errors):
    errors = [error for error in errors if error]
    if errors:
        raise OptionError('; '.join(errors))


def check_wait(params):
    _checks.at_least('wait_timeout', params['wait_timeout'], 0)
    _checks.at_least('poll_interval', params['poll_interval'], 1)


def check_source(params):
    check_id('backup_id', params.get('backup_id'))
    return check_continuous('continuous_backup', params.get('continuous_backup'))


def check_restore_target(params, warn=None):
    """Every target rule of the restore API (seed 001), as messages naming the option."""
    _checks.table_name('target_table_name', params.get('target_table_name'))
    _checks.account('target_account_id', params.get('target_account_id'))
    _checks.region('target_region', params.get('target_region'))
    check_id('environment_id', params.get('environment_id'))
    errors = []
    mode, throughput = params.get('billing_mode'), params.get('provisioned_throughput')
    if mode == 'PAY_PER_REQUEST' and throughput:
        errors.append('provisioned_throughput applies only to billing_mode PROVISIONED, not PAY_PER_REQUEST')
    if mode == 'PROVISIONED' and not throughput:
        errors.append('billing_mode PROVISIONED needs provisioned_throughput (read_capacity_units and write_capacity_units)')
    for unit in ('read_capacity_units', 'write_capacity_units'):
        _checks.capacity('provisioned_throughput.%s' % unit, (throughput or {}).get(unit), warn=warn)
    _checks.capacity('restore_wcu', params.get('restore_wcu'), warn=warn)
    sse = params.get('sse_specification') or {}
    _checks.not_blank('sse_specification.kms_master_key_id', sse.get('kms_master_key_id'))
    if sse.get('kms_key_type') == 'CUSTOMER_MANAGED' and not sse.get('kms_master_key_id'):
        errors.append('sse_specification.kms_master_key_id is required when kms_key_type is CUSTOMER_MANAGED')
    if sse.get('kms_key_type') == 'DEFAULT' and sse.get('kms_master_key_id'):
        errors.append('sse_specification.kms_master_key_id must not be set when kms_key_type is DEFAULT (the AWS owned key)')
    stream = params.get('stream_specification') or {}
    if stream.get('enabled') and not stream.get('view_type'):
        errors.append('stream_specification.view_type is required when stream_specification.enabled is true')
    for option in ('global_secondary_indexes', 'local_secondary_indexes'):
        for position, index in enumerate(params.get(option) or []):
            errors.append(check_index(option, index, position))
            index_throughput = index.get('provisioned_throughput') if isinstance(index, dict) else None
            if index_throughput and option == 'local_secondary_indexes':
                errors.append('%s[%d].provisioned_throughput: a local secondary index has no throughput of its own' % (option, position))
            elif index_throughput and mode == 'PAY_PER_REQUEST':
                errors.append('%s[%d].provisioned_throughput applies only to billing_mode PROVISIONED, not PAY_PER_REQUEST'
                              % (option, position))
            elif index_throughput:
                for unit in ('read_capacity_units', 'write_capacity_units'):
                    _checks.capacity('%s[%d].provisioned_throughput.%s' % (option, position, unit), index_throughput.get(unit), warn=warn)
    for position, index in enumerate(params.get('local_secondary_indexes') or []):
        if len(index.get('key_schema') or []) != 2:
            errors.append('local_secondary_indexes[%d].key_schema must have a HASH and a RANGE key' % position)
    return errors


def check_table_restore(params, module):
    """clumio_dynamodb_restore: every rule checked before the first request."""
    errors = check_restore_target(params, warn=module.warn)
    errors.append(check_source(params))
    _raise(errors)
    check_wait(params)


def check_records_restore(params, _module):
    """clumio_dynamodb_records_restore: every rule checked before the first request."""
    errors = [check_source(params)]
    for name in ('partition_key_filter', 'sort_key_filter'):
        if params[name]:
            errors.append(check_key_filter(name, params[name]))
    for position, item in enumerate(params['attribute_filters'] or []):
        errors.append(check_key_filter('attribute_filters[%d]' % position, item))
    if params['delivery'] == 'email':
        bad = [address for address in params['recipient_emails'] or [] if not EMAIL_RE.fullmatch(address)]
        if not params['recipient_emails'] or bad:
            errors.append('recipient_emails must list e-mail addresses for delivery email, got %r' % (params['recipient_emails'],))
    elif params['recipient_emails'] or params['email_message']:
        errors.append('recipient_emails and email_message apply only to delivery email')
    if params['delivery'] == 'preview' and params['force']:
        errors.append('force applies only to a records restore that starts a task (delivery direct_download or email), not to a preview')
    _raise(errors)
    check_wait(params)
