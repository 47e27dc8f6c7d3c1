"""The Veeam Backup for AWS (REST API v1) simulator: routes and state for DynamoDB restores."""
from __future__ import annotations

import pathlib
import re
import time
import uuid
from dataclasses import asdict
from typing import Any, Callable

from simulators.common.server import HttpError, Request, Response, SimServer, json_response, parse_iso, utc_iso
from simulators.veeam_aws import api, model, restore, sessions
from simulators.veeam_aws.tokens import TokenError, TokenStore

SEED_PATH = pathlib.Path(__file__).with_name('seed.yml')
OUTCOMES = ('Succeeded', 'Warning', 'Failed', 'Canceled')
REGION_RE = re.compile(r'^[a-z]{2}(-[a-z]+)+-\d\Z')
POINT_SORT_KEYS = {
    'size': lambda p: p.size,
    'jobType': lambda p: p.job_type,
    'creationTimeUtc': lambda p: p.created,
    'restorePointAwsAccountId': lambda p: p.account,
}
POINT_SORTS = [f'{column}{order}' for column in POINT_SORT_KEYS for order in ('Asc', 'Desc')]
TABLE_SORT_KEYS = {'name': lambda t: t.name.lower(), 'regionName': lambda t: t.region}
TABLE_SORTS = [f'{column}{order}' for column in TABLE_SORT_KEYS for order in ('Asc', 'Desc')]
SESSION_SORTS = [f'{column}{order}' for column in sessions.SORT_KEYS for order in ('Asc', 'Desc')]
ITEM_SORT_KEYS = {'name': lambda i: i['name'], 'region': lambda i: i['regionName']}
ITEM_SORTS = [f'{column}{order}' for column in ITEM_SORT_KEYS for order in ('Asc', 'Desc')]
MAX_GENERATED = 1_000_000


