"""The Clumio simulator: bearer token, versioned Accept headers, DynamoDB backups, restores and tasks."""
from __future__ import annotations

import json
import pathlib
import time
import uuid
from decimal import Decimal
from typing import Any, Callable
from urllib.parse import urlencode

import boto3
import botocore.config
import botocore.exceptions

from simulators.common.server import HttpError, Request, Response, SimServer, json_response, parse_iso, utc_iso
from simulators.common.tamper import tamper

SEED_PATH = pathlib.Path(__file__).with_name('seed.yml')
MEDIA = 'application/api.clumio.{}=v1+json'
WILDCARD = 'application/api.clumio.*=v1+json'
CONFIG_FIELDS = ('billing_mode', 'provisioned_throughput', 'table_class', 'global_secondary_indexes', 'local_secondary_indexes',
                 'sse_specification', 'stream_specification', 'tags')
TARGET_FIELDS = {'environment_id', 'table_name', 'billing_mode', 'provisioned_throughput', 'table_class', 'global_secondary_indexes',
                 'local_secondary_indexes', 'global_table_version', 'replicas', 'sse_specification', 'stream_specification', 'pitr_status',
                 'contributor_insights_status', 'deletion_protection_enabled', 'restore_wcu', 'tags'}
BOTO_CONFIG = botocore.config.Config(connect_timeout=3, read_timeout=10, retries={'max_attempts': 2})
MAX_GENERATED = 1_000_000
ENV_PAGE = 2


def errors(status: int, code: int, message: str) -> Response:
    return json_response(status, {'errors': [{'error_code': code, 'error_message': message}]})


def bad(message: str) -> HttpError:
    return HttpError(errors(400, 400, message))


