"""The Veeam Backup for Microsoft Azure simulator behaves like the product where the collection depends on it."""
from __future__ import annotations

import json
import time

import pytest
import requests

from simulators.veeam_azure.app import VeeamAzureSim

USER, PASSWORD = 'azure-restore-operator', 'Sim-Azure-Restore-2026!'
WEB, DB, BIG = '3f0c2d1e-5b6a-4c7d-8e9f-0a1b2c3d4e5f', '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e'
NEWEST_WEB, ARCHIVED_WEB = '0d6a3c1b-1111-4a2b-8c3d-000000000004', '0d6a3c1b-1111-4a2b-8c3d-000000000001'
API = '/api/v8.1'
POINTS = f'{API}/restorePoints/virtualMachines'


@pytest.fixture(name='sim')
def fixture_sim(tmp_path):
    sim = VeeamAzureSim(state_dir=tmp_path, state_file=tmp_path / 'state.json', seed_dates='fixed').start()
    yield sim
    sim.stop()


class Client:
    """A minimal VBAzure client, as a module would write it."""

    def __init__(self, base: str) -> None:
        self.base, self.token, self.refresh = base, None, None

    def login(self, username: str = USER, password: str = PASSWORD, grant: str = 'Password') -> requests.Response:
        response = requests.post(f'{self.base}/api/oauth2/token', data={'grant_type': grant, 'username': username, 'password': password},
                                 timeout=10)
        self.token, self.refresh = response.json().get('access_token'), response.json().get('refresh_token')
        return response

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {'Authorization': f'Bearer {self.token}', **kwargs.pop('headers', {})}
        return requests.request(method, f'{self.base}{path}', headers=headers, timeout=10, **kwargs)

    def sim(self, method: str, name: str, body=None) -> requests.Response:
        return requests.request(method, f'{self.base}/_sim/{name}', json=body, timeout=10)


@pytest.fixture(name='client')
def fixture_client(sim):
    client = Client(sim.url)
    assert client.login().status_code == 200
    return client


def alt_body(**extra):
    return {'reason': 'DR drill', 'toAlternative': {'name': 'web-01-drill', 'subscription': {'id': 'sub-1'}, 'diskType': 'Managed'},
            **extra}


def wait_for(client: Client, session_id: str, timeout: float = 10) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.call('GET', f'{API}/jobSessions/{session_id}').json()['status']
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ('Success', 'Warning', 'Error', 'Canceled'):
            return seen
        time.sleep(0.1)
    raise AssertionError(f'session {session_id} still {seen}')


# ---- tokens -------------------------------------------------------------------------------------------
def test_password_and_refresh_token_grants_logout(client, sim):
    response = client.call('GET', f'{POINTS}/{NEWEST_WEB}')
    assert response.status_code == 200
    refreshed = requests.post(f'{sim.url}/api/oauth2/token', data={'grant_type': 'Refresh_token', 'refresh_token': client.refresh}, timeout=10)
    assert refreshed.status_code == 200 and refreshed.json()['expires_in'] == 3600
    again = requests.post(f'{sim.url}/api/oauth2/token', data={'grant_type': 'Refresh_token', 'refresh_token': client.refresh}, timeout=10)
    assert again.status_code == 400 and again.json()['status'] == 400  # a refresh token is used up
    client.token = refreshed.json()['access_token']
    assert client.call('DELETE', '/api/oauth2/token').status_code == 204
    assert client.call('GET', f'{POINTS}/{NEWEST_WEB}').status_code == 401
    counters = client.sim('GET', 'counters').json()
    assert (counters['logins'], counters['refreshes'], counters['logouts']) == (1, 1, 1)
    log = client.sim('GET', 'requests').json()
    assert [entry['grant_type'] for entry in log if entry['path'] == '/api/oauth2/token' and entry['method'] == 'POST'] == [
        'Password', 'Refresh_token', 'Refresh_token']


