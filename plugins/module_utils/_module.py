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

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import (
    ApiError,
    OperationFailed,
    OptionError,
    WaitTimeout,
)
from ansible_collections.recoverops.restore.plugins.module_utils._http import REQUESTS_IMPORT_ERROR, Redactor

__all__ = ['OperationFailed', 'RecoverOpsModule', 'WAIT_ARGSPEC']

WAIT_ARGSPEC = {
    'wait': {'type': 'bool', 'default': True},
    'wait_timeout': {'type': 'int', 'default': 3600},
    'poll_interval': {'type': 'int', 'default': 5},
}
# ansible-core's message for a dict option given as a string names no option first; ours does.
_NOT_A_DICT = re.compile(r"argument '([^']+)' is of type (\w+) and we were unable to convert to dict")


class RecoverOpsModule(AnsibleModule):
    """AnsibleModule plus the connection option group of one product."""

    def __init__(self, argument_spec, connection=None, requires_requests=True, checks=None, **kwargs):
        spec = dict(connection.ARGSPEC) if connection else {}
        spec.update(argument_spec)
        self._initializing = True
        super().__init__(argument_spec=spec, **kwargs)
        self._initializing = False
        # Anything added here (tokens as they are issued) is masked by Ansible in every result too.
        self.redact = Redactor(on_add=self.no_log_values.add)
        self.connection = connection(self) if connection else None
        if requires_requests and REQUESTS_IMPORT_ERROR:
            self.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
        self.checked = self.check(checks) if checks else None

    def fail_json(self, msg, **kwargs):
        if getattr(self, '_initializing', False):
            errors = getattr(getattr(self, 'validation_result', None), 'error_messages', None) or []
            named = next((_NOT_A_DICT.search(error) for error in errors if _NOT_A_DICT.search(error)), None)
            if named:
                msg = '%s must be a dictionary of its suboptions, got a %s' % named.groups()
            # ansible-core stops collecting no_log values at the first malformed dict option, so a
            # password given beside it would be printed in `invocation`: collect them here.
            self.no_log_values.update(_secrets(self.argument_spec, self.params))
        super().fail_json(msg=msg, **kwargs)

    def check(self, checks):
        """Run `checks(params, module)` (module_utils/_checks rules raising OptionError) before any call."""
        try:
            return checks(self.params, self)
        except OptionError as exc:
            self.fail_json(msg=exc.msg)

    # -- input checks: each fails before any API call, naming the option and what it accepts ----
    def check_uuid(self, name, value=None):
        return self.check(lambda params, _module: _checks.uuid(name, params.get(name) if value is None else value))

    def check_timestamp(self, name, allow_future=False):
        return self.check(lambda params, _module: _checks.timestamp(name, params.get(name), allow_future))

    def check_positive(self, name, minimum=1):
        return self.check(lambda params, _module: _checks.at_least(name, params.get(name), minimum))

    def check_wait_options(self):
        self.check_positive('wait_timeout', 0)
        self.check_positive('poll_interval', 1)

    # -- running --------------------------------------------------------------------------------
    def run(self, work):
        """Call `work()` and exit with its result; turn every known failure into fail_json."""
        client = None
        try:
            if self.connection is not None:
                client = self.connection.client()
            result = work(client) if self.connection is not None else work()
        except OptionError as exc:
            self._close(client)
            self.fail_json(msg=self.redact(exc.msg))
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


def _secrets(spec, params):
    """The values of every no_log option (and suboption) in `params`, under its name or an alias."""
    found = set()
    if not isinstance(params, dict):
        return found
    for name, option in spec.items():
        for key in [name] + list(option.get('aliases') or []):
            value = params.get(key)
            if option.get('no_log') and value not in (None, ''):
                found.add(str(value))
            if option.get('options'):
                for item in value if isinstance(value, list) else [value]:
                    found |= _secrets(option['options'], item)
    return found
