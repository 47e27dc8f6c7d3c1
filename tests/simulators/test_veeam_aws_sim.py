"""The Veeam Backup for AWS simulator behaves like the product where the collection depends on it."""
from __future__ import annotations

import time
import uuid

import boto3
import pytest
import requests

from simulators.common.server import parse_iso
from simulators.veeam_aws.app import VeeamAwsSim

USER, PASSWORD = 'restore-operator', 'Sim-Restore-2026!'
ORDERS = '1a838789-4de3-4e66-92bb-2330bbb347e4'
NEWEST_ORDERS_POINT = '1877133d-2584-495c-af47-2a568a39ce5f'
MANUAL_ORDERS_POINT = 'e01fc770-bf97-4352-b0cc-157d92fcc90d'
ROLE = '2af9ca90-a9e5-4ff8-b45c-a7dfa9498ee8'
VERSION = {'x-api-version': '1.7-rev0'}
POINTS = '/api/v1/dynamoDb/restorePoints'


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path):
    sim = VeeamAwsSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, seed_dates='fixed').start()
    yield sim
    sim.stop()


class Client:
    """A minimal VBAWS client, as a module would write it."""

    def __init__(self, base: str, verify: str | bool = True) -> None:
        self.base, self.verify, self.token = base, verify, None

    def login(self, username: str = USER, password: str = PASSWORD) -> requests.Response:
        response = requests.post(f'{self.base}/api/v1/token', data={'grant_type': 'password', 'username': username, 'password': password},
                                 headers=VERSION, verify=self.verify, timeout=10)
        self.token = response.json().get('access_token')
        return response

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**VERSION, 'Authorization': f'Bearer {self.token}', **kwargs.pop('headers', {})}
        return requests.request(method, f'{self.base}{path}', headers=headers, verify=self.verify, timeout=10, **kwargs)

    def sim(self, method: str, name: str, body=None) -> requests.Response:
        return requests.request(method, f'{self.base}/_sim/{name}', json=body, verify=self.verify, timeout=10)


@pytest.fixture(name='client')
def fixture_client(sim):
    client = Client(sim.url)
    assert client.login().status_code == 200
    return client


def restore_body(table_name: str) -> dict:
    return {'restoreToOriginal': False, 'authenticationSpecification': {'type': 'IamRole', 'iamRoleId': ROLE},
            'differentLocationSpecification': {'tableName': table_name}, 'reason': 'unit test'}


