# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Veeam Backup for AWS: restore body, tables, normalizing, session look-up, connection."""

from __future__ import annotations

from unittest import mock

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiError, Redactor
from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import (
    VeeamAwsClient,
    VeeamAwsConnection,
    build_authentication,
    build_restore_body,
    normalize_restore_point,
    normalize_session,
    parse_error,
    restore_target,
)
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE

ROLE_ID = '6a3d1f2e-8b7c-4d5e-9f01-23456789abcd'
POINT_ID = '497f6eca-6276-4993-bfeb-53cbbbba6f08'

RAW_POINT = {
    'policyName': 'daily-dynamodb', 'id': POINT_ID, 'dynamoDbId': '594d2af8-df57-46d8-b05d-20ea4264ee38',
    'backupId': 'eb7cea43-10b2-42dd-8819-ab9aed37565f', 'name': 'orders', 'regionName': 'us-east-1',
    'jobType': 'AwsDynamoDbBackup', 'hasManualBackup': False, 'createTimeUtc': '2026-11-20T02:00:00.1234567Z',
    'completedTimeUtc': '2026-11-20T02:05:00Z', 'size': 1048576, 'resourceAwsAccountId': '123456789012',
}


def params(**overrides):
    base = dict(restore_to_original=False, target_table_name=None, target_region=None, table_class=None,
                capacity_mode=None, read_capacity_units=None, write_capacity_units=None, point_in_time_recovery=None,
                deletion_protection=None, kms_key=None, reason=None, authentication={'iam_role_id': ROLE_ID})
    base.update(overrides)
    return base


# -- restore body -------------------------------------------------------------------------------------
def test_body_for_the_original_table():
    body = build_restore_body(params(restore_to_original=True, reason='INC-42'))
    assert body == {'restoreToOriginal': True,
                    'authenticationSpecification': {'type': 'IamRole', 'iamRoleId': ROLE_ID},
                    'reason': 'INC-42'}


def test_body_for_a_new_table_maps_names_and_values():
    body = build_restore_body(params(
        target_table_name='orders-drill', target_region='eu-west-1', table_class='standard_infrequent_access',
        capacity_mode='provisioned', read_capacity_units=5, write_capacity_units=7, point_in_time_recovery=False,
        deletion_protection=True, kms_key='alias/orders'))
    assert body == {
        'restoreToOriginal': False,
        'authenticationSpecification': {'type': 'IamRole', 'iamRoleId': ROLE_ID},
        'differentLocationSpecification': {
            'tableName': 'orders-drill', 'regionId': 'eu-west-1', 'tableClass': 'StandardInfrequentAccess',
            'capacityMode': 'Provisioned', 'readCapacityUnits': 5, 'writeCapacityUnits': 7,
            'pointInTimeRecovery': False, 'deletionProtection': True, 'encryptionKey': 'alias/orders'},
    }


def test_body_value_maps_apply_only_to_their_own_option():
    body = build_restore_body(params(target_table_name='standard', table_class='standard', capacity_mode='on_demand',
                                     kms_key='provisioned'))
    target = body['differentLocationSpecification']
    assert target == {'tableName': 'standard', 'tableClass': 'Standard', 'capacityMode': 'OnDemand',
                      'encryptionKey': 'provisioned'}
    assert 'reason' not in body


def test_build_authentication_both_kinds():
    assert build_authentication({'iam_role_id': ROLE_ID, 'access_key': None, 'secret_key': None}) == {
        'type': 'IamRole', 'iamRoleId': ROLE_ID}
    assert build_authentication({'iam_role_id': None, 'access_key': 'AKIAEXAMPLE', 'secret_key': 's3cr3t/key'}) == {
        'type': 'AccessKeys', 'accessKey': 'AKIAEXAMPLE', 'secretKey': 's3cr3t/key'}


