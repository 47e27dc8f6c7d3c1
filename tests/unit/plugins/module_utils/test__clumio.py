# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Clumio client over a fake session: filters, paging, Accept headers, errors."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import (
    ACCEPT,
    UNCONFIRMED,
    ClumioClient,
    build_restore_target,
    parse_error,
)
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError


class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.content = json.dumps(body).encode()
        self.headers = {}
        self.reason = 'reason'
        self.text = self.content.decode()
        self._body = body

    def json(self):
        return self._body


class FakeSession:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []
        self.headers = {}
        self.verify = True

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        return self.answers.pop(0)

    def close(self):
        pass


def client(answers):
    session = FakeSession(answers)
    return ClumioClient(ApiClient('https://clumio.test', session=session, error_parser=parse_error, sleep=lambda _s: None)), session


def page(items, next_href=None):
    links = {'_next': {'href': next_href}} if next_href else {}
    return FakeResponse(200, {'_embedded': {'items': items}, '_links': links})


def test_parse_error_reads_the_errors_list():
    assert parse_error({'errors': [{'error_code': 402, 'error_message': 'Unauthorized access'}]}) == 'Unauthorized access (error_code 402)'


def test_error_body_becomes_the_message():
    api, _session = client([FakeResponse(401, {'errors': [{'error_code': 402, 'error_message': 'Unauthorized access'}]})])
    with pytest.raises(ApiError) as caught:
        list(api.list_backups('t-1'))
    assert 'Unauthorized access (error_code 402)' in caught.value.msg


def test_backups_filter_sort_accept_and_next_link():
    api, session = client([page([{'id': 'a'}], '/backups/aws/dynamodb-tables?start=2&limit=1'), page([{'id': 'b'}])])
    assert [backup['id'] for backup in api.list_backups('t-1', types=['clumio_backup'], page_size=1)] == ['a', 'b']
    first = session.calls[0][2]
    assert first['headers']['Accept'] == ACCEPT['backups']
    assert first['params']['sort'] == '-start_timestamp'
    assert json.loads(first['params']['filter']) == {'table_id': {'$eq': 't-1'}, 'type': {'$all': ['clumio_backup']}}
    assert session.calls[1][2]['params'] == {'start': '2', 'limit': '1'}


def test_taking_one_backup_is_one_request():
    api, session = client([page([{'id': 'a'}], '/backups/aws/dynamodb-tables?start=2')])
    assert next(iter(api.list_backups('t-1', page_size=1)))['id'] == 'a'
    assert len(session.calls) == 1


def test_find_table_matches_exactly_and_lists_candidates():
    tables = [{'id': '1', 'name': 'orders', 'account_native_id': '111111111111', 'aws_region': 'us-east-1'},
              {'id': '2', 'name': 'orders', 'account_native_id': '222222222222', 'aws_region': 'us-west-2'},
              {'id': '3', 'name': 'orders-archive', 'account_native_id': '111111111111', 'aws_region': 'us-east-1'}]
    api, _session = client([page(tables)])
    with pytest.raises(OperationFailed) as caught:
        api.find_table('orders')
    assert '111111111111' in caught.value.msg and '222222222222' in caught.value.msg and 'orders-archive' not in caught.value.msg


def test_environment_follows_page_tokens():
    api, session = client([page([], '/datasources/aws/environments?start=tok2'),
                           page([{'id': 'env-9', 'account_native_id': '123456789012', 'aws_region': 'us-east-1'}])])
    assert api.find_environment('123456789012', 'us-east-1')['id'] == 'env-9'
    assert session.calls[1][2]['params'] == {'start': 'tok2'}
    assert session.calls[0][2]['headers']['Accept'] == ACCEPT['environments']


def test_restore_posts_with_embed_read_task():
    api, session = client([FakeResponse(202, {'task_id': 't'})])
    assert api.restore_table({'source': {}})['task_id'] == 't'
    method, url, kwargs = session.calls[0]
    assert (method, url, kwargs['params']) == ('POST', 'https://clumio.test/restores/aws/dynamodb-tables', {'embed': 'read-task'})
    assert kwargs['headers']['Accept'] == ACCEPT['restore_table']


@pytest.mark.parametrize('method, option, what, path', [
    ('get_backup', 'backup_id', 'DynamoDB backup', '/backups/aws/dynamodb-tables/'),
    ('get_table', 'table_id', 'DynamoDB table', '/datasources/aws/dynamodb-tables/'),
    ('get_task', 'task_id', 'task', '/tasks/'),
    ('get_environment', 'environment_id', 'AWS environment', '/datasources/aws/environments/'),
])
def test_a_404_keeps_clumios_error_beside_the_hint(method, option, what, path):
    api, session = client([FakeResponse(404, {'errors': [{'error_code': 13404, 'error_message': 'Resource x-1 not found.'}]})])
    with pytest.raises(OperationFailed) as caught:
        getattr(api, method)('x-1')
    assert caught.value.msg.startswith('%s x-1: Clumio has no %s with this id' % (option, what))
    assert 'Resource x-1 not found. (error_code 13404)' in caught.value.msg
    assert session.calls[0][1] == 'https://clumio.test' + path + 'x-1'


@pytest.mark.parametrize('body', [{}, {'errors': []}, {'detail': 'gateway says no'}])
def test_a_404_of_another_shape_keeps_the_http_error(body):
    api, _session = client([FakeResponse(404, body)])
    with pytest.raises(OperationFailed) as caught:
        api.get_backup('x-1')
    assert caught.value.msg.startswith('backup_id x-1: Clumio has no DynamoDB backup with this id (HTTP 404: ')
    detail = caught.value.msg.split('HTTP 404: ', 1)[1].split('). Check the id', 1)[0]
    assert detail not in ('', 'None')
    assert detail == 'gateway says no' if body.get('detail') else '404' in detail