def wait_for_end(client: Client, session_id: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session = client.call('GET', f'/api/v1/sessions/{session_id}').json()
        if session['status'] != 'Running':
            return session
        time.sleep(0.2)
    raise AssertionError('session did not end')


def test_token_flow_refresh_logout_and_expiry(sim, client):
    client.sim('POST', 'config', {'token_lifetime_s': 1})
    body = client.login().json()
    assert body['token_type'] == 'bearer' and body['expires_in'] == 1 and body['mfa_enabled'] is False
    assert client.call('GET', '/api/v1/dynamoDb').status_code == 200
    time.sleep(1.2)
    expired = client.call('GET', '/api/v1/dynamoDb')
    assert expired.status_code == 401 and expired.json()['errorCode'] == 'ExpiredToken'
    refresh = {'grant_type': 'refresh_token', 'refresh_token': body['refresh_token']}
    renewed = requests.post(f'{sim.url}/api/v1/token', data=refresh, headers=VERSION, timeout=10)
    assert renewed.status_code == 200
    reused = requests.post(f'{sim.url}/api/v1/token', data=refresh, headers=VERSION, timeout=10)
    assert reused.status_code == 400 and reused.json()['errorCode'] == 'InvalidToken'
    client.token = renewed.json()['access_token']
    assert client.call('DELETE', '/api/v1/token').status_code == 204
    assert client.call('GET', '/api/v1/dynamoDb').json()['errorCode'] == 'InvalidToken'
    counters = client.sim('GET', 'counters').json()
    assert (counters['logins'], counters['refreshes'], counters['logouts']) == (2, 1, 1)
    assert body['access_token'] in client.sim('GET', 'secrets').json()


def test_bad_credentials_mfa_and_log_has_no_secrets(client):
    denied = client.login(password='wrong')
    assert denied.status_code == 401 and denied.json()['details'] == 'Invalid username or password'
    mfa = client.login('mfa-user', 'Sim-Mfa-2026!').json()
    assert mfa['mfa_enabled'] is True and 'access_token' not in mfa
    log = client.sim('GET', 'requests').text
    assert 'wrong' not in log and PASSWORD not in log and '"grant_type": "password"' in log


def test_headers_and_query_parameters_are_enforced(client):
    assert requests.get(f'{client.base}/api/v1/dynamoDb', timeout=10).json()['type'] == '/api/v1/problems/apiVersionUnspecified'
    unsupported = client.call('GET', '/api/v1/dynamoDb', headers={'x-api-version': '1.0-rev0'}).json()
    assert unsupported['type'] == '/api/v1/problems/unsupportedApiVersion' and '1.5-rev0' in unsupported['details']
    no_token = requests.get(f'{client.base}/api/v1/dynamoDb', headers=VERSION, timeout=10)
    assert no_token.status_code == 401 and no_token.json()['errorCode'] == 'AccessDenied'
    for params in ({'dynamoDbId': ORDERS}, {'limit': 1}, {'Limit': 'x'}, {'Limit': -2}, {'Sort': 'newest'}, {'DynamoDbId': 'nope'}):
        response = client.call('GET', POINTS, params=params)
        assert response.status_code == 400, params
        assert response.headers['Content-Type'].startswith('application/problem+json')
    assert client.call('GET', f'{POINTS}/{uuid.uuid4()}').status_code == 404
    token = requests.post(f'{client.base}/api/v1/token', json={'grant_type': 'password'}, headers=VERSION, timeout=10)
    assert token.status_code == 400


def test_paging_sorting_and_name_lookup(client):
    tables = client.call('GET', '/api/v1/dynamoDb', params={'SearchPattern': 'ORDERS'}).json()
    assert tables['totalCount'] == 2 and {t['resourceAwsAccountId'] for t in tables['results']} == {'111111111111', '222222222222'}
    unsorted = client.call('GET', POINTS, params={'DynamoDbId': ORDERS}).json()
    assert unsorted['totalCount'] == 3 and unsorted['results'][0]['id'] != NEWEST_ORDERS_POINT
    newest = client.call('GET', POINTS, params={'DynamoDbId': ORDERS, 'Sort': 'creationTimeUtcDesc', 'Limit': 1}).json()
    assert [p['id'] for p in newest['results']] == [NEWEST_ORDERS_POINT] and newest['totalCount'] == 3
    second = client.call('GET', POINTS, params={'DynamoDbId': ORDERS, 'Sort': 'creationTimeUtcDesc', 'Offset': 1, 'Limit': 1}).json()
    assert second['results'][0]['id'] == MANUAL_ORDERS_POINT and second['results'][0]['hasManualBackup'] is True
    assert client.call('DELETE', f'{POINTS}/{NEWEST_ORDERS_POINT}').status_code == 400
    assert client.call('DELETE', f'{POINTS}/{MANUAL_ORDERS_POINT}').status_code == 202
    assert client.call('GET', f'{POINTS}/{MANUAL_ORDERS_POINT}').status_code == 404


def test_restore_creates_the_table_in_moto(client, moto_url):
    client.sim('POST', 'config', {'job_duration_s': 0.5})
    response = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-restored-1'))
    assert response.status_code == 202
    session = wait_for_end(client, response.json()['sessionId'])
    assert (session['status'], session['result']) == ('Succeeded', 'Success')
    dynamodb = boto3.client('dynamodb', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
    assert dynamodb.scan(TableName='orders-restored-1')['Count'] == 25
    log = client.call('GET', f"/api/v1/sessions/{session['id']}/log").json()['log']
    assert '25 items' in log[1]['message']
    again = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-restored-1'))
    failed = wait_for_end(client, again.json()['sessionId'])
    assert failed['status'] == 'Failed'
    last = client.call('GET', f"/api/v1/sessions/{failed['id']}/log").json()['log'][-1]
    assert last['message'] == 'Table orders-restored-1 already exists in us-east-1'


def test_restore_body_validation_and_empty_response_mode(client):
    body = restore_body('orders-x')
    body['differentLocationSpecification']['capacityMode'] = 'Provisioned'
    assert client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=body).status_code == 400
    unknown = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json={**restore_body('orders-x'), 'toAlternative': {}})
    assert unknown.status_code == 400 and 'toAlternative' in unknown.json()['details']
    client.sim('POST', 'config', {'restore_response': 'empty'})
    empty = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-empty'))
    assert empty.status_code == 202 and empty.json() == {}
    sessions = client.call('GET', '/api/v1/sessions', params={'Types': 'RestoreTask', 'Sort': 'startTimeDesc', 'Limit': 1}).json()
    assert sessions['totalCount'] == 1 and sessions['results'][0]['status'] == 'Running'


def test_faults_are_decided_before_the_request_acts(client):
    client.sim('POST', 'faults', {'rate': 1.0, 'kinds': ['503']})
    faulted = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-faulted'))
    assert faulted.status_code == 503 and faulted.headers['Retry-After'] == '1'
    client.sim('POST', 'faults', {'rate': 0})
    assert client.call('GET', '/api/v1/sessions').json()['totalCount'] == 0
    counters = client.sim('GET', 'counters').json()
    assert counters['faults'] == 1 and counters['restores_started'] == 0
    assert [entry['fault'] for entry in client.sim('GET', 'requests').json()][-2:] == ['503', None]


