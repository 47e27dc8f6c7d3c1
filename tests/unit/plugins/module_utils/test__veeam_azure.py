# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Veeam Backup for Microsoft Azure: error parser, async operations, paging, v1 listing, bodies, state map."""

from __future__ import annotations

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._auth import OAuth2PasswordAuth
from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import (
    JOB_STATES,
    PASSWORD_GRANT,
    REFRESH_GRANT,
    TOKEN_PATH,
    VeeamAzureClient,
    build_restore_body,
    is_archived,
    normalize_restore_point,
    normalize_session,
    parse_error,
)
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE, answer

VM_ID = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d'
POINTS = BASE + '/api/v8.1/restorePoints/virtualMachines'


def raw_point(index, **extra):
    return dict({'id': '00000000-0000-4000-8000-%012d' % index, 'pointInTime': '2026-11-%02dT02:00:00.1234567Z' % (1 + index % 28),
                 'backupSizeBytes': 100 + index, 'backupDestination': 'Snapshot', 'vmName': 'db-01', 'regionName': 'westeurope',
                 'accessTier': 'Hot', 'dataRetrievalStatus': 'None'}, **extra)


def page(results, total, offset=0, limit=100):
    return answer(200, {'offset': offset, 'limit': limit, 'totalCount': total, 'results': results, '_links': {}})


@pytest.fixture
def azure(make_client, clock):
    def make(version='v8.1'):
        return VeeamAzureClient(make_client(), version, sleep=clock.sleep, clock=clock)
    return make


def test_problem_details_with_field_errors():
    body = {'type': 'x', 'title': 'One or more validation errors occurred.', 'status': 400, 'detail': 'bad body',
            'traceId': '00-abc-01', 'errors': {'toAlternative.bogus': ['could not be mapped']}}
    assert parse_error(body) == ('One or more validation errors occurred.: bad body: toAlternative.bogus: could not be mapped '
                                 '(traceId 00-abc-01)')


def test_problem_details_without_errors_and_oauth_shapes():
    assert parse_error({'title': 'Not Found', 'status': 404, 'detail': 'Restore point x is not found.'}) == \
        'Not Found: Restore point x is not found.'
    assert parse_error({'error': 'invalid_grant', 'error_description': 'expired'}) == 'expired: invalid_grant'
    assert parse_error('<html>') is None


def test_listing_pages_over_total_count_and_never_stops_at_the_default_100(azure, session):
    session.add(page([raw_point(i) for i in range(100)], 250), page([raw_point(i) for i in range(100, 200)], 250, 100),
                page([raw_point(i) for i in range(200, 250)], 250, 200))
    points = azure().list_restore_points(VM_ID)
    assert len(points) == 250
    assert [call.params['Offset'] for call in session.calls] == [0, 100, 200]
    assert all(call.params['Limit'] == 100 and call.params['VirtualMachineId'] == VM_ID for call in session.calls)
    assert all(call.url == POINTS for call in session.calls)


def test_latest_is_one_request_with_only_latest(azure, session):
    session.add(page([raw_point(7)], 1))
    assert len(azure().list_restore_points(VM_ID, latest=True)) == 1
    assert len(session.calls) == 1
    assert session.calls[0].params['OnlyLatest'] == 'true'


def test_point_in_time_is_never_sent(azure, session):
    # PointInTime is documented as an exact match ("created on the specified date and time"): the module selects
    # at or before from the whole listing instead.
    session.add(page([raw_point(1)], 1))
    azure().list_restore_points(VM_ID)
    assert 'PointInTime' not in session.calls[0].params


def test_a_null_total_count_and_a_page_cap_of_50_still_read_all_130_points(azure, session):
    # totalCount is nullable and no maximum page size is documented (issue 16 item 2).
    session.add(*[answer(200, {'offset': offset, 'limit': 100, 'totalCount': None,
                               'results': [raw_point(i) for i in range(offset, min(offset + 50, 130))]})
                  for offset in (0, 50, 100, 130)])
    points = azure().list_restore_points(VM_ID)
    assert len(points) == 130 and len({point['id'] for point in points}) == 130
    assert [call.params['Offset'] for call in session.calls] == [0, 50, 100, 130]


def test_every_id_in_a_path_is_one_quoted_segment(azure, session):
    session.add(answer(200, {'id': 'x'}), answer(200, {'id': 'y', 'status': 'Success'}), page([], 0))
    client = azure()
    client.get_restore_point('../jobSessions')
    client.get_session('38?x=1#y')
    client.get_restored_items('a/b')
    assert [call.url for call in session.calls] == [
        POINTS + '/..%2FjobSessions', BASE + '/api/v8.1/jobSessions/38%3Fx%3D1%23y', BASE + '/api/v8.1/jobSessions/a%2Fb/restoredItems']