def test_restore_target():
    point = normalize_restore_point(RAW_POINT)
    assert restore_target(params(restore_to_original=True), point) == ('orders', 'us-east-1')
    assert restore_target(params(target_table_name='orders-drill'), point) == ('orders-drill', 'us-east-1')
    assert restore_target(params(target_table_name='t2', target_region='eu-west-1'), point) == ('t2', 'eu-west-1')


# -- error parser ---------------------------------------------------------------------------------------
@pytest.mark.parametrize('body, expected', [
    ({'title': 'Conflict', 'details': 'Table exists', 'errorCode': 'AlreadyExists'}, 'Conflict: Table exists (AlreadyExists)'),
    ({'title': 'Not Found', 'errorCode': 'NotFound'}, 'Not Found (NotFound)'),
    ({'message': 'Access denied', 'detail': 'role Viewer'}, 'Access denied: role Viewer'),
    ({'errorCode': 'UnknownError'}, 'UnknownError'),
    ({}, None),
    ('<html>', None),
    (None, None),
])
def test_parse_error(body, expected):
    assert parse_error(body) == expected


# -- tables ---------------------------------------------------------------------------------------------
TABLES = [
    {'id': 't-1', 'name': 'orders', 'regionId': 'us-east-1', 'resourceAwsAccountId': '111111111111'},
    {'id': 't-2', 'name': 'orders-archive', 'regionId': 'us-east-1', 'resourceAwsAccountId': '111111111111'},
    {'id': 't-3', 'name': 'orders', 'regionId': 'eu-west-1', 'resourceAwsAccountId': '222222222222'},
    {'id': 't-4', 'name': 'old-orders', 'regionId': 'us-east-1', 'resourceAwsAccountId': '111111111111'},
]


def table_client(tables):
    api = mock.Mock()
    api.request.return_value = {'totalCount': len(tables), 'results': tables}
    return VeeamAwsClient(api), api


def test_find_table_picks_the_exact_name_among_substring_results():
    client, api = table_client([TABLES[1], TABLES[0], TABLES[3]])
    assert client.find_table('orders')['id'] == 't-1'
    api.request.assert_called_once_with('GET', '/api/v1/dynamoDb',
                                        params={'SearchPattern': 'orders', 'Offset': 0, 'Limit': 500})


def test_find_table_narrows_by_region_and_passes_the_account():
    client, api = table_client(TABLES)
    assert client.find_table('orders', account='222222222222', region='eu-west-1')['id'] == 't-3'
    assert api.request.call_args.kwargs['params']['ResourceAwsAccountId'] == '222222222222'


def test_find_table_ambiguity_lists_the_candidates():
    client, dummy = table_client(TABLES)
    with pytest.raises(OperationFailed) as caught:
        client.find_table('orders')
    msg = caught.value.msg
    assert "table_name 'orders' matches 2 tables" in msg
    assert 'id t-1 (account 111111111111, region us-east-1)' in msg
    assert 'id t-3 (account 222222222222, region eu-west-1)' in msg
    assert 'table_region' in msg and 'resource_aws_account_id' in msg


def test_find_table_not_found_message():
    client, dummy = table_client([TABLES[1], TABLES[3]])
    with pytest.raises(OperationFailed) as caught:
        client.find_table('orders', account='111111111111', region='ap-south-1')
    assert caught.value.msg == ("No DynamoDB table named 'orders' in account 111111111111 in region ap-south-1 is "
                                "protected by Veeam Backup for AWS.")


def test_get_restore_point_missing():
    api = mock.Mock()
    api.request.side_effect = ApiError('GET failed with HTTP 404', status=404)
    client = VeeamAwsClient(api)
    assert client.get_restore_point(POINT_ID, missing_ok=True) is None
    with pytest.raises(OperationFailed) as caught:
        client.get_restore_point(POINT_ID)
    assert POINT_ID in caught.value.msg and 'restore_point_id' in caught.value.msg
    api.request.side_effect = ApiError('GET failed with HTTP 500', status=500)
    with pytest.raises(ApiError):
        client.get_restore_point(POINT_ID, missing_ok=True)