class VeeamAwsSim(SimServer):
    """VBAWS as far as DynamoDB restores go: tokens, tables, restore points, restore sessions."""

    name = 'veeam_aws'
    DEFAULT_CONFIG = {
        'token_lifetime_s': 3600, 'refresh_token_lifetime_s': 7200, 'job_duration_s': 3, 'job_outcome': 'Succeeded',
        'restore_response': 'session_link', 'latency_ms': 0,
        # Outcome per target table name, over job_outcome: lets a drill fail exactly one item.
        'outcome_by_target': {},
        # Paging edges (../shared/api/veeam.md): a server page cap below Limit, and a null totalCount.
        'max_page_size': 0, 'null_total_count': False,
        # A listing by DynamoDbId answered with the points of the table of this name (a misbehaving appliance or
        # a proxy that mixes answers up): what the roles' identity check exists for. '' is off.
        'points_of_table': '',
    }
    COUNTER_NAMES = ('restores_started', 'logins', 'refreshes', 'logouts')
    SEED_DATE_KEYS = ('created',)

    def __init__(self, seed_path: pathlib.Path = SEED_PATH, state_dir: pathlib.Path | None = None, *,
                 dynamodb_endpoint: str | None = None, **options: Any) -> None:
        self.dynamodb_endpoint = dynamodb_endpoint
        self.seed_doc: dict[str, Any] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.iam_roles: dict[str, dict[str, Any]] = {}
        self.tables: dict[str, model.Table] = {}
        self.points: dict[str, model.RestorePoint] = {}
        self.generated: list[dict[str, Any]] = []
        self.deleted: list[str] = []
        self.tokens = TokenStore()
        self.sessions: dict[str, sessions.Session] = {}
        self.secret_keys: list[str] = []
        self.created_tables: list[dict[str, Any]] = []
        self.usn = 0
        super().__init__(seed_path, state_dir, **options)

    # ---- state ----------------------------------------------------------------------------------
    def load_seed(self, doc: dict[str, Any]) -> None:
        users = {user['username']: user for user in doc.get('users', [])}
        roles = {str(uuid.UUID(role['id'])): role for role in doc.get('iam_roles', [])}
        tables = [model.table_from_seed(table) for table in doc.get('tables', [])]
        # Only replace state once the whole document has been read, so a bad seed changes nothing.
        self.seed_doc, self.users, self.iam_roles = doc, users, roles
        self.tables = {table.id: table for table in tables}
        self.points = {point.id: point for table in tables for point in table.points}
        self.generated, self.deleted, self.secret_keys, self.created_tables = [], [], [], []
        self.tokens = TokenStore()
        self.sessions = {}
        self.usn = 0

    def snapshot(self) -> dict[str, Any]:
        return {
            'seed': self.seed_doc, 'generated': self.generated, 'deleted': self.deleted, 'tokens': self.tokens.snapshot(),
            'sessions': [asdict(session) for session in self.sessions.values()], 'secret_keys': self.secret_keys,
            'created_tables': self.created_tables, 'usn': self.usn,
        }

    def restore_snapshot(self, doc: dict[str, Any]) -> None:
        # Generated points are not stored, only the requests that made them: regenerating is deterministic.
        self.load_seed(doc['seed'])
        for request in doc['generated']:
            self._generate(**request)
        for point_id in doc['deleted']:
            self._remove_point(point_id)
        self.tokens.restore(doc['tokens'])
        self.sessions = {session['id']: sessions.Session(**session) for session in doc['sessions']}
        self.secret_keys, self.created_tables, self.usn = doc['secret_keys'], doc['created_tables'], doc['usn']

    def known_secrets(self) -> list[str]:
        passwords = [str(user['password']) for user in self.users.values()]
        return passwords + self.tokens.issued + self.secret_keys

    def problem(self, status: int, title: str, details: str = '', **extra: Any) -> Response:
        return api.problem(status, title, details, error_code=extra.get('error_code'))

    def not_found(self, request: Request) -> Response:
        return api.problem(404, 'Not Found', f'The resource {request.path} does not exist.', error_code='InvalidURI')

    def method_not_allowed(self, request: Request) -> Response:
        return api.problem(405, 'Method Not Allowed', f'The method {request.method} is not allowed for {request.path}.')

    def validate_config(self, key: str, value: Any) -> None:
        if key == 'outcome_by_target':
            if not isinstance(value, dict) or any(outcome not in OUTCOMES for outcome in value.values()):
                raise ValueError(f'outcome_by_target must map table names to one of {list(OUTCOMES)}')
            return
        if key == 'job_outcome' and value not in OUTCOMES:
            raise ValueError(f'job_outcome must be one of {list(OUTCOMES)}')
        if key == 'restore_response' and value not in ('session_link', 'empty'):
            raise ValueError("restore_response must be 'session_link' or 'empty'")
        if key == 'null_total_count':
            if not isinstance(value, bool):
                raise ValueError('null_total_count must be true or false')
            return
        if key == 'points_of_table':
            if not isinstance(value, str) or (value and value not in {table.name for table in self.tables.values()}):
                raise ValueError('points_of_table must be the name of a seeded table, or empty')
            return
        if key == 'max_page_size' and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError('max_page_size must be a whole number >= 0 (0: no cap)')
        if key not in ('job_outcome', 'restore_response') and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
            raise ValueError(f'{key} must be a number >= 0')

    def tick(self) -> None:
        self._settle_sessions()

    # ---- routes ---------------------------------------------------------------------------------
    def register_routes(self) -> None:
        self.route('POST', '/api/v1/token', self._versioned(self.post_token))
        self.route('DELETE', '/api/v1/token', self._versioned(self.delete_token))
        self._api('GET', '/api/v1/system/version', lambda _request: json_response(200, {'version': '10.0.0.232'}))
        self._api('GET', '/api/v1/dynamoDb', self.list_tables)
        self._api('GET', '/api/v1/dynamoDb/restorePoints', self.list_points)
        self._api('GET', '/api/v1/dynamoDb/restorePoints/{restorePointId}', self.get_point)
        self._api('DELETE', '/api/v1/dynamoDb/restorePoints/{restorePointId}', self.delete_point)
        self._api('POST', '/api/v1/dynamoDb/restorePoints/{restorePointId}/restore', self.post_restore)
        self._api('GET', '/api/v1/dynamoDb/{dynamoDbId}', self.get_table)
        self._api('GET', '/api/v1/accounts/amazon', self.list_iam_roles)
        self._api('GET', '/api/v1/accounts/amazon/{amazonAccountId}', self.get_iam_role)
        self._api('GET', '/api/v1/sessions', self.list_sessions)
        self._api('GET', '/api/v1/sessions/{sessionId}', self.get_session)
        self._api('GET', '/api/v1/sessions/{sessionId}/log', self.get_session_log)
        self._api('GET', '/api/v1/sessions/{sessionId}/restoredItems', self.get_restored_items)
        self._api('POST', '/api/v1/sessions/{sessionId}/stop', self.stop_session)
        self.route('POST', '/_sim/generate', self.sim_generate)
        self.route('GET', '/_sim/tables', lambda _request: json_response(200, self.created_tables))

    def _versioned(self, handler: Callable[[Request], Response]) -> Callable[[Request], Response]:
        def checked(request: Request) -> Response:
            api.check_api_version(request)
            return handler(request)
        return checked

    def _api(self, method: str, template: str, handler: Callable[[Request], Response]) -> None:
        """A product route: needs x-api-version and a valid bearer token."""
        def authorized(request: Request) -> Response:
            self._authenticate(request)
            return handler(request)
        self.route(method, template, self._versioned(authorized))

    def _authenticate(self, request: Request) -> str:
        try:
            return self.tokens.authenticate(request.header('Authorization'))
        except TokenError as error:
            raise HttpError(api.problem(error.status, 'Unauthorized', error.details, error_code=error.error_code)) from error

    # ---- token ----------------------------------------------------------------------------------
    def post_token(self, request: Request) -> Response:
        if request.media_type() != 'application/x-www-form-urlencoded':
            raise api.bad_request('The token request must be sent as application/x-www-form-urlencoded.')
        form = request.form()
        grant_type = form.get('grant_type')
        request.log_fields['grant_type'] = grant_type
        grants = {'password': self._password_grant, 'refresh_token': self._refresh_grant, 'mfa': self._mfa_grant}
        if grant_type not in grants:
            raise api.bad_request(f"The grant type '{grant_type}' is not supported.")
        try:
            return grants[grant_type](form)
        except TokenError as error:
            raise HttpError(api.problem(error.status, 'Bad Request' if error.status == 400 else 'Unauthorized', error.details,
                                        error_code=error.error_code)) from error

    def _password_grant(self, form: dict[str, str]) -> Response:
        user = self.users.get(form.get('username', ''))
        if user is None or str(user['password']) != form.get('password'):
            raise TokenError(401, 'AccessDenied', 'Invalid username or password')
        self.changed()
        if user.get('mfa'):
            return json_response(200, {'mfa_enabled': True, 'mfa_token': self.tokens.issue_mfa(user['username']), 'username': user['username']})
        self.count('logins')
        return self._token_pair(user['username'])

    def _refresh_grant(self, form: dict[str, str]) -> Response:
        username = self.tokens.redeem_refresh(form.get('refresh_token', ''))
        self.count('refreshes')
        self.changed()
        return self._token_pair(username)

    def _mfa_grant(self, form: dict[str, str]) -> Response:
        username = self.tokens.redeem_mfa(form.get('mfa_token', ''), form.get('mfa_code', ''))
        self.count('logins')
        self.changed()
        return self._token_pair(username)

    def _token_pair(self, username: str) -> Response:
        lifetime = self.config['token_lifetime_s']
        access, refresh, now = self.tokens.issue_pair(username, lifetime, self.config['refresh_token_lifetime_s'])
        user = self.users.get(username, {})
        return json_response(200, {
            'access_token': access, 'token_type': 'bearer', 'refresh_token': refresh, 'expires_in': int(lifetime),
            '.issued': utc_iso(now), '.expires': utc_iso(now + lifetime), 'username': username,
            'roleName': user.get('role', 'Restore Operator'), 'mfa_enabled': bool(user.get('mfa')),
        })

    def delete_token(self, request: Request) -> Response:
        self._authenticate(request)
        self.tokens.revoke(request.header('Authorization').partition(' ')[2].strip())
        self.count('logouts')
        self.changed()
        return Response(204)

    # ---- tables and restore points ----------------------------------------------------------------
    def list_tables(self, request: Request) -> Response:
        query = api.Query(request, ('SearchPattern', 'ResourceAwsAccountId', 'ResourceAwsOrganizationId', 'RegionId', 'Offset', 'Limit', 'Sort'),
                          repeatable=('Sort',))
        offset, limit = query.paging()
        sorts = query.many('Sort', TABLE_SORTS)
        pattern = (query.text('SearchPattern') or '').lower()
        filters = {'account': query.text('ResourceAwsAccountId'), 'organization': query.text('ResourceAwsOrganizationId'),
                   'region': query.text('RegionId')}
        tables = [table for table in self.tables.values() if pattern in table.name.lower()
                  and all(value is None or getattr(table, name) == value for name, value in filters.items())]
        tables = api.sort_items(tables, sorts, TABLE_SORT_KEYS)
        return self.page([model.render_table(table) for table in self.window(tables, offset, limit)], len(tables), request)

    def window(self, items: list[Any], offset: int, limit: int) -> list[Any]:
        """One page of items; `max_page_size` caps it below Limit, as an appliance may (no maximum is documented)."""
        cap = self.config['max_page_size']
        if cap and (limit == -1 or limit > cap):
            limit = cap
        return api.window(items, offset, limit)

    def page(self, results: list[Any], total: int, request: Request) -> Response:
        """A page; `null_total_count` answers totalCount null, which the 1.7 reference allows (it is nullable)."""
        return api.page(results, None if self.config['null_total_count'] else total, request)

    def list_iam_roles(self, request: Request) -> Response:
        """AmazonAccountsGetAll (tag IAMRoles, 1.0-rev0 spec): the IAM roles added to the appliance."""
        query = api.Query(request, ('SearchPattern', 'Offset', 'Limit', 'Sort'), repeatable=('Sort',))
        offset, limit = query.paging()
        descending = query.many('Sort', ('nameAsc', 'nameDesc')) == ['nameDesc']
        pattern = (query.text('SearchPattern') or '').lower()
        roles = sorted((role for role in self.iam_roles.values() if pattern in role['name'].lower()),
                       key=lambda role: role['name'], reverse=descending)
        return self.page([_render_iam_role(role) for role in self.window(roles, offset, limit)], len(roles), request)

    def get_iam_role(self, request: Request) -> Response:
        role_id = api.check_uuid(request.params['amazonAccountId'], 'amazonAccountId')
        if role_id not in self.iam_roles:
            raise api.not_found(f'IAM role {role_id} is not found.')
        return json_response(200, _render_iam_role(self.iam_roles[role_id]))

    def get_table(self, request: Request) -> Response:
        table_id = api.check_uuid(request.params['dynamoDbId'], 'dynamoDbId')
        if table_id not in self.tables:
            raise api.not_found(f'DynamoDB table {table_id} is not found.')
        return json_response(200, model.render_table(self.tables[table_id]))

    def list_points(self, request: Request) -> Response:
        query = api.Query(request, ('DynamoDbId', 'RestorePointAwsAccountId', 'ResourceAwsAccountId', 'ResourceAwsOrganizationId',
                                    'Offset', 'Limit', 'Sort'), repeatable=('Sort',))
        offset, limit = query.paging()
        sorts = query.many('Sort', POINT_SORTS)
        table_id = query.uuid('DynamoDbId')
        mixed_up = next((table for table in self.tables.values() if table.name == self.config['points_of_table']), None)
        if table_id is not None and mixed_up is not None:
            points = mixed_up.points
        elif table_id is not None:
            points = self.tables[table_id].points if table_id in self.tables else []
        else:
            points = [point for table in self.tables.values() for point in table.points]
        points = self._filter_points(points, query)
        points = api.sort_items(points, sorts, POINT_SORT_KEYS)
        # Only the requested page is rendered: Limit=1 over 100,000 points stays cheap.
        results = [model.render_point(point, self.tables[point.table_id]) for point in self.window(points, offset, limit)]
        return self.page(results, len(points), request)

    def _filter_points(self, points: list[model.RestorePoint], query: api.Query) -> list[model.RestorePoint]:
        account = query.text('RestorePointAwsAccountId')
        resource_account = query.text('ResourceAwsAccountId')
        organization = query.text('ResourceAwsOrganizationId')
        if account is not None:
            points = [point for point in points if point.account == account]
        if resource_account is not None:
            points = [point for point in points if self.tables[point.table_id].account == resource_account]
        if organization is not None:
            points = [point for point in points if self.tables[point.table_id].organization == organization]
        return points

    def _point(self, request: Request) -> model.RestorePoint:
        point_id = api.check_uuid(request.params['restorePointId'], 'restorePointId')
        if point_id not in self.points:
            raise api.not_found(f'Restore point {point_id} is not found.')
        return self.points[point_id]

    def get_point(self, request: Request) -> Response:
        point = self._point(request)
        return json_response(200, model.render_point(point, self.tables[point.table_id]))

    def delete_point(self, request: Request) -> Response:
        point = self._point(request)
        if not point.manual:
            raise api.bad_request('Only restore points created manually can be removed.')
        self._remove_point(point.id)
        self.deleted.append(point.id)
        self.changed()
        return json_response(202, {})

    def _remove_point(self, point_id: str) -> None:
        point = self.points.pop(point_id, None)
        if point is not None:
            self.tables[point.table_id].points.remove(point)

    # ---- restore sessions -------------------------------------------------------------------------
    def post_restore(self, request: Request) -> Response:
        point = self._point(request)
        original, auth, different, reason = restore.parse_body(api.json_object(request), self.iam_roles)
        if different and different.get('regionId') is not None and not REGION_RE.match(different['regionId']):
            raise api.bad_request(f"The value '{different['regionId']}' is not a valid AWS region.")
        if auth['type'] == 'AccessKeys':
            self.secret_keys.append(auth['secretKey'])
        table = self.tables[point.table_id]
        self.usn += 1
        target = asdict(restore.target_for(table, different))
        session = sessions.Session(
            id=str(uuid.uuid4()), usn=self.usn, point_id=point.id, table_id=table.id, source_name=table.name,
            item_count=len(table.items), restore_to_original=original, target=target,
            reason=reason, started=time.time(), duration_s=float(self.config['job_duration_s']),
            planned_outcome=self.config['outcome_by_target'].get(target['table_name'], self.config['job_outcome']),
        )
        self.sessions[session.id] = session
        self.count('restores_started')
        self.changed()
        if self.config['restore_response'] == 'empty':
            return json_response(202, {})
        return json_response(202, {'sessionId': session.id, '_links': [{'rel': 'session', 'href': f'/api/v1/sessions/{session.id}', 'method': 'GET'}]})

    def _settle_sessions(self) -> None:
        """Work out the outcome of every session whose time is up, exactly once each."""
        for session in self.sessions.values():
            if session.due:
                self._finish(session)
                self.changed()

    def _finish(self, session: sessions.Session) -> None:
        target = restore.RestoreTarget(**session.target)
        if session.stopped_at is not None or session.planned_outcome == 'Canceled':
            session.final_status, session.final_message = 'Canceled', 'Restore session was canceled by user.'
            return
        if session.planned_outcome == 'Failed':
            session.final_status = 'Failed'
            session.final_message = f'Failed to restore table {target.table_name}: the restore job failed (simulated failure).'
            return
        try:
            self._create_in_moto(session, target)
        except restore.TableExists as exc:
            session.final_status, session.final_message = 'Failed', str(exc)
            return
        except restore.AWS_ERRORS as exc:
            session.final_status, session.final_message = 'Failed', f'Failed to restore table {target.table_name}: {exc}'
            return
        session.final_status = session.planned_outcome
        done = f'Table {target.table_name} restored in {target.region}: {session.item_count} items.'
        session.final_message = done if session.planned_outcome == 'Succeeded' else f'{done} {sessions.WARNING_TEXT}'

    def _create_in_moto(self, session: sessions.Session, target: restore.RestoreTarget) -> None:
        if not self.dynamodb_endpoint:
            return
        restore.create_table(self.dynamodb_endpoint, self.tables[session.table_id], target, self.config)
        self.created_tables.append({'name': target.table_name, 'region': target.region, 'session_id': session.id,
                                    'created': utc_iso(time.time())})

    def _session(self, request: Request) -> sessions.Session:
        session_id = api.check_uuid(request.params['sessionId'], 'sessionId')
        self._settle_sessions()
        if session_id not in self.sessions:
            raise api.not_found(f'Session {session_id} is not found.')
        return self.sessions[session_id]

    def list_sessions(self, request: Request) -> Response:
        query = api.Query(request, ('Offset', 'Limit', 'Types', 'Status', 'FromUtc', 'ToUtc', 'Sort', 'PolicyId', 'ParentSessionId', 'Usn', 'VmId'),
                          repeatable=('Types', 'Status', 'Sort'))
        offset, limit = query.paging()
        sorts = query.many('Sort', SESSION_SORTS)
        self._settle_sessions()
        found = self._filter_sessions(list(self.sessions.values()), query)
        found = api.sort_items(found, sorts, sessions.SORT_KEYS)
        return self.page([sessions.render(session) for session in self.window(found, offset, limit)], len(found), request)

    def _filter_sessions(self, found: list[sessions.Session], query: api.Query) -> list[sessions.Session]:
        types = query.many('Types', sessions.TYPES)
        statuses = query.many('Status', sessions.STATUSES)
        if (types and 'RestoreTask' not in types) or query.uuid('PolicyId') or query.uuid('ParentSessionId') or query.text('VmId'):
            return []  # restore sessions have no policy, parent or VM
        if statuses:
            found = [session for session in found if session.status in statuses]
        bounds = [self._time_param(query, 'FromUtc'), self._time_param(query, 'ToUtc')]
        found = [session for session in found if (bounds[0] is None or session.started >= bounds[0]) and (bounds[1] is None or session.started <= bounds[1])]
        usn = query.integer('Usn', 0)
        return found if usn is None else [session for session in found if session.usn > usn]

    @staticmethod
    def _time_param(query: api.Query, name: str) -> float | None:
        text = query.text(name)
        try:
            return None if text is None else parse_iso(text)
        except ValueError as exc:
            raise api.bad_request(f"The value '{text}' is not valid for {name}: a date-time is expected.") from exc

    def get_session(self, request: Request) -> Response:
        api.Query(request, ())
        return json_response(200, sessions.render(self._session(request)))

    def get_session_log(self, request: Request) -> Response:
        api.Query(request, ())
        session = self._session(request)
        return json_response(200, {'sessionId': session.id, 'log': sessions.log_entries(session)})

    def get_restored_items(self, request: Request) -> Response:
        query = api.Query(request, ('SearchPattern', 'Sort', 'Offset', 'Limit'), repeatable=('Sort',))
        offset, limit = query.paging()
        sorts = query.many('Sort', ITEM_SORTS)
        pattern = (query.text('SearchPattern') or '').lower()
        items = [item for item in sessions.restored_items(self._session(request)) if pattern in item['name'].lower()]
        items = api.sort_items(items, sorts, ITEM_SORT_KEYS)
        return self.page(self.window(items, offset, limit), len(items), request)

    def stop_session(self, request: Request) -> Response:
        session = self._session(request)
        if session.final_status is None:
            session.stopped_at = time.time()
            self._finish(session)
            self.changed()
        return json_response(202, {})

    # ---- /_sim/generate -------------------------------------------------------------------------
    def sim_generate(self, request: Request) -> Response:
        try:
            doc = request.json()
            table_id = str(uuid.UUID(doc['table_id']))
            count = int(doc.get('count', 1000))
            newest = parse_iso(doc['newest']) if doc.get('newest') else time.time()
            interval = float(doc.get('interval_minutes', 60))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return json_response(400, {'error': f'expected {{"table_id", "count", "newest", "interval_minutes"}}: {exc!r}'})
        if table_id not in self.tables or not 0 < count <= MAX_GENERATED or interval <= 0:
            return json_response(400, {'error': 'unknown table_id, count out of 1..1000000, or interval_minutes <= 0'})
        request_doc = {'table_id': table_id, 'count': count, 'newest': newest, 'interval_minutes': interval}
        self._generate(**request_doc)
        self.generated.append(request_doc)
        self.changed()
        return json_response(200, {'table_id': table_id, 'created': count, 'total': len(self.tables[table_id].points)})

    def _generate(self, table_id: str, count: int, newest: float, interval_minutes: float) -> None:
        table = self.tables[table_id]
        points = model.generate_points(table, count, newest, interval_minutes)
        self.points.update((point.id, point) for point in points)
        # Two sorted runs: Timsort merges them in linear time.
        table.points = sorted(table.points + points, key=lambda point: point.created)


def _render_iam_role(role: dict[str, Any]) -> dict[str, Any]:
    """An AmazonAccount of the 1.0-rev0 spec: the appliance's id for the role, its name and AWS account."""
    return {'id': str(role['id']), 'name': role['name'], 'description': role.get('description', ''),
            'awsid': str(role['account']), 'regionType': 'Global',
            'IAMRole': {'roleName': role['name'], 'isDefault': False},
            '_links': [{'rel': 'self', 'href': f"/api/v1/accounts/amazon/{role['id']}", 'method': 'GET'}]}
