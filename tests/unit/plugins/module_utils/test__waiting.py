# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The poll loop: interval growth, timeout, state map, timeline; Veeam's session states."""

from __future__ import annotations

import json

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import SESSION_STATES
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import (
    FAILED,
    RUNNING,
    SUCCEEDED,
    WARNING,
    StateMap,
    PROGRESS_FILE_ENV,
    MAX_INTERVAL,
    WaitTimeout,
    next_interval,
    percent,
    progress_reporter,
    wait_for_job,
)

STATES = StateMap(running=('Running',), succeeded=('Succeeded',), warning=('Warning',), failed=('Failed',))


def script(*states):
    """get_state() that answers the given states in turn, with a job body naming the poll."""
    answers = list(states)
    polls = []

    def get_state():
        polls.append(len(polls))
        state = answers.pop(0) if len(answers) > 1 else answers[0]
        return state, {'status': state, 'poll': len(polls)}

    get_state.polls = polls
    return get_state


def stamp():
    return 'T'


def test_interval_is_a_tenth_of_the_time_waited_between_poll_interval_and_the_cap(clock):
    get_state = script(*(['Running'] * 50 + ['Succeeded']))
    result = wait_for_job(get_state, STATES, timeout=100000, poll_interval=5, max_interval=60, clock=clock,
                          sleep=clock.sleep, now=stamp)
    # poll_interval until 50 s have passed, then a tenth of the time waited (x1.1 a poll), then the cap.
    assert clock.sleeps[:11] == [5] * 11
    assert clock.sleeps[11:14] == [pytest.approx(5.5), pytest.approx(6.05), pytest.approx(6.655)]
    assert clock.sleeps[-3:] == [60, 60, 60]
    assert all(later >= earlier for earlier, later in zip(clock.sleeps, clock.sleeps[1:]))
    assert result.polls == 51
    assert result.job == {'status': 'Succeeded', 'poll': 51}
    assert result.outcome == SUCCEEDED
    assert result.state == 'Succeeded'
    assert result.elapsed == pytest.approx(sum(clock.sleeps))


def test_cap_below_poll_interval_keeps_the_poll_interval(clock):
    wait_for_job(script('Running', 'Running', 'Running', 'Failed'), STATES, timeout=1000, poll_interval=10,
                 max_interval=4, clock=clock, sleep=clock.sleep, now=stamp)
    assert clock.sleeps == [10, 10, 10]


def test_next_interval():
    assert next_interval(0, poll_interval=2) == 2
    assert next_interval(19, poll_interval=2) == 2
    assert next_interval(100, poll_interval=2) == 10
    assert next_interval(2999, poll_interval=2) == pytest.approx(299.9)
    assert next_interval(7200, poll_interval=2) == MAX_INTERVAL == 300
    assert next_interval(7200, poll_interval=2, max_interval=5) == 5
    assert next_interval(7200, poll_interval=600, max_interval=5) == 600


def ends_at(clock, seconds):
    """A job without progress that is done `seconds` after the clock's start."""
    started = clock()
    return lambda: ('Succeeded' if clock() - started >= seconds else 'Running', {})


# Jobs of 10 s to an hour, at whole seconds and just past a look (the worst case: seen a whole interval late).
LENGTHS = sorted({10, 10.01, 12.5, 20, 20.01, 30, 45, 60, 61, 90, 120, 300, 301, 600, 900, 1800, 2999, 3000.5, 3600}
                 | {round(10 * 1.07 ** step, 2) for step in range(60) if 10 * 1.07 ** step <= 3600})


@pytest.mark.parametrize('length', LENGTHS)
def test_the_end_of_a_job_without_progress_is_seen_within_a_tenth_of_its_length_or_2_s(clock, length):
    result = wait_for_job(ends_at(clock, length), STATES, timeout=7200, poll_interval=2, clock=clock,
                          sleep=clock.sleep, now=stamp, first_poll_after=2)
    assert result.outcome == SUCCEEDED
    late = result.elapsed - length
    assert 0 <= late <= max(2, 0.1 * length) + 1e-9
    # What it costs: an hour's job about 65 requests (a loop of 5 s growing by half up to 30 s: ~125).
    assert result.polls <= 10 + 56


