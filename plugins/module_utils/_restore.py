# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The one restore flow every restore module runs (../shared/DESIGN.md "Layers", floor 2).

    an earlier restore of this target that runs, or succeeded into a target that still exists
        -> reuse it: changed false, job.reused true, nothing sent
    a target that exists although no restore of ours made it
        -> refuse before any write (a restore never replaces a resource unasked)
    check mode
        -> the request that would be sent, nothing sent
    start
        -> a lost, truncated or unreadable answer is looked up before anything is sent again:
           the same rule and the same number of tries for every product
    wait
        -> the normalized job under `job`; any failure after the start names the job

A product describes its restores by subclassing `Restore` in its vendor file; its module builds one
and calls `run_restore`. No product is named here.
"""

from __future__ import annotations

import abc
import datetime

from ansible_collections.recoverops.restore.plugins.module_utils._errors import (
    ApiError,
    OperationFailed,
    WaitTimeout,
    answer_lost,
    outcome_unknown,
)
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import iso_z, parse_timestamp, utc_now
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import (
    FAILED,
    RUNNING,
    SUCCEEDED,
    WARNING,
    StateMap,
    progress_reporter,
    wait_for_job,
)

# A restore request is sent at most this many times, and only again after a look-up found no
# restore that an earlier, lost answer may have started.
START_TRIES = 3
# How long a look-up after a lost answer watches for the restore to show up. The request may never
# have reached the product (a connection dropped before it acted), so this is short: products list a
# job they started within a second or two, and waiting longer only delays the resend.
LOOKUP_SECONDS = 10
# How long a restore that was accepted without naming its job may take to show up: it did start, so
# there is nothing to resend and only waiting can find it.
APPEAR_SECONDS = 60
# Products' clocks and ours disagree a little; a restore found this much before we sent ours counts.
CLOCK_SKEW = datetime.timedelta(minutes=2)
NOT_STARTED = 'not_started'
_FOUND = StateMap(succeeded=('found',))


class Restore(abc.ABC):
    """What one product tells the flow about one restore. The module builds it; `run_restore` drives it.

    Class attributes name the product's own result keys; methods read and act. Every read method
    runs before anything is written.
    """

    product = None        # veeam_aws | clumio | veeam_azure | aws_backup | dynamodb
    key = None            # the result key of the product's own job object ('session', 'task', ...)
    id_key = None         # the result key of the job id ('session_id', 'restore_job_id', ...)
    what = 'restore job'  # the job in words, for messages and progress lines
    where = 'the product'  # where a person checks the restores, for messages

    def __init__(self, module, client):
        self.module = module
        self.client = client
        self.params = module.params
        self.point = None     # the normalized restore point restored, once prepare() read it
        self.request = None   # the body start() sends

    @abc.abstractmethod
    def prepare(self):
        """Read the restore point, build self.request; return the result keys to report (restore_point, target...)."""

    def target_text(self):
        """The target in words, for messages (e.g. "orders-drill in us-east-1")."""
        return 'this target'

    def masked_request(self):
        """self.request as results show it (secrets masked)."""
        return self.request

    @abc.abstractmethod
    def earlier(self):
        """The product's restores into this target (any state, newest first), as raw job objects."""

    def target_exists(self, job):
        """Whether the resource `job` restored is still there: True, False, or None when it cannot be told."""
        return None

    def conflict(self):
        """A message when the target exists although no restore of ours made it; None otherwise."""
        return None

    @abc.abstractmethod
    def start(self):
        """Send the restore once; the job id, or None when the product's answer does not name it."""

    @abc.abstractmethod
    def reader(self):
        """The JobReader (_waiting) of this product's jobs."""

    def job_id(self, raw):
        return raw.get('id')

    @abc.abstractmethod
    def describe(self, raw):
        """{state, started_at, finished_at, created_resource} of a raw job, times from the product's clock."""

    def finished(self, result):
        """Called once the restore succeeded (or ended with warnings) and was waited for (e.g. to tag what it created)."""


