# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Veeam Backup for Microsoft Azure (REST v8.1, v8, v7, v6 and the archived v1 listing): connection
options, client, VM restore building blocks, the JobStatus map."""

from __future__ import annotations

import re
import time

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils import _veeam
from ansible_collections.recoverops.restore.plugins.module_utils._auth import OAuth2PasswordAuth
from ansible_collections.recoverops.restore.plugins.module_utils._checks import path_segment
from ansible_collections.recoverops.restore.plugins.module_utils._connection import ApplianceConnection, appliance_argspec
from ansible_collections.recoverops.restore.plugins.module_utils._errors import ApiError, OperationFailed, OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, default_error_parser
from ansible_collections.recoverops.restore.plugins.module_utils._paging import iter_offset_limit
from ansible_collections.recoverops.restore.plugins.module_utils._restore import Restore, since
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    iso_z,
    restore_point,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import (
    FAILED,
    JobReader,
    StateMap,
    WaitTimeout,
    wait_for_job,
)

DEFAULT_API_VERSION = 'v8.1'
API_VERSIONS = ('v8.1', 'v8', 'v7', 'v6', 'v1')
ARCHIVED_VERSION = 'v1'
TOKEN_PATH = '/api/oauth2/token'   # unversioned; DELETE on it logs out (spec, ../shared/api/veeam.md §2.2)
PASSWORD_GRANT = 'Password'        # LoginFromClient.grant_type enum spelling
REFRESH_GRANT = 'Refresh_token'
# The docs say Limit defaults to 100 and document no maximum; totalCount is nullable. The client
# always sends Limit and pages on to totalCount, or to an empty page when totalCount is null
# (_paging.iter_offset_limit), so an appliance that caps its pages below Limit truncates nothing.
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
    # VirtualMachineRestorePoint carries no VM id; the VM is identified by its name and resourceHashId.
    'point_vm_name': 'vmName',
    'point_vm_key': 'resourceHashId',
    # Omitting toAlternative restores to the original place (described, not stated, in the spec).
    'to_alternative': 'toAlternative',
    # restoredItems of a RestoreVms session name the restored VM (JobSessionRestoredItem.name).
    'restored_item_name': 'name',
    # GET /virtualMachines?ExistsState=OnlyExists lists the VMs that exist in Azure (the spec's enum;
    # its description says "backup state"). Whether a VM a restore just created is listed before the
    # appliance's next infrastructure rescan is not documented.
    'exists_state': ('ExistsState', 'OnlyExists'),
}
# PointInTime is documented as "restore points created on the specified date and time": an exact
# match. The client never sends it; point_in_time is selected at or before from the whole listing.
ARCHIVE_TIER = 'Archive'
RETRIEVED = 'Retrieved'
RESTORE_SESSION_TYPE = 'RestoreVms'
SERVICE_ACCOUNTS_PATH = '/accounts/azure/service?Purpose=VirtualMachineRestore'
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

# -- input rules (whole-string, before any request) ------------------------------------------------
# Azure VM names: 1 to 64 letters, digits, _ . -; not starting with . or -, not ending in . or -.
VM_NAME = re.compile(r'[A-Za-z0-9_]([A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?')
VM_SIZE = re.compile(r'(Standard|Basic)_[A-Za-z0-9_-]+')
SUBNET = re.compile(r'[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?')
ZONE = re.compile(r'[1-9][0-9]?')
# Ids that only go into the request body (Veeam system ids, Azure resource ids with their slashes).
BODY_ID = re.compile(r'[^\s\x00-\x1f\x7f]+')
SESSION_ID_EXAMPLE = '38 or 1b2c3d4e-5f60-4718-89ab-cdef01234567'
ID_EXAMPLE = '5c1f0b6e-3a2d-4e7f-9a8b-1c2d3e4f5a6b'
BODY_IDS = ('resource_group_id', 'region_id', 'virtual_network_id', 'network_security_group_id', 'availability_set_id')


def check_reason(reason):
    if not reason.strip():
        raise OptionError('reason must not be empty; it is saved with the restore session')
    _veeam.check_reason(reason)


def check_alternative(alt):
    """The to_alternative suboptions, each whole-string."""
    _checks.whole('to_alternative.name', alt['name'], VM_NAME,
                  '1 to 64 letters, digits, -, _ and ., not starting with - or . and not ending in - or .')
    _checks.uuid('to_alternative.subscription_id', alt.get('subscription_id'))
    _checks.whole('to_alternative.vm_size', alt.get('vm_size'), VM_SIZE, 'an Azure VM size such as Standard_B2s')
    _checks.whole('to_alternative.subnet', alt.get('subnet'), SUBNET, 'an Azure subnet name such as default')
    _checks.whole('to_alternative.availability_zone', alt.get('availability_zone'), ZONE, 'an availability zone number such as 1')
    for name in BODY_IDS:
        _checks.whole('to_alternative.%s' % name, alt.get(name), BODY_ID, 'a non-empty id without spaces or newlines')


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
    """Typed calls over one authenticated ApiClient; `version` is the path segment (v8.1...).

    Every id put into a URL path is quoted as one path segment (_checks.path_segment).
    """

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
            current = self.api.request('GET', '%s/operations/%s' % (self.base, path_segment(operation_id)))
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
                                                           vm.get('resourceGroupName') or _nested(vm, 'resourceGroup', 'name'))
                                       for vm in vms)
                raise OperationFailed('vm_name %r matches %d VMs: %s. Pass vm_id instead.' % (name, len(vms), candidates))
            if vms:
                return vms[0]
        raise OperationFailed('No Azure VM named %r is known to Veeam Backup for Microsoft Azure '
                              '(searched the protected items and the VM inventory).' % name)

    def vm_exists(self, name, resource_group=None):
        """Whether the VM inventory lists a VM of this name (in this resource group, when known) that exists
        in Azure: True or False, or None when the appliance does not let this user read its inventory."""
        state_param, only_existing = UNCONFIRMED['exists_state']
        try:
            vms = list(self._pages('/virtualMachines', {'SearchPattern': name, state_param: only_existing}))
        except ApiError as exc:
            if exc.status in (400, 403, 404):
                return None
            raise
        return any(_same(vm.get('name'), name) and not vm.get('isDeleted')
                   and (resource_group is None or vm.get('resourceGroupName') is None
                        or _same(vm.get('resourceGroupName'), resource_group)) for vm in vms)

    # -- restore points ------------------------------------------------------------------------------
    def list_restore_points(self, vm_id=None, latest=False):
        """Raw restore points of a VM (every page); v1 reads the archived appliance-wide listing."""
        if self.version == ARCHIVED_VERSION:
            return self._list_archived(latest)
        params = {'VirtualMachineId': vm_id}
        if latest:
            params['OnlyLatest'] = 'true'
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
            return self.get('/restorePoints/virtualMachines/%s' % path_segment(point_id))
        except ApiError as exc:
            if exc.status != 404:
                raise
            raise OperationFailed('restore_point_id %s: Veeam Backup for Microsoft Azure has no VM restore point with this id.'
                                  % point_id) from None

    def retrieve_data(self, point_id, body):
        return self.api.request('POST', '%s/restorePoints/virtualMachines/%s/retrieveData' % (self.base, path_segment(point_id)),
                                json=body, expect=(200, 202))

    def start_restore(self, point_id, body):
        """POST the VM restore; Veeam answers 202 with the JobSession to poll. Its id, or None."""
        answer = self.api.request('POST', '%s/restorePoints/virtualMachines/%s/restoreVirtualMachine'
                                  % (self.base, path_segment(point_id)), json=body, expect=(200, 201, 202))
        return (answer or {}).get('id') if isinstance(answer, dict) else None

    # -- job sessions --------------------------------------------------------------------------------
    def get_session(self, session_id):
        return self.get('/jobSessions/%s' % path_segment(session_id))

    def get_session_log(self, session_id):
        return (self.get('/jobSessions/%s/log' % path_segment(session_id)) or {}).get('log') or []

    def get_restored_items(self, session_id):
        return list(self._pages('/jobSessions/%s/restoredItems' % path_segment(session_id), {}))

    def list_restore_sessions(self, since=None):
        params = {'Types': RESTORE_SESSION_TYPE}
        if since is not None:
            params['FromUtc'] = iso_z(since)
        return list(self._pages('/jobSessions', params))

    def find_restore_sessions(self, reason, target_name, since):
        """(session, restored item) of the restore sessions since `since` with this reason whose restored VM
        is `target_name`, newest first."""
        found = []
        for session in self.list_restore_sessions(since):
            if (session.get('restoreJobInfo') or {}).get('reason') != reason:
                continue
            item = next((item for item in self.get_restored_items(session['id'])
                         if _same(item.get(UNCONFIRMED['restored_item_name']), target_name)), None)
            if item is not None:
                found.append((session, item))
        return sorted(found, key=lambda pair: pair[0].get('executionStartTime') or '', reverse=True)


def _is_async_operation(answer):
    # AsyncOperation: {id, startTime, status, error, result}; pages have `results`, sessions `executionStartTime`.
    return isinstance(answer, dict) and {'id', 'startTime', 'status'} <= set(answer) and 'results' not in answer


def _nested(mapping, *keys):
    for key in keys:
        mapping = mapping.get(key) if isinstance(mapping, dict) else None
    return mapping


def _same(name, other):
    """Azure resource names compare without regard to case."""
    return isinstance(name, str) and isinstance(other, str) and name.casefold() == other.casefold()


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
        account=_nested(vm, 'subscription', 'id') if isinstance(vm.get('subscription'), dict) else vm.get('subscriptionId'),
        raw=raw)


def is_archived(raw):
    return raw.get('accessTier') == ARCHIVE_TIER and raw.get('dataRetrievalStatus') != RETRIEVED


def session_state(session):
    return (session or {}).get('status') or 'Unknown'


def session_reader(client):
    """How the restore flow (_restore.py) and veeam_azure_job_session_info read this product's job sessions."""
    return JobReader(get=client.get_session, state=session_state, log=client.get_session_log,
                     normalize=normalize_session, states=JOB_STATES)


