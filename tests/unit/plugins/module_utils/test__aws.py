# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS building blocks: tokens, metadata merging, overrides, normalizing."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    build_restore_metadata,
    check_in_window,
    idempotency_token,
    normalize_backup,
    plain,
    resource_type_of,
    table_overrides,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import OperationFailed

RP = 'arn:aws:backup:us-east-1:123456789012:recovery-point:ABC'
UTC = datetime.timezone.utc


def test_the_token_is_stable_for_the_same_restore_and_differs_for_another():
    first = idempotency_token(RP, {'targetTableName': 'a'})
    assert first == idempotency_token(RP, {'targetTableName': 'a'})
    assert first != idempotency_token(RP, {'targetTableName': 'b'})
    assert first != idempotency_token(RP + '2', {'targetTableName': 'a'})
    assert first.startswith('recoverops-') and len(first) <= 64


def test_metadata_is_the_points_own_then_helpers_then_overrides():
    params = {'target_table_name': 'orders-dr', 'encryption_type': None, 'kms_master_key_arn': None, 'metadata': {'deletionProtection': False}}
    merged = build_restore_metadata(params, {'targetTableName': 'orders', 'encryptionType': 'Default'}, 'DynamoDB')
    assert merged == {'targetTableName': 'orders-dr', 'encryptionType': 'Default', 'deletionProtection': 'False'}


def test_a_dynamodb_restore_without_a_target_fails():
    with pytest.raises(OperationFailed, match='target_table_name is required'):
        build_restore_metadata({'metadata': None}, {}, 'DynamoDB')


def test_other_resource_types_take_metadata_as_given():
    assert build_restore_metadata({'metadata': {'volumeType': 'gp3'}}, {'volumeId': 'vol-1'}, 'EBS') == {'volumeId': 'vol-1', 'volumeType': 'gp3'}


def test_overrides_become_botocore_shapes():
    body = table_overrides({
        'billing_mode': 'PROVISIONED', 'provisioned_throughput': {'read_capacity_units': 5, 'write_capacity_units': 2},
        'sse_specification': {'enabled': True, 'sse_type': 'KMS', 'kms_master_key_id': 'alias/dr'},
        'global_secondary_indexes': [{'index_name': 'g', 'key_schema': [{'attribute_name': 'c', 'key_type': 'HASH'}],
                                      'projection': {'projection_type': 'KEYS_ONLY'}}],
        'local_secondary_indexes': [],
    })
    assert body == {
        'BillingModeOverride': 'PROVISIONED',
        'ProvisionedThroughputOverride': {'ReadCapacityUnits': 5, 'WriteCapacityUnits': 2},
        'SSESpecificationOverride': {'Enabled': True, 'SSEType': 'KMS', 'KMSMasterKeyId': 'alias/dr'},
        'GlobalSecondaryIndexOverride': [{'IndexName': 'g', 'KeySchema': [{'AttributeName': 'c', 'KeyType': 'HASH'}],
                                          'Projection': {'ProjectionType': 'KEYS_ONLY'}}],
        'LocalSecondaryIndexOverride': [],
    }


@pytest.mark.parametrize('arn,kind', [
    ('arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'DynamoDB'),
    ('arn:aws:ec2:us-east-1:123456789012:volume/vol-1', 'EBS'),
    ('arn:aws:ec2:us-east-1:123456789012:instance/i-1', 'EC2'),
    ('arn:aws:rds:us-east-1:123456789012:cluster:aurora-1', 'Aurora'),
    ('arn:aws:rds:us-east-1:123456789012:db:pg-1', 'RDS'),
    ('not-an-arn', None),
])
def test_resource_type_from_the_arn(arn, kind):
    assert resource_type_of(arn) == kind


def test_outside_the_window_names_both_ends():
    window = (datetime.datetime(2026, 11, 1, tzinfo=UTC), datetime.datetime(2026, 11, 2, tzinfo=UTC))
    with pytest.raises(OperationFailed) as caught:
        check_in_window(datetime.datetime(2026, 10, 1, tzinfo=UTC), window, 'orders')
    assert '2026-11-01T00:00:00Z to 2026-11-02T00:00:00Z' in caught.value.msg
    check_in_window(datetime.datetime(2026, 11, 1, 12, tzinfo=UTC), window, 'orders')


def test_backups_normalize_with_iso_times():
    moment = datetime.datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    point = normalize_backup({'BackupArn': 'arn:aws:dynamodb:eu-west-1:123456789012:table/t/backup/1', 'TableName': 't',
                              'TableArn': 'arn:aws:dynamodb:eu-west-1:123456789012:table/t', 'BackupCreationDateTime': moment,
                              'BackupSizeBytes': 5, 'BackupType': 'USER'})
    assert (point['created_at'], point['region'], point['account'], point['kind']) == ('2026-11-20T01:02:03Z', 'eu-west-1', '123456789012', 'USER')
    assert plain({'a': [moment], 'ResponseMetadata': {}}) == {'a': ['2026-11-20T01:02:03Z']}