def run_restore(module, restore):
    """The flow of the module docstring; returns the module result, raises OperationFailed."""
    result = dict(changed=False, existing=False, **restore.prepare())
    result['request'] = restore.masked_request()
    earlier = list(restore.earlier())
    reusable = None if module.params.get('force') else next((job for job in earlier if _reusable(restore, job)), None)
    if reusable is not None:
        result['existing'] = True
        return _finish(module, restore, result, restore.job_id(reusable), reused=True)
    refusal = restore.conflict()
    if refusal:
        raise OperationFailed(refusal, **result)
    result['changed'] = True
    if module.check_mode:
        result['job'] = normalized_job(restore, None, reused=False, description={'state': None}, outcome=NOT_STARTED)
        return result
    job_id = start(restore, result, known={restore.job_id(job) for job in earlier})
    return _finish(module, restore, result, job_id, reused=False)


def _reusable(restore, job):
    outcome = restore.reader().states.outcome(restore.describe(job)['state'])
    if outcome == RUNNING:
        return True
    return outcome in (SUCCEEDED, WARNING) and restore.target_exists(job) is not False


def start(restore, result, known):
    """Send the restore and return its job id, so that it is neither started twice nor left unreported."""
    for attempt in range(1, START_TRIES + 1):
        try:
            job_id = restore.start()
        except OperationFailed as exc:
            # The product refused before acting: still report what was asked (point, target, request).
            exc.result = dict(result, **exc.result)
            raise
        except Exception as exc:  # what a lost answer looks like differs by client; answer_lost() tells
            if not (answer_lost(exc) or outcome_unknown(exc)):
                raise
            found = look_up(restore, known, LOOKUP_SECONDS, result)
            if found is not None:
                return found
            if outcome_unknown(exc):
                raise OperationFailed('The restore request failed (%s) and no %s for %s appeared within %ss; check %s '
                                      'before running again.' % (_msg(exc), restore.what, restore.target_text(), LOOKUP_SECONDS,
                                                                 restore.where), **result) from None
            if attempt == START_TRIES:
                raise OperationFailed('The restore request was sent %d times and each answer was lost (last: %s); no %s '
                                      'for %s appeared. Check %s before running again.'
                                      % (START_TRIES, _msg(exc), restore.what, restore.target_text(), restore.where),
                                      **result) from None
            continue
        if job_id is None:
            job_id = look_up(restore, known, APPEAR_SECONDS, result)
            if job_id is None:
                raise OperationFailed('The restore was accepted but named no %s, and none for %s appeared within %ss; '
                                      'check %s before running again.' % (restore.what, restore.target_text(), APPEAR_SECONDS,
                                                                          restore.where), **result)
        return job_id
    return None  # not reached: the last try returns or raises


def look_up(restore, known, timeout, result=None):
    """The id of a restore of this target that was not there before we sent ours, or None after `timeout` s.

    None means "looked and saw none"; when no look got an answer at all, sending again could start a
    second restore, so that fails instead, with what is known so far.
    """
    errors = []
    answered = []

    def newest_unknown():
        try:
            fresh = [job for job in restore.earlier() if restore.job_id(job) not in known]
        except (ApiError, OperationFailed) as exc:
            errors.append(exc)
            return 'missing', None  # the look-up itself hit a fault: look again until the time is up
        answered.append(True)
        return ('found', fresh[0]) if fresh else ('missing', None)
    try:
        return restore.job_id(wait_for_job(newest_unknown, _FOUND, timeout=timeout, poll_interval=1, max_interval=5).job)
    except WaitTimeout:
        if answered or not errors:
            return None
    raise OperationFailed('The restore request may have started a %s for %s, but looking for it failed each time (last: %s); '
                          'check %s before running again.' % (restore.what, restore.target_text(), _msg(errors[-1]), restore.where),
                          **(result or {}))


def _finish(module, restore, result, job_id, reused):
    """Wait for the job when `wait` is true; the product's own job under its key, the normalized one under `job`.

    Whatever fails from here on (a poll, the timeout, reading the log, the job itself, tagging what it
    made, or a bug), the failure carries the job id, the product's key and `job`: nothing started goes
    unreported.
    """
    result[restore.id_key] = job_id
    result[restore.key] = {'id': job_id}
    result['job'] = normalized_job(restore, None, reused, {'state': None}, RUNNING, job_id=job_id)
    try:
        return _wait_and_describe(module, restore, result, job_id, reused)
    except OperationFailed as exc:
        exc.result = dict(result, **exc.result)
        raise
    except Exception as exc:  # whatever broke, the job it started is in the failure
        why = _msg(exc) if isinstance(exc, ApiError) else '%s: %s' % (type(exc).__name__, exc)
        raise OperationFailed('The %s %s was started but reading its state failed: %s' % (restore.what, job_id, why),
                              **result) from None