@pytest.mark.parametrize('answer_body, expected', [
    ({'sessionId': 's-1'}, 's-1'),
    ({'id': 's-2'}, 's-2'),
    ({}, None),
    (None, None),
])
def test_start_restore_returns_the_session_id_when_named(answer_body, expected):
    api = mock.Mock()
    api.request.return_value = answer_body
    assert VeeamAwsClient(api).start_restore(POINT_ID, {'restoreToOriginal': True}) == expected
    api.request.assert_called_once_with('POST', '/api/v1/dynamoDb/restorePoints/%s/restore' % POINT_ID,
                                        json={'restoreToOriginal': True}, expect=(200, 201, 202))


# -- normalizing ----------------------------------------------------------------------------------------
def test_normalize_restore_point():
    point = normalize_restore_point(RAW_POINT)
    assert point == {
        'id': POINT_ID, 'product': 'veeam_aws', 'resource_id': '594d2af8-df57-46d8-b05d-20ea4264ee38',
        'resource_name': 'orders', 'created_at': '2026-11-20T02:00:00Z', 'size_bytes': 1048576,
        'kind': 'AwsDynamoDbBackup', 'region': 'us-east-1', 'account': '123456789012', 'raw': RAW_POINT}


def test_normalize_restore_point_falls_back_to_creation_time_utc():
    raw = {'id': 'p', 'creationTimeUtc': '2026-11-20T03:00:00+01:00'}
    assert normalize_restore_point(raw)['created_at'] == '2026-11-20T02:00:00Z'


def test_normalize_session():
    raw = {'id': 's-1', 'type': 'RestoreTask', 'status': 'Failed', 'result': 'Failed', 'reason': 'drill',
           'executionStartTime': '2026-11-20T08:00:00.1234567Z', 'executionStopTime': '2026-11-20T09:30:00+01:00'}
    log = [{'message': 'Table exists'}]
    session = normalize_session(raw, log)
    assert session == {'id': 's-1', 'type': 'RestoreTask', 'status': 'Failed', 'result': 'Failed', 'outcome': 'failed',
                       'reason': 'drill', 'started_at': '2026-11-20T08:00:00Z', 'finished_at': '2026-11-20T08:30:00Z',
                       'duration_seconds': 1799.877, 'log': log, 'raw': raw}


def test_normalize_running_session():
    session = normalize_session({'id': 's-2', 'status': 'Running', 'executionStartTime': '2026-11-20T08:00:00Z'})
    assert session['outcome'] == 'running'
    assert session['finished_at'] is None
    assert session['duration_seconds'] is None
    assert session['log'] == []


def test_normalize_session_uses_result_when_status_is_missing():
    assert normalize_session({'id': 's', 'result': 'Cancelled'})['outcome'] == 'failed'
    assert normalize_session({'id': 's', 'result': 'Success'})['outcome'] == 'succeeded'


# -- sessions -------------------------------------------------------------------------------------------
class SessionApi:
    """request() for /sessions and /sessions/{id}/restoredItems."""

    def __init__(self, sessions, items):
        self.sessions = sessions
        self.items = items
        self.calls = []

    def request(self, method, path, params=None):
        self.calls.append((method, path, params))
        if path == '/api/v1/sessions':
            return {'totalCount': len(self.sessions), 'results': self.sessions}
        session_id = path.split('/')[-2]
        return {'totalCount': len(self.items[session_id]), 'results': self.items[session_id]}


