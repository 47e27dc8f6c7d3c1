# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_vm_restore_point_info and veeam_azure_job_session_info with a mocked client."""

from __future__ import annotations

import types

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import VeeamAzureClient, VeeamAzureConnection
from ansible_collections.recoverops.restore.plugins.modules import veeam_azure_job_session_info as session_module
from ansible_collections.recoverops.restore.plugins.modules import veeam_azure_vm_restore_point_info as info_module

VM = {'id': '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d', 'name': 'db-01', 'regionName': 'westeurope', 'subscription': {'id': 'sub-1'}}
CLIENT_METHODS = ('find_vm', 'list_restore_points', 'get_restore_point', 'get_session', 'get_session_log', 'get_restored_items', 'close')


def raw(day):
    return {'id': '00000000-0000-4000-8000-%012d' % day, 'pointInTime': '2026-11-%02dT02:00:00Z' % day, 'backupSizeBytes': 10,
            'backupDestination': 'Snapshot', 'vmName': 'db-01'}


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for name in ('SERVER', 'USERNAME', 'PASSWORD', 'API_VERSION', 'VALIDATE_CERTS', 'CA_PATH'):
        monkeypatch.delenv('VEEAM_AZURE_' + name, raising=False)


@pytest.fixture
def azure(mocker):
    mocks = types.SimpleNamespace()
    for name in CLIENT_METHODS:
        setattr(mocks, name, mocker.patch.object(VeeamAzureClient, name, autospec=True))
    mocks.connect = mocker.spy(VeeamAzureConnection, 'client')
    return mocks


def test_points_by_name_newest_first(azure, run_module):
    azure.find_vm.return_value = VM
    azure.list_restore_points.return_value = [raw(3), raw(9), raw(5)]
    code, result = run_module(info_module, {'vm_name': 'db-01'})
    assert code == 0
    assert [point['created_at'] for point in result['restore_points']] == [
        '2026-11-09T02:00:00Z', '2026-11-05T02:00:00Z', '2026-11-03T02:00:00Z']
    assert result['restore_points'][0]['resource_id'] == VM['id']
    assert result['vm'] == VM
    assert azure.list_restore_points.call_args.args[1] == VM['id']
    assert result['changed'] is False


def test_latest_asks_the_server_for_the_newest(azure, run_module):
    azure.list_restore_points.return_value = [raw(9)]
    code, result = run_module(info_module, {'vm_id': VM['id'], 'latest': True})
    assert code == 0 and len(result['restore_points']) == 1
    assert azure.list_restore_points.call_args.kwargs['latest'] is True
    assert azure.find_vm.call_count == 0


def test_point_in_time_selects_the_newest_at_or_before(azure, run_module):
    azure.list_restore_points.return_value = [raw(3), raw(9), raw(5)]
    code, result = run_module(info_module, {'vm_id': VM['id'], 'point_in_time': '2026-11-06T00:00:00Z'})
    assert code == 0
    assert [point['created_at'] for point in result['restore_points']] == ['2026-11-05T02:00:00Z']
    assert azure.list_restore_points.call_args.kwargs == {'latest': False}  # the whole listing, no PointInTime


def test_point_in_time_includes_a_point_of_that_very_second(azure, run_module):
    azure.list_restore_points.return_value = [raw(3), dict(raw(5), pointInTime='2026-11-05T02:00:00.9Z'), raw(9)]
    code, result = run_module(info_module, {'vm_id': VM['id'], 'point_in_time': '2026-11-05T02:00:00Z'})
    assert code == 0 and [point['id'] for point in result['restore_points']] == [raw(5)['id']]


def test_point_in_time_before_every_point_returns_none(azure, run_module):
    azure.list_restore_points.return_value = [raw(3), raw(9)]
    code, result = run_module(info_module, {'vm_id': VM['id'], 'point_in_time': '2026-11-01T00:00:00Z'})
    assert code == 0 and result['restore_points'] == []


