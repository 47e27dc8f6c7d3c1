# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_vm_restore on the shared restore flow: input checks before any call, check mode, the overwrite guard,
reuse only into a VM that still exists, lost answers looked up, failures after the start that name the session."""

from __future__ import annotations

import types

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils import _restore, _veeam_azure, _waiting
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
ITEM = {'name': 'web-01-drill', 'resourceGroupName': 'rg-drill', 'regionName': 'westeurope'}
CLIENT_METHODS = ('get_restore_point', 'retrieve_data', 'start_restore', 'get_session', 'get_session_log', 'get_restored_items',
                  'list_restore_sessions', 'find_restore_sessions', 'vm_exists', 'close')


SENT_REASON = 'DR drill CHG-1 [recoverops point %s]' % POINT_ID


def session(session_id, status, reason=SENT_REASON, stop=None):
    return {'id': session_id, 'type': 'RestoreVms', 'status': status, 'executionStartTime': '2026-11-22T10:00:00Z',
            'executionStopTime': stop, 'restoreJobInfo': {'reason': reason}}


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
    mocks.get_restored_items.return_value = [ITEM]
    mocks.vm_exists.return_value = True
    return mocks


@pytest.fixture(autouse=True)
def fake_time(mocker):
    """Every wait (for a session to appear, for the restore, for an archive retrieval) runs on a fake clock."""
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)

    mocker.patch.object(_restore, 'wait_for_job', side_effect=waiting)
    mocker.patch.object(_veeam_azure, 'wait_for_job', side_effect=waiting)
    return clock


class Appliance:
    """find_restore_sessions over what the appliance knows; `appear` shows up after `after` look-ups."""

    def __init__(self, known=(), appear=(), after=1):
        self.known, self.appear, self.after, self.lookups = list(known), list(appear), after, 0

    def find(self, client, reason, target_name, since):
        self.lookups += 1
        visible = (self.appear if self.lookups > self.after else []) + self.known
        return [(found, dict(ITEM, name=target_name)) for found in visible if found['restoreJobInfo']['reason'] == reason]


def args(**overrides):
    merged = dict(ARGS, **overrides)
    return {key: value for key, value in merged.items() if value is not None}


BAD_INPUTS = [
    ('restore_point_id', dict(restore_point_id='not-a-uuid')),
    ('restore_point_id', dict(restore_point_id=POINT_ID + '\n')),
    ('restore_point_id', dict(restore_point_id='../' + POINT_ID)),
    ('allow_overwrite', dict(to_alternative=None)),
    ('reason', dict(reason='   ')),
    ('reason', dict(reason='x' * 457)),
    ('to_alternative.name', dict(to_alternative=dict(ALT, name='bad name!'))),
    ('to_alternative.name', dict(to_alternative=dict(ALT, name='ends-with-dash-'))),
    ('to_alternative.name', dict(to_alternative=dict(ALT, name='web-01-drill\n'))),
    ('to_alternative.subscription_id', dict(to_alternative=dict(ALT, subscription_id='sub-1'))),
    ('to_alternative.subscription_id', dict(to_alternative=dict(ALT, subscription_id=ALT['subscription_id'] + '\n'))),
    ('to_alternative.vm_size', dict(to_alternative=dict(ALT, vm_size='huge'))),
    ('to_alternative.vm_size', dict(to_alternative=dict(ALT, vm_size='Standard_B2s\n'))),
    ('to_alternative.resource_group_id', dict(to_alternative=dict(ALT, resource_group_id=''))),
    ('to_alternative.resource_group_id', dict(to_alternative=dict(ALT, resource_group_id='rg drill'))),
    ('to_alternative.region_id', dict(to_alternative=dict(ALT, region_id='westeurope\n'))),
    ('to_alternative.subnet', dict(to_alternative=dict(ALT, virtual_network_id='vnet-1', subnet='bad subnet'))),
    ('to_alternative.availability_zone', dict(to_alternative=dict(ALT, availability_zone='zone one'))),
    ('availability_set_id', dict(to_alternative=dict(ALT, availability_set_id='as-1', availability_zone='1'))),
    ('subnet', dict(to_alternative=dict(ALT, subnet='default'))),
    ('disk_type', dict(to_alternative=dict(ALT, disk_type='ssd'))),
    ('to_alternative', dict(to_alternative='web-01-drill')),  # a dict option given as a string
    ('wait_timeout', dict(wait_timeout=-5)),
    ('poll_interval', dict(poll_interval=0)),
    ('retrieval_days_to_keep', dict(retrieval_days_to_keep=0)),
    ('retrieval_days_to_keep', dict(retrieval_days_to_keep=31)),
    ('retrieval_priority', dict(retrieval_priority='urgent')),
    ('api_version', dict(api_version='v1')),
    ('api_version', dict(api_version='v9')),
    ('server', dict(server='vbazure.example.com')),
    ('service_account_id', dict(service_account_id=' ')),
    ('service_account_id', dict(service_account_id='5c1f0b6e-3a2d-4e7f-9a8b-1c2d3e4f5a6b\n')),
    ('source_service_account_id', dict(source_service_account_id='../accounts')),
]


@pytest.mark.parametrize('option, overrides', BAD_INPUTS, ids=['%s-%d' % (case[0], i) for i, case in enumerate(BAD_INPUTS)])
def test_bad_input_fails_naming_the_option_before_any_call(azure, run_module, option, overrides):
    code, result = run_module(restore_module, args(**overrides))
    assert code == 1
    assert option in result['msg'], result['msg']
    assert 'Traceback' not in result['msg']
    assert azure.connect.call_count == 0
    assert azure.get_restore_point.call_count == 0 and azure.start_restore.call_count == 0


def test_a_dict_option_given_as_a_string_is_named_by_the_engine(azure, run_module):
    code, result = run_module(restore_module, args(to_alternative='web-01-drill'))
    assert code == 1
    assert result['msg'] == 'to_alternative must be a dictionary of its suboptions, got a str'


def test_missing_reason_and_password_are_named(azure, run_module):
    code, result = run_module(restore_module, {k: v for k, v in ARGS.items() if k != 'reason'})
    assert code == 1 and 'reason' in result['msg']
    code, result = run_module(restore_module, dict(ARGS, password=''))
    assert code == 1 and 'password is required' in result['msg'] and 'VEEAM_AZURE_PASSWORD' in result['msg']
    assert azure.connect.call_count == 0


def test_check_mode_reports_the_request_and_starts_nothing(azure, run_module):
    sa_id = '5c1f0b6e-3a2d-4e7f-9a8b-1c2d3e4f5a6b'
    code, result = run_module(restore_module, args(service_account_id=sa_id), check_mode=True)
    assert code == 0
    assert result['changed'] is True
    expected = {'reason': SENT_REASON, 'startVmAfterRestore': False, 'serviceAccountId': sa_id,
                'toAlternative': {'name': 'web-01-drill', 'vmSizeName': 'Standard_B2s', 'diskType': 'Managed',
                                  'subscription': {'id': ALT['subscription_id']}}}
    assert result['request'] == expected and result['job']['request'] == expected
    assert result['job']['outcome'] == 'not_started' and result['job']['product'] == 'veeam_azure'
    assert azure.start_restore.call_count == 0 and azure.retrieve_data.call_count == 0


def test_restore_to_the_original_place_waits_and_returns_the_job(azure, run_module):
    azure.start_restore.return_value = 's1'
    states = iter(['Pending', 'Running', 'RunningWithWarning', 'Success'])
    azure.get_session.side_effect = lambda client, session_id: session(
        session_id, next(states), stop='2026-11-22T10:05:30Z')
    azure.get_restored_items.return_value = [{'name': 'web-01', 'resourceGroupName': 'rg-web', 'regionName': 'westeurope'}]
    code, result = run_module(restore_module, args(to_alternative=None, allow_overwrite=True, start_vm_after_restore=True))
    assert code == 0, result
    assert result['changed'] is True
    assert result['session_id'] == 's1' and result['session']['outcome'] == 'succeeded'
    assert [entry['state'] for entry in result['wait']['timeline']] == ['Pending', 'Running', 'RunningWithWarning', 'Success']
    body = azure.start_restore.call_args.args[2]
    assert 'toAlternative' not in body and body['startVmAfterRestore'] is True
    assert result['target'] == {'vm_name': 'web-01', 'original_place': True}
    job = result['job']
    assert (job['id'], job['outcome'], job['state'], job['reused']) == ('s1', 'succeeded', 'Success', False)
    assert (job['started_at'], job['finished_at'], job['duration_seconds']) == ('2026-11-22T10:00:00Z', '2026-11-22T10:05:30Z', 330.0)
    assert job['created_resource'] == {'type': 'azure_vm', 'name': 'web-01', 'original_place': True, 'recorded': True,
                                       'resource_group': 'rg-web', 'region': 'westeurope'}
    assert azure.find_restore_sessions.call_args.args[1:3] == (SENT_REASON, 'web-01')


def test_a_session_that_names_no_restored_vm_says_so(azure, run_module):
    """A drill reports the VM as the product records it: none recorded is evidence missing, not a pass."""
    azure.start_restore.return_value = 's1'
    azure.get_session.side_effect = lambda client, session_id: session(session_id, 'Success', stop='2026-11-22T10:05:30Z')
    azure.get_restored_items.return_value = [{'name': 'some-other-vm'}]
    code, result = run_module(restore_module, args(to_alternative=None, allow_overwrite=True))
    assert code == 0, result
    assert result['job']['created_resource']['recorded'] is False
    assert result['job']['created_resource']['name'] == 'web-01'


@pytest.mark.parametrize('name', ['web-01', 'WEB-01'])
def test_an_alternative_restore_over_the_original_vm_is_refused_before_any_write(azure, run_module, name):
    code, result = run_module(restore_module, args(to_alternative=dict(ALT, name=name)))
    assert code == 1
    assert 'allow_overwrite: true' in result['msg'] and 'replace' in result['msg']
    assert azure.start_restore.call_count == 0 and azure.retrieve_data.call_count == 0
    code, result = run_module(restore_module, args(to_alternative=dict(ALT, name=name)), check_mode=True)
    assert code == 1 and 'allow_overwrite' in result['msg']


def test_an_alternative_restore_over_the_original_vm_runs_with_allow_overwrite(azure, run_module):
    azure.start_restore.return_value = 's1'
    azure.get_session.return_value = session('s1', 'Success')
    code, result = run_module(restore_module, args(to_alternative=dict(ALT, name='web-01'), allow_overwrite=True))
    assert code == 0, result
    assert azure.start_restore.call_args.args[2]['toAlternative']['name'] == 'web-01'


def test_allow_overwrite_with_an_alternative_that_replaces_nothing_is_refused(azure, run_module):
    code, result = run_module(restore_module, args(allow_overwrite=True))
    assert code == 1
    assert 'allow_overwrite' in result['msg'] and 'replaces nothing' in result['msg']
    assert azure.start_restore.call_count == 0


def test_a_running_session_is_reused(azure, run_module):
    azure.find_restore_sessions.return_value = [(session('s-old', 'Running'), ITEM)]
    azure.get_session.return_value = session('s-old', 'Running')
    code, result = run_module(restore_module, args(wait=False))
    assert code == 0
    assert result['changed'] is False and result['existing'] is True and result['job']['reused'] is True
    assert result['session_id'] == 's-old'
    assert azure.start_restore.call_count == 0 and azure.vm_exists.call_count == 0


@pytest.mark.parametrize('status', ['Success', 'Warning'])
def test_a_succeeded_session_is_reused_while_its_vm_exists(azure, run_module, status):
    azure.find_restore_sessions.return_value = [(session('s-old', status), ITEM)]
    azure.get_session.return_value = session('s-old', status)
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['changed'] is False and result['session_id'] == 's-old'
    assert azure.vm_exists.call_args.args[1:] == ('web-01-drill', 'rg-drill')
    assert result['job']['created_resource']['resource_group'] == 'rg-drill'
    assert azure.start_restore.call_count == 0


def test_a_succeeded_session_whose_vm_was_deleted_is_restored_again(azure, run_module):
    azure.find_restore_sessions.return_value = [(session('s-old', 'Success'), ITEM)]
    azure.vm_exists.return_value = False
    azure.start_restore.return_value = 's-new'
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result
    assert result['changed'] is True and result['session_id'] == 's-new' and result['job']['reused'] is False
    assert azure.start_restore.call_count == 1


def test_a_succeeded_session_is_reused_when_the_inventory_cannot_tell(azure, run_module):
    azure.find_restore_sessions.return_value = [(session('s-old', 'Success'), ITEM)]
    azure.vm_exists.return_value = None
    azure.get_session.return_value = session('s-old', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0 and result['changed'] is False and azure.start_restore.call_count == 0


@pytest.mark.parametrize('status', ['Error', 'Canceled'])
def test_a_failed_earlier_session_is_never_reused(azure, run_module, status):
    azure.find_restore_sessions.return_value = [(session('s-old', status), ITEM)]
    azure.start_restore.return_value = 's-new'
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0 and result['changed'] is True and result['session_id'] == 's-new'


def test_force_starts_a_new_restore(azure, run_module):
    azure.find_restore_sessions.return_value = [(session('s-old', 'Success'), ITEM)]
    azure.start_restore.return_value = 's-new'
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args(force=True))
    assert code == 0 and result['session_id'] == 's-new'


def test_a_failed_restore_returns_the_session_log_and_job(azure, run_module):
    azure.start_restore.return_value = 's1'
    azure.get_session.return_value = session('s1', 'Error')
    azure.get_session_log.return_value = [{'status': 'Error', 'message': 'Quota exceeded for Standard_B2s'}]
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'ended Error: Quota exceeded' in result['msg']
    assert result['session']['log'][0]['message'] == 'Quota exceeded for Standard_B2s'
    assert result['session_id'] == 's1' and result['job']['outcome'] == 'failed'


@pytest.mark.parametrize('status', [500, 403])
def test_a_status_poll_failing_after_the_start_names_the_session(azure, run_module, status):
    azure.start_restore.return_value = 's1'
    azure.get_session.side_effect = ApiError('GET /jobSessions/s1 failed with HTTP %d' % status, status=status)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 's1' in result['msg'] and 'was started' in result['msg']
    assert result['session_id'] == 's1' and result['session'] == {'id': 's1'}
    assert result['job']['id'] == 's1' and result['job']['product'] == 'veeam_azure' and result['changed'] is True


def test_wait_timeout_fails_with_the_session_id(azure, run_module):
    azure.start_restore.return_value = 's1'
    azure.get_session.return_value = session('s1', 'Running')
    code, result = run_module(restore_module, args(wait_timeout=10))
    assert code == 1
    assert 'still running' in result['msg'] and result['session_id'] == 's1' and result['job']['outcome'] == 'running'


def test_an_archived_point_fails_clearly_without_retrieve_archived(azure, run_module):
    azure.get_restore_point.return_value = ARCHIVED
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'archive tier' in result['msg'] and 'retrieve_archived: true' in result['msg']
    assert azure.retrieve_data.call_count == 0 and azure.start_restore.call_count == 0


def test_an_archived_point_in_check_mode_reports_the_retrieval(azure, run_module):
    azure.get_restore_point.return_value = ARCHIVED
    code, result = run_module(restore_module, args(retrieve_archived=True), check_mode=True)
    assert code == 0 and result['retrieval'] == {'request': {'dataRetrievalPriority': 'Normal', 'daysToKeep': 1}}
    assert azure.retrieve_data.call_count == 0 and azure.start_restore.call_count == 0


def test_an_archived_point_is_retrieved_then_restored(azure, run_module):
    retrieving = iter([ARCHIVED, ARCHIVED, dict(ARCHIVED, dataRetrievalStatus='Retrieving'),
                       dict(ARCHIVED, dataRetrievalStatus='Retrieved')])
    azure.get_restore_point.side_effect = lambda client, point_id: next(retrieving)
    azure.retrieve_data.return_value = {'id': 'r1', 'status': 'Running'}
    azure.start_restore.return_value = 's1'
    azure.get_session.return_value = session('s1', 'Success')
    code, result = run_module(restore_module, args(retrieve_archived=True, retrieval_priority='high', retrieval_days_to_keep=3))
    assert code == 0, result
    assert azure.retrieve_data.call_args.args[2] == {'dataRetrievalPriority': 'High', 'daysToKeep': 3}
    assert result['retrieval']['session_id'] == 'r1' and result['retrieval']['wait']['state'] == 'Success'
    assert azure.start_restore.call_count == 1


@pytest.mark.parametrize('error', [ApiConnectionError('connection dropped'),
                                   ApiError('POST answered HTTP 202 with a body that is not JSON', status=202),
                                   ApiError('POST failed with HTTP 502: Bad Gateway', status=502)],
                         ids=['dropped', 'truncated', 'proxy-502'])
def test_a_lost_answer_is_looked_up_and_not_sent_again(azure, run_module, error):
    appliance = Appliance(appear=[session('s-new', 'Running')], after=1)
    azure.find_restore_sessions.side_effect = appliance.find
    azure.start_restore.side_effect = error
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result
    assert result['session_id'] == 's-new' and result['changed'] is True
    assert azure.start_restore.call_count == 1


def test_a_lost_answer_does_not_take_an_earlier_failed_session_for_the_new_one(azure, run_module):
    appliance = Appliance(known=[session('s-old', 'Error')], appear=[session('s-new', 'Running')], after=2)
    azure.find_restore_sessions.side_effect = appliance.find
    azure.start_restore.side_effect = ApiConnectionError('connection dropped')
    azure.get_session.return_value = session('s-new', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result
    assert result['session_id'] == 's-new'


def test_a_500_is_looked_up_but_never_sent_again(azure, run_module):
    azure.start_restore.side_effect = ApiError('POST failed with HTTP 500: Internal Server Error', status=500)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'HTTP 500' in result['msg'] and 'check the RestoreVms job sessions' in result['msg']
    assert azure.start_restore.call_count == 1 and azure.find_restore_sessions.call_count > 2


def test_answers_lost_three_times_fail_with_advice(azure, run_module):
    azure.start_restore.side_effect = ApiConnectionError('connection dropped')
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'each answer was lost' in result['msg'] and 'VM web-01-drill' in result['msg']
    assert azure.start_restore.call_count == 3


def test_a_refused_restore_is_not_looked_up(azure, run_module):
    azure.start_restore.side_effect = ApiError('POST failed with HTTP 400: One or more validation errors occurred.', status=400)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'HTTP 400' in result['msg']
    assert azure.find_restore_sessions.call_count == 1


@pytest.mark.parametrize('refusal', [
    ApiError('POST failed with HTTP 400: One or more validation errors occurred.: serviceAccountId: The ServiceAccountId '
             'field is required.', status=400),
    ApiError('POST failed with HTTP 400: Service account is not specified.', status=400),
    ApiError('POST failed with HTTP 422: Unprocessable Entity', status=422,
             body={'errors': {'ServiceAccountId': ['A service account must be specified.']}}),
])
def test_a_refusal_for_lack_of_a_service_account_names_the_option(azure, run_module, refusal):
    azure.start_restore.side_effect = refusal
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'service_account_id' in result['msg']
    assert '/api/v8.1/accounts/azure/service?Purpose=VirtualMachineRestore' in result['msg']
    assert result['request']['reason'] == SENT_REASON and result['target']['vm_name'] == 'web-01-drill'


def test_wait_false_returns_the_running_session(azure, run_module):
    azure.start_restore.return_value = 's1'
    azure.get_session.return_value = session('s1', 'Running')
    code, result = run_module(restore_module, args(wait=False))
    assert code == 0
    assert result['session']['outcome'] == 'running' and 'wait' not in result and result['job']['outcome'] == 'running'


def test_the_password_never_appears_in_the_result(azure, run_module):
    azure.start_restore.side_effect = ApiConnectionError('could not reach server with %s' % PASSWORD)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert PASSWORD not in repr(result)