def test_the_bound_follows_poll_interval_when_it_is_longer(clock):
    # The default poll_interval (5 s): a 10-50 s job is seen up to 5 s late, a longer one within 10%.
    for length in (10.01, 30, 50.01, 120.5, 3600):
        result = wait_for_job(ends_at(clock, length), STATES, timeout=7200, poll_interval=5, clock=clock,
                              sleep=clock.sleep, now=stamp, first_poll_after=5)
        assert result.elapsed - length <= max(5, 0.1 * length) + 1e-9


def test_requests_per_wait(clock):
    polls = {}
    for length in (10, 60, 300, 3600):
        polls[length] = wait_for_job(ends_at(clock, length), STATES, timeout=7200, poll_interval=2, clock=clock,
                                     sleep=clock.sleep, now=stamp, first_poll_after=2).polls
    assert polls == {10: 5, 60: 22, 300: 39, 3600: 65}


def test_terminal_on_first_poll_never_sleeps(clock):
    result = wait_for_job(script('Warning'), STATES, timeout=60, clock=clock, sleep=clock.sleep, now=stamp)
    assert clock.sleeps == []
    assert result.outcome == WARNING
    assert result.polls == 1


def test_timeout_raises_with_the_result_and_cuts_the_last_sleep(clock):
    get_state = script('Pending', 'Running')
    with pytest.raises(WaitTimeout) as caught:
        wait_for_job(get_state, STATES, timeout=62, poll_interval=5, max_interval=60, clock=clock, sleep=clock.sleep,
                     now=stamp)
    # polls every 5 s up to 55 s, then at 60.5 s; the next interval (6.05 s) is cut to the 1.5 s left; a last poll at 62 s.
    assert clock.sleeps[:11] == [5] * 11
    assert clock.sleeps[-2:] == [pytest.approx(5.5), pytest.approx(1.5)]
    result = caught.value.result
    assert sum(clock.sleeps) == pytest.approx(62)
    assert result.state == 'Running'
    assert result.outcome == RUNNING
    assert result.job == {'status': 'Running', 'poll': result.polls}
    assert [entry['state'] for entry in result.timeline] == ['Pending', 'Running']
    assert caught.value.msg == 'Timed out after 62 s waiting for the job to finish; last state: Running'
    assert result.as_dict()['elapsed_seconds'] == 62.0
    assert result.as_dict()['timeline'] == result.timeline


def test_the_timeout_is_told_in_human_units(clock):
    with pytest.raises(WaitTimeout) as caught:
        wait_for_job(script('Running'), STATES, timeout=3600, poll_interval=600, max_interval=600, clock=clock, sleep=clock.sleep,
                     now=stamp)
    assert caught.value.msg == 'Timed out after 60.0 min waiting for the job to finish; last state: Running'


def test_zero_timeout_polls_once(clock):
    with pytest.raises(WaitTimeout) as caught:
        wait_for_job(script('Running'), STATES, timeout=0, clock=clock, sleep=clock.sleep, now=stamp)
    assert caught.value.result.polls == 1
    assert clock.sleeps == []


def test_unknown_states_count_as_running(clock):
    result = wait_for_job(script('Queued', 'Resuming', 'succeeded'), STATES, timeout=600, poll_interval=1,
                          clock=clock, sleep=clock.sleep, now=stamp)
    assert result.polls == 3
    assert result.outcome == SUCCEEDED  # matching ignores case
    assert STATES.outcome('SomethingNew') == RUNNING
    assert STATES.outcome(None) == RUNNING