def test_tokens_expire_and_secrets_are_reported(client, sim):
    client.sim('POST', 'config', {'token_lifetime_s': 1})
    client.login()
    time.sleep(1.2)
    response = client.call('GET', f'{POINTS}/{NEWEST_WEB}')
    assert response.status_code == 401
    assert response.json()['title'] == 'Unauthorized' and 'traceId' in response.json()
    secrets = client.sim('GET', 'secrets').json()
    assert PASSWORD in secrets and client.token in secrets


def test_bad_credentials_and_unknown_grants_are_refused(sim):
    client = Client(sim.url)
    assert client.login(password='wrong').status_code == 401
    assert client.login(grant='Saml').status_code == 400
    mfa = client.login('azure-mfa-user', 'Sim-Azure-Mfa-2026!')
    assert mfa.status_code == 200 and mfa.json()['mfa_enabled'] and 'access_token' not in mfa.json()


# ---- restore points --------------------------------------------------------------------------------------
def test_the_default_page_is_100_and_paging_covers_total_count(client):
    first = client.call('GET', POINTS, params={'VirtualMachineId': DB}).json()
    assert (first['offset'], first['limit'], first['totalCount'], len(first['results'])) == (0, 100, 250, 100)
    ids = [point['id'] for offset in (0, 100, 200)
           for point in client.call('GET', POINTS, params={'VirtualMachineId': DB, 'Offset': offset, 'Limit': 100}).json()['results']]
    assert len(set(ids)) == 250
    everything = client.call('GET', POINTS, params={'VirtualMachineId': DB, 'Limit': -1}).json()
    assert len(everything['results']) == 250


def test_a_page_cap_and_a_null_total_count(client):
    client.sim('POST', 'config', {'max_page_size': 50, 'null_total_count': True})
    first = client.call('GET', POINTS, params={'VirtualMachineId': DB, 'Offset': 0, 'Limit': 100}).json()
    assert first['totalCount'] is None and len(first['results']) == 50
    ids = []
    offset = 0
    while True:
        results = client.call('GET', POINTS, params={'VirtualMachineId': DB, 'Offset': offset, 'Limit': 100}).json()['results']
        if not results:
            break
        ids += [point['id'] for point in results]
        offset += len(results)
    assert len(set(ids)) == 250
    assert len(client.call('GET', POINTS, params={'VirtualMachineId': DB, 'Limit': -1}).json()['results']) == 50
    assert client.sim('POST', 'config', {'max_page_size': -1}).status_code == 400
    assert client.sim('POST', 'config', {'null_total_count': 'yes'}).status_code == 400


def test_query_parameters_are_case_sensitive(client):
    response = client.call('GET', POINTS, params={'virtualMachineId': DB})
    assert response.status_code == 400
    assert 'virtualMachineId' in response.json()['errors']


def test_generate_10000_points_fast_and_only_latest(client):
    started = time.monotonic()
    assert client.sim('POST', 'generate', {'vm_id': BIG, 'count': 10000, 'newest': '2026-11-01T00:00:00Z'}).status_code == 200
    assert time.monotonic() - started < 2
    page = client.call('GET', POINTS, params={'VirtualMachineId': BIG}).json()
    assert page['totalCount'] == 10001
    latest = client.call('GET', POINTS, params={'VirtualMachineId': BIG, 'OnlyLatest': 'true'}).json()
    assert latest['totalCount'] == 1 and latest['results'][0]['pointInTime'] == '2026-11-21T04:00:00.000Z'
    assert client.sim('POST', 'generate', {'vm_id': BIG, 'count': 0}).status_code == 400


