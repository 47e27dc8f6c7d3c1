# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_vm_restore: input checks before any call, check mode, idempotency, archive tier, failures."""

from __future__ import annotations

import types

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils import _module, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiConnectionError, ApiError
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_azure import VeeamAzureClient, VeeamAzureConnection
from ansible_collections.recoverops.restore.plugins.modules import veeam_azure_vm_restore as restore_module
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

POINT_ID = '0d6a3c1b-1111-4a2b-8c3d-000000000004'
RAW_POINT = {'id': POINT_ID, 'pointInTime': '2026-11-21T02:00:00Z', 'backupSizeBytes': 1024, 'backupDestination': 'Snapshot',
             'vmName': 'web-01', 'regionName': 'westeurope', 'accessTier': 'Hot', 'dataRetrievalStatus': 'None'}
ARCHIVED = dict(RAW_POINT, accessTier='Archive')
ALT = {'name': 'web-01-drill', 'subscription_id': '9b3c6d1e-2f40-4a5b-8c7d-0e1f2a3b4c5d', 'vm_size': 'Standard_B2s',
       'disk_type': 'managed'}
ARGS = {'restore_point_id': POINT_ID, 'reason': 'DR drill CHG-1', 'to_alternative': ALT, 'poll_interval': 1}
PASSWORD = 'hunter22-Secret'
CLIENT_METHODS = ('get_restore_point', 'retrieve_data', 'start_restore', 'get_session', 'get_session_log', 'get_restored_items',
                  'list_restore_sessions', 'find_restore_sessions', 'close')


def session(session_id, status, reason='DR drill CHG-1'):
    return {'id': session_id, 'type': 'RestoreVms', 'status': status, 'executionStartTime': '2026-11-22T10:00:00Z',
            'restoreJobInfo': {'reason': reason}}


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
    mocks.find_restore_sessions.return_value = []
    mocks.get_restore_point.return_value = RAW_POINT
    mocks.get_session_log.return_value = []
    return mocks


@pytest.fixture(autouse=True)
def fake_time(mocker):
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)

    # The module waits in two places: for a session to appear (its own) and for the restore (the shared finish).
    mocker.patch.object(restore_module, 'wait_for_job', side_effect=waiting)
    mocker.patch.object(_module, 'wait_for_job', side_effect=waiting)
    return clock


def args(**overrides):
    merged = dict(ARGS, **overrides)
    return {key: value for key, value in merged.items() if value is not None}


BAD_INPUTS = [
    ('restore_point_id', dict(restore_point_id='not-a-uuid')),
    ('allow_overwrite', dict(to_alternative=None)),
    ('allow_overwrite', dict(allow_overwrite=True)),
    ('reason', dict(reason='   ')),
    ('reason', dict(reason='x' * 513)),
    ('to_alternative.name', dict(to_alternative=dict(ALT, name='bad name!'))),
    ('to_alternative.name', dict(to_alternative=dict(ALT, name='ends-with-dash-'))),
    ('to_alternative.subscription_id', dict(to_alternative=dict(ALT, subscription_id='sub-1'))),
    ('to_alternative.vm_size', dict(to_alternative=dict(ALT, vm_size='huge'))),
    ('availability_set_id', dict(to_alternative=dict(ALT, availability_set_id='as-1', availability_zone='1'))),
    ('subnet', dict(to_alternative=dict(ALT, subnet='default'))),
    ('disk_type', dict(to_alternative=dict(ALT, disk_type='ssd'))),
    ('wait_timeout', dict(wait_timeout=-5)),
    ('poll_interval', dict(poll_interval=0)),
    ('retrieval_days_to_keep', dict(retrieval_days_to_keep=0)),
    ('retrieval_days_to_keep', dict(retrieval_days_to_keep=31)),
    ('retrieval_priority', dict(retrieval_priority='urgent')),
    ('api_version', dict(api_version='v1')),
    ('api_version', dict(api_version='v9')),
    ('server', dict(server='vbazure.example.com')),
    ('service_account_id', dict(service_account_id=' ')),
    ('to_alternative.resource_group_id', dict(to_alternative=dict(ALT, resource_group_id=''))),
]


