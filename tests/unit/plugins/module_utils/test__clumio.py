# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Clumio client over a fake session: filters, paging, Accept headers, errors."""

from __future__ import annotations

import json

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._clumio import ACCEPT, ClumioClient, parse_error
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, ApiError
from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed


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
    assert api.resolve_environment('123456789012', 'us-east-1') == 'env-9'
    assert session.calls[1][2]['params'] == {'start': 'tok2'}
    assert session.calls[0][2]['headers']['Accept'] == ACCEPT['environments']


def test_restore_posts_with_embed_read_task():
    api, session = client([FakeResponse(202, {'task_id': 't'})])
    assert api.restore_table({'source': {}})['task_id'] == 't'
    method, url, kwargs = session.calls[0]
    assert (method, url, kwargs['params']) == ('POST', 'https://clumio.test/restores/aws/dynamodb-tables', {'embed': 'read-task'})
    assert kwargs['headers']['Accept'] == ACCEPT['restore_table']