def test_timeline_records_only_state_changes(clock):
    moments = iter(['t%d' % index for index in range(100)])
    result = wait_for_job(script('Pending', 'Pending', 'Running', 'Running', 'Running', 'Succeeded'), STATES,
                          timeout=6000, poll_interval=2, clock=clock, sleep=clock.sleep, now=lambda: next(moments))
    assert result.polls == 6
    assert result.timeline == [
        {'state': 'Pending', 'at': 't0', 'elapsed_seconds': 0.0},
        {'state': 'Running', 'at': 't1', 'elapsed_seconds': 4.0},
        {'state': 'Succeeded', 'at': 't2', 'elapsed_seconds': 10.0},
    ]
    assert result.as_dict()['state'] == 'Succeeded'


@pytest.mark.parametrize('state, outcome', [
    ('Running', RUNNING),
    ('Pending', RUNNING),
    ('NeverExecuted', RUNNING),
    ('Canceling', RUNNING),
    ('Succeeded', SUCCEEDED),
    ('Success', SUCCEEDED),
    ('success', SUCCEEDED),
    ('Warning', WARNING),
    ('Failed', FAILED),
    ('Canceled', FAILED),
    ('Cancelled', FAILED),
    ('Error', FAILED),
    ('BrandNewState', RUNNING),
])
def test_veeam_session_states(state, outcome):
    assert SESSION_STATES.outcome(state) == outcome


def linear_job(clock, duration):
    """A job that is done `duration` seconds after the clock's start, reporting its percent done."""
    started = clock()

    def get_state():
        elapsed = clock() - started
        done = min(100.0, 100.0 * elapsed / duration)
        return ('Succeeded' if done >= 100 else 'Running'), {'percent': '%.2f%%' % done}

    return get_state


def test_percent_done_predicts_the_end_of_a_long_job(clock):
    result = wait_for_job(linear_job(clock, 3600), STATES, timeout=10000, poll_interval=5, max_interval=60, clock=clock,
                          sleep=clock.sleep, now=stamp, progress=lambda job: percent(job['percent']))
    backoff = wait_for_job(linear_job(clock, 3600), STATES, timeout=10000, poll_interval=5, max_interval=60, clock=clock,
                           sleep=clock.sleep, now=stamp)
    assert result.outcome == SUCCEEDED and backoff.outcome == SUCCEEDED
    # Sleeps of up to four minutes towards the predicted end instead of a poll a minute...
    assert result.polls < backoff.polls / 3
    assert max(clock.sleeps) == 240
    # ...and the end is still seen within seconds.
    assert 3600 <= result.elapsed < 3602


def test_percent_done_shortens_the_wait_for_a_short_job(clock):
    result = wait_for_job(linear_job(clock, 20), STATES, timeout=1000, poll_interval=5, max_interval=60, clock=clock,
                          sleep=clock.sleep, now=stamp, progress=lambda job: percent(job['percent']))
    # 5 s, 5 s (no pace yet), three quarters of the 10 s predicted left, then a second past the end at 20 s.
    assert result.outcome == SUCCEEDED
    assert clock.sleeps == [5, 5, 7.5, pytest.approx(3.5, abs=0.01)]
    assert result.elapsed == pytest.approx(21, abs=0.01)
    assert result.predictions >= 1


def test_a_job_that_ends_before_its_percent_reaches_100_is_seen_within_seconds(clock):
    # Clumio's simulator (and many restores) runs 10% -> 95%, then jumps to done: aiming at 100% would come 18 s late.
    started = clock()

    def get_state():
        elapsed = clock() - started
        if elapsed >= 300:
            return 'Succeeded', {'percent': 100}
        return 'Running', {'percent': 10 + int(85 * elapsed / 300)}

    result = wait_for_job(get_state, STATES, timeout=1000, poll_interval=5, clock=clock, sleep=clock.sleep, now=stamp,
                          progress=lambda job: job['percent'])
    assert result.outcome == SUCCEEDED
    assert 300 <= result.elapsed < 306
    # A hand-written loop polling every 30 s would look 11 times.
    assert result.polls < 11


