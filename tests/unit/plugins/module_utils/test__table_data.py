# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data checks of a restored table, against DynamoDB tables in moto: each can fail when the data is wrong."""

from __future__ import annotations

import datetime

import boto3
import pytest
from moto import mock_aws

from ansible_collections.recoverops.restore.plugins.module_utils import _table_data as data
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError

UTC = datetime.timezone.utc
ITEMS = [{'order_id': {'S': 'o-%03d' % number}, 'total': {'N': str(number * 10)}, 'tags': {'SS': ['b', 'a']},
          'updated_at': {'S': '2026-11-20T01:00:00Z'}} for number in range(150)]


@pytest.fixture
def dynamodb(monkeypatch):
    for name, value in (('AWS_ACCESS_KEY_ID', 'testing'), ('AWS_SECRET_ACCESS_KEY', 'testing'), ('AWS_DEFAULT_REGION', 'us-east-1')):
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client('dynamodb', region_name='us-east-1')
        for table in ('orders', 'orders-restored', 'orders-again'):
            client.create_table(TableName=table, KeySchema=[{'AttributeName': 'order_id', 'KeyType': 'HASH'}],
                                AttributeDefinitions=[{'AttributeName': 'order_id', 'AttributeType': 'S'}],
                                BillingMode='PAY_PER_REQUEST')
            for item in ITEMS:
                client.put_item(TableName=table, Item=item)
        yield client


def read(client, table, sample=100):
    return data.TableData(data.scan_items(client, table, page_size=40), ['order_id'], sample)


def test_canonical_json_sorts_keys_and_set_members_and_keeps_number_strings():
    assert data.canonical({'b': {'N': '1.50'}, 'a': {'SS': ['y', 'x']}}) == '{"a":{"SS":["x","y"]},"b":{"N":"1.50"}}'
    assert data.canonical({'k': {'B': b'\x00\xff'}}) == '{"k":{"B":"AP8="}}'


def test_two_restores_of_one_point_share_a_fingerprint_and_a_corrupted_one_does_not(dynamodb):
    first, second = read(dynamodb, 'orders-restored'), read(dynamodb, 'orders-again')
    assert first.count == 150 and first.fingerprint == second.fingerprint
    assert data.fingerprint_check(second, first.fingerprint)['passed']
    dynamodb.put_item(TableName='orders-again', Item=dict(ITEMS[7], total={'N': '71'}))
    corrupted = read(dynamodb, 'orders-again')
    result = data.fingerprint_check(corrupted, first.fingerprint)
    assert not result['passed'] and result['expected'] == first.fingerprint and result['found'] == corrupted.fingerprint


def test_a_dropped_item_fails_the_count(dynamodb):
    dynamodb.delete_item(TableName='orders-restored', Key={'order_id': {'S': 'o-003'}})
    result = data.count_check(read(dynamodb, 'orders-restored'), expected_count=150)
    assert result == {'name': 'item_count', 'passed': False, 'expected': 150, 'found': 149,
                      'msg': 'the table holds 149 items, 150 expected'}
    assert data.count_check(read(dynamodb, 'orders-restored'), min_items=100)['passed']
    assert data.count_check(read(dynamodb, 'orders-restored')) is None


def test_compare_with_source_finds_a_corrupted_item_and_names_the_attribute(dynamodb):
    assert data.compare_with_source(dynamodb, read(dynamodb, 'orders-restored', 150).sample, 'orders-restored', 'orders')['passed']
    dynamodb.put_item(TableName='orders-restored', Item=dict(ITEMS[42], total={'N': '1'}))
    result = data.compare_with_source(dynamodb, read(dynamodb, 'orders-restored', 150).sample, 'orders-restored', 'orders')
    assert not result['passed'] and result['expected'] == 150 and result['found'] == 149
    assert result['differences'] == [{'key': {'order_id': {'S': 'o-042'}}, 'attributes': ['total']}]


def test_compare_with_source_skips_items_changed_after_the_point(dynamodb):
    dynamodb.put_item(TableName='orders', Item=dict(ITEMS[5], total={'N': '999'}, updated_at={'S': '2026-11-21T00:00:00Z'}))
    sample = read(dynamodb, 'orders-restored', 150).sample
    point = datetime.datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    result = data.compare_with_source(dynamodb, sample, 'orders-restored', 'orders', 'updated_at', point)
    assert result['passed'] and result['skipped'] == 1 and result['expected'] == 149
    assert not data.compare_with_source(dynamodb, sample, 'orders-restored', 'orders')['passed']


def test_the_sample_is_bounded_by_sample_size(dynamodb):
    assert len(read(dynamodb, 'orders-restored', 10).sample) == 10


def test_expected_items_compare_values_and_report_a_missing_one(dynamodb):
    good = [{'key': {'order_id': {'S': 'o-001'}}, 'attributes': {'total': {'N': '10'}}}]
    assert data.expected_items_check(dynamodb, 'orders-restored', good)['passed']
    wrong = good + [{'key': {'order_id': {'S': 'o-002'}}, 'attributes': {'total': {'N': '21'}}},
                    {'key': {'order_id': {'S': 'nope'}}}]
    result = data.expected_items_check(dynamodb, 'orders-restored', wrong)
    assert not result['passed'] and (result['expected'], result['found']) == (3, 1)
    assert result['differences'][0] == {'key': {'order_id': {'S': 'o-002'}}, 'attribute': 'total',
                                        'expected': {'N': '21'}, 'found': {'N': '20'}}


@pytest.mark.parametrize('value, says', [
    ('o-1', 'must be a list'),
    ([{'attributes': {}}], r'expected_items\[0\] needs key'),
    ([{'key': {'id': {'S': 'x'}}, 'attributs': {}}], 'unknown keys attributs'),
])
def test_expected_items_are_checked_before_any_call(value, says):
    with pytest.raises(OptionError, match=says):
        data.check_expected_items('expected_items', value)


def test_a_source_of_another_account_or_other_keys_is_not_compared():
    restored = {'TableArn': 'arn:aws:dynamodb:us-east-1:111111111111:table/orders-drill',
                'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}]}
    same = dict(restored, TableArn='arn:aws:dynamodb:us-east-1:111111111111:table/orders')
    wanted = {'table_name': 'orders', 'account': '111111111111'}
    assert data.source_reachable(same, restored, wanted) is True
    assert 'in account 222222222222, the restore point' in data.source_reachable(
        dict(same, TableArn='arn:aws:dynamodb:us-east-1:222222222222:table/orders'), restored, wanted)
    assert 'other keys' in data.source_reachable(dict(same, KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}]), restored, wanted)
    assert 'not reachable' in data.source_reachable(None, restored, wanted)