def _wait_and_describe(module, restore, result, job_id, reused):
    params, reader = module.params, restore.reader()
    try:
        raw, waited = _read_or_wait(params, restore, reader, job_id, just_started=not reused)
    except WaitTimeout as exc:
        result['wait'] = exc.result.as_dict()
        _describe_into(restore, reader, result, exc.result.job, reused, None)
        raise OperationFailed('%s. The %s %s is still running.' % (exc.msg, restore.what, job_id), **result) from None
    except (ApiError, OperationFailed) as exc:
        raise OperationFailed('The %s %s was started but reading its state failed: %s' % (restore.what, job_id, _msg(exc)),
                              **result) from None
    if waited is not None:
        result['wait'] = waited.as_dict()
    outcome = _describe_into(restore, reader, result, raw, reused, waited)
    if outcome == FAILED:
        raise OperationFailed(_failure_message(restore, reader, job_id, raw, result), **result)
    if outcome == WARNING:
        module.warn('%s %s finished with warnings; see %s.log' % (restore.what.capitalize(), job_id, restore.key))
    if outcome in (SUCCEEDED, WARNING) and params['wait'] and not module.check_mode:
        restore.finished(result)
    return result


def _read_or_wait(params, restore, reader, job_id, just_started):
    def poll():
        raw = reader.get(job_id)
        return reader.state(raw), raw

    if not params['wait']:
        return reader.get(job_id), None
    # A job this run started is known to be running: its first look comes one interval later.
    waited = wait_for_job(poll, reader.states, timeout=params['wait_timeout'], poll_interval=params['poll_interval'],
                          progress=reader.progress, report=progress_reporter(restore.what, job_id),
                          first_poll_after=params['poll_interval'] if just_started else 0)
    return waited.job, waited


def _describe_into(restore, reader, result, raw, reused, waited):
    if raw is None:
        return RUNNING
    description = restore.describe(raw)
    outcome = reader.states.outcome(description['state'])
    log = reader.log(restore.job_id(raw) or result[restore.id_key]) if outcome in (FAILED, WARNING) else None
    result[restore.key] = reader.normalize(raw, log)
    result['job'] = normalized_job(restore, raw, reused, description, outcome, waited=waited)
    return outcome


def _failure_message(restore, reader, job_id, raw, result):
    if reader.failure:
        return reader.failure(raw)
    log = (result.get(restore.key) or {}).get('log') or []
    messages = '; '.join(entry.get('message', '') for entry in log[-3:] if entry.get('message'))
    return '%s %s ended %s: %s' % (restore.what.capitalize(), job_id, result['job']['state'], messages or 'no log')


def normalized_job(restore, raw, reused, description, outcome, waited=None, job_id=None):
    """The normalized restore job of DESIGN.md. A product that records no end (a DynamoDB table has
    none) gets the moment the wait first saw the end, marked by finished_at_observed."""
    started, finished = _iso(description.get('started_at')), _iso(description.get('finished_at'))
    observed = False
    if finished is None and waited is not None and outcome in (SUCCEEDED, WARNING, FAILED) and waited.timeline:
        finished, observed = waited.timeline[-1]['at'], True
    duration = None
    if started and finished:
        duration = round((parse_timestamp(finished) - parse_timestamp(started)).total_seconds(), 3)
    return {
        'id': restore.job_id(raw) if raw is not None else job_id,
        'product': restore.product,
        'restore_point': restore.point,
        'reused': reused,
        'state': description.get('state'),
        'outcome': outcome,
        'started_at': started,
        'finished_at': finished,
        'finished_at_observed': observed,
        'duration_seconds': duration,
        'created_resource': description.get('created_resource'),
        'request': restore.masked_request(),
        'raw': raw,
    }


def _iso(value):
    """ISO 8601 UTC, to the millisecond where the product gives fractions (drill phases are that precise)."""
    if not value:
        return None
    moment = parse_timestamp(value)
    if not moment.microsecond:
        return iso_z(moment)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


def _msg(exc):
    return getattr(exc, 'msg', None) or str(exc)


def since(point, skew=CLOCK_SKEW):
    """The moment a look for restores of `point` starts: its creation, less the clock skew we allow."""
    return parse_timestamp(point['created_at']) - skew if point and point.get('created_at') else utc_now() - skew
