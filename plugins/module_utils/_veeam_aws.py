# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Veeam Backup for AWS (REST v1): connection options, client, DynamoDB restore building blocks."""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _veeam
from ansible_collections.recoverops.restore.plugins.module_utils._auth import OAuth2PasswordAuth
from ansible_collections.recoverops.restore.plugins.module_utils._checks import path_segment
from ansible_collections.recoverops.restore.plugins.module_utils._connection import ApplianceConnection, appliance_argspec
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError, default_error_parser
from ansible_collections.recoverops.restore.plugins.module_utils._paging import iter_offset_limit
from ansible_collections.recoverops.restore.plugins.module_utils._restore import Restore, since
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    iso_z,
    restore_point,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import JobReader, StateMap

API = '/api/v1'
DEFAULT_API_VERSION = '1.7-rev0'
PAGE_SIZE = 500

# ---------------------------------------------------------------------------------------------
# Names the vendor reference does not confirm for DynamoDB (../shared/api/veeam.md §1.6).
# Seed 000 confirms the paths, the query parameters, the restore point fields and the three
# top-level keys of the restore body; the nested names below are inferred from Veeam's EFS and
# EC2 specs. They live here and only here: a correction read off an appliance's Swagger UI is a
# change to this table, not to the modules.
# ---------------------------------------------------------------------------------------------
RESTORE_BODY = {
    'to_original': 'restoreToOriginal',                     # seed 000
    'authentication': 'authenticationSpecification',        # seed 000
    'different_location': 'differentLocationSpecification',  # seed 000
    'reason': 'reason',                                     # seed 000
}
# module option -> differentLocationSpecification field (UNCONFIRMED)
TARGET_FIELDS = {
    'target_table_name': 'tableName',
    'target_region': 'regionId',
    'table_class': 'tableClass',
    'capacity_mode': 'capacityMode',
    'read_capacity_units': 'readCapacityUnits',
    'write_capacity_units': 'writeCapacityUnits',
    'point_in_time_recovery': 'pointInTimeRecovery',
    'deletion_protection': 'deletionProtection',
    'kms_key': 'encryptionKey',
}
TABLE_CLASSES = {'standard': 'Standard', 'standard_infrequent_access': 'StandardInfrequentAccess'}  # UNCONFIRMED
CAPACITY_MODES = {'on_demand': 'OnDemand', 'provisioned': 'Provisioned'}  # UNCONFIRMED
TARGET_VALUES = {'table_class': TABLE_CLASSES, 'capacity_mode': CAPACITY_MODES}
# authentication suboption -> authenticationSpecification field, and the type discriminator (UNCONFIRMED)
AUTH_FIELDS = {'iam_role_id': 'iamRoleId', 'access_key': 'accessKey', 'secret_key': 'secretKey'}
AUTH_TYPES = {'iam_role': 'IamRole', 'access_keys': 'AccessKeys'}
# The 202 of the restore may carry the session id (1.0 EC2 restores answer SessionLink{sessionId});
# seed 000 shows `{}`, in which case the session is looked up (find_restore_session).
SESSION_ID_KEYS = ('sessionId', 'id')
# A restore point's creation time: seed 000 spells it createTimeUtc, the sort key says creationTimeUtc.
CREATED_KEYS = ('createTimeUtc', 'creationTimeUtc', 'completedTimeUtc')
NEWEST_FIRST = 'creationTimeUtcDesc'
# /api/v1/dynamoDb table objects (UNCONFIRMED field names).
TABLE_NAME_KEY = 'name'
TABLE_REGION_KEYS = ('regionId', 'regionName')
TABLE_ACCOUNT_KEY = 'resourceAwsAccountId'

# Session `status` is spelled Canceled, session `result` Cancelled; accept both everywhere.
SESSION_STATES = StateMap(
    running=('Running', 'NeverExecuted', 'Pending', 'Canceling'),
    succeeded=('Succeeded', 'Success'),
    warning=('Warning',),
    failed=('Failed', 'Canceled', 'Cancelled', 'Error'),
)

_API_VERSION_RE = re.compile(r'[0-9]+\.[0-9]+-rev[0-9]+')


class VeeamAwsConnection(ApplianceConnection):
    """The connection option group: argument spec, checks, and the authenticated client."""

    ENV_PREFIX = 'VEEAM_AWS'
    EXAMPLE_URL = 'https://vbaws.example.com:11005'
    ARGSPEC = appliance_argspec(ENV_PREFIX, {'default': DEFAULT_API_VERSION})

    def check_api_version(self, api_version):
        if not _API_VERSION_RE.fullmatch(api_version):
            self.module.fail_json(msg='api_version must look like 1.7-rev0 (major.minor-revN), got %r' % api_version)

    def client(self):
        params = self.module.params
        auth = OAuth2PasswordAuth(API + '/token', params['username'], params['password'])
        api = ApiClient(params['server'], headers={'x-api-version': params['api_version'], 'Accept': 'application/json'},
                        timeout=params['timeout'], validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                        auth=auth, error_parser=parse_error, redactor=self.module.redact)
        return VeeamAwsClient(api)