@pytest.mark.parametrize('listed, expected', [
    ([{'name': 'WEB-01-drill', 'resourceGroupName': 'RG-Drill', 'isDeleted': False}], True),
    ([{'name': 'web-01-drill', 'resourceGroupName': 'rg-other', 'isDeleted': False}], False),
    ([{'name': 'web-01-drill', 'resourceGroupName': 'rg-drill', 'isDeleted': True}], False),
    ([{'name': 'web-01-drill-2', 'resourceGroupName': 'rg-drill', 'isDeleted': False}], False),
    ([], False),
])
def test_vm_exists_reads_the_inventory(azure, session, listed, expected):
    session.add(page(listed, len(listed)))
    assert azure().vm_exists('web-01-drill', 'rg-drill') is expected
    assert session.calls[0].url == BASE + '/api/v8.1/virtualMachines'
    assert session.calls[0].params['SearchPattern'] == 'web-01-drill' and session.calls[0].params['ExistsState'] == 'OnlyExists'


def test_vm_exists_is_unknown_when_the_inventory_is_refused(azure, session):
    session.add(answer(403, {'title': 'Forbidden', 'status': 403}))
    assert azure().vm_exists('web-01-drill') is None


def test_a_202_async_operation_is_followed_to_its_result(azure, session, clock):
    operation = {'id': 'op-1', 'startTime': '2026-11-22T10:00:00Z', 'status': 'Running', 'error': None, 'result': None}
    vms = {'offset': 0, 'limit': 100, 'totalCount': 1, 'results': [{'id': VM_ID, 'name': 'db-01'}]}
    session.add(answer(202, operation), answer(200, dict(operation)),
                answer(200, dict(operation, status='Success', result=vms)))
    client = azure()
    assert client.find_vm('db-01')['id'] == VM_ID
    assert session.calls[1].url == BASE + '/api/v8.1/operations/op-1'
    assert client.async_operations == 1
    assert clock.sleeps


def test_a_failed_async_operation_fails_with_its_problem(azure, session):
    operation = {'id': 'op-2', 'startTime': '2026-11-22T10:00:00Z', 'status': 'Error',
                 'error': {'title': 'Forbidden', 'detail': 'no access to the subscription'}}
    session.add(answer(202, operation))
    with pytest.raises(OperationFailed, match='op-2 ended Error: Forbidden: no access to the subscription'):
        azure().find_vm('db-01')


def test_find_vm_refuses_an_ambiguous_name(azure, session):
    session.add(page([{'id': 'a', 'name': 'app-01'}, {'id': 'b', 'name': 'app-01'}, {'id': 'c', 'name': 'app-012'}], 3))
    with pytest.raises(OperationFailed, match="vm_name 'app-01' matches 2 VMs: id a .*; id b"):
        azure().find_vm('app-01')


def test_find_vm_falls_back_to_the_inventory(azure, session):
    session.add(page([], 0), page([{'id': VM_ID, 'name': 'db-01'}], 1))
    assert azure().find_vm('db-01')['id'] == VM_ID
    assert session.calls[1].url == BASE + '/api/v8.1/virtualMachines'
    assert session.calls[0].params['SearchPattern'] == 'db-01'


def test_find_vm_names_a_missing_vm(azure, session):
    session.add(page([], 0), page([], 0))
    with pytest.raises(OperationFailed, match="No Azure VM named 'nope'"):
        azure().find_vm('nope')


def test_the_archived_v1_listing_uses_its_own_path_and_spelling(azure, session):
    seed_003 = [{'id': '15ed5dd3-c759-4726-9682-be9f9d72a7d5', 'pointInTime': '2020-02-03T13:02:39.35773Z',
                 'backupSizeBytes': '136367309312', 'backupDestination': 'ManualSnapshot', '_embeddedResources': {}},
                {'id': '1e1782e9-9921-4e11-980a-77203e9c691a', 'pointInTime': '2020-02-05T10:48:38.853005Z',
                 'backupSizeBytes': 136367309312, 'backupDestination': 'AzureBlob', '_embeddedResources': {}}]
    session.add(answer(200, {'offset': 0, 'limit': 30, 'totalCount': 2, 'results': seed_003}))
    raw = azure('v1').list_restore_points(latest=True)
    assert session.calls[0].url == BASE + '/api/v1/restorePoints'
    assert session.calls[0].params == {'offset': 0, 'limit': 100, 'onlyLatest': 'True'}
    points = [normalize_restore_point(item) for item in raw]
    assert points[0]['size_bytes'] == 136367309312  # documented as a string in seed 003
    assert points[1]['created_at'] == '2020-02-05T10:48:38Z'
    assert points[0]['kind'] == 'ManualSnapshot'
    assert points[0]['product'] == 'veeam_azure'


def test_normalize_a_v8_point_with_its_vm():
    vm = {'id': VM_ID, 'name': 'db-01', 'regionName': 'westeurope', 'subscription': {'id': 'sub-1'}}
    point = normalize_restore_point(raw_point(3), vm)
    assert point['resource_id'] == VM_ID
    assert point['resource_name'] == 'db-01'
    assert point['account'] == 'sub-1'
    assert point['created_at'] == '2026-11-04T02:00:00Z'
    assert point['size_bytes'] == 103


