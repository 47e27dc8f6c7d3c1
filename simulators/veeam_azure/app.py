"""The Veeam Backup for Microsoft Azure simulator: tokens, VMs, VM restore points, VM restores, job sessions.

Paths, query parameters and bodies follow the product's v8.1 OpenAPI spec (served also as v8, v7 and v6):
query parameter names are case-sensitive, bodies whose schema forbids extra properties are refused with
a 400 ProblemDetails, and several lookups can answer 202 with an AsyncOperation. The archived v1
listing of seed 003 (GET /api/v1/restorePoints) is served as that page shows it.

Edges the spec leaves open are settings of /_sim/config, so tests can hold a client to the strict
reading: `max_page_size` caps every page below Limit (no maximum is documented) and `null_total_count`
answers totalCount null (it is nullable); PointInTime is an exact match ("restore points created on the
specified date and time"); `require_service_account` refuses a VM restore without serviceAccountId (its
description says "This parameter is required"); `serial_session_ids` gives sessions the short string ids
of the v1 seed (/jobSessions/38). A VM a restore created is listed by GET /virtualMachines until
POST /_sim/vms/delete removes it from Azure.
"""
from __future__ import annotations

import pathlib
import re
import time
import uuid
from typing import Any, Callable

from simulators.common.server import HttpError, Request, Response, SimServer, json_response, parse_iso, utc_iso
from simulators.veeam_aws.tokens import TokenError, TokenStore

SEED_PATH = pathlib.Path(__file__).with_name('seed.yml')
VERSIONS = ('v8.1', 'v8', 'v7', 'v6')
JOB_STATUSES = ('Canceled', 'Canceling', 'Error', 'NeverExecuted', 'Running', 'RunningWithError', 'RunningWithWarning',
                'Success', 'Warning', 'Pending', 'Unknown')
OUTCOMES = ('Success', 'Warning', 'Error', 'Canceled')
DESTINATIONS = ('Snapshot', 'AzureBlob', 'ManualSnapshot', 'Unknown')
TIERS = ('Hot', 'Cool', 'Archive', 'Inferred', 'Cold')
RETRIEVAL_STATUSES = ('None', 'Retrieving', 'Retrieved', 'Unknown')
GENERATED_NS = uuid.UUID('6f9b3c2a-7d4e-4f10-9a8b-0c1d2e3f4a5b')
MAX_GENERATED = 200_000
LOCALIZED_TYPES = {'RestoreVms': 'VM Restore', 'RestorePointDataRetrieval': 'Restore Point Data Retrieval', 'PolicyBackup': 'Policy Backup'}
DEFAULT_LIMIT = 100
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')

# Request body schemas (properties; None = scalar), all `additionalProperties: false` in the spec.
OBJ = dict
SCHEMAS: dict[str, dict[str, Any]] = {
    'AzureSubscription': {'id': None, 'environment': None, 'tenantId': None, 'tenantName': None, 'name': None, 'status': None,
                          'availability': None, 'workerResourceGroupName': None, '_links': OBJ},
    'ResourceGroup': {'id': None, 'resourceId': None, 'name': None, 'azureEnvironment': None, 'subscriptionId': None,
                      'tenantId': None, 'regionId': None, '_links': OBJ},
    'Region': {'id': None, 'name': None, 'resourceId': None},
    'VirtualNetwork': {'id': None, 'name': None, 'regionName': None, 'addressSpaces': list},
    'NetworkSecurityGroup': {'id': None, 'name': None, 'regionId': None, 'resourceGroupName': None, 'subscriptionId': None},
    'VirtualNetworkSubnet': {'networkSecurityGroup': 'NetworkSecurityGroup', 'name': None, 'addressSpace': None},
    'AvailabilitySetFromClient': {'id': None},
    'AvailabilityZoneInfo': {'subscriptionId': None, 'regionId': None, 'name': None, '_links': OBJ},
    'DiskRestoreOptionsBase': {'diskId': None, 'name': None, 'resourceGroup': 'ResourceGroup', 'storageAccount': OBJ},
    'VirtualMachineToAlternativeRestoreOptions': {
        'name': None, 'subscription': 'AzureSubscription', 'resourceGroup': 'ResourceGroup', 'region': 'Region',
        'vmSizeName': None, 'virtualNetwork': 'VirtualNetwork', 'subnet': 'VirtualNetworkSubnet',
        'networkSecurityGroup': 'NetworkSecurityGroup', 'availabilitySet': 'AvailabilitySetFromClient',
        'availabilityZone': 'AvailabilityZoneInfo', 'diskType': None, 'osDisk': 'DiskRestoreOptionsBase', 'dataDisks': list},
    'VirtualMachineRestoreOptions': {'reason': None, 'serviceAccountId': None, 'sourceServiceAccountId': None,
                                     'toAlternative': 'VirtualMachineToAlternativeRestoreOptions', 'startVmAfterRestore': None},
    'DataRetrievalOptions': {'dataRetrievalPriority': None, 'daysToKeep': None, 'notifyBeforeExpirationHours': None,
                             'notifyAfterComplete': None},
}
REQUIRED = {'VirtualMachineRestoreOptions': ('reason',), 'AzureSubscription': ('id',), 'DataRetrievalOptions': ('dataRetrievalPriority',)}