def test_v1_lists_the_archived_listing(azure, run_module):
    azure.list_restore_points.return_value = [raw(3), raw(9)]
    code, result = run_module(info_module, {'api_version': 'v1'})
    assert code == 0 and len(result['restore_points']) == 2
    assert azure.list_restore_points.call_args.args[1] is None


@pytest.mark.parametrize('option, arguments', [
    ('vm_name', {'api_version': 'v1', 'vm_name': 'db-01'}),
    ('vm_name', {'latest': True}),
    ('vm_id', {'vm_id': VM['id'], 'vm_name': 'db-01'}),
    ('point_in_time', {'vm_id': VM['id'], 'point_in_time': 'last tuesday'}),
    ('point_in_time', {'vm_id': VM['id'], 'point_in_time': '2099-01-01T00:00:00Z'}),
    ('latest', {'vm_id': VM['id'], 'latest': True, 'point_in_time': '2026-11-01T00:00:00Z'}),
    ('restore_point_id', {'restore_point_id': 'nope'}),
    ('vm_name', {'vm_name': '  '}),
    ('vm_name', {'vm_name': 'db-01\n'}),
    ('restore_point_id', {'restore_point_id': '00000000-0000-4000-8000-000000000003\n'}),
    ('vm_id', {'vm_id': VM['id'] + '\n'}),
    ('vm_id', {'vm_id': '../restorePoints'}),
    ('vm_id', {'vm_id': 'a?b'}),
    ('api_version', {'vm_id': VM['id'], 'api_version': '8.1'}),
])
def test_bad_input_before_any_call(azure, run_module, option, arguments):
    code, result = run_module(info_module, arguments)
    assert code == 1
    assert option in result['msg']
    assert azure.connect.call_count == 0


def test_session_info_reads_session_log_and_items(azure, run_module):
    azure.get_session.return_value = {'id': 's1', 'type': 'RestoreVms', 'status': 'RunningWithWarning',
                                      'executionStartTime': '2026-11-22T10:00:00Z', 'restoreJobInfo': {'reason': 'drill'}}
    azure.get_session_log.return_value = [{'message': 'Restoring'}]
    azure.get_restored_items.return_value = [{'name': 'web-01-drill'}]
    code, result = run_module(session_module, {'session_id': '43b3beeb-f1e5-4f8f-bbed-2a5101c16ceb'})
    assert code == 0
    assert result['session']['outcome'] == 'running'
    assert result['session']['restored_items'] == [{'name': 'web-01-drill'}]
    assert result['session']['log'] == [{'message': 'Restoring'}]


@pytest.mark.parametrize('session_id', ['38', '43b3beeb-f1e5-4f8f-bbed-2a5101c16ceb'])
def test_session_info_accepts_the_products_session_ids(azure, run_module, session_id):
    azure.get_session.return_value = {'id': session_id, 'type': 'PolicyBackup', 'status': 'Success'}
    azure.get_session_log.return_value = []
    azure.get_restored_items.return_value = []
    code, result = run_module(session_module, {'session_id': session_id})
    assert code == 0, result
    assert azure.get_session.call_args.args[1] == session_id and result['session']['id'] == session_id


@pytest.mark.parametrize('option, arguments', [
    ('session_id', {'session_id': '38\n'}),
    ('session_id', {'session_id': '38/../39'}),
    ('session_id', {'session_id': '38?x=1'}),
    ('session_id', {'session_id': '38#x'}),
    ('session_id', {'session_id': '..'}),
    ('session_id', {'session_id': ' 38'}),
    ('api_version', {'session_id': '43b3beeb-f1e5-4f8f-bbed-2a5101c16ceb', 'api_version': 'v1'}),
])
def test_session_info_bad_input(azure, run_module, option, arguments):
    code, result = run_module(session_module, arguments)
    assert code == 1 and option in result['msg']
    assert azure.connect.call_count == 0
