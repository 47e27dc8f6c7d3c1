"""The Clumio simulator behaves like the product where the collection depends on it."""
from __future__ import annotations

import json
import time

import boto3
import pytest
import requests

from simulators.clumio.app import ClumioSim

TOKEN = 'clumio-sim-token-7f3a9c2e5b1d4e6f8a0b'
ORDERS = '7d2c0000-0000-4000-8000-000000000001'
NEWEST_ORDERS = '5a000000-0000-4000-8000-000000000003'
ENV = '0b6c1f7e-1a2b-4c3d-8e9f-000000000001'
BACKUPS = 'application/api.clumio.backup-aws-dynamodb-tables=v1+json'


@pytest.fixture(name='sim')
def fixture_sim(moto_url, tmp_path):
    sim = ClumioSim(state_dir=tmp_path, dynamodb_endpoint=moto_url, seed_dates='fixed').start()
    yield sim
    sim.stop()


def call(sim, method, path, accept=BACKUPS, token=TOKEN, **kwargs):
    headers = {'Authorization': f'Bearer {token}', 'Accept': accept}
    return requests.request(method, sim.url + path, headers=headers, timeout=10, **kwargs)


def test_wrong_token_is_401_with_the_402_error(sim):
    answer = call(sim, 'GET', '/backups/aws/dynamodb-tables', token='wrong')
    assert answer.status_code == 401
    assert answer.json() == {'errors': [{'error_code': 402, 'error_message': 'Unauthorized access'}]}


def test_wrong_accept_is_refused(sim):
    answer = call(sim, 'GET', '/backups/aws/dynamodb-tables', accept='application/api.clumio.tasks=v1+json')
    assert answer.status_code == 406
    assert 'backup-aws-dynamodb-tables' in answer.json()['errors'][0]['error_message']


def test_backups_newest_first_with_next_link_and_seed_002_links(sim):
    answer = call(sim, 'GET', '/backups/aws/dynamodb-tables', params={
        'limit': 1, 'start': 1, 'sort': '-start_timestamp', 'filter': json.dumps({'table_id': {'$eq': ORDERS}})})
    page = answer.json()
    assert answer.headers['Content-Type'] == BACKUPS
    assert page['_embedded']['items'][0]['id'] == NEWEST_ORDERS
    assert page['total_count'] == 3 and 'start=2' in page['_links']['_next']['href']
    links = page['_embedded']['items'][0]['_links']
    assert {'restore-aws-dynamodb-table', 'restore-aws-dynamodb-records'} <= set(links)


def test_filters_lte_and_type(sim):
    answer = call(sim, 'GET', '/backups/aws/dynamodb-tables', params={'filter': json.dumps(
        {'table_id': {'$eq': ORDERS}, 'start_timestamp': {'$lte': '2026-11-21T12:00:00Z'}, 'type': {'$all': ['clumio_backup']}})})
    assert [item['start_timestamp'][:13] for item in answer.json()['_embedded']['items']] == ['2026-11-21T01', '2026-11-20T01']


def test_environments_use_page_tokens(sim):
    answer = call(sim, 'GET', '/datasources/aws/environments', accept='application/api.clumio.aws-environments=v1+json').json()
    assert len(answer['_embedded']['items']) == 2 and 'start=pt-' in answer['_links']['_next']['href']
    assert 'total_count' not in answer


def test_generate_100k_is_fast_and_latest_is_one_page(sim):
    started = time.monotonic()
    answer = requests.post(sim.url + '/_sim/generate', json={'table_id': ORDERS, 'count': 100000, 'newest': '2026-11-22T00:00:00Z'}, timeout=60)
    assert answer.status_code == 200 and answer.json()['total'] == 100003
    assert time.monotonic() - started < 10
    page = call(sim, 'GET', '/backups/aws/dynamodb-tables', params={'limit': 1, 'filter': json.dumps({'table_id': {'$eq': ORDERS}})}).json()
    assert page['total_count'] == 100003 and page['_embedded']['items'][0]['start_timestamp'].startswith('2026-11-22T00:00:00')