def problem(status: int, title: str, detail: str = '', errors: dict[str, list[str]] | None = None) -> Response:
    """RFC 7807 ProblemDetails as the appliance prints them."""
    body: dict[str, Any] = {'type': f'https://tools.ietf.org/html/rfc7231#section-6.5.{status - 399}', 'title': title,
                            'status': status, 'detail': detail, 'traceId': f'00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-00'}
    if errors:
        body['errors'] = errors
    return json_response(status, body, 'application/problem+json; charset=utf-8')


def bad_request(field: str, message: str) -> HttpError:
    return HttpError(problem(400, 'One or more validation errors occurred.', message, {field: [message]}))


def not_found(detail: str) -> HttpError:
    return HttpError(problem(404, 'Not Found', detail))


def validate(schema: str, value: Any, where: str) -> None:
    """Refuse what `additionalProperties: false` refuses, and missing required properties."""
    if not isinstance(value, dict):
        raise bad_request(where or '$', f'{where or "The body"} must be a JSON object.')
    properties = SCHEMAS[schema]
    for key in value:
        if key not in properties:
            raise bad_request(f'{where}.{key}'.lstrip('.'), f"The JSON property '{key}' could not be mapped to any .NET member "
                              f'contained in type {schema}.')
    for key in REQUIRED.get(schema, ()):
        if value.get(key) in (None, ''):
            raise bad_request(f'{where}.{key}'.lstrip('.'), f'The {key} field is required.')
    for key, kind in properties.items():
        if key not in value or value[key] is None:
            continue
        if isinstance(kind, str):
            validate(kind, value[key], f'{where}.{key}'.lstrip('.'))
        elif kind is list and not isinstance(value[key], list):
            raise bad_request(f'{where}.{key}'.lstrip('.'), f'{key} must be an array.')


class Query:
    """Case-sensitive query parameters, checked against what the operation declares."""

    def __init__(self, request: Request, allowed: tuple[str, ...]) -> None:
        self.values = request.query
        for name in self.values:
            if name not in allowed:
                raise bad_request(name, f"The query parameter '{name}' is not supported (parameters are case-sensitive): "
                                  f"{', '.join(allowed)}.")

    def text(self, name: str) -> str | None:
        values = self.values.get(name)
        return values[-1] if values else None

    def boolean(self, name: str) -> bool | None:
        text = self.text(name)
        if text is None:
            return None
        if text.lower() not in ('true', 'false'):
            raise bad_request(name, f"The value '{text}' is not valid for {name}.")
        return text.lower() == 'true'

    def integer(self, name: str, minimum: int, default: int) -> int:
        text = self.text(name)
        if text is None:
            return default
        if not re.fullmatch(r'-?\d{1,10}', text) or int(text) < minimum:
            raise bad_request(name, f"The value '{text}' is not valid for {name}.")
        return int(text)

    def many(self, name: str, enum: tuple[str, ...]) -> list[str]:
        values = [part for value in self.values.get(name, []) for part in value.split(',') if part]
        for value in values:
            if value not in enum:
                raise bad_request(name, f"The value '{value}' is not valid for {name}.")
        return values

    def time(self, name: str) -> float | None:
        text = self.text(name)
        try:
            return None if text is None else parse_iso(text)
        except ValueError as exc:
            raise bad_request(name, f"The value '{text}' is not valid for {name}.") from exc

    def paging(self, offset: str = 'Offset', limit: str = 'Limit') -> tuple[int, int]:
        return self.integer(offset, 0, 0), self.integer(limit, -1, DEFAULT_LIMIT)


def window(items: list[Any], offset: int, limit: int) -> list[Any]:
    return items[offset:] if limit == -1 else items[offset:offset + limit]


def page(results: list[Any], total: int | None, offset: int, limit: int, request: Request) -> Response:
    query = '&'.join(f'{name}={value}' for name, values in request.query.items() for value in values)
    return json_response(200, {'offset': offset, 'limit': limit, 'totalCount': total, 'results': results,
                               '_links': {'self': {'href': request.path + (f'?{query}' if query else '')}}})