def test_point_in_time_is_an_exact_match_and_point_fields(client):
    # "Returns only restore points created on the specified date and time": a time between two points matches none.
    between = client.call('GET', POINTS, params={'VirtualMachineId': WEB, 'PointInTime': '2026-11-19T12:00:00Z'}).json()
    assert between['totalCount'] == 0 and between['results'] == []
    exact = client.call('GET', POINTS, params={'VirtualMachineId': WEB, 'PointInTime': '2026-11-19T02:00:00Z'}).json()
    assert [point['id'] for point in exact['results']] == ['0d6a3c1b-1111-4a2b-8c3d-000000000002']
    point = client.call('GET', f'{POINTS}/{ARCHIVED_WEB}').json()
    assert point['accessTier'] == 'Archive' and point['dataRetrievalStatus'] == 'None'
    assert point['vmName'] == 'web-01' and point['backupDestination'] == 'AzureBlob'
    missing = client.call('GET', f'{POINTS}/00000000-0000-4000-8000-000000000000')
    assert missing.status_code == 404 and missing.json()['title'] == 'Not Found'


def test_the_archived_v1_listing_of_seed_003(client):
    page = client.call('GET', '/api/v1/restorePoints').json()
    assert page['totalCount'] == 5
    assert set(page['results'][0]) == {'id', 'pointInTime', 'backupSizeBytes', 'backupDestination', '_embeddedResources', '_links'}
    latest = client.call('GET', '/api/v1/restorePoints', params={'onlyLatest': 'True'}).json()
    assert [point['id'] for point in latest['results']] == ['1e1782e9-9921-4e11-980a-77203e9c691a']
    assert client.call('GET', '/api/v1/restorePoints', params={'Offset': 0}).status_code == 400


def test_older_versions_serve_the_same_paths_and_unknown_ones_do_not(client):
    assert client.call('GET', f'/api/v6/restorePoints/virtualMachines/{NEWEST_WEB}').status_code == 200
    assert client.call('GET', f'/api/v9/restorePoints/virtualMachines/{NEWEST_WEB}').status_code == 404


# ---- async lookups ------------------------------------------------------------------------------------------
def test_lookups_can_answer_202_with_an_async_operation(client):
    client.sim('POST', 'config', {'async_lookups': True, 'async_duration_s': 0.3})
    accepted = client.call('GET', f'{API}/protectedItem/virtualMachines', params={'SearchPattern': 'web'})
    assert accepted.status_code == 202
    operation = accepted.json()
    assert operation['status'] == 'Running' and operation['result'] is None
    time.sleep(0.4)
    done = client.call('GET', f"{API}/operations/{operation['id']}").json()
    assert done['status'] == 'Success'
    assert [vm['name'] for vm in done['result']['results']] == ['web-01']


# ---- restores and sessions ---------------------------------------------------------------------------------
def test_bodies_with_extra_properties_are_refused(client):
    extra_top = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body(toOriginal=True))
    assert extra_top.status_code == 400 and 'toOriginal' in extra_top.json()['errors']
    nested = alt_body()
    nested['toAlternative']['subscription']['bogus'] = 1
    extra_nested = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=nested)
    assert extra_nested.status_code == 400 and 'toAlternative.subscription.bogus' in extra_nested.json()['errors']
    no_reason = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json={'startVmAfterRestore': True})
    assert no_reason.status_code == 400 and 'reason' in no_reason.json()['errors']
    no_subscription_id = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine',
                                     json={'reason': 'x', 'toAlternative': {'name': 'a', 'subscription': {}}})
    assert no_subscription_id.status_code == 400
    assert client.sim('GET', 'counters').json()['restores_started'] == 0


def test_a_restore_runs_through_the_job_states(client):
    client.sim('POST', 'config', {'job_duration_s': 1})
    accepted = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body())
    assert accepted.status_code == 202
    session = accepted.json()
    assert session['type'] == 'RestoreVms' and session['restoreJobInfo']['reason'] == 'DR drill'
    assert wait_for(client, session['id'])[-1] == 'Success'
    items = client.call('GET', f"{API}/jobSessions/{session['id']}/restoredItems").json()
    assert [item['name'] for item in items['results']] == ['web-01-drill']
    listed = client.call('GET', f'{API}/jobSessions', params={'Types': 'RestoreVms'}).json()
    assert [found['id'] for found in listed['results']] == [session['id']]
    assert client.call('GET', f'{API}/jobSessions', params={'Types': 'RestoreVms', 'FromUtc': '2099-01-01T00:00:00Z'}).json()['totalCount'] == 0