def parse_error(body):
    """Veeam's problem body: {type, title, status, errorCode, details, instance}."""
    if not isinstance(body, dict):
        return None
    if 'errorCode' not in body and 'details' not in body:
        return default_error_parser(body)  # e.g. an OAuth-style {error, error_description}
    title = body.get('title') or body.get('message')
    detail = body.get('details') or body.get('detail')
    code = body.get('errorCode')
    text = ': '.join(str(part) for part in (title, detail) if part)
    return '%s (%s)' % (text, code) if code and text else (text or code)


class VeeamAwsClient:
    """Typed calls over one authenticated ApiClient."""

    def __init__(self, api):
        self.api = api

    def close(self):
        self.api.close()

    def _pages(self, path, params, max_items=None):
        def fetch(offset, limit):
            return self.api.request('GET', path, params=dict(params, Offset=offset, Limit=limit))
        return iter_offset_limit(fetch, page_size=PAGE_SIZE, max_items=max_items)

    # -- tables ------------------------------------------------------------------------------------
    def list_tables(self, search=None, account=None, organization=None):
        params = _compact(SearchPattern=search, ResourceAwsAccountId=account, ResourceAwsOrganizationId=organization)
        return list(self._pages(API + '/dynamoDb', params))

    def find_table(self, name, account=None, region=None, organization=None):
        """The one protected table with exactly this name (SearchPattern is a substring match)."""
        tables = [table for table in self.list_tables(name, account, organization)
                  if table.get(TABLE_NAME_KEY) == name and (region is None or _first(table, TABLE_REGION_KEYS) == region)]
        if not tables:
            narrowed = ''.join(' in %s %s' % (what, value) for what, value in (('account', account), ('region', region)) if value)
            raise OperationFailed('No DynamoDB table named %r%s is protected by Veeam Backup for AWS.' % (name, narrowed))
        if len(tables) > 1:
            candidates = '; '.join('id %s (account %s, region %s)' % (
                table.get('id'), table.get(TABLE_ACCOUNT_KEY), _first(table, TABLE_REGION_KEYS)) for table in tables)
            raise OperationFailed('table_name %r matches %d tables: %s. Narrow it with resource_aws_account_id and '
                                  'table_region, or pass dynamodb_id.' % (name, len(tables), candidates))
        return tables[0]

    # -- IAM roles (AmazonAccounts, tag IAMRoles of the REST reference) ---------------------------------
    def list_iam_roles(self, search=None):
        return list(self._pages(API + '/accounts/amazon', _compact(SearchPattern=search)))

    # -- restore points ------------------------------------------------------------------------------
    def list_restore_points(self, filters, max_items=None):
        """Restore points newest first; the server sorts, so `max_items=1` is one request."""
        params = dict(_compact(**filters), Sort=NEWEST_FIRST)
        return self._pages(API + '/dynamoDb/restorePoints', params, max_items=max_items)

    def get_restore_point(self, point_id, missing_ok=False):
        try:
            return self.api.request('GET', '%s/dynamoDb/restorePoints/%s' % (API, path_segment(point_id)))
        except ApiError as exc:
            if exc.status != 404:
                raise
            if missing_ok:
                return None
            raise OperationFailed('restore_point_id %s: Veeam Backup for AWS has no DynamoDB restore point with this id.'
                                  % point_id) from None

    def delete_restore_point(self, point_id):
        return self.api.request('DELETE', '%s/dynamoDb/restorePoints/%s' % (API, path_segment(point_id)), expect=(200, 202, 204))

    def start_restore(self, point_id, body):
        """POST the restore; the session id when the 202 names it, else None."""
        answer = self.api.request('POST', '%s/dynamoDb/restorePoints/%s/restore' % (API, path_segment(point_id)), json=body,
                                  expect=(200, 201, 202))
        return _first(answer or {}, SESSION_ID_KEYS)

    # -- sessions -----------------------------------------------------------------------------------
    def list_restore_sessions(self, since=None, status=None):
        params = _compact(Types='RestoreTask', Status=status, FromUtc=iso_z(since) if since else None)
        return self._pages(API + '/sessions', dict(params, Sort='startTimeDesc'))

    def get_session(self, session_id):
        return self.api.request('GET', '%s/sessions/%s' % (API, path_segment(session_id)))

    def get_session_log(self, session_id):
        return (self.api.request('GET', '%s/sessions/%s/log' % (API, path_segment(session_id))) or {}).get('log') or []

    def get_restored_items(self, session_id):
        return list(self._pages('%s/sessions/%s/restoredItems' % (API, path_segment(session_id)), {}))

    def find_restore_sessions(self, target, since, outcomes=('running', 'succeeded', 'warning', 'failed')):
        """Restore sessions started since `since` whose restored item is `target` (name, region)."""
        found = []
        for session in self.list_restore_sessions(since=since):
            if SESSION_STATES.outcome(session_state(session)) not in outcomes:
                continue
            if any(_is_target(item, target) for item in self.get_restored_items(session['id'])):
                found.append(session)
        return found


