# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the module tests: every VeeamAwsClient call mocked, main() run to its exit, JSON read back."""

from __future__ import annotations

import json
import types

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.recoverops.restore.plugins.module_utils._veeam_aws import VeeamAwsClient, VeeamAwsConnection

CLIENT_METHODS = ('get_restore_point', 'delete_restore_point', 'start_restore', 'list_restore_points', 'find_table',
                  'list_tables', 'get_session', 'get_session_log', 'get_restored_items', 'list_restore_sessions',
                  'find_restore_sessions', 'close')
CONNECTION = {'server': 'https://vbaws.test:11005', 'username': 'restore-operator', 'password': 'hunter22-Secret'}


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    for name in ('SERVER', 'USERNAME', 'PASSWORD', 'API_VERSION', 'VALIDATE_CERTS', 'CA_PATH'):
        monkeypatch.delenv('VEEAM_AWS_' + name, raising=False)


@pytest.fixture
def veeam(mocker):
    """The client's methods, each an autospec mock (so `self` is the first argument), and a spy on client()."""
    mocks = types.SimpleNamespace()
    for name in CLIENT_METHODS:
        setattr(mocks, name, mocker.patch.object(VeeamAwsClient, name, autospec=True))
    mocks.connect = mocker.spy(VeeamAwsConnection, 'client')
    return mocks


@pytest.fixture
def run_module(capsys):
    """run(module, args, check_mode=False, diff=False) -> (exit code, result dict)."""

    def run(module, args, check_mode=False, diff=False, connection=True):
        module_args = dict(CONNECTION) if connection else {}
        module_args.update(args)
        if check_mode:
            module_args['_ansible_check_mode'] = True
        if diff:
            module_args['_ansible_diff'] = True
        with patch_module_args(module_args):
            with pytest.raises(SystemExit) as caught:
                module.main()
        return caught.value.code, json.loads(capsys.readouterr().out)

    return run
