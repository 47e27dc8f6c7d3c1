# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The paging iterators: Offset/Limit over totalCount, next links, page tokens."""

from __future__ import annotations

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed
from ansible_collections.recoverops.restore.plugins.module_utils._paging import (
    iter_next_link,
    iter_offset_limit,
    iter_page_token,
)
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import VeeamAwsClient
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE, answer


class OffsetServer:
    """A Veeam-like list endpoint: `cap` is the most the server returns per page whatever Limit says."""

    def __init__(self, total, cap=None, count=None):
        self.items = list(range(total))
        self.cap = cap
        self.count = total if count is None else count
        self.fetches = []

    def __call__(self, offset, limit):
        self.fetches.append((offset, limit))
        size = limit if self.cap is None else min(limit, self.cap)
        return {'totalCount': self.count, 'results': self.items[offset:offset + size]}


def test_offset_limit_walks_every_page_over_total_count():
    server = OffsetServer(230)
    assert list(iter_offset_limit(server, page_size=100)) == list(range(230))
    assert server.fetches == [(0, 100), (100, 100), (200, 100)]


def test_exact_multiple_of_the_page_size_stops_at_total_count():
    server = OffsetServer(200)
    assert len(list(iter_offset_limit(server, page_size=100))) == 200
    assert server.fetches == [(0, 100), (100, 100)]


def test_server_capping_pages_below_the_limit_still_returns_everything():
    server = OffsetServer(250, cap=100)
    assert list(iter_offset_limit(server, page_size=500)) == list(range(250))
    assert server.fetches == [(0, 500), (100, 500), (200, 500)]


def test_max_items_one_is_exactly_one_fetch_with_limit_one():
    server = OffsetServer(1000)
    assert list(iter_offset_limit(server, page_size=500, max_items=1)) == [0]
    assert server.fetches == [(0, 1)]


def test_max_items_spanning_capped_pages():
    server = OffsetServer(1000, cap=100)
    assert list(iter_offset_limit(server, page_size=500, max_items=250)) == list(range(250))
    assert server.fetches == [(0, 250), (100, 150), (200, 50)]


def test_max_items_is_honoured_when_the_server_ignores_limit():
    def ignores_limit(offset, limit):
        return {'totalCount': 10, 'results': list(range(offset, offset + 5))}

    assert list(iter_offset_limit(ignores_limit, page_size=500, max_items=2)) == [0, 1]


def test_empty_page_stops_even_when_total_count_says_more():
    server = OffsetServer(5, count=50)
    assert list(iter_offset_limit(server, page_size=5)) == [0, 1, 2, 3, 4]
    assert server.fetches == [(0, 5), (5, 5)]


def test_without_total_count_a_short_page_is_not_the_last():
    # totalCount is nullable and no maximum page size is documented: a page shorter than Limit may be
    # the server's cap, so only an empty page ends a listing without totalCount.
    pages = {0: list(range(10)), 10: [10, 11]}
    fetches = []

    def fetch(offset, limit):
        fetches.append(offset)
        return {'totalCount': None, 'results': pages.get(offset, [])}

    assert list(iter_offset_limit(fetch, page_size=10)) == list(range(12))
    assert fetches == [0, 10, 12]


def test_a_null_total_count_and_a_page_cap_of_50_read_all_130():
    server = OffsetServer(130, cap=50)
    server.count = None
    assert list(iter_offset_limit(server, page_size=100)) == list(range(130))
    assert server.fetches == [(0, 100), (50, 100), (100, 100), (130, 100)]


def test_a_given_total_count_and_a_page_cap_of_50_stop_at_the_total_without_an_empty_page():
    server = OffsetServer(130, cap=50)
    assert list(iter_offset_limit(server, page_size=100)) == list(range(130))
    assert server.fetches == [(0, 100), (50, 100), (100, 100)]


def test_a_null_total_count_with_max_items_stops_at_max_items():
    server = OffsetServer(130, cap=50)
    server.count = None
    assert list(iter_offset_limit(server, page_size=100, max_items=60)) == list(range(60))
    assert server.fetches == [(0, 60), (50, 10)]


def test_offset_limit_is_lazy():
    server = OffsetServer(300)
    iterator = iter_offset_limit(server, page_size=100)
    assert next(iterator) == 0
    assert server.fetches == [(0, 100)]


def test_none_page_stops():
    assert list(iter_offset_limit(lambda offset, limit: None)) == []


def test_veeam_client_latest_point_is_one_request_with_limit_one(make_client, session):
    session.add(answer(200, {'totalCount': 40, 'results': [{'id': 'newest'}]}), answer(200, {}))
    client = VeeamAwsClient(make_client())
    points = list(client.list_restore_points({'DynamoDbId': 'd-1', 'ResourceAwsAccountId': None}, max_items=1))
    assert points == [{'id': 'newest'}]
    assert len(session.calls) == 1
    call = session.calls[0]
    assert call.url == BASE + '/api/v1/dynamoDb/restorePoints'
    assert call.params == {'DynamoDbId': 'd-1', 'Sort': 'creationTimeUtcDesc', 'Offset': 0, 'Limit': 1}


# -- next links ------------------------------------------------------------------------------------
def test_next_link_iteration_follows_the_links():
    pages = {
        '/backups?page=1': (['a', 'b'], '/backups?page=2'),
        '/backups?page=2': (['c'], '/backups?page=3'),
        '/backups?page=3': (['d'], None),
    }
    requested = []

    def fetch(request):
        requested.append(request)
        return pages[request]

    assert list(iter_next_link(fetch, '/backups?page=1')) == ['a', 'b', 'c', 'd']
    assert requested == ['/backups?page=1', '/backups?page=2', '/backups?page=3']


def test_next_link_loop_guard_stops_on_a_self_link():
    requested = []

    def fetch(request):
        requested.append(request)
        return ['x'], dict(request)  # the server links the page to itself

    assert list(iter_next_link(fetch, {'path': '/backups', 'params': {'page': 1}})) == ['x']
    assert len(requested) == 1


def test_next_link_loop_guard_stops_on_a_cycle():
    links = {1: 2, 2: 1}
    requested = []

    def fetch(request):
        requested.append(request)
        return [request], links[request]

    assert list(iter_next_link(fetch, 1)) == [1, 2]
    assert requested == [1, 2]


# -- page tokens -------------------------------------------------------------------------------------
def test_page_token_iteration_passes_each_token_on():
    pages = {None: {'Items': [1], 'NextToken': 't1'}, 't1': {'Items': [2], 'NextToken': 't2'}, 't2': {'Items': [3]}}
    tokens = []

    def fetch(token):
        tokens.append(token)
        return pages[token]

    assert [page['Items'] for page in iter_page_token(fetch)] == [[1], [2], [3]]
    assert tokens == [None, 't1', 't2']


def test_page_token_field_is_configurable_and_empty_token_stops():
    pages = {None: {'items': [1], 'next_page_token': 'p2'}, 'p2': {'items': [2], 'next_page_token': ''}}
    tokens = []

    def fetch(token):
        tokens.append(token)
        return pages[token]

    assert len(list(iter_page_token(fetch, token_field='next_page_token'))) == 2
    assert tokens == [None, 'p2']


def test_a_server_that_ignores_offset_fails_instead_of_looping():
    def same_page(offset, limit):
        same_page.calls += 1
        return {'totalCount': None, 'results': list(range(50))}
    same_page.calls = 0
    with pytest.raises(OperationFailed, match='Offset=50 with the same page'):
        list(iter_offset_limit(same_page, page_size=100))
    assert same_page.calls == 2