def test_a_failing_restore_shows_running_with_error_and_a_log(client):
    client.sim('POST', 'config', {'job_duration_s': 1, 'job_outcome': 'Error'})
    session = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body()).json()
    seen = wait_for(client, session['id'])
    assert 'RunningWithError' in seen and seen[-1] == 'Error'
    log = client.call('GET', f"{API}/jobSessions/{session['id']}/log").json()['log']
    assert log[-1]['status'] == 'Error' and 'quota' in log[-1]['message']


def test_archive_points_must_be_retrieved_first(client):
    client.sim('POST', 'config', {'retrieval_duration_s': 0.5})
    refused = client.call('POST', f'{POINTS}/{ARCHIVED_WEB}/restoreVirtualMachine', json=alt_body())
    assert refused.status_code == 400 and 'archive tier' in refused.json()['detail']
    bad = client.call('POST', f'{POINTS}/{ARCHIVED_WEB}/retrieveData', json={'dataRetrievalPriority': 'Normal', 'daysToKeep': 31})
    assert bad.status_code == 400
    accepted = client.call('POST', f'{POINTS}/{ARCHIVED_WEB}/retrieveData', json={'dataRetrievalPriority': 'High', 'daysToKeep': 2})
    assert accepted.status_code == 202 and accepted.json()['type'] == 'RestorePointDataRetrieval'
    assert client.call('GET', f'{POINTS}/{ARCHIVED_WEB}').json()['dataRetrievalStatus'] == 'Retrieving'
    time.sleep(0.6)
    assert client.call('GET', f'{POINTS}/{ARCHIVED_WEB}').json()['dataRetrievalStatus'] == 'Retrieved'
    assert client.call('POST', f'{POINTS}/{ARCHIVED_WEB}/restoreVirtualMachine', json=alt_body()).status_code == 202
    not_archived = client.call('POST', f'{POINTS}/{NEWEST_WEB}/retrieveData', json={'dataRetrievalPriority': 'Normal'})
    assert not_archived.status_code == 409


def test_the_vm_inventory_lists_restored_vms_until_they_are_deleted(client):
    client.sim('POST', 'config', {'job_duration_s': 0.3})
    body = alt_body()
    body['toAlternative']['resourceGroup'] = {'id': 'rg-drill'}
    session = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=body).json()

    def listed(**params):
        return [(vm['name'], vm['resourceGroupName'], vm['isDeleted'])
                for vm in client.call('GET', f'{API}/virtualMachines', params={'SearchPattern': 'web-01-drill', **params}).json()['results']]

    assert listed() == []  # the VM exists once the restore succeeded
    wait_for(client, session['id'])
    assert listed(ExistsState='OnlyExists') == [('web-01-drill', 'rg-drill', False)]
    assert client.sim('POST', 'vms/delete', {'name': 'web-01-drill', 'resource_group': 'rg-drill'}).status_code == 200
    assert listed(ExistsState='OnlyExists') == []
    assert listed(ExistsState='All') == [('web-01-drill', 'rg-drill', True)]
    assert client.sim('POST', 'vms/delete', {'name': 'web-01-drill', 'resource_group': 'rg-drill'}).status_code == 404
    again = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=body).json()
    wait_for(client, again['id'])
    assert listed(ExistsState='OnlyExists') == [('web-01-drill', 'rg-drill', False)]
    # VirtualMachine has no Sync parameter (ProtectedVirtualMachine has)
    assert client.call('GET', f'{API}/virtualMachines', params={'Sync': 'true'}).status_code == 400
    items = client.call('GET', f"{API}/jobSessions/{session['id']}/restoredItems").json()['results']
    assert items == [{'name': 'web-01-drill', 'resourceGroupName': 'rg-drill', 'regionName': 'westeurope'}]


