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
    # An on-demand table's indexes are recorded with 0 units, which DynamoDB refuses on an on-demand target.
    assert backup['global_secondary_indexes'][0]['provisioned_throughput'] == {'read_capacity_units': 0, 'write_capacity_units': 0}
    indexes = [{key: value for key, value in index.items() if key != 'provisioned_throughput'} for index in backup['global_secondary_indexes']]
    target = {'environment_id': ENV, 'table_name': 'orders-sim-test', 'tags': backup['tags'],
              'global_secondary_indexes': indexes, 'local_secondary_indexes': backup['local_secondary_indexes']}
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


RESTORES = 'application/api.clumio.restored-aws-dynamodb-tables=v1+json'
RECORDS = 'application/api.clumio.restored-records-aws-dynamodb-tables=v1+json'
TASKS = 'application/api.clumio.tasks=v1+json'
LEDGER_BACKUP = '5a000000-0000-4000-8000-000000000031'


def _wait_task(sim, task_id):
    for _attempt in range(100):
        found = call(sim, 'GET', f'/tasks/{task_id}', accept=TASKS).json()
        if found['status'] in ('completed', 'failed', 'aborted'):
            return found
        time.sleep(0.05)
    raise AssertionError(f'task {task_id} did not finish')


def _dynamodb(moto_url):
    return boto3.client('dynamodb', endpoint_url=moto_url, region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')


@pytest.mark.parametrize('backup_id, billing_mode', [(NEWEST_ORDERS, None), (LEDGER_BACKUP, 'PAY_PER_REQUEST')])
def test_index_throughput_on_an_on_demand_target_is_refused_as_dynamodb_does(sim, backup_id, billing_mode):
    backup = call(sim, 'GET', f'/backups/aws/dynamodb-tables/{backup_id}').json()
    target = {'environment_id': ENV, 'table_name': 'refused-units', 'global_secondary_indexes': backup['global_secondary_indexes']}
    if billing_mode:
        target['billing_mode'] = billing_mode
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept=RESTORES,
                  json={'source': {'securevault_backup': {'backup_id': backup_id}}, 'target': target})
    assert answer.status_code == 400
    error = answer.json()['errors'][0]
    assert error['error_code'] == 400
    assert 'ProvisionedThroughput should not be specified for index' in error['error_message']
    assert 'PAY_PER_REQUEST' in error['error_message']
    assert requests.get(sim.url + '/_sim/counters', timeout=10).json()['restores_started'] == 0


def test_a_provisioned_target_keeps_its_index_units(sim, moto_url):
    sim.config.update(queue_s=0.05, job_duration_s=0.1)
    backup = call(sim, 'GET', f'/backups/aws/dynamodb-tables/{LEDGER_BACKUP}').json()
    assert backup['billing_mode'] == 'PROVISIONED'
    target = {'environment_id': ENV, 'table_name': 'ledger-units', 'billing_mode': 'PROVISIONED',
              'provisioned_throughput': backup['provisioned_throughput'], 'global_secondary_indexes': backup['global_secondary_indexes']}
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept=RESTORES,
                  json={'source': {'securevault_backup': {'backup_id': LEDGER_BACKUP}}, 'target': target})
    assert answer.status_code == 202
    assert _wait_task(sim, answer.json()['task_id'])['status'] == 'completed'
    table = _dynamodb(moto_url).describe_table(TableName='ledger-units')['Table']
    units = table['GlobalSecondaryIndexes'][0]['ProvisionedThroughput']
    assert (units['ReadCapacityUnits'], units['WriteCapacityUnits']) == (2, 1)


def test_a_records_restore_is_its_own_task_type(sim):
    sim.config.update(queue_s=0.05, job_duration_s=0.1)
    answer = call(sim, 'POST', '/restores/aws/dynamodb-tables/records?embed=read-task', accept=RECORDS,
                  json={'source': {'backup_id': NEWEST_ORDERS}, 'query_filter': {}, 'target': {'direct_download': {}}})
    assert answer.status_code == 202
    found = answer.json()['_embedded']['read-task']
    assert found['type'] == 'aws_dynamodb_records_restore' and found['category'] == 'restore'
    assert found['primary_entity'] == {'id': ORDERS, 'type': 'aws_dynamodb_table', 'value': 'orders'}
    assert found['parent_entity']['value'] == '111111111111/us-east-1'
    listed = call(sim, 'GET', '/tasks', accept=TASKS, params={'filter': json.dumps({'type': {'$in': ['aws_dynamodb_table_restore']}})})
    assert listed.json()['_embedded']['items'] == []


def test_a_restored_table_deleted_in_dynamodb_is_forgotten_and_can_be_restored_again(sim, moto_url):
    sim.config.update(queue_s=0.05, job_duration_s=0.1)
    body = {'source': {'securevault_backup': {'backup_id': '5a000000-0000-4000-8000-000000000021'}},
            'target': {'environment_id': ENV, 'table_name': 'inventory-again'}}
    first = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept=RESTORES, json=body)
    assert _wait_task(sim, first.json()['task_id'])['status'] == 'completed'
    tables = 'application/api.clumio.aws-dynamodb-tables=v1+json'
    by_name = {'filter': json.dumps({'name': {'$contains': 'inventory-again'}})}
    listed = call(sim, 'GET', '/datasources/aws/dynamodb-tables', accept=tables, params=by_name).json()['_embedded']['items']
    assert [table['name'] for table in listed] == ['inventory-again']
    again = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept=RESTORES, json=body)
    assert again.status_code == 409 and 'already exists' in again.json()['errors'][0]['error_message']
    _dynamodb(moto_url).delete_table(TableName='inventory-again')
    assert call(sim, 'GET', '/datasources/aws/dynamodb-tables', accept=tables, params=by_name).json()['_embedded']['items'] == []
    assert call(sim, 'GET', f"/datasources/aws/dynamodb-tables/{listed[0]['id']}", accept=tables).json()['is_deleted'] is True
    third = call(sim, 'POST', '/restores/aws/dynamodb-tables', accept=RESTORES, json=body)
    assert third.status_code == 202
    assert _wait_task(sim, third.json()['task_id'])['status'] == 'completed'
    assert _dynamodb(moto_url).describe_table(TableName='inventory-again')['Table']['TableStatus'] == 'ACTIVE'


def test_one_environment_by_id(sim):
    environments = 'application/api.clumio.aws-environments=v1+json'
    found = call(sim, 'GET', f'/datasources/aws/environments/{ENV}', accept=environments)
    assert found.status_code == 200 and found.json()['account_native_id'] == '111111111111' and found.json()['aws_region'] == 'us-east-1'
    missing = call(sim, 'GET', '/datasources/aws/environments/nope', accept=environments)
    assert missing.status_code == 404 and missing.json()['errors'][0]['error_message'] == 'Environment nope not found.'