def test_find_restore_sessions_matches_restored_items_by_name_and_region():
    sessions = [
        {'id': 's-run', 'status': 'Running'},
        {'id': 's-other-table', 'status': 'Running'},
        {'id': 's-other-region', 'status': 'Succeeded'},
        {'id': 's-failed', 'status': 'Failed'},
        {'id': 's-no-region', 'result': 'Success'},
    ]
    items = {
        's-run': [{'name': 'orders-drill', 'regionId': 'us-east-1'}],
        's-other-table': [{'name': 'orders', 'regionId': 'us-east-1'}],
        's-other-region': [{'name': 'orders-drill', 'regionName': 'eu-west-1'}],
        's-failed': [{'name': 'orders-drill', 'regionId': 'us-east-1'}],
        's-no-region': [{'name': 'x'}, {'name': 'orders-drill'}],
    }
    api = SessionApi(sessions, items)
    since = parse_timestamp('2026-11-20T02:00:00Z')
    found = VeeamAwsClient(api).find_restore_sessions(('orders-drill', 'us-east-1'), since=since)
    # every outcome by default: the caller decides what a failed session means
    assert [session['id'] for session in found] == ['s-run', 's-failed', 's-no-region']
    method, path, query = api.calls[0]
    assert (method, path) == ('GET', '/api/v1/sessions')
    assert query['FromUtc'] == '2026-11-20T02:00:00Z'
    assert query['Types'] == 'RestoreTask'
    assert query['Sort'] == 'startTimeDesc'
    live = VeeamAwsClient(SessionApi(sessions, items))
    without_failed = live.find_restore_sessions(('orders-drill', 'us-east-1'), since=since,
                                                outcomes=('running', 'succeeded', 'warning'))
    assert [session['id'] for session in without_failed] == ['s-run', 's-no-region']
    # a failed session's restored items are not fetched when failed sessions are not asked for
    assert ('GET', '/api/v1/sessions/s-failed/restoredItems', {'Offset': 0, 'Limit': 500}) not in live.api.calls
    with_failed = found
    assert [session['id'] for session in with_failed] == ['s-run', 's-failed', 's-no-region']


# -- connection -----------------------------------------------------------------------------------------
def test_connection_client_is_configured_from_the_options():
    module = mock.Mock()
    module.params = {'server': 'https://vbaws.test:11005/', 'username': 'restore-operator', 'password': 'hunter22-Secret',
                     'api_version': '1.6-rev1', 'validate_certs': True, 'ca_path': '/etc/pki/ca.pem', 'timeout': 45}
    module.redact = Redactor()
    client = VeeamAwsConnection(module).client()
    module.fail_json.assert_not_called()
    api = client.api
    assert api.base_url == BASE
    assert api.session.headers['x-api-version'] == '1.6-rev1'
    assert api.session.verify == '/etc/pki/ca.pem'
    assert api.timeout == 45
    assert api.error_parser is parse_error
    assert api.auth.token_path == '/api/v1/token'
    assert api.redact is module.redact
    assert module.redact('pw hunter22-Secret') == 'pw ********'
    client.close()


@pytest.mark.parametrize('option, value, says', [
    ('server', 'https://vbaws.test:11005\n', 'server must be an http:// or https:// URL'),
    ('server', 'https://vbaws.test:11005 ', 'server must be an http:// or https:// URL'),
    ('server', 'https://vbaws.test?x=1', 'server must be an http:// or https:// URL'),
    ('server', 'ftp://vbaws.test', 'server must be an http:// or https:// URL'),
    ('api_version', '1.6-rev1\n', 'api_version must look like 1.7-rev0'),
    ('api_version', '1.6', 'api_version must look like 1.7-rev0'),
])
def test_connection_refuses_near_miss_values_whole(option, value, says):
    module = mock.Mock()
    module.params = {'server': 'https://vbaws.test:11005/', 'username': 'restore-operator', 'password': 'pw-Secret-1',
                     'api_version': '1.6-rev1', 'validate_certs': True, 'ca_path': None, 'timeout': 45}
    module.params[option] = value
    module.fail_json.side_effect = SystemExit
    with pytest.raises(SystemExit):
        VeeamAwsConnection(module)
    assert module.fail_json.call_args.kwargs['msg'].startswith(says)
