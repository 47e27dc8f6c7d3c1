# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The engine every module runs on: option groups, input checks, error handling, redaction.

A module file is its argument spec plus a short `main()`: it builds a `RecoverOpsModule` with the
product's connection options, and hands `run()` a function that returns the result dict. Every
error the shared layer raises becomes a `fail_json` with a clear, redacted message, and the API
session is always closed (logout) whatever happened.
"""

from __future__ import annotations

import re
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.recoverops.restore.plugins.module_utils._http import (
    REQUESTS_IMPORT_ERROR,
    ApiError,
    Redactor,
)
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import (
    parse_timestamp,
    utc_now,
)
from ansible_collections.recoverops.restore.plugins.module_utils._waiting import FAILED, WARNING, WaitTimeout, progress_reporter, wait_for_job

UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')

WAIT_ARGSPEC = {
    'wait': {'type': 'bool', 'default': True},
    'wait_timeout': {'type': 'int', 'default': 3600},
    'poll_interval': {'type': 'int', 'default': 5},
}


class OperationFailed(Exception):
    """A module-level failure that carries the result so far (e.g. the id of a started restore)."""

    def __init__(self, msg, **result):
        super().__init__(msg)
        self.msg = msg
        self.result = result


class RecoverOpsModule(AnsibleModule):
    """AnsibleModule plus the connection option group of one product."""

    def __init__(self, argument_spec, connection=None, requires_requests=True, **kwargs):
        spec = dict(connection.ARGSPEC) if connection else {}
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, **kwargs)
        # Anything added here (tokens as they are issued) is masked by Ansible in every result too.
        self.redact = Redactor(on_add=self.no_log_values.add)
        self.connection = connection(self) if connection else None
        if requires_requests and REQUESTS_IMPORT_ERROR:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)

    # -- input checks: each fails before any API call, naming the option and what it accepts ----
    def check_uuid(self, name, value=None):
        value = self.params.get(name) if value is None else value
        if value is not None and not UUID_RE.match(value):
            self.fail_json(msg='%s must be a UUID such as 497f6eca-6276-4993-bfeb-53cbbbba6f08, got %r' % (name, value))
        return value

    def check_timestamp(self, name, allow_future=False):
        value = self.params.get(name)
        if value is None:
            return None
        try:
            moment = parse_timestamp(value)
        except ValueError as exc:
            self.fail_json(msg='%s: %s' % (name, exc))
        if not allow_future and moment > utc_now():
            self.fail_json(msg='%s %r is in the future; restore points can only be at or before now' % (name, value))
        return moment

    def check_positive(self, name, minimum=1):
        value = self.params.get(name)
        if value is not None and value < minimum:
            self.fail_json(msg='%s must be %s or more, got %s' % (name, minimum, value))
        return value

    def check_wait_options(self):
        self.check_positive('wait_timeout', 0)
        self.check_positive('poll_interval', 1)

    # -- the end of every restore --------------------------------------------------------------
    def finish_job(self, result, job_id, reader, key='session', what='restore session'):
        """Wait for a started job when `wait` is true, put it under result[key], fail when it failed.

        A job this run started (`result['changed']`) is known to be running, so the wait takes its
        first look one `poll_interval` later; a job found already running is read at once.

        A failure carries the last lines of the job's log; a timeout says the job still runs, with
        the states seen so far. Either way the job id is in the result: nothing started goes unreported.
        """
        def poll():
            raw = reader.get(job_id)
            return reader.state(raw), raw

        if self.params['wait']:
            try:
                waited = wait_for_job(poll, reader.states, timeout=self.params['wait_timeout'],
                                      poll_interval=self.params['poll_interval'], progress=reader.progress,
                                      report=progress_reporter(what, job_id),
                                      first_poll_after=self.params['poll_interval'] if result.get('changed') else 0)
            except WaitTimeout as exc:
                result['wait'] = exc.result.as_dict()
                raise OperationFailed('%s. The %s %s is still running.' % (exc.msg, what, job_id), **result) from None
            result['wait'] = waited.as_dict()
            raw = waited.job
        else:
            raw = reader.get(job_id)
        state = reader.state(raw)
        outcome = reader.states.outcome(state)
        log = reader.log(job_id) if outcome in (FAILED, WARNING) else None
        result[key] = reader.normalize(raw, log)
        if outcome == FAILED and reader.failure:
            raise OperationFailed(reader.failure(raw), **result)
        if outcome == FAILED:
            messages = '; '.join(entry.get('message', '') for entry in (log or [])[-3:] if entry.get('message'))
            raise OperationFailed('%s %s ended %s: %s' % (what.capitalize(), job_id, state, messages or 'no log'), **result)
        if outcome == WARNING:
            self.warn('%s %s finished with warnings; see %s.log' % (what.capitalize(), job_id, key))
        return result

    # -- running --------------------------------------------------------------------------------
    def run(self, work):
        """Call `work()` and exit with its result; turn every known failure into fail_json."""
        client = None
        try:
            if self.connection is not None:
                client = self.connection.client()
            result = work(client) if self.connection is not None else work()
        except OperationFailed as exc:
            self._close(client)
            self.fail_json(msg=self.redact(exc.msg), **exc.result)
        except WaitTimeout as exc:
            self._close(client)
            self.fail_json(msg=self.redact(exc.msg), wait=exc.result.as_dict())
        except ApiError as exc:
            self._close(client)
            self.fail_json(msg=self.redact(exc.msg), status=exc.status, body=exc.body)
        except Exception as exc:
            # Not expected: still no raw traceback in the message; -vvv shows it via `exception`.
            self._close(client)
            self.fail_json(msg=self.redact('Unexpected error: %s: %s' % (type(exc).__name__, exc)),
                           exception=self.redact(traceback.format_exc()))
        self._close(client)
        self.exit_json(**result)

    @staticmethod
    def _close(client):
        if client is not None:
            try:
                client.close()
            except ApiError:
                pass
