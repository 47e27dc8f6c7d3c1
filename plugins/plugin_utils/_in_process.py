# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this plugin_util is internal to recoverops.restore and may change at any time.
"""Run the collection's modules inside the controller's process, as a local task would run them.

A task runs its module in a new Python process, which imports Ansible's module code, requests and
boto3 again: about 0.7 CPU-seconds a run, most of a drill item's cost when an item runs a dozen.
The drill's items run on the controller anyway (connection local), so dr_drill_run loads these
modules once and calls their main() here, with the arguments a task would send them (the play's
module_defaults included) and the result a task would get back (no_log values already masked by
AnsibleModule). Each call sets the module's arguments in ansible.module_utils.basic, which is
process-wide, so calls are made one at a time in a process: dr_drill_run gives each item a
process of its own (a fork) for that reason.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json

from ansible.module_utils import _internal, basic
from ansible.module_utils.common import json as module_json, warnings as module_warnings

COLLECTION = 'recoverops.restore'
# The serialization profile tasks send module arguments with (ansible.module_utils.testing uses the same).
PROFILE = 'legacy'
ENCODER = module_json.get_module_encoder(PROFILE, module_json.Direction.CONTROLLER_TO_MODULE)
PACKAGE = 'ansible_collections.recoverops.restore.plugins.modules.'


class ModuleRunner:
    """Runs the named modules in this process; `defaults[name]` are the play's module_defaults for it."""

    def __init__(self, names, defaults=None, check_mode=False, no_log=False, tmpdir=None):
        self.modules = {name: importlib.import_module(PACKAGE + name) for name in names}
        self.defaults = defaults or {}
        self.internal = {'_ansible_check_mode': bool(check_mode), '_ansible_no_log': bool(no_log)}
        if tmpdir:
            self.internal['_ansible_remote_tmp'] = tmpdir

    def run(self, name, args):
        """The module's result dict; a module that broke off without a result is a failed result naming it."""
        params = dict(self.defaults.get(name) or {}, **args)
        params.update(self.internal)
        printed = io.StringIO()
        # In the controller's process, module warnings would go to its display (a forked item's child must not touch
        # it) instead of the result: here they go to the result, as in a module's own process, from this run only.
        controller, _internal.is_controller = _internal.is_controller, False
        module_warnings._global_warnings.clear()  # pylint: disable=protected-access
        module_warnings._global_deprecations.clear()  # pylint: disable=protected-access
        try:
            # What a task sends a module: dates and Ansible's own types as JSON, as the module's own process gets them.
            basic._ANSIBLE_ARGS = json.dumps({'ANSIBLE_MODULE_ARGS': params}, cls=ENCODER).encode()  # pylint: disable=protected-access
            basic._ANSIBLE_PROFILE = PROFILE  # pylint: disable=protected-access
            with contextlib.redirect_stdout(printed):
                self.modules[name].main()
        except SystemExit:
            pass  # exit_json and fail_json end so, after printing the result
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # A module bug must not take the drill down: the item records it and the report shows it.
            return {'failed': True, 'msg': '%s.%s stopped with %s: %s' % (COLLECTION, name, type(exc).__name__, exc)}
        finally:
            _internal.is_controller = controller
        return _last_result(name, printed.getvalue())


def plain(data):
    """`data` as a module would get it: JSON types only (a YAML date becomes its ISO string)."""
    return json.loads(json.dumps(data, cls=ENCODER))


def _last_result(name, printed):
    for line in reversed(printed.strip().splitlines()):
        try:
            result = json.loads(line)
        except ValueError:
            continue
        if isinstance(result, dict):
            result.pop('invocation', None)
            return result
    return {'failed': True, 'msg': '%s.%s returned no result' % (COLLECTION, name)}