@pytest.mark.parametrize('option, overrides', BAD_INPUTS, ids=['%s-%d' % (case[0], i) for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_fails_naming_the_option_before_any_call(azure, run_module, option, overrides):
    code, result = run_module(restore_module, args(**overrides))
    assert code == 1
    assert option in result['msg']
    assert 'Traceback' not in result['msg']
    assert azure.connect.call_count == 0
    assert azure.start_restore.call_count == 0


def test_missing_reason_and_password_are_named(azure, run_module):
    code, result = run_module(restore_module, {k: v for k, v in ARGS.items() if k != 'reason'})
    assert code == 1 and 'reason' in result['msg']
    code, result = run_module(restore_module, dict(ARGS, password=''))
    assert code == 1 and 'password is required' in result['msg'] and 'VEEAM_AZURE_PASSWORD' in result['msg']
    assert azure.connect.call_count == 0


def test_original_place_without_allow_overwrite_makes_no_call(azure, run_module):
    code, result = run_module(restore_module, args(to_alternative=None))
    assert code == 1
    assert 'allow_overwrite: true' in result['msg']
    assert azure.connect.call_count == 0 and azure.get_restore_point.call_count == 0


def test_check_mode_reports_the_request_and_starts_nothing(azure, run_module):
    code, result = run_module(restore_module, args(service_account_id='sa-1'), check_mode=True)
    assert code == 0
    assert result['changed'] is True
    assert result['request'] == {'reason': 'DR drill CHG-1', 'startVmAfterRestore': False, 'serviceAccountId': 'sa-1',
                                 'toAlternative': {'name': 'web-01-drill', 'vmSizeName': 'Standard_B2s', 'diskType': 'Managed',
                                                   'subscription': {'id': ALT['subscription_id']}}}
    assert azure.start_restore.call_count == 0 and azure.retrieve_data.call_count == 0


def test_restore_to_the_original_place_waits_through_the_job_states(azure, run_module):
    azure.start_restore.return_value = session('s1', 'Pending')
    states = iter(['Pending', 'Running', 'RunningWithWarning', 'Success'])
    azure.get_session.side_effect = lambda client, session_id: session(session_id, next(states))
    code, result = run_module(restore_module, args(to_alternative=None, allow_overwrite=True, start_vm_after_restore=True))
    assert code == 0, result
    assert result['changed'] is True
    assert result['session']['outcome'] == 'succeeded'
    assert [entry['state'] for entry in result['wait']['timeline']] == ['Pending', 'Running', 'RunningWithWarning', 'Success']
    body = azure.start_restore.call_args.args[2]
    assert 'toAlternative' not in body and body['startVmAfterRestore'] is True
    assert result['target'] == {'vm_name': 'web-01', 'original_place': True}
    assert azure.find_restore_sessions.call_args.args[1:3] == ('DR drill CHG-1', 'web-01')


@pytest.mark.parametrize('status', ['Running', 'Success', 'Warning'])
def test_a_matching_session_is_returned_instead_of_a_second_restore(azure, run_module, status):
    azure.find_restore_sessions.return_value = [session('s-old', status)]
    azure.get_session.return_value = session('s-old', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['changed'] is False and result['existing'] is True
    assert result['session_id'] == 's-old'
    assert azure.start_restore.call_count == 0


def test_a_failed_earlier_session_does_not_block_a_new_restore(azure, run_module):
    azure.find_restore_sessions.return_value = [session('s-old', 'Error')]
    azure.start_restore.return_value = session('s-new', 'Running')
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0 and result['changed'] is True and result['session_id'] == 's-new'


def test_force_starts_a_new_restore(azure, run_module):
    azure.find_restore_sessions.return_value = [session('s-old', 'Success')]
    azure.start_restore.return_value = session('s-new', 'Running')
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args(force=True))
    assert code == 0 and result['session_id'] == 's-new'


def test_a_failed_restore_returns_the_session_log(azure, run_module):
    azure.start_restore.return_value = session('s1', 'Running')
    azure.get_session.return_value = session('s1', 'Error')
    azure.get_session_log.return_value = [{'status': 'Error', 'message': 'Quota exceeded for Standard_B2s'}]
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'ended Error: Quota exceeded' in result['msg']
    assert result['session']['log'][0]['message'] == 'Quota exceeded for Standard_B2s'
    assert result['session_id'] == 's1'


def test_an_archived_point_fails_clearly_without_retrieve_archived(azure, run_module):
    azure.get_restore_point.return_value = ARCHIVED
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'archive tier' in result['msg'] and 'retrieve_archived: true' in result['msg']
    assert azure.retrieve_data.call_count == 0 and azure.start_restore.call_count == 0


def test_an_archived_point_is_retrieved_then_restored(azure, run_module):
    retrieving = iter([ARCHIVED, ARCHIVED, dict(ARCHIVED, dataRetrievalStatus='Retrieving'),
                       dict(ARCHIVED, dataRetrievalStatus='Retrieved')])
    azure.get_restore_point.side_effect = lambda client, point_id: next(retrieving)
    azure.retrieve_data.return_value = {'id': 'r1', 'status': 'Running'}
    azure.start_restore.return_value = session('s1', 'Running')
    azure.get_session.return_value = session('s1', 'Success')
    code, result = run_module(restore_module, args(retrieve_archived=True, retrieval_priority='high', retrieval_days_to_keep=3))
    assert code == 0, result
    assert azure.retrieve_data.call_args.args[2] == {'dataRetrievalPriority': 'High', 'daysToKeep': 3}
    assert result['retrieval']['session_id'] == 'r1'
    assert azure.start_restore.call_count == 1


def test_a_lost_answer_is_resolved_through_the_job_sessions(azure, run_module):
    azure.start_restore.side_effect = ApiConnectionError('connection dropped')
    azure.find_restore_sessions.side_effect = [[], [session('s-new', 'Running')]]
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result
    assert result['session_id'] == 's-new'


def test_a_proxy_502_that_started_nothing_fails_with_advice(azure, run_module, fake_time):
    azure.start_restore.side_effect = ApiError('POST failed with HTTP 502: Bad Gateway', status=502)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'answer was lost' in result['msg'] and 'Check the job sessions' in result['msg']
    assert azure.find_restore_sessions.call_count > 2


def test_a_refused_restore_is_not_looked_up(azure, run_module):
    azure.start_restore.side_effect = ApiError('POST failed with HTTP 400: One or more validation errors occurred.', status=400)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'HTTP 400' in result['msg']
    assert azure.find_restore_sessions.call_count == 1


def test_wait_false_returns_the_running_session(azure, run_module):
    azure.start_restore.return_value = session('s1', 'Pending')
    azure.get_session.return_value = session('s1', 'Running')
    code, result = run_module(restore_module, args(wait=False))
    assert code == 0
    assert result['session']['outcome'] == 'running' and 'wait' not in result


def test_the_password_never_appears_in_the_result(azure, run_module):
    azure.start_restore.side_effect = ApiConnectionError('could not reach server with %s' % PASSWORD)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert PASSWORD not in repr(result)
