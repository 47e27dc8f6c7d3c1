# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_aws_dynamodb_restore: check mode, idempotency, session look-up, failures, input checks."""

from __future__ import annotations

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiConnectionError, ApiError
from ansible_collections.recoverops.restore.plugins.module_utils import _restore, _waiting
from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import SESSION_STATES
from ansible_collections.recoverops.restore.plugins.modules import veeam_aws_dynamodb_restore as restore_module
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock

POINT_ID = '497f6eca-6276-4993-bfeb-53cbbbba6f08'
ROLE_ID = '6a3d1f2e-8b7c-4d5e-9f01-23456789abcd'
S_OLD = '0b1c2d3e-0000-4000-8000-000000000001'
S_NEW = '0b1c2d3e-0000-4000-8000-000000000002'
RAW_POINT = {'id': POINT_ID, 'dynamoDbId': '594d2af8-df57-46d8-b05d-20ea4264ee38', 'name': 'orders',
             'regionName': 'us-east-1', 'jobType': 'AwsDynamoDbBackup', 'hasManualBackup': False,
             'createTimeUtc': '2026-11-20T02:00:00Z', 'size': 2048, 'resourceAwsAccountId': '123456789012'}
ARGS = {'restore_point_id': POINT_ID, 'target_table_name': 'orders-drill', 'capacity_mode': 'on_demand',
        'point_in_time_recovery': True, 'reason': 'DR drill', 'authentication': {'iam_role_id': ROLE_ID},
        'poll_interval': 1, 'wait_timeout': 600}
EXPECTED_BODY = {
    'restoreToOriginal': False,
    'authenticationSpecification': {'type': 'IamRole', 'iamRoleId': ROLE_ID},
    'differentLocationSpecification': {'tableName': 'orders-drill', 'capacityMode': 'OnDemand',
                                       'pointInTimeRecovery': True},
    'reason': 'DR drill [recoverops point %s]' % POINT_ID,
}
REMOVE = object()
CONNECTION = {'server': 'https://vbaws.test:11005', 'username': 'restore-operator', 'password': 'hunter22-Secret'}


def session(session_id, status, result=None, point_id=POINT_ID):
    return {'id': session_id, 'type': 'RestoreTask', 'status': status, 'result': result or status,
            'executionStartTime': '2026-11-22T10:00:00Z', 'reason': 'DR drill [recoverops point %s]' % point_id}


def args(**overrides):
    merged = dict(ARGS, **overrides)
    return {key: value for key, value in merged.items() if value is not REMOVE}


@pytest.fixture(autouse=True)
def fake_time(mocker):
    """wait_for_job in the module runs on a fake clock: no real sleeping, timeouts reached at once."""
    clock = FakeClock()

    def waiting(*call_args, **kwargs):
        kwargs.update(clock=clock, sleep=clock.sleep)
        return _waiting.wait_for_job(*call_args, **kwargs)

    # The flow waits in two places: for a session to appear after a lost answer, and for the restore.
    mocker.patch.object(_restore, 'wait_for_job', side_effect=waiting)
    return clock


class Appliance:
    """find_restore_sessions over the sessions the appliance knows; `appear` become visible after N look-ups."""

    def __init__(self, known=(), appear=(), after=1):
        self.known = list(known)
        self.appear = list(appear)
        self.after = after
        self.lookups = []

    def find(self, client, target, since, outcomes=('running', 'succeeded', 'warning', 'failed')):
        self.lookups.append((target, since, tuple(outcomes)))
        visible = (self.appear if len(self.lookups) > self.after else []) + self.known
        return [found for found in visible if SESSION_STATES.outcome(found['status']) in outcomes]


def sessions_by_id(*known):
    table = {found['id']: found for found in known}
    return lambda client, session_id: table[session_id]