def test_restore_progresses_and_creates_the_table_with_its_configuration(sim, moto_url):
    sim.config.update(queue_s=0.1, job_duration_s=0.3)
    backup = call(sim, 'GET', f'/backups/aws/dynamodb-tables/{NEWEST_ORDERS}').json()
    target = {'environment_id': ENV, 'table_name': 'orders-sim-test', 'tags': backup['tags'],
              'global_secondary_indexes': backup['global_secondary_indexes'], 'local_secondary_indexes': backup['local_secondary_indexes']}
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables?embed=read-task', accept='application/api.clumio.restored-aws-dynamodb-tables=v1+json',
                  json={'source': {'securevault_backup': {'backup_id': NEWEST_ORDERS}}, 'target': target})
    assert answer.status_code == 202
    assert answer.json()['_embedded']['read-task']['status'] == 'queued'
    task_id = answer.json()['task_id']
    seen = set()
    for _attempt in range(50):
        status = call(sim, 'GET', f'/tasks/{task_id}', accept='application/api.clumio.tasks=v1+json').json()['status']
        seen.add(status)
        if status in ('completed', 'failed'):
            break
        time.sleep(0.1)
    assert status == 'completed' and 'in_progress' in seen
    client = boto3.client('dynamodb', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
    table = client.describe_table(TableName='orders-sim-test')['Table']
    assert [index['IndexName'] for index in table['GlobalSecondaryIndexes']] == ['by-customer']
    assert [index['IndexName'] for index in table['LocalSecondaryIndexes']] == ['by-created']
    tags = client.list_tags_of_resource(ResourceArn=table['TableArn'])['Tags']
    assert {tag['Key'] for tag in tags} == {'team', 'tier'}
    assert client.scan(TableName='orders-sim-test')['Count'] == 3


def test_restore_without_indexes_drops_them_and_abort_works(sim, moto_url):
    sim.config.update(queue_s=5, job_duration_s=5)
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept='application/api.clumio.restored-aws-dynamodb-tables=v1+json',
                  json={'source': {'securevault_backup': {'backup_id': NEWEST_ORDERS}}, 'target': {'environment_id': ENV, 'table_name': 'orders-abort'}})
    task_id = answer.json()['task_id']
    patched = call(sim, 'PATCH', f'/tasks/{task_id}', accept='application/api.clumio.tasks=v1+json', json={'status': 'aborting'})
    assert patched.json()['status'] == 'aborting'
    time.sleep(0.5)
    assert call(sim, 'GET', f'/tasks/{task_id}', accept='application/api.clumio.tasks=v1+json').json()['status'] == 'aborted'


def test_bad_target_is_refused_with_errors_body(sim):
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept='application/api.clumio.restored-aws-dynamodb-tables=v1+json',
                  json={'source': {'securevault_backup': {'backup_id': NEWEST_ORDERS}},
                        'target': {'environment_id': ENV, 'table_name': 'x-1', 'sse_specification': {'kms_key_type': 'CUSTOMER_MANAGED'}}})
    assert answer.status_code == 400 and 'kms_master_key_id' in answer.json()['errors'][0]['error_message']


def test_records_preview(sim):
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables/records', accept='application/api.clumio.restored-records-aws-dynamodb-tables=v1+json',
                  json={'source': {'backup_id': NEWEST_ORDERS}, 'query_filter': {'attribute_filters': [
                      {'name': 'customer', 'type': 'String', 'condition': 'EqualTo', 'values': ['c-1']}]}, 'target': {'preview': True}})
    assert answer.status_code == 200 and len(answer.json()['preview_result']['items']) == 2


def test_token_is_a_known_secret(sim):
    assert TOKEN in requests.get(sim.url + '/_sim/secrets', timeout=10).json()


@pytest.mark.parametrize('setting, answer', [
    ({'job_duration_s': -1}, 'job_duration_s must be a number of seconds >= 0'),
    ({'queue_s': True}, 'queue_s must be a number of seconds >= 0'),
    ({'job_outcome': 'Succeeded'}, 'job_outcome must be completed or failed'),
    ({'outcome_by_target': {'orders-restored': 'ok'}}, 'outcome_by_target maps target table names to completed or failed'),
])
def test_job_settings_are_checked(sim, setting, answer):
    refused = requests.post(sim.url + '/_sim/config', json=setting, timeout=10)
    assert refused.status_code == 400 and answer in refused.text
    accepted = requests.post(sim.url + '/_sim/config', json={'job_duration_s': 0.5, 'outcome_by_target': {'t': 'failed'}}, timeout=10)
    assert accepted.status_code == 200 and accepted.json()['job_duration_s'] == 0.5