def test_generated_points_page_fast(client):
    generated = client.sim('POST', 'generate', {'table_id': ORDERS, 'count': 100000, 'newest': '2026-12-01T00:00:00Z', 'interval_minutes': 60})
    assert generated.status_code == 200
    started = time.monotonic()
    page = client.call('GET', POINTS, params={'DynamoDbId': ORDERS, 'Sort': 'creationTimeUtcDesc', 'Limit': 1}).json()
    assert time.monotonic() - started < 1.0
    assert page['totalCount'] == 100003 and page['results'][0]['createTimeUtc'] == '2026-12-01T00:00:00.000Z'


def test_state_file_restart_keeps_a_running_session(moto_url, tmp_path):
    state_file = tmp_path / 'state.json'
    first = VeeamAwsSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file, tls_enabled=True).start()
    client = Client(first.url, verify=str(tmp_path / 'veeam_aws-cert.pem'))
    client.login()
    client.sim('POST', 'config', {'job_duration_s': 1.5})
    session_id = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-restart')).json()['sessionId']
    first.stop()
    second = VeeamAwsSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file, tls_enabled=True).start()
    try:
        client.base = second.url
        assert client.call('GET', f'/api/v1/sessions/{session_id}').json()['status'] == 'Running'
        assert wait_for_end(client, session_id)['status'] == 'Succeeded'
    finally:
        second.stop()


def test_relative_seed_dates_keep_the_seeded_ages_across_a_restart(moto_url, tmp_path):
    # The seed was written as of 2026-11-20T08:00Z and the newest orders point 6 h before: so it is 6 h old today.
    state_file = tmp_path / 'state.json'
    first = VeeamAwsSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    query = {'DynamoDbId': ORDERS, 'Sort': 'creationTimeUtcDesc', 'Limit': 1}
    try:
        client = Client(first.url)
        client.login()
        newest = client.call('GET', POINTS, params=query).json()['results'][0]
    finally:
        first.stop()
    assert newest['id'] == NEWEST_ORDERS_POINT
    assert abs(time.time() - parse_iso(newest['createTimeUtc']) - 6 * 3600) < 60
    second = VeeamAwsSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, state_file=state_file).start()
    try:
        client.base = second.url
        client.login()
        assert client.call('GET', POINTS, params=query).json()['results'][0]['createTimeUtc'] == newest['createTimeUtc']
    finally:
        second.stop()


def test_a_tampered_restore_drops_and_corrupts_items_on_request(client, moto_url):
    assert client.sim('POST', 'config', {'drop_items': -1}).status_code == 400
    assert client.sim('POST', 'config', {'corrupt_items': True}).status_code == 400
    assert client.sim('POST', 'config', {'corrupt_items': 1, 'drop_items': 2}).status_code == 200
    session_id = client.call('POST', f'{POINTS}/{NEWEST_ORDERS_POINT}/restore', json=restore_body('orders-tampered')).json()['sessionId']
    assert wait_for_end(client, session_id)['result'] == 'Success'
    dynamodb = boto3.client('dynamodb', endpoint_url=moto_url, region_name='us-east-1',
                            aws_access_key_id='testing', aws_secret_access_key='testing')
    items = dynamodb.scan(TableName='orders-tampered')['Items']
    assert len(items) == 23
    assert sum(1 for item in items if {'S': 'corrupted-by-the-simulator'} in item.values()) == 1


def test_a_page_cap_and_a_null_total_count(client):
    assert client.sim('POST', 'generate', {'table_id': '1a838789-4de3-4e66-92bb-2330bbb347e4', 'count': 120}).status_code == 200
    assert client.sim('POST', 'config', {'max_page_size': 50, 'null_total_count': True}).status_code == 200
    page = client.call('GET', POINTS, params={'Offset': 0, 'Limit': 500}).json()
    assert len(page['results']) == 50 and page['totalCount'] is None
    assert client.sim('POST', 'config', {'null_total_count': 'yes'}).status_code == 400


def test_points_of_table_answers_a_listing_by_table_with_another_tables_points(client):
    orders = '1a838789-4de3-4e66-92bb-2330bbb347e4'
    assert client.sim('POST', 'config', {'points_of_table': 'no-such-table'}).status_code == 400
    assert client.sim('POST', 'config', {'points_of_table': 'customers'}).status_code == 200
    mixed = client.call('GET', POINTS, params={'DynamoDbId': orders}).json()['results']
    assert mixed and {point['name'] for point in mixed} == {'customers'}
    assert client.sim('POST', 'config', {'points_of_table': ''}).status_code == 200
    own = client.call('GET', POINTS, params={'DynamoDbId': orders}).json()['results']
    assert own and {point['name'] for point in own} == {'orders'}
