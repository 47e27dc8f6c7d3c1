# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Veeam Backup for Microsoft Azure (REST v8.1, v8, v7, v6 and the archived v1 listing): connection
options, client, VM restore building blocks, the JobStatus map."""

from __future__ import annotations

import time

from ansible_collections.recoverops.restore.plugins.module_utils._auth import OAuth2PasswordAuth
from ansible_collections.recoverops.restore.plugins.module_utils._connection import ApplianceConnection, appliance_argspec
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError, default_error_parser
from ansible_collections.recoverops.restore.plugins.module_utils._paging import iter_offset_limit
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    iso_z,
    parse_timestamp,
    restore_point,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader, StateMap, WaitTimeout, wait_for_job

DEFAULT_API_VERSION = 'v8.1'
API_VERSIONS = ('v8.1', 'v8', 'v7', 'v6', 'v1')
ARCHIVED_VERSION = 'v1'
TOKEN_PATH = '/api/oauth2/token'   # unversioned; DELETE on it logs out (spec, ../shared/api/veeam.md §2.2)
PASSWORD_GRANT = 'Password'        # LoginFromClient.grant_type enum spelling
REFRESH_GRANT = 'Refresh_token'
# The docs say Limit defaults to 100; the client always sends it and pages over totalCount.
PAGE_SIZE = 100
ASYNC_TIMEOUT = 300

# ---------------------------------------------------------------------------------------------
# Names the v8.1 spec does not settle. They live here and only here: a correction read off an
# appliance is a change to this table, not to the modules.
# ---------------------------------------------------------------------------------------------
UNCONFIRMED = {
    # Seed 003 documents no request parameters for GET /api/v1/restorePoints; its own _links.self shows
    # camelCase offset, limit and onlyLatest, which is what the client sends.
    'v1_offset': 'offset',
    'v1_limit': 'limit',
    'v1_only_latest': 'onlyLatest',
    # The spec says PointInTime "returns only restore points created on the specified date and time";
    # the client sends it and also selects the newest point at or before it from the answer.
    'point_in_time': 'PointInTime',
    # VirtualMachineRestorePoint carries no VM id; the VM is identified by its name and resourceHashId.
    'point_vm_name': 'vmName',
    'point_vm_key': 'resourceHashId',
    # Omitting toAlternative restores to the original place (described, not stated, in the spec).
    'to_alternative': 'toAlternative',
    # restoredItems of a RestoreVms session name the restored VM (JobSessionRestoredItem.name).
    'restored_item_name': 'name',
}
ARCHIVE_TIER = 'Archive'
RETRIEVED = 'Retrieved'
RESTORE_SESSION_TYPE = 'RestoreVms'
# module option (to_alternative suboption) -> VirtualMachineToAlternativeRestoreOptions
DISK_TYPES = {'managed': 'Managed', 'unmanaged': 'Unmanaged'}
RETRIEVAL_PRIORITIES = {'normal': 'Normal', 'high': 'High'}

# JobStatus (spec enum). NeverExecuted and Unknown count as running: the wait is capped anyway.
JOB_STATES = StateMap(
    running=('Running', 'RunningWithWarning', 'RunningWithError', 'Pending', 'Canceling', 'NeverExecuted', 'Unknown'),
    succeeded=('Success',),
    warning=('Warning',),
    failed=('Error', 'Canceled'),
)


class VeeamAzureConnection(ApplianceConnection):
    """The connection option group: argument spec, checks, and the authenticated client."""

    ENV_PREFIX = 'VEEAM_AZURE'
    EXAMPLE_URL = 'https://vbazure.example.com'
    ARGSPEC = appliance_argspec(ENV_PREFIX, {'default': DEFAULT_API_VERSION, 'choices': list(API_VERSIONS)})

    def client(self):
        params = self.module.params
        auth = OAuth2PasswordAuth(TOKEN_PATH, params['username'], params['password'], password_grant=PASSWORD_GRANT,
                                  refresh_grant=REFRESH_GRANT)
        api = ApiClient(params['server'], headers={'Accept': 'application/json'}, timeout=params['timeout'],
                        validate_certs=params['validate_certs'], ca_path=params['ca_path'], auth=auth,
                        error_parser=parse_error, redactor=self.module.redact)
        return VeeamAzureClient(api, params['api_version'])


def parse_error(body):
    """ProblemDetails (RFC 7807): title, detail and the per-field `errors` of a 400."""
    if not isinstance(body, dict):
        return None
    if 'title' not in body and 'detail' not in body and 'errors' not in body:
        return default_error_parser(body)
    parts = [str(body[key]) for key in ('title', 'detail') if body.get(key)]
    errors = body.get('errors')
    if isinstance(errors, dict) and errors:
        parts.append('; '.join('%s: %s' % (field, ' '.join(str(m) for m in (messages if isinstance(messages, list) else [messages])))
                               for field, messages in errors.items()))
    text = ': '.join(parts)
    trace = body.get('traceId')
    return '%s (traceId %s)' % (text, trace) if text and trace else (text or None)


class VeeamAzureClient:
    """Typed calls over one authenticated ApiClient; `version` is the path segment (v8.1...)."""

    def __init__(self, api, version=DEFAULT_API_VERSION, sleep=time.sleep, clock=time.monotonic):
        self.api = api
        self.version = version
        self.base = '/api/%s' % version
        self.sleep = sleep
        self.clock = clock
        self.async_operations = 0

    def close(self):
        self.api.close()

    # -- requests ----------------------------------------------------------------------------------
    def get(self, path, params=None):
        """GET that follows a 202 AsyncOperation through /operations/{id} to its result."""
        answer = self.api.request('GET', self.base + path, params=params, expect=(200, 202))
        if _is_async_operation(answer):
            return self.follow_operation(answer)
        return answer

    def follow_operation(self, operation):
        self.async_operations += 1
        operation_id = operation['id']

        def poll():
            current = self.api.request('GET', '%s/operations/%s' % (self.base, operation_id))
            return current.get('status'), current

        if JOB_STATES.outcome(operation.get('status')) in ('running',):
            try:
                done = wait_for_job(poll, JOB_STATES, timeout=ASYNC_TIMEOUT, poll_interval=1, max_interval=5,
                                    clock=self.clock, sleep=self.sleep).job
            except WaitTimeout:
                raise OperationFailed('The appliance did not finish asynchronous operation %s within %ss.'
                                      % (operation_id, ASYNC_TIMEOUT)) from None
        else:
            done = operation
        if JOB_STATES.outcome(done.get('status')) == 'failed':
            detail = parse_error(done.get('error')) or done.get('status')
            raise OperationFailed('Asynchronous operation %s ended %s: %s' % (operation_id, done.get('status'), detail))
        return done.get('result')

    def _pages(self, path, params, page_size=PAGE_SIZE):
        def fetch(offset, limit):
            return self.get(path, dict(params, Offset=offset, Limit=limit))
        return iter_offset_limit(fetch, page_size=page_size)

    # -- virtual machines -----------------------------------------------------------------------------
    def find_vm(self, name):
        """The one protected VM with exactly this name (SearchPattern matches substrings)."""
        for path in ('/protectedItem/virtualMachines', '/virtualMachines'):
            vms = [vm for vm in self._pages(path, {'SearchPattern': name}) if vm.get('name') == name]
            if len(vms) > 1:
                candidates = '; '.join('id %s (%s, %s)' % (vm.get('id'), vm.get('regionName') or _nested(vm, 'region', 'name'),
                                                           _nested(vm, 'resourceGroup', 'name')) for vm in vms)
                raise OperationFailed('vm_name %r matches %d VMs: %s. Pass vm_id instead.' % (name, len(vms), candidates))
            if vms:
                return vms[0]
        raise OperationFailed('No Azure VM named %r is known to Veeam Backup for Microsoft Azure '
                              '(searched the protected items and the VM inventory).' % name)

    # -- restore points ------------------------------------------------------------------------------
    def list_restore_points(self, vm_id=None, latest=False, point_in_time=None):
        """Raw restore points of a VM (every page); v1 reads the archived appliance-wide listing."""
        if self.version == ARCHIVED_VERSION:
            return self._list_archived(latest)
        params = {'VirtualMachineId': vm_id}
        if latest:
            params['OnlyLatest'] = 'true'
        if point_in_time is not None:
            params[UNCONFIRMED['point_in_time']] = iso_z(point_in_time)
        return list(self._pages('/restorePoints/virtualMachines', params))

    def _list_archived(self, latest):
        def fetch(offset, limit):
            params = {UNCONFIRMED['v1_offset']: offset, UNCONFIRMED['v1_limit']: limit}
            if latest:
                params[UNCONFIRMED['v1_only_latest']] = 'True'
            return self.api.request('GET', self.base + '/restorePoints', params=params)
        return list(iter_offset_limit(fetch, page_size=PAGE_SIZE))

    def get_restore_point(self, point_id):
        try:
            return self.get('/restorePoints/virtualMachines/%s' % point_id)
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise OperationFailed('restore_point_id %s: Veeam Backup for Microsoft Azure has no VM restore point with this id.'
                                  % point_id) from None

    def retrieve_data(self, point_id, body):
        return self.api.request('POST', '%s/restorePoints/virtualMachines/%s/retrieveData' % (self.base, point_id), json=body,
                                expect=(200, 202))

    def start_restore(self, point_id, body):
        """POST the VM restore; Veeam answers 202 with the JobSession to poll."""
        return self.api.request('POST', '%s/restorePoints/virtualMachines/%s/restoreVirtualMachine' % (self.base, point_id),
                                json=body, expect=(200, 201, 202))

    # -- job sessions --------------------------------------------------------------------------------
    def get_session(self, session_id):
        return self.get('/jobSessions/%s' % session_id)

    def get_session_log(self, session_id):
        return (self.get('/jobSessions/%s/log' % session_id) or {}).get('log') or []

    def get_restored_items(self, session_id):
        return list(self._pages('/jobSessions/%s/restoredItems' % session_id, {}))

    def list_restore_sessions(self, since=None):
        params = {'Types': RESTORE_SESSION_TYPE}
        if since is not None:
            params['FromUtc'] = iso_z(since)
        return list(self._pages('/jobSessions', params))

    def find_restore_sessions(self, reason, target_name, since):
        """Restore sessions since `since` with this reason whose restored VM is `target_name`, newest first."""
        found = []
        for session in self.list_restore_sessions(since):
            if (session.get('restoreJobInfo') or {}).get('reason') != reason:
                continue
            names = [item.get(UNCONFIRMED['restored_item_name']) for item in self.get_restored_items(session['id'])]
            if target_name in names:
                found.append(session)
        return sorted(found, key=lambda s: s.get('executionStartTime') or '', reverse=True)


def _is_async_operation(answer):
    # AsyncOperation: {id, startTime, status, error, result}; pages have `results`, sessions `executionStartTime`.
    return isinstance(answer, dict) and {'id', 'startTime', 'status'} <= set(answer) and 'results' not in answer


def _nested(mapping, *keys):
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, dict) else None
    return mapping


# -- normalizing ---------------------------------------------------------------------------------
def normalize_restore_point(raw, vm=None):
    """The DESIGN.md restore point; `vm` is the VM the listing was asked for, when known."""
    vm = vm or {}
    size = raw.get('backupSizeBytes')
    try:
        size = int(size) if size is not None else None  # seed 003 documents it as a string
    except (TypeError, ValueError):
        size = None
    return restore_point(
        id=raw.get('id'), product='veeam_azure',
        resource_id=vm.get('id') or raw.get(UNCONFIRMED['point_vm_key']),
        resource_name=raw.get(UNCONFIRMED['point_vm_name']) or vm.get('name'),
        created_at=raw.get('pointInTime'), size_bytes=size, kind=raw.get('backupDestination'),
        region=raw.get('regionName') or vm.get('regionName'),
        account=_nested(vm, 'subscription', 'id') if isinstance(vm.get('subscription'), dict) else None,
        raw=raw)


def is_archived(raw):
    return raw.get('accessTier') == ARCHIVE_TIER and raw.get('dataRetrievalStatus') != RETRIEVED


def session_state(session):
    return (session or {}).get('status') or 'Unknown'


def session_reader(client):
    """How the shared finish (RecoverOpsModule.finish_job) reads this product's job sessions."""
    return JobReader(get=client.get_session, state=session_state, log=client.get_session_log,
                     normalize=normalize_session, states=JOB_STATES)