@pytest.mark.parametrize('method', ['get_backup', 'get_table', 'get_task', 'get_environment', 'abort_task'])
def test_every_path_id_is_quoted_as_one_segment(method):
    api, session = client([FakeResponse(200, {'id': 'x'})])
    getattr(api, method)('a/../b?embed=x#y')
    url = session.calls[0][1]
    assert url.endswith('/a%2F..%2Fb%3Fembed%3Dx%23y')
    assert '?' not in url and '#' not in url


def test_restore_tasks_are_of_one_type_into_exactly_that_target():
    table_type, records_type = UNCONFIRMED['table_restore_task_type'], UNCONFIRMED['records_restore_task_type']
    tasks = [
        {'id': 'ok-old', 'type': table_type, 'created_timestamp': '2026-11-22T01:00:00Z',
         'primary_entity': {'value': 'orders-drill'}, 'parent_entity': {'id': 'env-1'}},
        {'id': 'records', 'type': records_type, 'created_timestamp': '2026-11-22T02:00:00Z',
         'primary_entity': {'value': 'orders-drill'}, 'parent_entity': {'id': 'env-1'}},
        {'id': 'other-name', 'type': table_type, 'created_timestamp': '2026-11-22T03:00:00Z',
         'primary_entity': {'value': 'orders-drill-2'}, 'parent_entity': {'id': 'env-1'}},
        {'id': 'other-env', 'type': table_type, 'created_timestamp': '2026-11-22T04:00:00Z',
         'primary_entity': {'value': 'orders-drill'}, 'parent_entity': {'id': 'env-2'}},
        {'id': 'ok-new', 'type': table_type, 'created_timestamp': '2026-11-22T05:00:00Z',
         'primary_entity': {'value': 'orders-drill'}, 'parent_entity': {'id': 'env-1'}},
    ]
    api, session = client([page(tasks)])
    moment = datetime.datetime(2026, 11, 21, tzinfo=datetime.timezone.utc)
    found = api.find_restore_tasks('table_restore_task_type', 'orders-drill', since=moment, parent_id='env-1')
    assert [task['id'] for task in found] == ['ok-new', 'ok-old']
    sent = json.loads(session.calls[0][2]['params']['filter'])
    assert sent['type'] == {'$in': [table_type]}
    assert sent['category'] == {'$in': ['restore']}
    assert sent['primary_entity.value'] == {'$contains': 'orders-drill'}
    assert 'created_timestamp' in sent and '$gte' in sent['created_timestamp']


def test_a_look_back_never_exceeds_clumios_six_months():
    api, session = client([page([])])
    api.find_restore_tasks('records_restore_task_type', 'orders', since=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    since = json.loads(session.calls[0][2]['params']['filter'])['created_timestamp']['$gte']
    assert since > '2020-07-01'
    age = datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.strptime(since, '%Y-%m-%dT%H:%M:%SZ').replace(
        tzinfo=datetime.timezone.utc)
    assert datetime.timedelta(days=179) < age <= datetime.timedelta(days=180, minutes=1)


GSI = {'index_name': 'by-customer', 'key_schema': [{'attribute_name': 'customer', 'key_type': 'HASH'}],
       'projection': {'projection_type': 'ALL', 'non_key_attributes': []}}
PARAMS = {'target_table_name': 'orders-drill'}


@pytest.mark.parametrize('source_mode, given, expected_mode, expected_gsi_throughput', [
    # An on-demand source: DynamoDB describes its indexes with 0 units; none is copied.
    ('PAY_PER_REQUEST', {}, 'PAY_PER_REQUEST', None),
    # A provisioned source restored on demand: the index's units are dropped.
    ('PROVISIONED', {'billing_mode': 'PAY_PER_REQUEST'}, 'PAY_PER_REQUEST', None),
    # A provisioned source kept provisioned: the index keeps its own units.
    ('PROVISIONED', {}, 'PROVISIONED', {'read_capacity_units': 2, 'write_capacity_units': 1}),
    # An on-demand source restored provisioned: the index takes the table's units (its own are 0).
    ('PAY_PER_REQUEST', {'billing_mode': 'PROVISIONED', 'provisioned_throughput': {'read_capacity_units': 7, 'write_capacity_units': 6}},
     'PROVISIONED', {'read_capacity_units': 7, 'write_capacity_units': 6}),
])
def test_copied_index_throughput_follows_the_billing_mode(source_mode, given, expected_mode, expected_gsi_throughput):
    units = {'read_capacity_units': 0, 'write_capacity_units': 0}
    if source_mode == 'PROVISIONED':
        units = {'read_capacity_units': 2, 'write_capacity_units': 1}
    source = {'billing_mode': source_mode, 'global_secondary_indexes': [dict(GSI, provisioned_throughput=units)]}
    if source_mode == 'PROVISIONED':
        source['provisioned_throughput'] = {'read_capacity_units': 4, 'write_capacity_units': 3}
    target = build_restore_target(dict(PARAMS, **given), 'env-1', source)
    assert target['billing_mode'] == expected_mode
    assert target['global_secondary_indexes'][0].get('provisioned_throughput') == expected_gsi_throughput
    if expected_mode == 'PAY_PER_REQUEST':
        assert 'provisioned_throughput' not in target