def test_no_progress_falls_back_to_the_schedule(clock):
    get_state = script(*(['Running'] * 14 + ['Succeeded']))
    wait_for_job(get_state, STATES, timeout=1000, poll_interval=5, clock=clock, sleep=clock.sleep, now=stamp,
                 progress=lambda job: None)
    assert clock.sleeps == [5] * 11 + [pytest.approx(5.5), pytest.approx(6.05), pytest.approx(6.655)]


@pytest.mark.parametrize('value, expected', [('40.00%', 40.0), (40, 40.0), ('7', 7.0), (None, None), ('n/a', None), (True, None)])
def test_percent_reads_every_spelling(value, expected):
    assert percent(value) == expected


def test_report_hears_every_poll_with_its_percent_done(clock):
    heard = []
    get_state = script('Pending', 'Running', 'Running', 'Succeeded')
    wait_for_job(get_state, STATES, timeout=1000, poll_interval=5, clock=clock, sleep=clock.sleep, now=stamp,
                 progress=lambda job: job['poll'] * 20 if job['status'] == 'Running' else None,
                 report=lambda state, percent_done, elapsed: heard.append((state, percent_done, elapsed)))
    # 40% -> 60% in 5 s predicts the end 10 s later: the wait sleeps three quarters of that.
    assert heard == [('Pending', None, 0), ('Running', 40, 5), ('Running', 60, 10), ('Succeeded', None, 17.5)]


def test_progress_reporter_appends_a_json_line_per_poll(tmp_path):
    path = tmp_path / 'progress.jsonl'
    report = progress_reporter('restore job', 'job-1', environ={PROGRESS_FILE_ENV: str(path)})
    report('RUNNING', 45.0, 12.34)
    report('COMPLETED', None, 20)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines == [
        {'what': 'restore job', 'id': 'job-1', 'state': 'RUNNING', 'percent': 45.0, 'elapsed_seconds': 12.3},
        {'what': 'restore job', 'id': 'job-1', 'state': 'COMPLETED', 'percent': None, 'elapsed_seconds': 20},
    ]


def test_progress_reporter_is_off_without_the_variable():
    assert progress_reporter('restore job', 'job-1', environ={}) is None


def test_progress_reporter_never_fails_the_wait(tmp_path):
    report = progress_reporter('restore job', 'job-1', environ={PROGRESS_FILE_ENV: str(tmp_path / 'gone' / 'p.jsonl')})
    report('RUNNING', None, 1)  # the directory does not exist: nothing written, nothing raised
    assert not (tmp_path / 'gone').exists()


def test_default_cap_is_five_minutes_and_predictions_keep_theirs(clock):
    wait_for_job(script(*(['Running'] * 80 + ['Succeeded'])), STATES, timeout=100000, poll_interval=5, clock=clock,
                 sleep=clock.sleep, now=stamp)
    assert max(clock.sleeps) == MAX_INTERVAL == 300
    assert clock.sleeps[-1] == 300


def test_a_job_just_started_is_first_looked_at_one_interval_later(clock):
    get_state = script('Running', 'Succeeded')
    result = wait_for_job(get_state, STATES, timeout=100, poll_interval=5, clock=clock, sleep=clock.sleep, now=stamp,
                          first_poll_after=5)
    assert clock.sleeps == [5, 5]
    assert result.polls == 2
    assert result.timeline[0]['elapsed_seconds'] == 5


def test_the_first_look_never_waits_past_the_timeout(clock):
    with pytest.raises(WaitTimeout) as caught:
        wait_for_job(script('Running'), STATES, timeout=3, poll_interval=5, clock=clock, sleep=clock.sleep, now=stamp,
                     first_poll_after=5)
    assert clock.sleeps == [3]
    assert caught.value.result.polls == 1