def test_check_mode_sends_no_post_and_returns_the_request(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    code, result = run_module(restore_module, args(), check_mode=True)
    assert code == 0
    assert result['changed'] is True
    assert result['existing'] is False
    assert result['request'] == EXPECTED_BODY
    assert result['target'] == {'table_name': 'orders-drill', 'region': 'us-east-1'}
    assert result['restore_point']['id'] == POINT_ID
    assert 'session_id' not in result
    veeam.start_restore.assert_not_called()
    veeam.get_session.assert_not_called()
    veeam.close.assert_called_once()


def test_existing_running_session_is_returned_without_a_post(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = [session(S_OLD, 'Running')]
    veeam.get_session.return_value = session(S_OLD, 'Running')
    code, result = run_module(restore_module, args(wait=False))
    assert code == 0
    assert result['changed'] is False
    assert result['existing'] is True
    assert result['session_id'] == S_OLD
    assert result['session']['outcome'] == 'running'
    veeam.start_restore.assert_not_called()
    target = veeam.find_restore_sessions.call_args.args[1]
    assert target == ('orders-drill', 'us-east-1')


@pytest.mark.parametrize('other', [
    session(S_OLD, 'Succeeded', 'Success', point_id='11111111-2222-4333-8444-555555555555'),
    dict(session(S_OLD, 'Succeeded', 'Success'), reason='DR drill'),
    dict(session(S_OLD, 'Running'), reason=None),
])
def test_a_session_of_another_point_into_the_same_table_is_not_reused(veeam, run_module, other):
    """Sessions do not name their point; the reason the module sent does. A restore of another point, or one
    this collection did not start, is never taken for this point's restore."""
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = [other]
    code, result = run_module(restore_module, args(wait=False, target_exists=True))
    assert code == 1
    assert 'Table orders-drill already exists in us-east-1 and no restore of this point made it' in result['msg']
    veeam.start_restore.assert_not_called()


def test_the_reason_sent_ends_with_the_point_and_is_bounded(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    code, result = run_module(restore_module, args(reason=None), check_mode=True)
    assert code == 0 and result['request']['reason'] == 'recoverops.restore [recoverops point %s]' % POINT_ID
    code, result = run_module(restore_module, args(reason='x' * 457))
    assert code == 1 and result['msg'].startswith('reason must be at most 456 characters')
    veeam.get_restore_point.assert_called_once()  # the long reason was refused before any request


def test_existing_session_is_waited_for(veeam, run_module, fake_time):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = [session(S_OLD, 'Running')]
    veeam.get_session.side_effect = [session(S_OLD, 'Running'), session(S_OLD, 'Running'),
                                     session(S_OLD, 'Succeeded', 'Success')]
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['changed'] is False
    assert result['wait']['polls'] == 3
    assert [entry['state'] for entry in result['wait']['timeline']] == ['Running', 'Succeeded']
    # Interval = 10% of the time waited, never below poll_interval (1 s here): 1 s, then 1 s again.
    assert fake_time.sleeps == [1, 1]
    veeam.start_restore.assert_not_called()


def test_force_starts_a_new_restore_despite_an_existing_session(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = [session(S_OLD, 'Succeeded')]
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Succeeded')
    code, result = run_module(restore_module, args(force=True))
    assert code == 0
    assert result['changed'] is True
    assert result['session_id'] == S_NEW
    veeam.start_restore.assert_called_once()


def test_restore_named_in_the_202_is_waited_for(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Succeeded', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['changed'] is True
    assert result['session_id'] == S_NEW
    assert result['session']['outcome'] == 'succeeded'
    assert result['wait']['state'] == 'Succeeded'
    call = veeam.start_restore.call_args
    assert call.args[1:] == (POINT_ID, EXPECTED_BODY)
    assert veeam.find_restore_sessions.call_count == 1
    veeam.get_session_log.assert_not_called()


def test_a_restore_it_started_is_first_polled_one_interval_later(veeam, run_module, fake_time):
    # The session was just created, so it is running: reading it at once would only cost a request.
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.side_effect = [session(S_NEW, 'Running'), session(S_NEW, 'Succeeded', 'Success')]
    code, result = run_module(restore_module, args(poll_interval=4))
    assert code == 0
    assert fake_time.sleeps == [4, 4]
    assert veeam.get_session.call_count == 2
    assert result['wait']['polls'] == 2


def test_empty_202_finds_the_new_session(veeam, run_module):
    appliance = Appliance(appear=[session(S_NEW, 'Running')], after=2)
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.side_effect = appliance.find
    veeam.start_restore.return_value = None
    veeam.get_session.return_value = session(S_NEW, 'Succeeded', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result
    assert result['changed'] is True
    assert result['session_id'] == S_NEW
    veeam.start_restore.assert_called_once()
    # The look-up after the POST includes failed sessions: a restore that failed at once is still ours.
    assert 'failed' in appliance.lookups[-1][2]
    assert appliance.lookups[-1][0] == ('orders-drill', 'us-east-1')
    assert veeam.get_session.call_args.args[1] == S_NEW


def test_empty_202_without_a_session_fails_with_the_request(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = None
    code, result = run_module(restore_module, args())
    assert code == 1
    assert result['failed'] is True
    assert 'none for orders-drill in us-east-1 appeared' in result['msg']
    assert result['request'] == EXPECTED_BODY
    veeam.close.assert_called_once()


def test_empty_202_does_not_mistake_an_earlier_failed_session_for_the_new_one(veeam, run_module):
    # A restore into orders-drill failed a minute ago (within the clock-skew window); the user fixed the cause
    # and runs again. The new session shows up on the second look-up after the POST.
    old_failed = session(S_OLD, 'Failed')
    new = session(S_NEW, 'Running')
    appliance = Appliance(known=[old_failed], appear=[new], after=2)
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.side_effect = appliance.find
    veeam.start_restore.return_value = None
    veeam.get_session.side_effect = sessions_by_id(old_failed, session(S_NEW, 'Succeeded', 'Success'))
    veeam.get_session_log.return_value = [{'message': 'old failure'}]
    code, result = run_module(restore_module, args())
    assert result.get('session_id') == S_NEW, result.get('msg')
    assert code == 0


def test_dropped_connection_on_post_reports_the_session_that_started(veeam, run_module):
    appliance = Appliance(appear=[session(S_NEW, 'Running')], after=1)
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.side_effect = appliance.find
    veeam.start_restore.side_effect = ApiConnectionError('Could not reach https://vbaws.test:11005: reset')
    veeam.get_session.return_value = session(S_NEW, 'Succeeded', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['session_id'] == S_NEW
    assert result['changed'] is True


def test_dropped_connection_on_post_without_a_session_says_so(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.side_effect = ApiConnectionError('Could not reach https://vbaws.test:11005: reset')
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'each answer was lost' in result['msg']
    assert 'reset' in result['msg']
    assert 'Check Sessions on the appliance' in result['msg']
    # sent again only after each look-up found no session, and never more than three times
    assert veeam.start_restore.call_count == 3
    assert veeam.find_restore_sessions.call_count >= 4


def test_a_lost_answer_without_a_session_is_sent_again(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.side_effect = [ApiConnectionError('Could not reach https://vbaws.test:11005: reset'), S_NEW]
    veeam.get_session.return_value = session(S_NEW, 'Succeeded', 'Success')
    code, result = run_module(restore_module, args())
    assert code == 0, result.get('msg')
    assert result['session_id'] == S_NEW
    assert veeam.start_restore.call_count == 2


@pytest.mark.parametrize('status', [502, 504])
def test_proxy_error_on_post_looks_for_the_session_before_failing(veeam, run_module, status):
    # 502/504 come from a proxy that may have forwarded the POST (see _http.RETRY_IF_IDEMPOTENT): the restore
    # may be running, so it must be looked up like a dropped connection rather than reported as not started.
    appliance = Appliance(appear=[session(S_NEW, 'Running')], after=1)
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.side_effect = appliance.find
    veeam.start_restore.side_effect = ApiError('POST https://vbaws.test:11005/x failed with HTTP %s: Bad Gateway' % status,
                                               status=status, method='POST')
    veeam.get_session.return_value = session(S_NEW, 'Succeeded', 'Success')
    code, result = run_module(restore_module, args())
    assert result.get('session_id') == S_NEW, result.get('msg')
    assert code == 0


def test_a_failed_session_whose_log_cannot_be_read_still_names_the_session(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Failed')
    veeam.get_session_log.side_effect = ApiError('GET /api/v1/sessions/%s/log failed with HTTP 500' % S_NEW, status=500)
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'restore session %s was started but reading its state failed' % S_NEW in result['msg'] and 'HTTP 500' in result['msg']
    assert result['session_id'] == S_NEW and result['job']['id'] == S_NEW and result['changed'] is True


def test_a_lost_answer_whose_look_up_fails_each_time_is_not_sent_again(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.side_effect = [[]] + [ApiError('GET /api/v1/sessions failed with HTTP 500', status=500)] * 50
    veeam.start_restore.side_effect = ApiConnectionError('Could not reach https://vbaws.test:11005: reset')
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'looking for it failed each time (last: GET /api/v1/sessions failed with HTTP 500)' in result['msg']
    assert veeam.start_restore.call_count == 1
    assert result['request']['reason'].endswith(POINT_ID + ']') and result['target']['table_name'] == 'orders-drill'


def test_failed_session_fails_with_the_session_id_and_log(veeam, run_module):
    log = [{'message': 'Starting restore'}, {'message': 'Checking target'},
           {'message': 'Table orders-drill already exists'}, {'message': 'Restore failed'}]
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Failed')
    veeam.get_session_log.return_value = log
    code, result = run_module(restore_module, args())
    assert code == 1
    assert result['failed'] is True
    assert S_NEW in result['msg']
    assert 'Table orders-drill already exists' in result['msg']
    assert 'Starting restore' not in result['msg']  # the last three lines only
    assert result['session_id'] == S_NEW
    assert result['session']['log'] == log
    assert result['session']['outcome'] == 'failed'
    assert result['changed'] is True
    veeam.close.assert_called_once()


def test_cancelled_session_counts_as_failed(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Canceled', 'Cancelled')
    veeam.get_session_log.return_value = []
    code, result = run_module(restore_module, args())
    assert code == 1
    assert 'ended Canceled: no log' in result['msg']


def test_warning_session_succeeds_with_a_warning(veeam, run_module, mocker):
    # A spy, not result['warnings']: once controller code is imported in the process, ansible-core
    # sends module warnings to the controller's display instead of the result.
    warn = mocker.spy(AnsibleModule, 'warn')
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Warning')
    veeam.get_session_log.return_value = [{'message': 'TTL not restored'}]
    code, result = run_module(restore_module, args())
    assert code == 0
    assert result['session']['log'] == [{'message': 'TTL not restored'}]
    warned = ' '.join(str(call.args[1]) for call in warn.call_args_list)
    assert 'finished with warnings' in warned and S_NEW in warned


def test_wait_timeout_fails_with_the_wait_and_session_id(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    veeam.start_restore.return_value = S_NEW
    veeam.get_session.return_value = session(S_NEW, 'Running')
    code, result = run_module(restore_module, args(wait_timeout=10))
    assert code == 1
    assert 'still running' in result['msg'] and S_NEW in result['msg']
    assert result['session_id'] == S_NEW
    assert result['wait']['elapsed_seconds'] == 10.0


def test_restore_to_original_targets_the_original_table(veeam, run_module):
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    code, result = run_module(restore_module, {
        'restore_point_id': POINT_ID, 'restore_to_original': True,
        'authentication': {'access_key': 'AKIAEXAMPLEKEY', 'secret_key': 'wJalrXUtnFEMI/K7MDENG'}}, check_mode=True)
    assert code == 0
    assert result['target'] == {'table_name': 'orders', 'region': 'us-east-1'}
    assert result['request']['restoreToOriginal'] is True
    assert 'differentLocationSpecification' not in result['request']
    assert 'wJalrXUtnFEMI/K7MDENG' not in str(result)  # no_log secret masked in the returned request
    veeam.start_restore.assert_not_called()


BAD_INPUTS = [
    ('malformed restore_point_id', {'restore_point_id': 'not-a-uuid'}, ['restore_point_id']),
    ('provisioned without units', {'capacity_mode': 'provisioned'},
     ['capacity_mode', 'read_capacity_units', 'write_capacity_units']),
    ('provisioned with one unit', {'capacity_mode': 'provisioned', 'read_capacity_units': 5}, ['write_capacity_units']),
    ('units without provisioned', {'capacity_mode': REMOVE, 'read_capacity_units': 5, 'write_capacity_units': 5},
     ['read_capacity_units', 'capacity_mode']),
    ('units with on_demand', {'write_capacity_units': 5}, ['write_capacity_units', 'capacity_mode']),
    ('zero units', {'capacity_mode': 'provisioned', 'read_capacity_units': 0, 'write_capacity_units': 5},
     ['read_capacity_units']),
    ('target_table_name missing', {'target_table_name': REMOVE}, ['target_table_name']),
    ('target_table_name too short', {'target_table_name': 'ab'}, ['target_table_name']),
    ('target_table_name bad characters', {'target_table_name': 'orders drill!'}, ['target_table_name']),
    ('new-table options with restore_to_original', {'restore_to_original': True, 'target_table_name': REMOVE},
     ['capacity_mode', 'point_in_time_recovery', 'restore_to_original']),
    ('target name with restore_to_original', {'restore_to_original': True, 'capacity_mode': REMOVE,
                                              'point_in_time_recovery': REMOVE}, ['target_table_name']),
    ('iam_role_id and access_key', {'authentication': {'iam_role_id': ROLE_ID, 'access_key': 'AKIAEXAMPLEKEY',
                                                       'secret_key': 'wJalrXUtnFEMI/K7MDENG'}},
     ['iam_role_id', 'access_key']),
    ('neither iam_role_id nor access_key', {'authentication': {}}, ['iam_role_id', 'access_key']),
    ('access_key without secret_key', {'authentication': {'access_key': 'AKIAEXAMPLEKEY'}}, ['secret_key']),
    ('iam_role_id not a uuid', {'authentication': {'iam_role_id': 'my-role'}}, ['iam_role_id']),
    ('authentication missing', {'authentication': REMOVE}, ['authentication']),
    ('negative wait_timeout', {'wait_timeout': -1}, ['wait_timeout']),
    ('poll_interval 0', {'poll_interval': 0}, ['poll_interval']),
    ('server missing', {'server': REMOVE}, ['server', 'VEEAM_AWS_SERVER']),
    ('server not a URL', {'server': 'vbaws.test:11005'}, ['server', 'https://']),
    ('bad api_version', {'api_version': '1.7'}, ['api_version', '1.7-rev0']),
    ('username missing', {'username': REMOVE}, ['username']),
    ('timeout 0', {'timeout': 0}, ['timeout']),
    ('bad table_class', {'table_class': 'glacier'}, ['table_class']),
]


@pytest.mark.parametrize('overrides, names', [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS])
def test_bad_input_fails_before_any_call(veeam, run_module, overrides, names):
    module_args = dict(CONNECTION, **ARGS)
    module_args.update(overrides)
    module_args = {key: value for key, value in module_args.items() if value is not REMOVE}
    code, result = run_module(restore_module, module_args, connection=False)
    assert code == 1
    assert result['failed'] is True
    for name in names:
        assert name in result['msg'], result['msg']
    assert 'hunter22-Secret' not in result['msg']
    veeam.connect.assert_not_called()
    veeam.get_restore_point.assert_not_called()
    veeam.find_restore_sessions.assert_not_called()
    veeam.start_restore.assert_not_called()
    veeam.get_session.assert_not_called()


@pytest.mark.parametrize('value', ['a string', '', '["a", "list"]'])
def test_a_dict_option_given_as_a_string_is_named_and_no_secret_leaks(veeam, run_module, value):
    code, result = run_module(restore_module, args(authentication=value))
    assert code == 1
    assert result['msg'].startswith('authentication must be a dictionary of its suboptions')
    assert CONNECTION['password'] not in str(result)
    veeam.connect.assert_not_called()


@pytest.mark.parametrize('option, value, says', [
    ('target_table_name', 'orders-drill\n', 'target_table_name must be'),
    ('restore_point_id', POINT_ID + '\n', 'restore_point_id must be a UUID'),
    ('restore_point_id', '../sessions', 'restore_point_id must be a UUID'),
    ('target_region', 'us-east-1\n', 'target_region must be an AWS region'),
    ('target_region', 'us-east-1/x', 'target_region must be an AWS region'),
    ('kms_key', 'alias/x\n', 'kms_key must be a non-empty string'),
])
def test_a_value_that_is_only_almost_right_fails_before_any_request(veeam, run_module, option, value, says):
    code, result = run_module(restore_module, args(**{option: value}))
    assert code == 1 and says in result['msg']
    veeam.connect.assert_not_called()


def test_capacity_units_are_bounded_and_a_large_quota_only_warns(veeam, run_module, mocker):
    warn = mocker.spy(AnsibleModule, 'warn')
    code, result = run_module(restore_module, args(capacity_mode='provisioned', read_capacity_units=10 ** 30, write_capacity_units=5))
    assert code == 1 and 'read_capacity_units must be a whole number of capacity units' in result['msg']
    veeam.get_restore_point.return_value = RAW_POINT
    veeam.find_restore_sessions.return_value = []
    code, result = run_module(restore_module, args(capacity_mode='provisioned', read_capacity_units=50000, write_capacity_units=5),
                              check_mode=True)
    assert code == 0, result
    assert any('above the default DynamoDB quota' in str(call.args[1]) for call in warn.call_args_list)