class VeeamAzureSim(SimServer):
    """VBAzure as far as VM restores go."""

    name = 'veeam_azure'
    DEFAULT_CONFIG = {
        'token_lifetime_s': 3600, 'refresh_token_lifetime_s': 1_209_600, 'job_duration_s': 3, 'job_outcome': 'Success',
        'retrieval_duration_s': 2, 'async_lookups': False, 'async_duration_s': 1, 'latency_ms': 0,
        'max_page_size': 0, 'null_total_count': False, 'require_service_account': False, 'serial_session_ids': False,
    }
    BOOLEAN_SETTINGS = ('async_lookups', 'null_total_count', 'require_service_account', 'serial_session_ids')
    COUNTER_NAMES = ('restores_started', 'retrievals_started', 'logins', 'refreshes', 'logouts', 'async_operations')
    SEED_DATE_KEYS = ('created', 'newest')

    def __init__(self, seed_path: pathlib.Path = SEED_PATH, state_dir: pathlib.Path | None = None, *,
                 dynamodb_endpoint: str | None = None, **options: Any) -> None:
        del dynamodb_endpoint  # Azure restores create no DynamoDB tables
        self.seed_doc: dict[str, Any] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.vms: dict[str, dict[str, Any]] = {}
        self.points: dict[str, dict[str, Any]] = {}
        self.points_by_vm: dict[str, list[dict[str, Any]]] = {}
        self.generated: list[dict[str, Any]] = []
        self.tokens = TokenStore()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.operations: dict[str, dict[str, Any]] = {}
        self.service_accounts: set[str] = set()
        # [name, resource group, when] of every VM deleted from Azure (POST /_sim/vms/delete).
        self.deleted_vms: list[list[Any]] = []
        super().__init__(seed_path, state_dir, **options)

    # ---- state ----------------------------------------------------------------------------------
    def load_seed(self, doc: dict[str, Any]) -> None:
        users = {user['username']: user for user in doc.get('users', [])}
        vms: dict[str, dict[str, Any]] = {}
        points: dict[str, dict[str, Any]] = {}
        by_vm: dict[str, list[dict[str, Any]]] = {}
        for vm in doc.get('vms', []):
            vm_id = str(uuid.UUID(vm['id']))
            vms[vm_id] = dict(vm, id=vm_id)
            by_vm[vm_id] = []
            for raw in vm.get('restore_points') or []:
                point = self._point(str(uuid.UUID(raw['id'])), vm_id, parse_iso(raw['created']), raw.get('destination', 'Snapshot'),
                                    int(raw.get('size', 0)), raw.get('tier', 'Hot'))
                if point['destination'] not in DESTINATIONS or point['tier'] not in TIERS:
                    raise ValueError(f'restore point {point["id"]}: unknown destination or tier')
                points[point['id']] = point
                by_vm[vm_id].append(point)
        self.seed_doc, self.users, self.vms, self.points, self.points_by_vm = doc, users, vms, points, by_vm
        for vm in doc.get('vms', []):
            if vm.get('generate'):
                spec = vm['generate']
                self._generate(str(uuid.UUID(vm['id'])), int(spec['count']), parse_iso(spec['newest']), float(spec['interval_minutes']))
        for vm_points in self.points_by_vm.values():
            vm_points.sort(key=lambda point: point['created'])
        self.generated, self.tokens, self.sessions, self.operations = [], TokenStore(), {}, {}
        self.service_accounts = {str(account['id']) for account in doc.get('service_accounts') or []}
        self.deleted_vms = []
        for seeded in doc.get('job_sessions') or []:
            # Sessions of the product's own id form: the v1 seed links /jobSessions/38.
            self.sessions[str(seeded['id'])] = {
                'id': str(seeded['id']), 'type': seeded.get('type', 'PolicyBackup'), 'started': parse_iso(seeded['started']),
                'duration': float(seeded.get('duration_s', 60)), 'outcome': seeded.get('outcome', 'Success'), 'reason': None,
                'point_id': None, 'vm_name': self.vms[str(uuid.UUID(seeded['vm_id']))]['name'], 'target': None}

    @staticmethod
    def _point(point_id: str, vm_id: str, created: float, destination: str, size: int, tier: str) -> dict[str, Any]:
        return {'id': point_id, 'vm_id': vm_id, 'created': created, 'destination': destination, 'size': size, 'tier': tier,
                'retrieval_started': None, 'retrieval_days': None}

    def snapshot(self) -> dict[str, Any]:
        retrievals = {point_id: [point['retrieval_started'], point['retrieval_days']] for point_id, point in self.points.items()
                      if point['retrieval_started'] is not None}
        return {'seed': self.seed_doc, 'generated': self.generated, 'tokens': self.tokens.snapshot(), 'sessions': self.sessions,
                'operations': self.operations, 'retrievals': retrievals, 'deleted_vms': self.deleted_vms}

    def restore_snapshot(self, doc: dict[str, Any]) -> None:
        self.load_seed(doc['seed'])
        for request in doc['generated']:
            self._generate(**request)
        self.generated = list(doc['generated'])
        self.tokens.restore(doc['tokens'])
        self.sessions, self.operations = doc['sessions'], doc['operations']
        self.deleted_vms = doc.get('deleted_vms', [])
        for point_id, (started, days) in doc['retrievals'].items():
            self.points[point_id].update(retrieval_started=started, retrieval_days=days)

    def known_secrets(self) -> list[str]:
        return [str(user['password']) for user in self.users.values()] + self.tokens.issued

    def problem(self, status: int, title: str, details: str = '', **extra: Any) -> Response:
        del extra
        return problem(status, title, details)

    def not_found(self, request: Request) -> Response:
        return problem(404, 'Not Found', f'The resource {request.path} does not exist.')

    def method_not_allowed(self, request: Request) -> Response:
        return problem(405, 'Method Not Allowed', f'The method {request.method} is not allowed for {request.path}.')

    def validate_config(self, key: str, value: Any) -> None:
        if key == 'job_outcome':
            if value not in OUTCOMES:
                raise ValueError(f'job_outcome must be one of {list(OUTCOMES)}')
            return
        if key in self.BOOLEAN_SETTINGS:
            if not isinstance(value, bool):
                raise ValueError(f'{key} must be true or false')
            return
        if key == 'max_page_size' and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError('max_page_size must be a whole number >= 0 (0: no cap)')
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f'{key} must be a number >= 0')

    # ---- routes ---------------------------------------------------------------------------------
    def register_routes(self) -> None:
        self.route('POST', '/api/oauth2/token', self.post_token)
        self.route('DELETE', '/api/oauth2/token', self.delete_token)
        for version in VERSIONS:
            base = f'/api/{version}'
            self._api('GET', f'{base}/virtualMachines', self.list_vms)
            self._api('GET', f'{base}/protectedItem/virtualMachines', self.list_protected_vms)
            self._api('GET', f'{base}/operations/{{operationId}}', self.get_operation)
            self._api('GET', f'{base}/restorePoints/virtualMachines', self.list_points)
            self._api('GET', f'{base}/restorePoints/virtualMachines/{{restorePointId}}', self.get_point)
            self._api('POST', f'{base}/restorePoints/virtualMachines/{{restorePointId}}/retrieveData', self.post_retrieve)
            self._api('POST', f'{base}/restorePoints/virtualMachines/{{restorePointId}}/restoreVirtualMachine', self.post_restore)
            self._api('GET', f'{base}/jobSessions', self.list_sessions)
            self._api('GET', f'{base}/jobSessions/{{sessionId}}', self.get_session)
            self._api('GET', f'{base}/jobSessions/{{sessionId}}/log', self.get_session_log)
            self._api('GET', f'{base}/jobSessions/{{sessionId}}/restoredItems', self.get_restored_items)
        self._api('GET', '/api/v1/restorePoints', self.list_v1_points)
        self.route('POST', '/_sim/generate', self.sim_generate)
        self.route('POST', '/_sim/vms/delete', self.sim_delete_vm)

    def _api(self, method: str, template: str, handler: Callable[[Request], Response]) -> None:
        def authorized(request: Request) -> Response:
            try:
                self.tokens.authenticate(request.header('Authorization'))
            except TokenError as error:
                raise HttpError(problem(401, 'Unauthorized', error.details)) from error
            return handler(request)
        self.route(method, template, authorized)

    # ---- token ----------------------------------------------------------------------------------
    def post_token(self, request: Request) -> Response:
        if request.media_type() != 'application/x-www-form-urlencoded':
            raise HttpError(problem(415, 'Unsupported Media Type', 'Send the token request as application/x-www-form-urlencoded.'))
        form = request.form()
        grant_type = form.get('grant_type', '')
        request.log_fields['grant_type'] = grant_type
        try:
            # LoginFromClient spells the grants Password and Refresh_token; the appliance matches them case-insensitively.
            if grant_type.lower() == 'password':
                return self._password_grant(form)
            if grant_type.lower() == 'refresh_token':
                username = self.tokens.redeem_refresh(form.get('refresh_token', ''))
                self.count('refreshes')
                self.changed()
                return self._token_pair(username)
        except TokenError as error:
            raise HttpError(problem(error.status, 'Bad Request' if error.status == 400 else 'Unauthorized', error.details)) from error
        raise bad_request('grant_type', f"The grant type '{grant_type}' is not supported.")

    def _password_grant(self, form: dict[str, str]) -> Response:
        user = self.users.get(form.get('username', ''))
        if user is None or str(user['password']) != form.get('password'):
            raise TokenError(401, 'AccessDenied', 'Invalid username or password.')
        self.changed()
        if user.get('mfa'):
            return json_response(200, {'mfa_enabled': True, 'mfa_token': self.tokens.issue_mfa(user['username']),
                                       'username': user['username']})
        self.count('logins')
        return self._token_pair(user['username'])

    def _token_pair(self, username: str) -> Response:
        lifetime = self.config['token_lifetime_s']
        access, refresh, now = self.tokens.issue_pair(username, lifetime, self.config['refresh_token_lifetime_s'])
        user = self.users.get(username, {})
        return json_response(200, {
            'access_token': access, 'token_type': 'bearer', 'refresh_token': refresh, 'expires_in': int(lifetime),
            '.issued': utc_iso(now), '.expires': utc_iso(now + lifetime), 'userId': str(uuid.uuid5(GENERATED_NS, username)),
            'username': username, 'roleName': user.get('role', 'PortalOperator'), 'userType': 'Internal',
            'mfa_enabled': False, 'shortLived': False,
        })

    def delete_token(self, request: Request) -> Response:
        try:
            self.tokens.authenticate(request.header('Authorization'))
        except TokenError as error:
            raise HttpError(problem(401, 'Unauthorized', error.details)) from error
        self.tokens.revoke(request.header('Authorization').partition(' ')[2].strip())
        self.count('logouts')
        self.changed()
        return Response(204)

    # ---- VMs and async operations -----------------------------------------------------------------
    def _render_vm(self, vm: dict[str, Any], protected: bool) -> dict[str, Any]:
        body = {'id': vm['id'], 'azureId': vm.get('azure_id'), 'name': vm['name'], 'azureEnvironment': 'Global',
                'regionName': vm['region'], 'vmSize': vm.get('vm_size'),
                'subscription': {'id': vm['subscription'], 'environment': 'Global'},
                'region': {'id': vm['region'], 'name': vm['region']},
                'resourceGroup': {'id': vm['resource_group'], 'name': vm['resource_group']}}
        if protected:
            points = self.points_by_vm.get(vm['id']) or []
            body['lastBackup'] = utc_iso(points[-1]['created']) if points else None
        return body

    def _window(self, items: list[Any], offset: int, limit: int) -> list[Any]:
        """One page; `max_page_size` caps it below Limit, as an appliance may (no maximum is documented)."""
        cap = self.config['max_page_size']
        if cap:
            limit = cap if limit == -1 else min(limit, cap)
        return window(items, offset, limit)

    def _total(self, items: list[Any]) -> int | None:
        return None if self.config['null_total_count'] else len(items)

    def _protected_page(self, request: Request) -> Response:
        query = Query(request, ('Offset', 'Limit', 'SearchPattern', 'Sync', 'FlrSession', 'DataRetrievalStatuses'))
        offset, limit = query.paging()
        query.boolean('Sync')
        pattern = (query.text('SearchPattern') or '').lower()
        vms = [vm for vm in self.vms.values() if pattern in vm['name'].lower() and self.points_by_vm.get(vm['id'])]
        results = [self._render_vm(vm, True) for vm in self._window(vms, offset, limit)]
        body = {'offset': offset, 'limit': limit, 'totalCount': self._total(vms), 'results': results, '_links': {}}
        if self.config['async_lookups']:
            return self._async(body)
        return json_response(200, body)

    def list_vms(self, request: Request) -> Response:
        """GET /virtualMachines: the VM inventory (VirtualMachine), seeded VMs and the VMs restores created."""
        query = Query(request, ('Offset', 'Limit', 'SubscriptionId', 'ResourceGroupId', 'TenantId', 'ServiceAccountId', 'RegionIds',
                                'SearchPattern', 'ProtectionStatus', 'BackupDestination', 'ExistsState', 'VmFromProtectedRegions'))
        offset, limit = query.paging()
        exists = query.many('ExistsState', ('OnlyExists', 'OnlyDeleted', 'Unknown', 'All'))
        pattern = (query.text('SearchPattern') or '').lower()
        vms = [vm for vm in self._inventory() if pattern in vm['name'].lower()]
        if 'OnlyExists' in exists:
            vms = [vm for vm in vms if not vm['isDeleted']]
        elif 'OnlyDeleted' in exists:
            vms = [vm for vm in vms if vm['isDeleted']]
        return page(self._window(vms, offset, limit), self._total(vms), offset, limit, request)

    def list_protected_vms(self, request: Request) -> Response:
        return self._protected_page(request)

    def _deleted_since(self, name: str, group: str, moment: float) -> bool:
        return any(name.lower() == gone[0] and group.lower() == gone[1] and gone[2] >= moment for gone in self.deleted_vms)

    def _inventory(self) -> list[dict[str, Any]]:
        """Seeded VMs, then every VM a succeeded restore created, one per name and resource group."""
        listed: dict[tuple[str, str], dict[str, Any]] = {}
        for vm in self.vms.values():
            listed[(vm['name'].lower(), vm['resource_group'].lower())] = self._inventory_vm(
                vm['id'], vm['name'], vm['resource_group'], vm['region'], vm['subscription'], vm.get('vm_size'),
                self._deleted_since(vm['name'], vm['resource_group'], 0))
        for session in sorted(self.sessions.values(), key=lambda found: found['started']):
            target = session['target']
            if session['type'] != 'RestoreVms' or not target or self._status(session) not in ('Success', 'Warning'):
                continue
            done = session['started'] + session['duration']
            vm_id = str(uuid.uuid5(GENERATED_NS, f"vm/{target['name'].lower()}/{target['resourceGroupName'].lower()}"))
            listed[(target['name'].lower(), target['resourceGroupName'].lower())] = self._inventory_vm(
                vm_id, target['name'], target['resourceGroupName'], target['regionName'], target.get('subscription'),
                None, self._deleted_since(target['name'], target['resourceGroupName'], done))
        return list(listed.values())

    @staticmethod
    def _inventory_vm(vm_id: str, name: str, group: str, region: str, subscription: str | None, size: str | None,
                      deleted: bool) -> dict[str, Any]:
        return {'id': vm_id, 'azureId': f'/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/'
                f'virtualMachines/{name}', 'name': name, 'azureEnvironment': 'Global', 'regionName': region, 'vmSize': size,
                'isDeleted': deleted, 'subscriptionId': subscription, 'resourceGroupName': group, '_links': {}}

    def _async(self, result: Any) -> Response:
        """202 Accepted with an AsyncOperation; the result shows at /operations/{id} once it has run."""
        operation_id = str(uuid.uuid4())
        self.operations[operation_id] = {'id': operation_id, 'started': time.time(), 'result': result}
        self.count('async_operations')
        self.changed()
        return json_response(202, self._render_operation(self.operations[operation_id]))

    def _render_operation(self, operation: dict[str, Any]) -> dict[str, Any]:
        done = time.time() >= operation['started'] + self.config['async_duration_s']
        return {'id': operation['id'], 'startTime': utc_iso(operation['started']), 'status': 'Success' if done else 'Running',
                'error': None, 'result': operation['result'] if done else None,
                '_links': {'self': {'href': f"/api/v8.1/operations/{operation['id']}"}}}

    def get_operation(self, request: Request) -> Response:
        Query(request, ())
        operation = self.operations.get(request.params['operationId'])
        if operation is None:
            raise not_found(f"Operation {request.params['operationId']} is not found.")
        return json_response(200, self._render_operation(operation))

    # ---- restore points -------------------------------------------------------------------------
    def _retrieval_status(self, point: dict[str, Any]) -> str:
        if point['tier'] != 'Archive' or point['retrieval_started'] is None:
            return 'None'
        return 'Retrieved' if time.time() >= point['retrieval_started'] + self.config['retrieval_duration_s'] else 'Retrieving'

    def _render_point(self, point: dict[str, Any]) -> dict[str, Any]:
        vm = self.vms[point['vm_id']]
        status = self._retrieval_status(point)
        expires = None
        if status == 'Retrieved':
            expires = utc_iso(point['retrieval_started'] + self.config['retrieval_duration_s'] + 86400 * point['retrieval_days'])
        return {
            'id': point['id'], 'type': 'Full' if point['destination'] == 'Snapshot' else 'Incremental', 'vbrId': None,
            'pointInTime': utc_iso(point['created']), 'pointInTimeLocalTime': utc_iso(point['created']),
            'backupSizeBytes': point['size'], 'isCorrupted': False, 'vmName': vm['name'],
            'resourceHashId': uuid.uuid5(GENERATED_NS, vm['id']).hex, 'regionId': vm['region'], 'regionName': vm['region'],
            'backupDestination': point['destination'], 'state': 'Ok', 'gfsFlags': None, 'jobSessionId': None,
            'dataRetrievalStatus': status, 'retrievedDataExpirationDate': expires,
            'notifyBeforeRetrievedDataExpirationHours': None, 'immutableTill': None, 'accessTier': point['tier'],
            'latestChainSizeBytes': point['size'],
            '_links': {'self': {'href': f"/api/v8.1/restorePoints/virtualMachines/{point['id']}"}},
        }

    def list_points(self, request: Request) -> Response:
        query = Query(request, ('VirtualMachineId', 'DiskId', 'OnlyLatest', 'DataRetrievalStatuses', 'PointInTime', 'Offset',
                                'Limit', 'StorageAccessTier', 'ImmutabilityEnabled'))
        offset, limit = query.paging()
        vm_id = query.text('VirtualMachineId')
        if vm_id is not None:
            points = list(self.points_by_vm.get(vm_id, []))
        else:
            points = sorted(self.points.values(), key=lambda point: point['created'])
        moment = query.time('PointInTime')
        if moment is not None:
            # "Returns only restore points created on the specified date and time": an exact match.
            points = [point for point in points if round(point['created'], 3) == round(moment, 3)]
        tiers = query.many('StorageAccessTier', TIERS)
        if tiers:
            points = [point for point in points if point['tier'] in tiers]
        statuses = query.many('DataRetrievalStatuses', RETRIEVAL_STATUSES)
        if statuses:
            points = [point for point in points if self._retrieval_status(point) in statuses]
        if query.boolean('OnlyLatest'):
            newest: dict[str, dict[str, Any]] = {}
            for point in points:
                newest[point['vm_id']] = point
            points = list(newest.values())
        # Oldest first, as the appliance lists them: clients must not rely on the order.
        return page([self._render_point(point) for point in self._window(points, offset, limit)], self._total(points), offset, limit, request)

    def _find_point(self, request: Request) -> dict[str, Any]:
        point_id = request.params['restorePointId']
        if not UUID_RE.match(point_id):
            raise bad_request('restorePointId', f"The value '{point_id}' is not valid.")
        point = self.points.get(point_id.lower())
        if point is None:
            raise not_found(f'Restore point {point_id} is not found.')
        return point

    def get_point(self, request: Request) -> Response:
        Query(request, ())
        return json_response(200, self._render_point(self._find_point(request)))

    def _json_body(self, request: Request, schema: str) -> dict[str, Any]:
        if request.media_type() not in ('application/json', 'text/json', 'application/*+json'):
            raise HttpError(problem(415, 'Unsupported Media Type', f"Content type '{request.media_type()}' is not supported."))
        try:
            body = request.json()
        except ValueError as exc:
            raise bad_request('$', f'The JSON value could not be converted: {exc}') from exc
        validate(schema, body, '')
        return body

    def post_retrieve(self, request: Request) -> Response:
        point = self._find_point(request)
        body = self._json_body(request, 'DataRetrievalOptions')
        if body['dataRetrievalPriority'] not in ('Normal', 'High'):
            raise bad_request('dataRetrievalPriority', f"The value '{body['dataRetrievalPriority']}' is not valid.")
        days = body.get('daysToKeep', 1)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
            raise bad_request('daysToKeep', 'daysToKeep must be between 1 and 30.')
        if point['tier'] != 'Archive':
            raise HttpError(problem(409, 'Conflict', f"Restore point {point['id']} is not in the archive tier."))
        if self._retrieval_status(point) == 'None':
            point['retrieval_started'], point['retrieval_days'] = time.time(), days
            self.count('retrievals_started')
        session = self._new_session('RestorePointDataRetrieval', point, None, self.config['retrieval_duration_s'], 'Success', None)
        self.changed()
        return json_response(202, self._render_session(session))

    def post_restore(self, request: Request) -> Response:
        point = self._find_point(request)
        body = self._json_body(request, 'VirtualMachineRestoreOptions')
        reason = body['reason']
        if not isinstance(reason, str) or not reason.strip():
            raise bad_request('reason', 'The reason field is required.')
        account = body.get('serviceAccountId')
        if account is None and self.config['require_service_account']:
            raise bad_request('serviceAccountId', 'The ServiceAccountId field is required.')
        if account is not None and str(account) not in self.service_accounts:
            raise bad_request('serviceAccountId', f"Service account '{account}' is not found.")
        if self._retrieval_status(point) != 'Retrieved' and point['tier'] == 'Archive':
            raise HttpError(problem(400, 'Bad Request', f"Restore point {point['id']} is in the archive tier; retrieve its data first."))
        alternative = body.get('toAlternative')
        if alternative is not None and alternative.get('diskType') not in (None, 'Managed', 'Unmanaged', 'Unknown'):
            raise bad_request('toAlternative.diskType', f"The value '{alternative['diskType']}' is not valid.")
        vm = self.vms[point['vm_id']]
        target = {'name': (alternative or {}).get('name') or vm['name'],
                  'resourceGroupName': ((alternative or {}).get('resourceGroup') or {}).get('id') or vm['resource_group'],
                  'regionName': ((alternative or {}).get('region') or {}).get('id') or vm['region'],
                  'subscription': ((alternative or {}).get('subscription') or {}).get('id') or vm['subscription']}
        session = self._new_session('RestoreVms', point, reason, self.config['job_duration_s'], self.config['job_outcome'], target)
        session['request'] = body
        self.count('restores_started')
        self.changed()
        return json_response(202, self._render_session(session))

    # ---- v1 archived listing (seed 003) -------------------------------------------------------------
    def list_v1_points(self, request: Request) -> Response:
        query = Query(request, ('offset', 'limit', 'onlyLatest'))
        offset, limit = query.paging('offset', 'limit')
        points = list(self.seed_doc.get('archived_v1_points') or [])
        if query.boolean('onlyLatest'):
            points = sorted(points, key=lambda point: parse_iso(point['pointInTime']))[-1:]
        base = f"https://{request.header('Host') or 'localhost'}/api/v1"
        results = [{
            'id': point['id'], 'pointInTime': point['pointInTime'], 'backupSizeBytes': point['backupSizeBytes'],
            'backupDestination': point['backupDestination'], '_embeddedResources': {},
            '_links': {'self': {'href': f"{base}/restorePoints/{point['id']}"}, 'BackupJob': {'href': f"{base}/jobSessions/{point['job']}"}},
        } for point in self._window(points, offset, limit)]
        return json_response(200, {'offset': offset, 'limit': limit, 'totalCount': self._total(points), 'results': results,
                                   '_links': {'self': {'href': f'{base}/restorePoints?onlyLatest=False&offset={offset}&limit={limit}'}}})

    # ---- job sessions -----------------------------------------------------------------------------
    def _new_session(self, kind: str, point: dict[str, Any], reason: str | None, duration: float, outcome: str,
                     target: dict[str, Any] | None) -> dict[str, Any]:
        session = {'id': self._session_id(), 'type': kind, 'started': time.time(), 'duration': duration, 'outcome': outcome,
                   'reason': reason, 'point_id': point['id'], 'vm_name': self.vms[point['vm_id']]['name'], 'target': target}
        self.sessions[session['id']] = session
        return session

    def _session_id(self) -> str:
        if not self.config['serial_session_ids']:
            return str(uuid.uuid4())
        return str(max((int(known) for known in self.sessions if known.isdigit()), default=0) + 1)

    def _status(self, session: dict[str, Any]) -> str:
        elapsed = time.time() - session['started']
        fraction = elapsed / session['duration'] if session['duration'] else 1.0
        if fraction >= 1:
            return session['outcome']
        if fraction < 0.1:
            return 'Pending'
        if fraction >= 0.5 and session['outcome'] in ('Warning', 'Error'):
            return 'RunningWithWarning' if session['outcome'] == 'Warning' else 'RunningWithError'
        if fraction >= 0.9 and session['outcome'] == 'Canceled':
            return 'Canceling'
        return 'Running'

    def _render_session(self, session: dict[str, Any]) -> dict[str, Any]:
        status = self._status(session)
        finished = status in OUTCOMES
        stop = session['started'] + session['duration'] if finished else None
        end = stop if stop is not None else time.time()
        seconds = max(0.0, end - session['started'])
        href = f"/api/v8.1/jobSessions/{session['id']}"
        body: dict[str, Any] = {
            'id': session['id'], 'type': session['type'],
            'localizedType': LOCALIZED_TYPES.get(session['type'], session['type']),
            'executionStartTime': utc_iso(session['started']), 'executionStopTime': utc_iso(stop) if stop is not None else None,
            'executionDuration': '%02d:%02d:%06.3f' % (seconds // 3600, seconds % 3600 // 60, seconds % 60),
            'status': status,
            '_links': {'self': {'href': href}, 'log': {'href': f'{href}/log'}},
        }
        if session['type'] == 'RestoreVms':
            body['restoreJobInfo'] = {'reason': session['reason'], 'backupPolicyDisplayName': 'vm-daily'}
        elif session['type'] == 'RestorePointDataRetrieval':
            body['restorePointDataRetrievalJobInfo'] = {'restorePointId': session['point_id'], 'daysToKeep': 1,
                                                        'dataRetrievalPriority': 'Normal'}
        return body

    def list_sessions(self, request: Request) -> Response:
        query = Query(request, ('Offset', 'Limit', 'PolicyId', 'Filter', 'Status', 'Types', 'FromUtc', 'ToUtc', 'ResourceId'))
        offset, limit = query.paging()
        statuses = query.many('Status', JOB_STATUSES)
        types = query.many('Types', ('RestoreVms', 'RestorePointDataRetrieval', 'RestoreDisks', 'FileLevelRestore', 'PolicyBackup',
                                     'PolicySnapshot', 'SqlRestore'))
        since, until = query.time('FromUtc'), query.time('ToUtc')
        found = sorted(self.sessions.values(), key=lambda s: s['started'], reverse=True)
        if types:
            found = [s for s in found if s['type'] in types]
        if statuses:
            found = [s for s in found if self._status(s) in statuses]
        found = [s for s in found if (since is None or s['started'] >= since) and (until is None or s['started'] <= until)]
        return page([self._render_session(s) for s in self._window(found, offset, limit)], self._total(found), offset, limit, request)

    def _session(self, request: Request) -> dict[str, Any]:
        session = self.sessions.get(request.params['sessionId'])
        if session is None:
            raise not_found(f"Job session {request.params['sessionId']} is not found.")
        return session

    def get_session(self, request: Request) -> Response:
        Query(request, ('instanceId',))
        return json_response(200, self._render_session(self._session(request)))

    def get_session_log(self, request: Request) -> Response:
        Query(request, ())
        session = self._session(request)
        status = self._status(session)
        start = utc_iso(session['started'])
        what = 'Restore' if session['type'] == 'RestoreVms' else LOCALIZED_TYPES.get(session['type'], session['type'])
        log = [{'logTime': start, 'status': 'Success', 'message': f"{what} session started (reason: {session['reason']})",
                'resourceHashId': None, 'executionStartTime': start, 'executionDuration': '00:00:00'},
               {'logTime': start, 'status': 'Running' if status not in OUTCOMES else status,
                'message': (f"Restoring VM {session['vm_name']}" if session['type'] == 'RestoreVms' else f"Processing VM {session['vm_name']}")
                + (f" as {session['target']['name']}" if session['target'] else ''),
                'resourceHashId': None, 'executionStartTime': start, 'executionDuration': '00:00:01'}]
        if status == 'Error':
            log.append({'logTime': utc_iso(session['started'] + session['duration']), 'status': 'Error',
                        'message': 'Failed to create virtual machine: the subscription quota for this VM size is exceeded.',
                        'resourceHashId': None, 'executionStartTime': start, 'executionDuration': '00:00:00'})
        return json_response(200, {'jobSessionId': session['id'], 'log': log})

    def get_restored_items(self, request: Request) -> Response:
        query = Query(request, ('NameSearchPattern', 'Offset', 'Limit'))
        offset, limit = query.paging()
        session = self._session(request)
        items = [{key: session['target'][key] for key in ('name', 'resourceGroupName', 'regionName')}] if session['target'] else []
        pattern = (query.text('NameSearchPattern') or '').lower()
        items = [item for item in items if pattern in item['name'].lower()]
        return page(self._window(items, offset, limit), self._total(items), offset, limit, request)

    # ---- /_sim/generate -------------------------------------------------------------------------
    def sim_generate(self, request: Request) -> Response:
        try:
            doc = request.json()
            vm_id = str(uuid.UUID(doc['vm_id']))
            count = int(doc.get('count', 1000))
            newest = parse_iso(doc['newest']) if doc.get('newest') else time.time()
            interval = float(doc.get('interval_minutes', 60))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return json_response(400, {'error': f'expected {{"vm_id", "count", "newest", "interval_minutes"}}: {exc!r}'})
        if vm_id not in self.vms or not 0 < count <= MAX_GENERATED or interval <= 0:
            return json_response(400, {'error': f'unknown vm_id, count out of 1..{MAX_GENERATED}, or interval_minutes <= 0'})
        request_doc = {'vm_id': vm_id, 'count': count, 'newest': newest, 'interval_minutes': interval}
        self._generate(**request_doc)
        self.generated.append(request_doc)
        self.changed()
        return json_response(200, {'vm_id': vm_id, 'created': count, 'total': len(self.points_by_vm[vm_id])})

    def sim_delete_vm(self, request: Request) -> Response:
        """POST /_sim/vms/delete {name, resource_group}: the VM is deleted in Azure (a drill's cleanup)."""
        try:
            doc = request.json()
            name, group = str(doc['name']), str(doc['resource_group'])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return json_response(400, {'error': f'expected {{"name", "resource_group"}}: {exc!r}'})
        known = [vm for vm in self._inventory() if vm['name'].lower() == name.lower() and vm['resourceGroupName'].lower() == group.lower()
                 and not vm['isDeleted']]
        if not known:
            return json_response(404, {'error': f'no VM {name} in resource group {group}'})
        self.deleted_vms.append([name.lower(), group.lower(), time.time()])
        self.changed()
        return json_response(200, {'deleted': name, 'resource_group': group})

    def _generate(self, vm_id: str, count: int, newest: float, interval_minutes: float) -> None:
        serial = len(self.points_by_vm[vm_id])
        fresh = [self._point(str(uuid.uuid5(GENERATED_NS, f'{vm_id}/{serial + index}')), vm_id,
                             newest - index * interval_minutes * 60, 'Snapshot' if index % 7 else 'AzureBlob', 1 << 30, 'Hot')
                 for index in range(count)]
        self.points.update((point['id'], point) for point in fresh)
        self.points_by_vm[vm_id] = sorted(self.points_by_vm[vm_id] + fresh, key=lambda point: point['created'])
