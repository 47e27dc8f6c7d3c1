# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The poll loop every restore module uses to wait for a job, session or task to finish."""

from __future__ import annotations

import collections
import datetime
import json
import os
import time

from ansible_collections.recoverops.restore.plugins.module_utils._errors import WaitTimeout
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import human_duration

RUNNING = 'running'
SUCCEEDED = 'succeeded'
WARNING = 'warning'
FAILED = 'failed'
TERMINAL = frozenset((SUCCEEDED, WARNING, FAILED))


class StateMap:
    """A product's job states sorted into running / succeeded / warning / failed.

    Matching ignores case. A state the map does not know counts as running: vendors add states,
    and waiting a little longer is safer than declaring a restore finished or failed.
    """

    def __init__(self, running=(), succeeded=(), warning=(), failed=()):
        self._outcomes = {}
        for outcome, states in ((RUNNING, running), (SUCCEEDED, succeeded), (WARNING, warning), (FAILED, failed)):
            for state in states:
                self._outcomes[state.lower()] = outcome

    def outcome(self, state):
        return self._outcomes.get(str(state).lower(), RUNNING)


# What the shared finish needs to know about a product's jobs: read one, its state, its log, its
# normalized form, the product's StateMap, (where the product reports it) its percent done, and
# (where the job itself says more than its log) the message for a failed one.
# Each product module_util builds one from its client.
JobReader = collections.namedtuple('JobReader', 'get state log normalize states progress failure', defaults=(None, None))

# A foreground restore task's action plugin (plugin_utils/_progress_action.py) names a file here and
# shows each line the wait appends to it, so a long wait is not a silent hang in the task output.
PROGRESS_FILE_ENV = 'RECOVEROPS_PROGRESS_FILE'

# A wait that knows the percent done sleeps PREDICTION_SHARE of the predicted time left, never
# longer than PREDICTION_CAP times max_interval: a job's pace can change, and a job may end before
# its percent reaches 100 (the last step of a restore often jumps). Each look sharpens the forecast,
# so the sleeps shrink towards the end; one shorter than poll_interval goes just past the end.
PREDICTION_CAP = 4
PREDICTION_SHARE = 0.75
PREDICTION_MARGIN = 1.0

# A wait without progress looks again after LATENESS_SHARE of the time already waited (at least
# poll_interval, at most MAX_INTERVAL): the end of a job is seen at most max(poll_interval, 10% of
# its length) late. Past MAX_INTERVAL / LATENESS_SHARE (50 min) the cap keeps that bound too.
LATENESS_SHARE = 0.1
MAX_INTERVAL = 300.0
# Predicted sleeps are capped at PREDICTION_CAP times this (or times max_interval when one is given).
PREDICTION_BASE = 30.0


class WaitResult:
    """What a wait observed: the last state and job body, and when each state was first seen."""

    def __init__(self):
        self.state = None
        self.outcome = RUNNING
        self.job = None
        self.timeline = []
        self.polls = 0
        self.predictions = 0
        self.elapsed = 0.0

    def as_dict(self):
        return {'state': self.state, 'outcome': self.outcome, 'polls': self.polls, 'predicted_sleeps': self.predictions,
                'elapsed_seconds': round(self.elapsed, 3), 'timeline': self.timeline}


def wait_for_job(get_state, state_map, *, timeout, poll_interval=5.0, max_interval=None, share=LATENESS_SHARE,
                 clock=time.monotonic, sleep=time.sleep, now=None, progress=None, report=None, first_poll_after=0.0):
    """Poll `get_state()` -> `(state, job)` until the state is terminal or `timeout` seconds pass.

    A job that reports no progress is looked at again after `share` (10%) of the time already
    waited, never sooner than `poll_interval` nor later than `max_interval` (default MAX_INTERVAL,
    5 min; predicted sleeps are capped at PREDICTION_CAP x 30 s then): a job that ends T
    seconds into the wait is seen at most max(poll_interval, share x T) seconds late (the last
    interval before the end was at most that long), so a 10 s job is seen within 2 s at a
    2 s poll_interval and a 1 h one within 6 minutes, for about 65 requests instead of the
    ~125 of a loop capped at 30 s. With `progress(job)` -> percent
    done (or None), two readings give the job's pace, and the wait sleeps most of the predicted
    time left instead: fewer polls for a long job and an earlier look at a short one. The
    last sleep is cut short so the timeout is honoured to the second. `report(state,
    percent_done, elapsed)`, if given, hears of every poll. A job the caller has just started is
    known to be running, so `first_poll_after` seconds pass before the first look: one request less
    per restore, and a job that fails at once is still seen one interval later.
    """
    now = now or _utc_now
    result = WaitResult()
    started = clock()
    pace = _Pace()
    if first_poll_after > 0:
        sleep(min(first_poll_after, timeout))
    while True:
        state, job = get_state()
        result.polls += 1
        result.elapsed = clock() - started
        result.job = job
        if state != result.state:
            result.timeline.append({'state': state, 'at': now(), 'elapsed_seconds': round(result.elapsed, 3)})
        result.state = state
        result.outcome = state_map.outcome(state)
        percent_done = progress(job) if progress else None
        if report:
            report(state, percent_done, result.elapsed)
        if result.outcome in TERMINAL:
            return result
        remaining = timeout - (clock() - started)
        if remaining <= 0:
            raise WaitTimeout('Timed out after %s waiting for the job to finish; last state: %s'
                              % (human_duration(timeout), state), result)
        predicted = pace.remaining(percent_done, clock())
        if predicted is not None:
            result.predictions += 1
            wait = min(max(predicted * PREDICTION_SHARE, min(predicted + PREDICTION_MARGIN, poll_interval)),
                       PREDICTION_CAP * max(PREDICTION_BASE if max_interval is None else max_interval, poll_interval))
        else:
            wait = next_interval(result.elapsed, poll_interval, MAX_INTERVAL if max_interval is None else max_interval, share)
        sleep(min(wait, remaining))


def next_interval(elapsed, poll_interval=5.0, max_interval=MAX_INTERVAL, share=LATENESS_SHARE):
    """Seconds until the next look at a job without progress, `elapsed` seconds into the wait."""
    floor = max(poll_interval, 0.0)
    return min(max(floor, share * elapsed), max(max_interval, floor))


def progress_reporter(what, job_id, environ=None):
    """A `report` for wait_for_job that appends each poll to the file PROGRESS_FILE_ENV names; None without one."""
    path = (os.environ if environ is None else environ).get(PROGRESS_FILE_ENV)
    if not path:
        return None

    def report(state, percent_done, elapsed):
        line = {'what': what, 'id': job_id, 'state': state, 'percent': percent_done, 'elapsed_seconds': round(elapsed, 1)}
        try:
            with open(path, 'a', encoding='utf-8') as progress_file:
                progress_file.write(json.dumps(line) + '\n')
        except OSError:
            pass  # Showing progress is a courtesy: never fail or stop a restore over it.
    return report


class _Pace:
    """Seconds a job has left, from its first and its latest percent-done readings."""

    def __init__(self):
        self.first = None

    def remaining(self, percent_done, at):
        if percent_done is None or not 0 < percent_done < 100:
            return None
        if self.first is None:
            self.first = (percent_done, at)
            return None
        done, since = percent_done - self.first[0], at - self.first[1]
        if done <= 0 or since <= 0:
            return None
        return (100 - percent_done) * since / done


def percent(value):
    """A percent done from 40, 40.0, '40', '40.00%'; None when there is none."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(str(value).strip().rstrip('%'))
    except ValueError:
        return None


def _utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