def normalize_session(raw, log=None):
    started, stopped = raw.get('executionStartTime'), raw.get('executionStopTime')
    duration = None
    if started and stopped:
        duration = round((parse_timestamp(stopped) - parse_timestamp(started)).total_seconds(), 3)
    return {
        'id': raw.get('id'),
        'type': raw.get('type'),
        'status': raw.get('status'),
        'outcome': JOB_STATES.outcome(session_state(raw)),
        'reason': (raw.get('restoreJobInfo') or {}).get('reason'),
        'started_at': iso_z(parse_timestamp(started)) if started else None,
        'finished_at': iso_z(parse_timestamp(stopped)) if stopped else None,
        'duration_seconds': duration,
        'log': log if log is not None else [],
        'raw': raw,
    }


# -- building the restore request ----------------------------------------------------------------
def build_restore_body(params):
    """VirtualMachineRestoreOptions: no toAlternative means the original place."""
    body = {'reason': params['reason'], 'startVmAfterRestore': params['start_vm_after_restore']}
    if params.get('service_account_id'):
        body['serviceAccountId'] = params['service_account_id']
    if params.get('source_service_account_id'):
        body['sourceServiceAccountId'] = params['source_service_account_id']
    alt = params.get('to_alternative')
    if alt:
        target = {}
        for option, field in (('name', 'name'), ('vm_size', 'vmSizeName')):
            if alt.get(option):
                target[field] = alt[option]
        by_id = (('subscription_id', 'subscription'), ('resource_group_id', 'resourceGroup'), ('region_id', 'region'),
                 ('virtual_network_id', 'virtualNetwork'), ('network_security_group_id', 'networkSecurityGroup'),
                 ('availability_set_id', 'availabilitySet'))
        for option, field in by_id:
            if alt.get(option):
                target[field] = {'id': alt[option]}
        if alt.get('subnet'):
            target['subnet'] = {'name': alt['subnet']}
        if alt.get('availability_zone'):
            target['availabilityZone'] = {'name': alt['availability_zone']}
            if alt.get('subscription_id'):
                target['availabilityZone']['subscriptionId'] = alt['subscription_id']
            if alt.get('region_id'):
                target['availabilityZone']['regionId'] = alt['region_id']
        if alt.get('disk_type'):
            target['diskType'] = DISK_TYPES[alt['disk_type']]
        body[UNCONFIRMED['to_alternative']] = target
    return body


def build_retrieval_body(params):
    return {'dataRetrievalPriority': RETRIEVAL_PRIORITIES[params['retrieval_priority']],
            'daysToKeep': params['retrieval_days_to_keep']}


def restore_target_name(params, point):
    alt = params.get('to_alternative')
    return alt['name'] if alt else point['resource_name']
