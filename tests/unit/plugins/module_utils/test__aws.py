# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS building blocks: tokens, metadata merging, overrides, normalizing."""

from __future__ import annotations

import datetime

import botocore.exceptions
import pytest

from ansible_collections.recoverops.restore.plugins.module_utils import _aws
from ansible_collections.recoverops.restore.plugins.module_utils._errors import AnswerLost, ApiError, OptionError, answer_lost, outcome_unknown
from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    build_restore_metadata,
    check_in_window,
    idempotency_token,
    normalize_backup,
    plain,
    resource_type_of,
    table_overrides,
)
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed

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


@pytest.mark.parametrize('rule,value', [
    (_aws.vault_name, 'dr-vault\n'), (_aws.vault_name, 'd'), (_aws.vault_name, 'dr vault'),
    (_aws.role_arn, 'arn:aws:iam::123456789012:role/Backup\n'), (_aws.role_arn, 'arn:aws:iam::12:role/Backup'),
    (_aws.kms_arn, 'arn:aws:kms:us-east-1:123456789012:key/k\n'), (_aws.kms_arn, 'alias/dr'),
    (_aws.backup_arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'),
    (_aws.backup_arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01700000000000-abcdef12\n'),
    (_aws.table_or_arn, 'orders\n'), (_aws.table_or_arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/../x'),
])
def test_aws_rules_match_whole_strings(rule, value):
    with pytest.raises(OptionError) as caught:
        rule('the_option', value)
    assert caught.value.msg.startswith('the_option must be')


@pytest.mark.parametrize('rule,value', [
    (_aws.vault_name, 'dr-vault'), (_aws.role_arn, 'arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole'),
    (_aws.kms_arn, 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    (_aws.backup_arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01700000000000-abcdef12'),
    (_aws.table_or_arn, 'orders'), (_aws.table_or_arn, 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'), (_aws.vault_name, None),
])
def test_aws_rules_accept_what_aws_accepts(rule, value):
    assert rule('the_option', value) == value


CONNECTION = {'profile': None, 'access_key': None, 'secret_key': None, 'session_token': None, 'endpoint_url': None,
              'region': None, 'aws_config': None}


@pytest.mark.parametrize('overrides,named', [
    ({'region': 'us-east-1\n'}, 'region'),
    ({'endpoint_url': 'https://backup.local\n'}, 'endpoint_url'),
    ({'aws_config': {'retry_mode': 'standard'}}, 'aws_config has unknown keys retry_mode'),
    ({'access_key': 'AKIA0000000000000001'}, 'access_key and secret_key go together'),
    ({'profile': 'dr', 'access_key': 'AKIA0000000000000001', 'secret_key': 's'}, 'profile'),
])
def test_the_connection_is_checked_whole_before_any_client(overrides, named):
    with pytest.raises(OptionError) as caught:
        _aws.check_connection(dict(CONNECTION, **overrides))
    assert named in caught.value.msg


def test_botocore_config_keys_are_accepted():
    _aws.check_connection(dict(CONNECTION, region='eu-west-1', aws_config={'retries': {'max_attempts': 3}, 'connect_timeout': 5}))


def test_a_second_given_whole_is_included_and_the_bound_is_the_next_second():
    moment = datetime.datetime(2026, 11, 20, 8, 0, 0, tzinfo=UTC)
    assert _aws.end_of_second(moment) == moment.replace(microsecond=999999)
    assert _aws.exclusive_bound(moment) == moment + datetime.timedelta(seconds=1)
    precise = moment.replace(microsecond=250000)
    assert _aws.end_of_second(precise) == precise
    assert _aws.exclusive_bound(precise) == moment + datetime.timedelta(seconds=1)


@pytest.mark.parametrize('resource_type,snake', [
    ('DynamoDB', 'dynamodb_table'), ('EBS', 'ebs_volume'), ('DocumentDB', 'document_db'), ('VirtualMachine', 'virtual_machine'),
    ('Storage Gateway', 'storage_gateway'), ('FSx', 'fsx'), (None, None)])
def test_created_resource_types(resource_type, snake):
    assert _aws.snake_type(resource_type) == snake


class Failing:
    """A client whose call raises `error`; meta as start_call's messages need it."""

    meta = type('Meta', (), {'service_model': type('ServiceModel', (), {'service_id': 'DynamoDB'})})

    def __init__(self, error):
        self.error = error

    def restore_table_from_backup(self, **_kwargs):
        raise self.error


def client_error(status, code):
    return botocore.exceptions.ClientError({'Error': {'Code': code, 'Message': 'm'}, 'ResponseMetadata': {'HTTPStatusCode': status}},
                                           'RestoreTableFromBackup')


@pytest.mark.parametrize('error,kind,status', [
    (botocore.exceptions.ConnectionClosedError(endpoint_url='https://x'), AnswerLost, None),
    (botocore.exceptions.ReadTimeoutError(endpoint_url='https://x'), AnswerLost, None),
    (botocore.exceptions.EndpointConnectionError(endpoint_url='https://x'), AnswerLost, None),
    (client_error(503, 'ServiceUnavailable'), AnswerLost, 503),
    (client_error(500, 'InternalServerError'), ApiError, 500),
    (client_error(400, 'TableAlreadyExistsException'), OperationFailed, None),
])
def test_start_call_tells_a_lost_answer_from_a_refusal(error, kind, status):
    with pytest.raises(kind) as caught:
        _aws.start_call(Failing(error), 'restore_table_from_backup')
    assert caught.type is kind and getattr(caught.value, 'status', None) == status
    assert answer_lost(caught.value) is (kind is AnswerLost)
    assert outcome_unknown(caught.value) is (status == 500)


def test_sessions_of_one_process_share_the_parsed_service_models_not_their_credentials():
    first, second = _aws.botocore_session(), _aws.botocore_session()
    assert first.get_component('data_loader') is second.get_component('data_loader')
    first.set_credentials('AKIAFIRST', 'first-secret')
    second.set_credentials('AKIASECOND', 'second-secret')
    assert first.get_credentials().access_key == 'AKIAFIRST'
    assert second.get_credentials().access_key == 'AKIASECOND'