def normalize_session(raw, log=None):
    return _veeam.normalize_session(raw, log, JOB_STATES.outcome(session_state(raw)),
                                    reason=(raw.get('restoreJobInfo') or {}).get('reason'))


# -- the restore flow (module_utils/_restore.py) -----------------------------------------------------
def _refused_for_service_account(exc):
    """A 400 or 422 whose message or error fields speak of the service account, however it is worded
    ("serviceAccountId is required", "Service account is not specified")."""
    if exc.status not in (400, 422):
        return False
    words = '%s %s' % (exc.msg or '', exc.body if isinstance(exc.body, (dict, list, str)) else '')
    return 'serviceaccount' in re.sub(r'[^a-z]', '', words.lower())


class VmRestore(Restore):
    """An Azure VM restore, as the shared restore flow drives it.

    Earlier restores are the RestoreVms sessions since the point was created with the same reason whose
    restored item is the target VM. A succeeded one is reused while the VM inventory lists that VM
    (GET /virtualMachines); an archive-tier point is retrieved first, once, as part of the start.
    """

    product = 'veeam_azure'
    key = 'session'
    id_key = 'session_id'
    what = 'restore session'
    where = 'the RestoreVms job sessions on the appliance'

    def prepare(self):
        self.raw_point = self.client.get_restore_point(self.params['restore_point_id'])
        self.point = normalize_restore_point(self.raw_point)
        self.alternative = self.params.get('to_alternative') or None
        self.target_name = self.alternative['name'] if self.alternative else self.point['resource_name']
        self.request = build_restore_body(self.params)
        self.request['reason'] = _veeam.reason_with_point(self.params['reason'], self.point['id'])
        self.items, self.retrieval = {}, None
        self.reported = {'restore_point': self.point, 'target': {'vm_name': self.target_name, 'original_place': not self.alternative}}
        if is_archived(self.raw_point) and self.params['retrieve_archived']:
            self.retrieval = self.reported['retrieval'] = {'request': build_retrieval_body(self.params)}
        return self.reported

    def target_text(self):
        return 'VM %s' % self.target_name

    def earlier(self):
        found = self.client.find_restore_sessions(self.request['reason'], self.target_name, since(self.point))
        self.items.update((session.get('id'), item) for session, item in found)
        return [session for session, _item in found]

    def target_exists(self, job):
        return self.client.vm_exists(self.target_name, (self.items.get(job.get('id')) or {}).get('resourceGroupName'))

    def conflict(self):
        original = self.point['resource_name']
        if self.alternative and original:
            replaces = _same(self.target_name, original)
            if replaces and not self.params['allow_overwrite']:
                return ('to_alternative.name %s is the name of the VM restore point %s backs up: the restore would replace that '
                        'VM. Set allow_overwrite: true to confirm, or choose another to_alternative.name.'
                        % (self.target_name, self.point['id']))
            if not replaces and self.params['allow_overwrite']:
                return ('allow_overwrite only applies to a restore that replaces the VM (to the original place, or with '
                        'to_alternative.name %s); to_alternative.name %s replaces nothing: remove allow_overwrite.'
                        % (original, self.target_name))
        if is_archived(self.raw_point) and not self.params['retrieve_archived']:
            return ('Restore point %s is in the archive tier (data retrieval status %s). Set retrieve_archived: true to '
                    'retrieve it first; retrieval can take hours.' % (self.point['id'], self.raw_point.get('dataRetrievalStatus') or 'None'))
        return None

    def start(self):
        if self.retrieval is not None and 'wait' not in self.retrieval:
            self.retrieve()
        try:
            return self.client.start_restore(self.point['id'], self.request)
        except ApiError as exc:
            if not self.params.get('service_account_id') and _refused_for_service_account(exc):
                raise OperationFailed(
                    'The appliance refused the restore without a service account (%s). Set service_account_id to the id '
                    '(accountId) of a service account allowed to restore VMs; GET /api/%s%s lists them.'
                    % (exc.msg, self.client.version, SERVICE_ACCOUNTS_PATH), changed=self.retrieval is not None,
                    request=self.request, **self.reported) from None
            raise

    def retrieve(self):
        """Retrieve the archive-tier point (or wait for a retrieval under way) before the restore is sent."""
        point_id = self.point['id']
        if self.client.get_restore_point(point_id).get('dataRetrievalStatus') != 'Retrieving':
            self.retrieval['session_id'] = (self.client.retrieve_data(point_id, self.retrieval['request']) or {}).get('id')
        try:
            waited = wait_for_job(lambda: _retrieval_state(self.client, point_id), JOB_STATES,
                                  timeout=self.params['wait_timeout'], poll_interval=self.params['poll_interval'])
        except WaitTimeout as exc:
            raise OperationFailed('%s. The retrieval of restore point %s is still running; the restore was not started.'
                                  % (exc.msg, point_id), changed=True, request=self.request, **self.reported) from None
        self.retrieval['wait'] = waited.as_dict()
        if waited.outcome == FAILED:
            raise OperationFailed('The retrieval of restore point %s from the archive tier failed; the restore was not started.'
                                  % point_id, changed=True, request=self.request, **self.reported)

    def reader(self):
        return session_reader(self.client)

    def describe(self, raw):
        return {'state': session_state(raw), 'started_at': raw.get('executionStartTime'),
                'finished_at': raw.get('executionStopTime'), 'created_resource': self.created_resource(raw.get('id'))}

    def created_resource(self, session_id):
        """{type: azure_vm, name, original_place, recorded, resource_group, region}; the last two when known."""
        item, alt = self.items.get(session_id) or {}, self.alternative or {}
        # recorded: the session's restored items name the VM (what a drill shows as evidence).
        resource = {'type': 'azure_vm', 'name': item.get('name') or self.target_name, 'original_place': not self.alternative,
                    'recorded': bool(item)}
        group = item.get('resourceGroupName') or alt.get('resource_group_id')
        region = item.get('regionName') or alt.get('region_id') or (None if self.alternative else self.point.get('region'))
        resource.update({key: value for key, value in (('resource_group', group), ('region', region)) if value})
        return resource

    def finished(self, result):
        """The restored VM as the session names it (resource group, region)."""
        session_id = result[self.id_key]
        if session_id not in self.items:
            try:
                self.items[session_id] = next(item for item in self.client.get_restored_items(session_id)
                                              if _same(item.get(UNCONFIRMED['restored_item_name']), self.target_name))
            except (ApiError, OperationFailed, StopIteration):
                return
        result['job']['created_resource'] = self.created_resource(session_id)


def _retrieval_state(client, point_id):
    raw = client.get_restore_point(point_id)
    status = raw.get('dataRetrievalStatus')
    if status == RETRIEVED:
        return 'Success', raw
    if status in ('Retrieving', 'None', None):
        return 'Running', raw
    return 'Error', raw


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