class ClumioSim(SimServer):
    """Clumio as far as DynamoDB restores go."""

    name = 'clumio'
    DEFAULT_CONFIG = {'latency_ms': 0, 'queue_s': 0.5, 'job_duration_s': 2, 'job_outcome': 'completed', 'outcome_by_target': {}}
    JOB_OUTCOMES = ('completed', 'failed')
    COUNTER_NAMES = ('restores_started', 'record_restores_started', 'previews', 'unauthorized', 'accept_rejected', 'aborts')
    SEED_DATE_KEYS = ('start_timestamp',)

    def __init__(self, seed_path: pathlib.Path = SEED_PATH, state_dir: pathlib.Path | None = None, *,
                 dynamodb_endpoint: str | None = None, **options: Any) -> None:
        self.dynamodb_endpoint = dynamodb_endpoint
        self.seed_doc: dict[str, Any] = {}
        self.token = ''
        self.units: list[str] = []
        self.environments: list[dict[str, Any]] = []
        self.tables: dict[str, dict[str, Any]] = {}
        self.backups: dict[str, list[list[Any]]] = {}   # table id -> [[epoch, id, type], ...] newest first
        self.backup_index: dict[str, tuple[str, float, str]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.generated: list[dict[str, Any]] = []
        super().__init__(seed_path, state_dir, **options)

    # ---- state ----------------------------------------------------------------------------------
    def load_seed(self, doc: dict[str, Any]) -> None:
        token = str(doc['api_token'])
        environments = [dict(env) for env in doc.get('environments', [])]
        by_env = {env['id']: env for env in environments}
        tables, backups, index = {}, {}, {}
        for table in doc.get('tables', []):
            env = by_env[table['environment_id']]
            record = {key: value for key, value in table.items() if key != 'backups'}
            record.update(account_native_id=env['account_native_id'], aws_region=env['aws_region'])
            tables[table['id']] = record
            rows = sorted(([parse_iso(b['start_timestamp']), b['id'], b.get('type', 'clumio_backup')] for b in table.get('backups', [])),
                          reverse=True)
            backups[table['id']] = rows
            for epoch, backup_id, kind in rows:
                index[backup_id] = (table['id'], epoch, kind)
        self.seed_doc, self.token, self.units, self.environments = doc, token, list(doc.get('organizational_units', [])), environments
        self.tables, self.backups, self.backup_index, self.tasks, self.generated = tables, backups, index, {}, []

    def snapshot(self) -> dict[str, Any]:
        return {'seed': self.seed_doc, 'generated': self.generated, 'tasks': self.tasks,
                'tables': {key: value for key, value in self.tables.items() if value.get('restored')}}

    def restore_snapshot(self, doc: dict[str, Any]) -> None:
        self.load_seed(doc['seed'])
        for request in doc['generated']:
            self._generate(**request)
        self.generated = doc['generated']
        self.tasks = doc['tasks']
        self.tables.update(doc.get('tables', {}))

    def known_secrets(self) -> list[str]:
        return [self.token]

    def problem(self, status: int, title: str, details: str = '', **extra: Any) -> Response:
        del extra
        return errors(status, status, f'{title}. {details}'.strip())

    # ---- routes ---------------------------------------------------------------------------------
    def register_routes(self) -> None:
        self._api('GET', '/backups/aws/dynamodb-tables', 'backup-aws-dynamodb-tables', self.list_backups)
        self._api('GET', '/backups/aws/dynamodb-tables/{backup_id}', 'backup-aws-dynamodb-tables', self.get_backup)
        self._api('POST', '/restores/aws/dynamodb-tables', 'restored-aws-dynamodb-tables', self.restore_table)
        self._api('POST', '/restores/aws/dynamodb-tables/records', 'restored-records-aws-dynamodb-tables', self.restore_records)
        self._api('GET', '/datasources/aws/dynamodb-tables', 'aws-dynamodb-tables', self.list_tables)
        self._api('GET', '/datasources/aws/dynamodb-tables/{table_id}', 'aws-dynamodb-tables', self.get_table)
        self._api('GET', '/datasources/aws/environments', 'aws-environments', self.list_environments)
        self._api('GET', '/datasources/aws/environments/{environment_id}', 'aws-environments', self.get_environment)
        self._api('GET', '/tasks', 'tasks', self.list_tasks)
        self._api('GET', '/tasks/{task_id}', 'tasks', self.get_task)
        self._api('PATCH', '/tasks/{task_id}', 'tasks', self.patch_task)
        self.route('POST', '/_sim/generate', self.sim_generate)

    def _api(self, method: str, template: str, resource: str, handler: Callable[[Request], Response]) -> None:
        def checked(request: Request) -> Response:
            if request.header('Authorization') != f'Bearer {self.token}':
                self.count('unauthorized')
                return errors(401, 402, 'Unauthorized access')
            unit = request.header('X-Clumio-OrganizationalUnit-Context')
            if unit and unit not in self.units:
                return errors(403, 403, f'Organizational unit {unit} is not accessible with this token.')
            accept = request.header('Accept')
            if accept and accept not in (MEDIA.format(resource), WILDCARD, '*/*', 'application/json'):
                self.count('accept_rejected')
                return errors(406, 406, f'Unsupported Accept header {accept!r}; expected {MEDIA.format(resource)}.')
            response = handler(request)
            if response.content_type and response.content_type.startswith('application/json') and response.status < 300:
                response.content_type = MEDIA.format(resource)
            return response
        self.route(method, template, checked)

    # ---- helpers --------------------------------------------------------------------------------
    @staticmethod
    def _query(request: Request, name: str) -> str | None:
        values = request.query.get(name)
        return values[-1] if values else None

    def _filter(self, request: Request) -> dict[str, Any]:
        text = self._query(request, 'filter')
        if not text:
            return {}
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise bad(f'filter is not valid JSON: {exc}') from exc
        if not isinstance(doc, dict) or not all(isinstance(ops, dict) for ops in doc.values()):
            raise bad('filter must be a JSON object of {field: {$op: value}}')
        return doc

    @staticmethod
    def _check_fields(doc: dict[str, Any], allowed: dict[str, set[str]]) -> None:
        for field, ops in doc.items():
            if field not in allowed:
                raise bad(f'filter on {field!r} is not supported; supported: {sorted(allowed)}')
            for op in ops:
                if op not in allowed[field]:
                    raise bad(f'filter operator {op} is not supported on {field}')

    def _paged(self, request: Request, items: list[Any], render: Callable[[Any], dict[str, Any]], path: str) -> Response:
        try:
            limit = int(self._query(request, 'limit') or 100)
            start = int(self._query(request, 'start') or 1)
        except ValueError as exc:
            raise bad('limit and start must be integers') from exc
        if limit < 1 or start < 1:
            raise bad('limit and start must be 1 or more')
        total = len(items)
        pages = max(1, -(-total // limit))
        chunk = items[(start - 1) * limit:start * limit]
        base = {key: values[-1] for key, values in request.query.items()}

        def link(page: int) -> dict[str, Any]:
            return {'href': f'{path}?{urlencode(dict(base, limit=limit, start=page))}', 'templated': False, 'type': 'get'}

        links = {'_self': link(start), '_first': link(1), '_last': link(pages)}
        if start < pages:
            links['_next'] = link(start + 1)
        if start > 1:
            links['_prev'] = link(start - 1)
        return json_response(200, {'current_count': len(chunk), 'limit': limit, 'start': str(start), 'total_count': total,
                                   'total_pages_count': pages, '_links': links, '_embedded': {'items': [render(item) for item in chunk]}})

    # ---- backups --------------------------------------------------------------------------------
    def render_backup(self, row: list[Any], table_id: str) -> dict[str, Any]:
        epoch, backup_id, kind = row
        table = self.tables[table_id]
        doc = {
            '_etag': f'"{backup_id[:8]}"', 'id': backup_id, 'table_id': table_id, 'table_name': table['name'],
            'account_native_id': table['account_native_id'], 'aws_region': table['aws_region'], 'type': kind,
            'start_timestamp': utc_iso(epoch), 'expiration_timestamp': utc_iso(epoch + 30 * 86400),
            'size': 1024 * len(table.get('items', [])), 'item_count': len(table.get('items', [])),
            'global_table_version': None, 'replicas': [], 'pitr_status': False, 'contributor_insights_status': False,
            'deletion_protection_enabled': False,
            '_links': {
                '_self': {'href': f'/backups/aws/dynamodb-tables/{backup_id}', 'templated': False, 'type': 'get'},
                'restore-aws-dynamodb-table': {'href': '/restores/aws/dynamodb-tables', 'templated': False, 'type': 'post'},
                'restore-aws-dynamodb-records': {'href': '/restores/aws/dynamodb-tables/records', 'templated': False, 'type': 'post'},
            },
        }
        for field in CONFIG_FIELDS:
            doc[field] = table.get(field, [] if field.endswith('indexes') or field == 'tags' else None)
        return doc

    def list_backups(self, request: Request) -> Response:
        doc = self._filter(request)
        self._check_fields(doc, {'table_id': {'$eq'}, 'start_timestamp': {'$lte', '$gt'}, 'type': {'$all'}})
        sort = self._query(request, 'sort') or '-start_timestamp'
        if sort not in ('start_timestamp', '-start_timestamp'):
            raise bad(f'sort on {sort!r} is not supported; use start_timestamp or -start_timestamp')
        table_id = (doc.get('table_id') or {}).get('$eq')
        sources = [table_id] if table_id else list(self.backups)
        times = doc.get('start_timestamp', {})
        lte = parse_iso(times['$lte']) if '$lte' in times else None
        gt = parse_iso(times['$gt']) if '$gt' in times else None
        kinds = set((doc.get('type') or {}).get('$all') or [])
        rows = []
        for source in sources:
            for row in self.backups.get(source, []):
                if (lte is None or row[0] <= lte) and (gt is None or row[0] > gt) and (not kinds or row[2] in kinds):
                    rows.append((row, source))
        if len(sources) > 1:
            rows.sort(key=lambda pair: pair[0][0], reverse=True)
        if sort == 'start_timestamp':
            rows.reverse()
        response = self._paged(request, rows, lambda pair: self.render_backup(*pair), '/backups/aws/dynamodb-tables')
        return response

    def get_backup(self, request: Request) -> Response:
        found = self.backup_index.get(request.params['backup_id'])
        if not found:
            return errors(404, 404, f"Backup {request.params['backup_id']} not found.")
        table_id, epoch, kind = found
        return json_response(200, self.render_backup([epoch, request.params['backup_id'], kind], table_id))

    # ---- tables and environments ------------------------------------------------------------------
    def render_table(self, table: dict[str, Any]) -> dict[str, Any]:
        keys = {key['key_type']: key['attribute_name'] for key in table['key_schema']}
        definitions = table.get('attribute_definitions', {})
        doc = {key: value for key, value in table.items() if key not in ('items', 'attribute_definitions', 'key_schema')}
        doc['table_keys'] = {'partition_key': {'name': keys['HASH'], 'type': definitions.get(keys['HASH'], 'S')}}
        if 'RANGE' in keys:
            doc['table_keys']['sort_key'] = {'name': keys['RANGE'], 'type': definitions.get(keys['RANGE'], 'S')}
        doc['item_count'] = len(table.get('items', []))
        doc['is_deleted'] = bool(table.get('is_deleted'))
        doc['_links'] = {'_self': {'href': f"/datasources/aws/dynamodb-tables/{table['id']}", 'templated': False, 'type': 'get'}}
        return doc

    def _table_gone(self, table: dict[str, Any]) -> bool:
        """A restored table deleted in DynamoDB since: Clumio's inventory marks it deleted (is_deleted)."""
        if not table.get('restored') or table.get('is_deleted') or not self.dynamodb_endpoint:
            return bool(table.get('is_deleted'))
        env = next(env for env in self.environments if env['id'] == table['environment_id'])
        session = boto3.session.Session(aws_access_key_id='testing', aws_secret_access_key='testing', region_name=env['aws_region'])
        try:
            session.client('dynamodb', endpoint_url=self.dynamodb_endpoint, config=BOTO_CONFIG).describe_table(TableName=table['name'])
        except botocore.exceptions.ClientError as exc:
            if exc.response.get('Error', {}).get('Code') != 'ResourceNotFoundException':
                raise
            table.update(is_deleted=True, deletion_timestamp=utc_iso(time.time()))
            self.changed()
        return bool(table.get('is_deleted'))

    def list_tables(self, request: Request) -> Response:
        doc = self._filter(request)
        self._check_fields(doc, {'name': {'$contains'}, 'account_native_id': {'$eq'}, 'aws_region': {'$eq'}, 'environment_id': {'$eq'},
                                 'table_native_id': {'$eq'}})
        found = []
        for table in self.tables.values():
            if 'name' in doc and doc['name']['$contains'] not in table['name']:
                continue
            if self._table_gone(table):  # the default listing returns active tables only
                continue
            if any(field in doc and table.get(field) != doc[field]['$eq'] for field in ('account_native_id', 'aws_region', 'environment_id')):
                continue
            found.append(table)
        return self._paged(request, found, self.render_table, '/datasources/aws/dynamodb-tables')

    def get_table(self, request: Request) -> Response:
        table = self.tables.get(request.params['table_id'])
        if not table:
            return errors(404, 404, f"Table {request.params['table_id']} not found.")
        self._table_gone(table)
        return json_response(200, self.render_table(table))

    def get_environment(self, request: Request) -> Response:
        env = next((env for env in self.environments if env['id'] == request.params['environment_id']), None)
        if env is None:
            return errors(404, 404, f"Environment {request.params['environment_id']} not found.")
        return json_response(200, dict(env, services_enabled=['dynamodb'], connection_status='connected'))

    def list_environments(self, request: Request) -> Response:
        doc = self._filter(request)
        self._check_fields(doc, {'account_native_id': {'$eq'}, 'aws_region': {'$eq'}})
        found = [env for env in self.environments
                 if all(field not in doc or env[field] == doc[field]['$eq'] for field in ('account_native_id', 'aws_region'))]
        # Page tokens: an opaque token is the offset, base-16 and prefixed, never a page number.
        token = self._query(request, 'start') or ''
        try:
            offset = int(token[3:], 16) if token else 0
        except ValueError as exc:
            raise bad(f'start {token!r} is not a page token from this API') from exc
        chunk = found[offset:offset + ENV_PAGE]
        links = {'_self': {'href': '/datasources/aws/environments', 'templated': False, 'type': 'get'}}
        if offset + ENV_PAGE < len(found):
            query = {key: values[-1] for key, values in request.query.items()}
            query['start'] = f'pt-{offset + ENV_PAGE:x}'
            links['_next'] = {'href': f'/datasources/aws/environments?{urlencode(query)}', 'templated': False, 'type': 'get'}
        items = [dict(env, services_enabled=['dynamodb'], connection_status='connected') for env in chunk]
        return json_response(200, {'current_count': len(items), 'limit': ENV_PAGE, 'start': token, '_links': links,
                                   '_embedded': {'items': items}})

    # ---- restores -------------------------------------------------------------------------------
    def _body(self, request: Request) -> dict[str, Any]:
        try:
            body = request.json()
        except ValueError as exc:
            raise bad(f'The request body is not JSON: {exc}') from exc
        if not isinstance(body, dict):
            raise bad('The request body must be a JSON object.')
        return body

    def _source_table(self, source: Any) -> tuple[str, dict[str, Any]]:
        if not isinstance(source, dict) or len([key for key in ('securevault_backup', 'continuous_backup') if source.get(key)]) != 1:
            raise bad('source: Only one of securevault_backup or continuous_backup should be set.')
        if source.get('securevault_backup'):
            backup_id = source['securevault_backup'].get('backup_id')
            if backup_id not in self.backup_index:
                raise HttpError(errors(404, 404, f'Backup {backup_id} not found.'))
            return backup_id, self.tables[self.backup_index[backup_id][0]]
        pitr = source['continuous_backup']
        if bool(pitr.get('timestamp')) == bool(pitr.get('use_latest_restorable_time')):
            raise bad('continuous_backup: Only one of timestamp or use_latest_restorable_time should be set.')
        if pitr.get('type', 'aws_pitr') not in ('aws_pitr', 'clumio_pitr'):
            raise bad('continuous_backup.type must be aws_pitr or clumio_pitr.')
        table = self.tables.get(pitr.get('table_id'))
        if not table:
            raise HttpError(errors(404, 404, f"Table {pitr.get('table_id')} not found."))
        return table['id'], table

    def _check_target(self, target: Any) -> dict[str, Any]:
        if not isinstance(target, dict):
            raise bad('target must be an object.')
        unknown = set(target) - TARGET_FIELDS
        if unknown:
            raise bad(f'target: unknown fields {sorted(unknown)}')
        if not target.get('table_name') or not target.get('environment_id'):
            raise bad('target: table_name and environment_id are required.')
        env = next((env for env in self.environments if env['id'] == target['environment_id']), None)
        if env is None:
            raise HttpError(errors(404, 404, f"Environment {target['environment_id']} not found."))
        mode, throughput = target.get('billing_mode'), target.get('provisioned_throughput')
        if mode not in (None, 'PROVISIONED', 'PAY_PER_REQUEST'):
            raise bad(f'billing_mode {mode!r} is not valid.')
        if mode == 'PAY_PER_REQUEST' and throughput:
            raise bad('provisioned_throughput cannot be set with billing_mode PAY_PER_REQUEST.')
        sse = target.get('sse_specification') or {}
        if sse.get('kms_key_type') == 'CUSTOMER_MANAGED' and not sse.get('kms_master_key_id'):
            raise bad('kms_master_key_id must be specified for CUSTOMER_MANAGED.')
        if target.get('table_class') not in (None, 'STANDARD', 'STANDARD_INFREQUENT_ACCESS'):
            raise bad(f"table_class {target['table_class']!r} is not valid.")
        return env

    @staticmethod
    def _check_indexes(target: dict[str, Any], source: dict[str, Any]) -> None:
        """Projections, and DynamoDB's throughput rule that Clumio passes on: no index throughput on an
        on-demand table (the billing mode given, else the source's), at least one unit of each otherwise."""
        for option in ('global_secondary_indexes', 'local_secondary_indexes'):
            for index in target.get(option) or []:
                projection = index.get('projection') or {}
                if (projection.get('projection_type') == 'INCLUDE') != bool(projection.get('non_key_attributes')):
                    raise bad(f"{option}: non_key_attributes must be non-empty exactly when projection_type is INCLUDE "
                              f"({index.get('index_name')}).")
        mode = target.get('billing_mode') or source.get('billing_mode') or 'PAY_PER_REQUEST'
        for index in target.get('global_secondary_indexes') or []:
            throughput = index.get('provisioned_throughput')
            if throughput and mode == 'PAY_PER_REQUEST':
                raise bad(f"One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: "
                          f"{index.get('index_name')} when BillingMode is PAY_PER_REQUEST")
            if throughput and min(int(throughput.get('read_capacity_units') or 0), int(throughput.get('write_capacity_units') or 0)) < 1:
                raise bad(f"One or more parameter values were invalid: ProvisionedThroughput of index {index.get('index_name')}: "
                          f"read_capacity_units and write_capacity_units must be 1 or more")

    def _check_free(self, target: dict[str, Any], env: dict[str, Any]) -> None:
        """A table of that name in the environment that Clumio knows (and that was not deleted since): 409."""
        if any(table['name'] == target['table_name'] and table['environment_id'] == env['id'] and not self._table_gone(table)
               for table in self.tables.values()):
            raise HttpError(errors(409, 409, f"Table {target['table_name']} already exists in environment {env['id']}."))

    def _new_task(self, kind: str, entity: dict[str, Any], parent: dict[str, Any], work: dict[str, Any]) -> dict[str, Any]:
        now = time.time()
        task = {'id': str(uuid.uuid4()), 'type': kind, 'category': 'restore', 'genre': 'operational', 'status': 'queued',
                'progress_percentage': 0, 'is_abortable': True, 'created_epoch': now, 'start_epoch': None, 'end_epoch': None,
                'primary_entity': entity, 'parent_entity': parent, 'work': work}
        self.tasks[task['id']] = task
        self.changed()
        return task

    def render_task(self, task: dict[str, Any]) -> dict[str, Any]:
        doc = {key: value for key, value in task.items() if not key.endswith('_epoch') and key != 'work'}
        doc['created_timestamp'] = utc_iso(task['created_epoch'])
        doc['start_timestamp'] = utc_iso(task['start_epoch']) if task['start_epoch'] else None
        doc['end_timestamp'] = utc_iso(task['end_epoch']) if task['end_epoch'] else None
        doc['_etag'] = f"\"{task['status']}\""
        doc['_links'] = {'_self': {'href': f"/tasks/{task['id']}", 'templated': False, 'type': 'get'},
                         'update-task': {'href': f"/tasks/{task['id']}", 'templated': False, 'type': 'patch'}}
        return doc

    def restore_table(self, request: Request) -> Response:
        body = self._body(request)
        unknown = set(body) - {'source', 'target', 'query_filter'}
        if unknown:
            raise bad(f'unknown fields {sorted(unknown)}')
        source_id, table = self._source_table(body.get('source'))
        env = self._check_target(body.get('target'))
        target = body['target']
        self._check_indexes(target, table)
        self._check_free(target, env)
        task = self._new_task('aws_dynamodb_table_restore',
                              {'id': table['id'], 'type': 'aws_dynamodb_table', 'value': target['table_name']},
                              {'id': env['id'], 'type': 'aws_environment', 'value': f"{env['account_native_id']}/{env['aws_region']}"},
                              {'kind': 'table', 'source_table': table['id'], 'source': source_id, 'target': target, 'region': env['aws_region']})
        self.count('restores_started')
        answer = {'task_id': task['id'], '_links': {'_self': {'href': '/restores/aws/dynamodb-tables', 'templated': False, 'type': 'post'},
                                                    'read-task': {'href': f"/tasks/{task['id']}", 'templated': False, 'type': 'get'}}}
        if self._query(request, 'embed') == 'read-task':
            answer['_embedded'] = {'read-task': self.render_task(task)}
        return json_response(202, answer)

    def restore_records(self, request: Request) -> Response:
        body = self._body(request)
        source = body.get('source') or {}
        if bool(source.get('backup_id')) == bool(source.get('continuous_backup')):
            raise bad('source: set exactly one of backup_id or continuous_backup.')
        if source.get('backup_id'):
            if source['backup_id'] not in self.backup_index:
                raise HttpError(errors(404, 404, f"Backup {source['backup_id']} not found."))
            table = self.tables[self.backup_index[source['backup_id']][0]]
        else:
            table = self.tables.get(source['continuous_backup'].get('table_id'))
            if not table:
                raise HttpError(errors(404, 404, 'Table not found.'))
        query = body.get('query_filter') or {}
        rows = [item for item in table.get('items', []) if _matches(item, table, query)]
        target = body.get('target') or {'direct_download': {}}
        if target.get('preview'):
            self.count('previews')
            attributes = sorted({name for item in rows for name in item})
            return json_response(200, {'_links': {'_self': {'href': '/restores/aws/dynamodb-tables/records', 'templated': False, 'type': 'post'}},
                                       'preview_result': {'attributes': attributes,
                                                          'items': [[str(item.get(name, '')) for name in attributes] for item in rows]}})
        if 'email' in target and not (target['email'] or {}).get('recipient_emails'):
            raise bad('email.recipient_emails is required.')
        task = self._new_task('aws_dynamodb_records_restore', {'id': table['id'], 'type': 'aws_dynamodb_table', 'value': table['name']},
                              {'id': table['environment_id'], 'type': 'aws_environment',
                               'value': f"{table['account_native_id']}/{table['aws_region']}"},
                              {'kind': 'records', 'rows': len(rows)})
        self.count('record_restores_started')
        answer = {'task_id': task['id'], 'passcode': uuid.uuid4().hex[:8]}
        if self._query(request, 'embed') == 'read-task':
            answer['_embedded'] = {'read-task': self.render_task(task)}
        return json_response(202, answer)

    # ---- tasks ----------------------------------------------------------------------------------
    def _task(self, request: Request) -> dict[str, Any]:
        task = self.tasks.get(request.params['task_id'])
        if not task:
            raise HttpError(errors(404, 404, f"Task {request.params['task_id']} not found."))
        return task

    def get_task(self, request: Request) -> Response:
        return json_response(200, self.render_task(self._task(request)))

    def patch_task(self, request: Request) -> Response:
        task = self._task(request)
        body = self._body(request)
        if body.get('status') != 'aborting':
            raise bad("status: the only allowed value is 'aborting'.")
        if task['status'] not in ('queued', 'in_progress'):
            raise bad(f"Task {task['id']} is {task['status']} and cannot be aborted.")
        task['status'] = 'aborting'
        task['is_abortable'] = False
        self.count('aborts')
        self.changed()
        return json_response(200, self.render_task(task))

    def list_tasks(self, request: Request) -> Response:
        doc = self._filter(request)
        self._check_fields(doc, {'status': {'$in'}, 'category': {'$in'}, 'type': {'$in'}, 'id': {'$in'}, 'primary_entity.value': {'$contains'},
                                 'created_timestamp': {'$gte', '$lte'}})
        found = []
        for task in sorted(self.tasks.values(), key=lambda task: task['created_epoch'], reverse=True):
            if any(field in doc and task[field] not in doc[field]['$in'] for field in ('status', 'category', 'type', 'id')):
                continue
            if 'primary_entity.value' in doc and doc['primary_entity.value']['$contains'] not in task['primary_entity']['value']:
                continue
            created = doc.get('created_timestamp', {})
            if '$gte' in created and task['created_epoch'] < parse_iso(created['$gte']):
                continue
            found.append(task)
        return self._paged(request, found, self.render_task, '/tasks')

    def tick(self) -> None:
        now = time.time()
        for task in self.tasks.values():
            if task['status'] == 'aborting':
                task.update(status='aborted', end_epoch=now)
                self.changed()
            elif task['status'] == 'queued' and now - task['created_epoch'] >= self.config['queue_s']:
                task.update(status='in_progress', start_epoch=now, progress_percentage=10)
                self.changed()
            elif task['status'] == 'in_progress':
                elapsed = now - task['start_epoch']
                if elapsed >= self.config['job_duration_s']:
                    self._finish(task, now)
                else:
                    task['progress_percentage'] = min(95, 10 + int(85 * elapsed / max(self.config['job_duration_s'], 0.001)))
                self.changed()

    def _finish(self, task: dict[str, Any], now: float) -> None:
        work = task['work']
        outcome = self.config['outcome_by_target'].get(task['primary_entity']['value'], self.config['job_outcome'])
        if outcome == 'completed' and work['kind'] == 'table':
            try:
                self._create_in_moto(work)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, ValueError) as exc:
                outcome = 'failed'
                work['error'] = str(exc)
        progress = 100 if outcome == 'completed' else task['progress_percentage']
        task.update(status=outcome, end_epoch=now, progress_percentage=progress, is_abortable=False)
        if outcome == 'completed' and work['kind'] == 'table':
            source = self.tables[work['source_table']]
            target = work['target']
            restored = {key: value for key, value in source.items() if key not in ('backups',)}
            restored.update(id=str(uuid.uuid4()), name=target['table_name'], environment_id=target['environment_id'], restored=True)
            for field in CONFIG_FIELDS:
                restored[field] = target.get(field)
            self.tables[restored['id']] = restored
            self.backups[restored['id']] = []

    def _create_in_moto(self, work: dict[str, Any]) -> None:
        """Create the table as Clumio would: the target's settings, null ones dropped; then the backup's items."""
        if not self.dynamodb_endpoint:
            return
        source, target = self.tables[work['source_table']], work['target']
        definitions = source.get('attribute_definitions', {})
        used = {key['attribute_name'] for key in source['key_schema']}
        arguments: dict[str, Any] = {'TableName': target['table_name'], 'KeySchema': _keys(source['key_schema'])}
        mode = target.get('billing_mode') or source.get('billing_mode') or 'PAY_PER_REQUEST'
        throughput = target.get('provisioned_throughput') or source.get('provisioned_throughput') or {'read_capacity_units': 5, 'write_capacity_units': 5}
        arguments['BillingMode'] = mode
        if mode == 'PROVISIONED':
            arguments['ProvisionedThroughput'] = _throughput(throughput)
        gsis = []
        for index in target.get('global_secondary_indexes') or []:
            used.update(key['attribute_name'] for key in index['key_schema'])
            gsi = {'IndexName': index['index_name'], 'KeySchema': _keys(index['key_schema']), 'Projection': _projection(index['projection'])}
            if mode == 'PROVISIONED':
                gsi['ProvisionedThroughput'] = _throughput(index.get('provisioned_throughput') or throughput)
            gsis.append(gsi)
        lsis = []
        for index in target.get('local_secondary_indexes') or []:
            used.update(key['attribute_name'] for key in index['key_schema'])
            lsis.append({'IndexName': index['index_name'], 'KeySchema': _keys(index['key_schema']), 'Projection': _projection(index['projection'])})
        if gsis:
            arguments['GlobalSecondaryIndexes'] = gsis
        if lsis:
            arguments['LocalSecondaryIndexes'] = lsis
        arguments['AttributeDefinitions'] = [{'AttributeName': name, 'AttributeType': definitions.get(name, 'S')} for name in sorted(used)]
        if target.get('table_class'):
            arguments['TableClass'] = target['table_class']
        sse = target.get('sse_specification')
        if sse and sse.get('kms_key_type') in ('AWS_MANAGED', 'CUSTOMER_MANAGED'):
            arguments['SSESpecification'] = _compact({'Enabled': True, 'SSEType': 'KMS', 'KMSMasterKeyId': sse.get('kms_master_key_id')})
        stream = target.get('stream_specification')
        if stream and stream.get('enabled'):
            arguments['StreamSpecification'] = {'StreamEnabled': True, 'StreamViewType': stream['view_type']}
        if target.get('tags'):
            arguments['Tags'] = [{'Key': tag['key'], 'Value': tag.get('value', '')} for tag in target['tags']]
        if target.get('deletion_protection_enabled') is not None:
            arguments['DeletionProtectionEnabled'] = target['deletion_protection_enabled']
        session = boto3.session.Session(aws_access_key_id='testing', aws_secret_access_key='testing', region_name=work['region'])
        resource = session.resource('dynamodb', endpoint_url=self.dynamodb_endpoint, config=BOTO_CONFIG)
        resource.meta.client.create_table(**arguments)
        key_names = [key['AttributeName'] for key in arguments['KeySchema']]
        with resource.Table(target['table_name']).batch_writer() as writer:
            for item in tamper(source.get('items', []), key_names, self.config):
                writer.put_item(Item=_to_dynamo(item))

    # ---- /_sim/generate -------------------------------------------------------------------------
    def sim_generate(self, request: Request) -> Response:
        try:
            doc = request.json()
            args = {'table_id': str(doc['table_id']), 'count': int(doc['count']),
                    'newest': float(parse_iso(doc['newest'])) if doc.get('newest') else time.time(),
                    'interval_minutes': float(doc.get('interval_minutes', 60))}
        except (ValueError, KeyError, TypeError) as exc:
            return json_response(400, {'error': f'expected {{table_id, count, newest?, interval_minutes?}}: {exc}'})
        if args['table_id'] not in self.tables or not 0 < args['count'] <= MAX_GENERATED:
            return json_response(400, {'error': f'unknown table or count outside 1..{MAX_GENERATED}'})
        self._generate(**args)
        self.generated.append(args)
        self.changed()
        return json_response(200, {'generated': args['count'], 'total': len(self.backups[args['table_id']])})

    def _generate(self, table_id: str, count: int, newest: float, interval_minutes: float) -> None:
        rows = self.backups[table_id]
        namespace = uuid.UUID(table_id) if len(table_id) == 36 else uuid.NAMESPACE_URL
        new = [[newest - number * interval_minutes * 60, str(uuid.uuid5(namespace, f'{newest}-{number}')), 'clumio_backup']
               for number in range(count)]
        rows.extend(new)
        rows.sort(reverse=True)
        for epoch, backup_id, kind in new:
            self.backup_index[backup_id] = (table_id, epoch, kind)


def _keys(schema: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{'AttributeName': key['attribute_name'], 'KeyType': key['key_type']} for key in schema]


def _throughput(spec: dict[str, Any]) -> dict[str, int]:
    return {'ReadCapacityUnits': int(spec['read_capacity_units']), 'WriteCapacityUnits': int(spec['write_capacity_units'])}


def _projection(spec: dict[str, Any]) -> dict[str, Any]:
    projection: dict[str, Any] = {'ProjectionType': spec.get('projection_type') or 'ALL'}
    if spec.get('non_key_attributes'):
        projection['NonKeyAttributes'] = spec['non_key_attributes']
    return projection


def _compact(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value is not None}


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {key: _to_dynamo(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_dynamo(item) for item in value]
    return value


def _condition(value: Any, spec: dict[str, Any]) -> bool:
    condition, operands = spec.get('condition'), spec.get('values') or []
    text = None if value is None else str(value)
    checks = {
        'Exists': lambda: value is not None, 'NotExists': lambda: value is None,
        'EqualTo': lambda: text == operands[0], 'NotEqualTo': lambda: text != operands[0],
        'BeginsWith': lambda: text is not None and text.startswith(operands[0]),
        'Contains': lambda: text is not None and operands[0] in text, 'NotContains': lambda: text is None or operands[0] not in text,
        'LessThan': lambda: text is not None and text < operands[0], 'LessThanOrEqualTo': lambda: text is not None and text <= operands[0],
        'GreaterThan': lambda: text is not None and text > operands[0], 'GreaterThanOrEqualTo': lambda: text is not None and text >= operands[0],
        'Between': lambda: text is not None and operands[0] <= text <= operands[1],
    }
    if condition not in checks:
        raise bad(f'condition {condition!r} is not supported.')
    return checks[condition]()


def _matches(item: dict[str, Any], table: dict[str, Any], query: dict[str, Any]) -> bool:
    keys = {key['key_type']: key['attribute_name'] for key in table['key_schema']}
    if query.get('partition_key_filter') and not _condition(item.get(keys['HASH']), query['partition_key_filter']):
        return False
    if query.get('sort_key_filter') and 'RANGE' in keys and not _condition(item.get(keys['RANGE']), query['sort_key_filter']):
        return False
    return all(_condition(item.get(spec.get('name')), spec) for spec in query.get('attribute_filters') or [])
