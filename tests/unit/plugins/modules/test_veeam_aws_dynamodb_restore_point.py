# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_aws_dynamodb_restore_point: remove manual points only, idempotent, check mode."""

from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.modules import veeam_aws_dynamodb_restore_point as point_module

POINT_ID = '497f6eca-6276-4993-bfeb-53cbbbba6f08'


def raw_point(manual):
    return {'id': POINT_ID, 'dynamoDbId': '594d2af8-df57-46d8-b05d-20ea4264ee38', 'name': 'orders',
            'regionName': 'us-east-1', 'hasManualBackup': manual, 'policyName': None if manual else 'daily-dynamodb',
            'jobType': 'AwsDynamoDbManualBackup' if manual else 'AwsDynamoDbBackup',
            'createTimeUtc': '2026-11-20T02:00:00Z'}


def test_manual_point_is_deleted(veeam, run_module):
    veeam.get_restore_point.return_value = raw_point(manual=True)
    code, result = run_module(point_module, {'restore_point_id': POINT_ID, 'state': 'absent'})
    assert code == 0
    assert result['changed'] is True
    assert result['restore_point']['id'] == POINT_ID
    assert veeam.get_restore_point.call_args.kwargs == {'missing_ok': True}
    veeam.delete_restore_point.assert_called_once()
    assert veeam.delete_restore_point.call_args.args[1:] == (POINT_ID,)
    veeam.close.assert_called_once()


def test_policy_point_is_refused_without_delete(veeam, run_module):
    veeam.get_restore_point.return_value = raw_point(manual=False)
    code, result = run_module(point_module, {'restore_point_id': POINT_ID})
    assert code == 1
    assert result['changed'] is False
    assert POINT_ID in result['msg']
    assert 'daily-dynamodb' in result['msg']
    assert 'manual' in result['msg']
    assert result['restore_point']['id'] == POINT_ID
    veeam.delete_restore_point.assert_not_called()


def test_missing_point_is_already_absent(veeam, run_module):
    veeam.get_restore_point.return_value = None
    code, result = run_module(point_module, {'restore_point_id': POINT_ID})
    assert code == 0
    assert result['changed'] is False
    assert result['restore_point'] is None
    veeam.delete_restore_point.assert_not_called()


def test_check_mode_deletes_nothing(veeam, run_module):
    veeam.get_restore_point.return_value = raw_point(manual=True)
    code, result = run_module(point_module, {'restore_point_id': POINT_ID}, check_mode=True, diff=True)
    assert code == 0
    assert result['changed'] is True
    assert result['diff'] == {'before': {'restore_point': POINT_ID}, 'after': {}}
    veeam.delete_restore_point.assert_not_called()


def test_malformed_id_fails_before_any_call(veeam, run_module):
    code, result = run_module(point_module, {'restore_point_id': '497f6eca'})
    assert code == 1
    assert 'restore_point_id' in result['msg']
    veeam.connect.assert_not_called()
    veeam.get_restore_point.assert_not_called()
    veeam.delete_restore_point.assert_not_called()