def test_service_accounts_are_checked_and_can_be_required(client):
    unknown = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body(serviceAccountId='nope'))
    assert unknown.status_code == 400 and 'serviceAccountId' in unknown.json()['errors']
    client.sim('POST', 'config', {'require_service_account': True})
    missing = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body())
    assert missing.status_code == 400 and missing.json()['errors'] == {'serviceAccountId': ['The ServiceAccountId field is required.']}
    assert client.sim('GET', 'counters').json()['restores_started'] == 0
    given = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine',
                        json=alt_body(serviceAccountId='5c1f0b6e-3a2d-4e7f-9a8b-1c2d3e4f5a6b'))
    assert given.status_code == 202


def test_session_ids_in_the_products_own_form(client):
    seeded = client.call('GET', f'{API}/jobSessions/38')
    assert seeded.status_code == 200 and seeded.json()['id'] == '38' and seeded.json()['type'] == 'PolicyBackup'
    assert 'restoreJobInfo' not in seeded.json() and 'restorePointDataRetrievalJobInfo' not in seeded.json()
    client.sim('POST', 'config', {'serial_session_ids': True})
    session = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body()).json()
    assert session['id'] == '39'
    assert client.call('GET', f'{API}/jobSessions/39').json()['restoreJobInfo']['reason'] == 'DR drill'
    restores = client.call('GET', f'{API}/jobSessions', params={'Types': 'RestoreVms'}).json()['results']
    assert [found['id'] for found in restores] == ['39']


@pytest.mark.parametrize('kind', ['drop-after', 'truncate-after'])
def test_a_lost_answer_to_a_restore_still_started_it(client, kind):
    client.sim('POST', 'faults', {'rate': 1.0, 'kinds': [kind], 'methods': ['POST'], 'paths': 'restoreVirtualMachine$', 'limit': 1})
    with pytest.raises((requests.ConnectionError, ValueError)):
        client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body()).json()
    listed = client.call('GET', f'{API}/jobSessions', params={'Types': 'RestoreVms'}).json()
    assert listed['totalCount'] == 1 and client.sim('GET', 'counters').json()['restores_started'] == 1


# ---- framework: faults and persistence --------------------------------------------------------------------------
def test_faults_never_change_state(client):
    client.sim('POST', 'faults', {'rate': 1.0, 'kinds': ['503'], 'seed': 1})
    response = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body())
    assert response.status_code == 503 and response.headers['Retry-After'] == '1'
    assert response.json()['status'] == 503
    client.sim('POST', 'faults', {'rate': 0})
    counters = client.sim('GET', 'counters').json()
    assert counters['restores_started'] == 0 and counters['faults'] == 1


def test_state_survives_a_restart(client, sim, tmp_path):
    client.sim('POST', 'generate', {'vm_id': BIG, 'count': 20})
    session = client.call('POST', f'{POINTS}/{NEWEST_WEB}/restoreVirtualMachine', json=alt_body()).json()
    sim.stop()
    state = json.loads((tmp_path / 'state.json').read_text())
    assert state['state']['generated'][0]['count'] == 20
    again = VeeamAzureSim(state_dir=tmp_path, state_file=tmp_path / 'state.json', seed_dates='fixed').start()
    try:
        client.base = again.url
        assert client.call('GET', f"{API}/jobSessions/{session['id']}").status_code == 200
        assert client.call('GET', POINTS, params={'VirtualMachineId': BIG}).json()['totalCount'] == 21
    finally:
        again.stop()


def test_reset_returns_to_the_seed(client):
    client.sim('POST', 'generate', {'vm_id': BIG, 'count': 5})
    client.sim('POST', 'reset')
    client.login()
    assert client.call('GET', POINTS, params={'VirtualMachineId': BIG}).json()['totalCount'] == 1