# -- normalizing ---------------------------------------------------------------------------------
def normalize_restore_point(raw):
    return restore_point(id=raw.get('id'), product='veeam_aws', resource_id=raw.get('dynamoDbId'),
                         resource_name=raw.get('name'), created_at=_first(raw, CREATED_KEYS),
                         size_bytes=raw.get('size'), kind=raw.get('jobType'), region=raw.get('regionName'),
                         account=raw.get('resourceAwsAccountId'), raw=raw)


def normalize_iam_role(raw):
    """An IAM role added to the appliance: the `id` is what authentication.iam_role_id takes."""
    role = raw.get('IAMRole') or raw.get('IAMRoleFromAnotherAccount') or {}
    return {'id': raw.get('id'), 'name': raw.get('name'), 'description': raw.get('description'),
            'aws_account_id': raw.get('awsid') or role.get('accountId'), 'role_name': role.get('roleName'), 'raw': raw}


def session_state(session):
    return session.get('status') or session.get('result') or 'Unknown'


def session_reader(client):
    """How the restore flow (_restore.py) and veeam_aws_session_info read this product's restore sessions."""
    return JobReader(get=client.get_session, state=session_state, log=client.get_session_log,
                     normalize=normalize_session, states=SESSION_STATES)


def normalize_session(raw, log=None):
    return _veeam.normalize_session(raw, log, SESSION_STATES.outcome(session_state(raw)), result=raw.get('result'),
                                    reason=raw.get('reason'))


# -- the restore flow (module_utils/_restore.py) -----------------------------------------------------
class DynamoDbRestore(Restore):
    """A DynamoDB table restore of Veeam Backup for AWS, as the shared restore flow drives it.

    Veeam's table inventory lags the AWS account, so whether the target table exists comes from the
    caller (the `target_exists` option, which the restore_latest role reads off DynamoDB).
    """

    product = 'veeam_aws'
    key = 'session'
    id_key = 'session_id'
    what = 'restore session'
    where = 'Sessions on the appliance'

    def target_text(self):
        return '%s in %s' % (self.table, self.region)

    def prepare(self):
        self.point = normalize_restore_point(self.client.get_restore_point(self.params['restore_point_id']))
        self.table, self.region = restore_target(self.params, self.point)
        self.request = build_restore_body(self.params)
        self.request[RESTORE_BODY['reason']] = _veeam.reason_with_point(self.params.get('reason'), self.point['id'])
        return {'restore_point': self.point, 'target': {'table_name': self.table, 'region': self.region}}

    def earlier(self):
        return [session for session in self.client.find_restore_sessions((self.table, self.region), since=since(self.point))
                if _veeam.restores_point(session.get('reason'), self.point['id'])]

    def target_exists(self, job):
        return self.params.get('target_exists')

    def conflict(self):
        if self.params.get('target_exists') and not self.params['restore_to_original']:
            return ('Table %s already exists in %s and no restore of this point made it: a restore to a new table never '
                    'replaces one. Choose another target_table_name, or delete that table first.' % (self.table, self.region))
        return None

    def start(self):
        return self.client.start_restore(self.point['id'], self.request)

    def reader(self):
        return session_reader(self.client)

    def describe(self, raw):
        return {'state': session_state(raw), 'started_at': raw.get('executionStartTime'),
                'finished_at': raw.get('executionStopTime'),
                'created_resource': {'type': 'dynamodb_table', 'name': self.table, 'region': self.region,
                                     'account': self.point.get('account')}}


# -- building the restore request ----------------------------------------------------------------
def restore_target(params, point):
    """(table name, region) the restore writes to: the original table or the new one."""
    if params['restore_to_original']:
        return point['resource_name'], point['region']
    return params['target_table_name'], params['target_region'] or point['region']


def build_restore_body(params):
    body = {RESTORE_BODY['to_original']: params['restore_to_original'],
            RESTORE_BODY['authentication']: build_authentication(params['authentication'])}
    if not params['restore_to_original']:
        body[RESTORE_BODY['different_location']] = {
            field: TARGET_VALUES.get(option, {}).get(params[option], params[option])
            for option, field in TARGET_FIELDS.items() if params.get(option) is not None}
    if params.get('reason'):
        body[RESTORE_BODY['reason']] = params['reason']
    return body


def build_authentication(auth):
    kind = 'iam_role' if auth.get('iam_role_id') else 'access_keys'
    spec = {'type': AUTH_TYPES[kind]}
    for option, field in AUTH_FIELDS.items():
        if auth.get(option):
            spec[field] = auth[option]
    return spec


# -- helpers -------------------------------------------------------------------------------------
def _compact(**params):
    return {key: value for key, value in params.items() if value is not None}


def _first(mapping, keys):
    for key in keys:
        if mapping.get(key):
            return mapping[key]
    return None


def _is_target(item, target):
    name, region = target
    item_region = _first(item, TABLE_REGION_KEYS)
    return item.get('name') == name and (item_region is None or region is None or item_region == region)