def test_archive_tier_detection():
    assert is_archived(raw_point(1, accessTier='Archive', dataRetrievalStatus='None'))
    assert is_archived(raw_point(1, accessTier='Archive', dataRetrievalStatus='Retrieving'))
    assert not is_archived(raw_point(1, accessTier='Archive', dataRetrievalStatus='Retrieved'))
    assert not is_archived(raw_point(1))


@pytest.mark.parametrize('state, outcome', [
    ('Running', 'running'), ('RunningWithWarning', 'running'), ('RunningWithError', 'running'), ('Pending', 'running'),
    ('Canceling', 'running'), ('NeverExecuted', 'running'), ('Success', 'succeeded'), ('Warning', 'warning'),
    ('Error', 'failed'), ('Canceled', 'failed'),
])
def test_job_status_map(state, outcome):
    assert JOB_STATES.outcome(state) == outcome


def test_restore_body_for_the_original_place_has_no_to_alternative():
    body = build_restore_body({'reason': 'INC-42', 'start_vm_after_restore': True, 'service_account_id': 'sa-1',
                               'source_service_account_id': None, 'to_alternative': None})
    assert body == {'reason': 'INC-42', 'startVmAfterRestore': True, 'serviceAccountId': 'sa-1'}


def test_restore_body_for_an_alternative_place():
    alt = {'name': 'web-01-drill', 'subscription_id': 'sub-1', 'resource_group_id': 'rg-1', 'region_id': 'westeurope',
           'vm_size': 'Standard_B2s', 'virtual_network_id': 'vnet-1', 'subnet': 'default', 'network_security_group_id': 'nsg-1',
           'availability_set_id': None, 'availability_zone': '2', 'disk_type': 'unmanaged'}
    body = build_restore_body({'reason': 'drill', 'start_vm_after_restore': False, 'to_alternative': alt})
    assert body['toAlternative'] == {
        'name': 'web-01-drill', 'vmSizeName': 'Standard_B2s', 'subscription': {'id': 'sub-1'}, 'resourceGroup': {'id': 'rg-1'},
        'region': {'id': 'westeurope'}, 'virtualNetwork': {'id': 'vnet-1'}, 'networkSecurityGroup': {'id': 'nsg-1'},
        'subnet': {'name': 'default'}, 'availabilityZone': {'name': '2', 'subscriptionId': 'sub-1', 'regionId': 'westeurope'},
        'diskType': 'Unmanaged'}


def test_find_restore_sessions_matches_reason_and_restored_vm(azure, session):
    sessions = [{'id': 's1', 'status': 'Success', 'executionStartTime': '2026-11-22T10:00:00Z', 'restoreJobInfo': {'reason': 'drill'}},
                {'id': 's2', 'status': 'Running', 'executionStartTime': '2026-11-22T11:00:00Z', 'restoreJobInfo': {'reason': 'other'}},
                {'id': 's3', 'status': 'Running', 'executionStartTime': '2026-11-22T12:00:00Z', 'restoreJobInfo': {'reason': 'drill'}}]
    session.add(page(sessions, 3), page([{'name': 'web-01-drill'}], 1), page([{'name': 'web-01-other'}], 1))
    found = azure().find_restore_sessions('drill', 'web-01-drill', None)
    assert [(found_session['id'], item) for found_session, item in found] == [('s1', {'name': 'web-01-drill'})]
    assert session.calls[0].params['Types'] == 'RestoreVms'
    assert session.calls[1].url.endswith('/jobSessions/s1/restoredItems')


def test_normalize_session():
    raw = {'id': 's1', 'type': 'RestoreVms', 'status': 'Success', 'executionStartTime': '2026-11-22T10:00:00Z',
           'executionStopTime': '2026-11-22T10:00:42.5Z', 'restoreJobInfo': {'reason': 'drill'}}
    session = normalize_session(raw, [{'message': 'ok'}])
    assert session['outcome'] == 'succeeded'
    assert session['duration_seconds'] == 42.5
    assert session['reason'] == 'drill'
    assert session['log'] == [{'message': 'ok'}]


def test_token_grants_are_spelled_as_the_spec_spells_them(make_client, session):
    auth = OAuth2PasswordAuth(TOKEN_PATH, 'operator', 'pw-Secret-1', password_grant=PASSWORD_GRANT, refresh_grant=REFRESH_GRANT)
    client = VeeamAzureClient(make_client(auth=auth))
    session.add(answer(200, {'access_token': 'access-1', 'refresh_token': 'refresh-1', 'expires_in': 3600}),
                answer(401, {'title': 'Unauthorized'}),
                answer(200, {'access_token': 'access-2', 'refresh_token': 'refresh-2', 'expires_in': 3600}),
                answer(200, {'id': 's1', 'status': 'Running'}))
    assert client.get_session('s1')['status'] == 'Running'
    assert session.calls[0].url == BASE + '/api/oauth2/token'
    assert session.calls[0].data['grant_type'] == 'Password'
    assert session.calls[2].data == {'grant_type': 'Refresh_token', 'refresh_token': 'refresh-1'}
    assert session.calls[3].headers['Authorization'] == 'Bearer access-2'
