"""simulators.ctl as a newcomer meets it: what `up` and `status` print, what env.sh sets, what `up` needs."""
from __future__ import annotations

import json
import os
import pathlib
import ssl
import subprocess
import sys
import urllib.request

import pytest
import yaml

from simulators import ctl

REPO = pathlib.Path(__file__).resolve().parents[2]
CTL = [sys.executable, '-m', 'simulators.ctl']
# moto's published dummy pair and region: in every moto example, not a secret.
WELL_KNOWN = set(ctl.AWS_ENV)


def _ctl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CTL + list(args), cwd=REPO, capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope='module', name='started')
def fixture_started(tmp_path_factory):
    """Every simulator started once by `ctl up`, as a user starts them; (state dir, what up printed)."""
    state = tmp_path_factory.mktemp('ctl') / 'sim'
    collections = tmp_path_factory.mktemp('ctl-collections')
    up = _ctl('up', '--state-dir', str(state), '--collections', str(collections))
    try:
        assert up.returncode == 0, up.stderr
        yield state, up.stdout + up.stderr, collections
    finally:
        _ctl('down', '--state-dir', str(state))


def _secrets(state: pathlib.Path) -> list[str]:
    """Every password, token and secret key the running simulators know (their /_sim/secrets)."""
    endpoints = json.loads((state / 'endpoints.json').read_text(encoding='utf-8'))
    found = []
    for product in ctl.SIMULATORS:
        context = ssl.create_default_context(cafile=endpoints[product + '_ca'])
        with urllib.request.urlopen(endpoints[product] + '/_sim/secrets', context=context, timeout=30) as answer:
            found += json.load(answer)
    return found


def test_up_prints_no_secret(started):
    state, printed, _collections = started
    secrets = _secrets(state)
    # Without secrets to look for the test would pass whatever up printed.
    assert len(secrets) >= 3
    env, _path = ctl.read_env(state)
    secrets += [value for name, value in env.items() if ctl._secret(name) and name not in WELL_KNOWN]  # pylint: disable=protected-access
    leaked = sorted({secret for secret in secrets if secret and str(secret) in printed})
    assert not leaked, 'ctl up printed secrets'


def test_up_names_what_env_sh_sets_and_the_seed_ids(started):
    state, printed, collections = started
    env, path = ctl.read_env(state)
    assert {'VEEAM_AWS_SERVER', 'VEEAM_AWS_CA_PATH', 'VEEAM_AZURE_CA_PATH', 'CLUMIO_CA_PATH', 'CLUMIO_API_TOKEN', 'AWS_CA_BUNDLE',
            'AWS_ENDPOINT_URL_BACKUP', 'AWS_ENDPOINT_URL_DYNAMODB', 'VEEAM_AWS_SIM_IAM_ROLE_ID', 'CLUMIO_SIM_ENVIRONMENT_ID'} <= set(env)
    assert f'source {state / "env.sh"}' in printed
    missing = [name for name in env if f'  {name}=' not in printed]
    assert not missing, 'ctl up does not name everything env.sh sets'
    assert path == collections.resolve() and f'puts {path} first on ANSIBLE_COLLECTIONS_PATH' in printed
    veeam = yaml.safe_load(ctl.SIMULATORS['veeam_aws'].seed.read_text(encoding='utf-8'))
    clumio = yaml.safe_load(ctl.SIMULATORS['clumio'].seed.read_text(encoding='utf-8'))
    assert f"(a restore's authentication.iam_role_id): {veeam['iam_roles'][0]['id']}" in printed
    assert f"(a restore's environment_id): {clumio['environments'][0]['id']}" in printed
    # Nothing is installed in the test's collections path: up says how to install it.
    assert 'it is not installed there yet: run `make demo`' in printed


def test_status_prints_what_up_prints(started):
    state, printed, _collections = started
    status = _ctl('status', '--state-dir', str(state))
    assert status.returncode == 0, status.stderr
    assert status.stdout == printed


def test_env_sh_in_a_shell(started):
    """Sourced, env.sh exports every connection variable and puts the collections path ahead of the shell's own
    (or, when the shell has none, of Ansible's default, which setting the variable would otherwise drop)."""
    state, _printed, collections = started
    env, _path = ctl.read_env(state)
    shell = subprocess.run(['bash', '-c', 'source "$1" && env -0', 'bash', str(state / 'env.sh')], capture_output=True,
                           env={'PATH': os.environ['PATH'], 'HOME': '/home/u', 'ANSIBLE_COLLECTIONS_PATH': '/elsewhere'}, check=True)
    exported = dict(entry.split('=', 1) for entry in shell.stdout.decode().split('\0') if '=' in entry)
    assert {name: exported.get(name) for name in env} == env
    assert exported['ANSIBLE_COLLECTIONS_PATH'] == f'{collections.resolve()}:/elsewhere'

    def path_without(**shell_env):
        return subprocess.run(['bash', '-c', 'source "$1" && printf %s "$ANSIBLE_COLLECTIONS_PATH"', 'bash', str(state / 'env.sh')],
                              capture_output=True, text=True, env={'PATH': os.environ['PATH'], **shell_env}, check=True).stdout
    assert path_without(HOME='/home/u') == f'{collections.resolve()}:/home/u/.ansible/collections:/usr/share/ansible/collections'
    assert path_without(HOME='/home/u', ANSIBLE_HOME='/ah') == f'{collections.resolve()}:/ah/collections:/usr/share/ansible/collections'


def test_up_names_each_missing_requirement(monkeypatch, tmp_path, capsys):
    import importlib.util  # pylint: disable=import-outside-toplevel
    real = importlib.util.find_spec
    assert ctl.check_requirements() is None
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *args: None if name in ('flask_cors', 'moto') else real(name, *args))
    assert ctl.main(['up', '--state-dir', str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert 'lacks moto, flask_cors, which the simulators need' in error
    assert '.venv/bin/python -m simulators.ctl up' in error
    assert not (tmp_path / 'endpoints.json').exists()


def test_every_import_of_the_simulators_is_checked():
    """A module the simulators import that the check does not name would again die in a log line (moto's server
    imports flask and flask_cors itself: the check names them too)."""
    imported = set()
    for path in (REPO / 'simulators').rglob('*.py'):
        for line in path.read_text(encoding='utf-8').splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ('import', 'from'):
                imported.add(words[1].split('.')[0].rstrip(','))
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name not in ('simulators', '__future__')}
    assert third_party <= set(ctl.REQUIREMENTS)
