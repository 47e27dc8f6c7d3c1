"""Start, stop and show the simulators: python -m simulators.ctl up|down|status|restart --state-dir .sim [--only NAME].

`up` starts moto DynamoDB and every registered product simulator as detached processes, waits for
their health checks and writes endpoints.json and env.sh. A new product simulator is one entry in
SIMULATORS.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shlex
import signal
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

try:
    import yaml

    from simulators.common.server import SEED_DATES
except ImportError:  # main() says what to do: run with the repository's virtualenv
    yaml = None
    SEED_DATES = ('relative', 'fixed')

REPO = pathlib.Path(__file__).resolve().parent.parent
HEALTH_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 5.0
AWS_ENV = {'AWS_ACCESS_KEY_ID': 'testing', 'AWS_SECRET_ACCESS_KEY': 'testing', 'AWS_DEFAULT_REGION': 'us-east-1'}
# Where `make demo` installs the collection (ansible-galaxy collection install -p): env.sh puts it first on
# ANSIBLE_COLLECTIONS_PATH, so playbooks run by hand find recoverops.restore from any folder.
DEMO_COLLECTIONS = REPO / '.build' / 'demo-collections'
# ...then the shell's own path, or when it has none Ansible's default (which setting the variable would drop).
KEEP_COLLECTIONS_PATH = ':"${ANSIBLE_COLLECTIONS_PATH:-${ANSIBLE_HOME:-$HOME/.ansible}/collections:/usr/share/ansible/collections}"'
# What the simulators import: `up` says so, instead of each one dying with an ImportError in its log.
# moto's server imports flask and flask_cors.
REQUIREMENTS = ('yaml', 'moto', 'boto3', 'botocore', 'flask', 'flask_cors', 'cryptography')
# The seed ids a playbook needs, by the env.sh name that holds them.
SEED_IDS = {
    'VEEAM_AWS_SIM_IAM_ROLE_ID': "Veeam Backup for AWS IAM role id (a restore's authentication.iam_role_id)",
    'CLUMIO_SIM_ENVIRONMENT_ID': "Clumio AWS environment id (a restore's environment_id)",
}


def _first_password_user(seed: pathlib.Path) -> dict:
    """The seeded user a demo logs in as: the first one without MFA."""
    users = yaml.safe_load(seed.read_text(encoding='utf-8')).get('users', [])
    return next(user for user in users if not user.get('mfa'))


def _veeam_aws_env(url: str, ca_path: str, seed: pathlib.Path) -> dict[str, str]:
    user = _first_password_user(seed)
    role = yaml.safe_load(seed.read_text(encoding='utf-8'))['iam_roles'][0]
    return {'VEEAM_AWS_SERVER': url, 'VEEAM_AWS_USERNAME': user['username'], 'VEEAM_AWS_PASSWORD': str(user['password']),
            'VEEAM_AWS_CA_PATH': ca_path, 'SIM_CA_PATH': ca_path,
            # What a playbook needs from the seed: the IAM role a restore authenticates with.
            'VEEAM_AWS_SIM_IAM_ROLE_ID': str(role['id']), 'VEEAM_AWS_SIM_IAM_ROLE_NAME': str(role['name'])}


def _veeam_azure_env(url: str, ca_path: str, seed: pathlib.Path) -> dict[str, str]:
    user = _first_password_user(seed)
    return {'VEEAM_AZURE_SERVER': url, 'VEEAM_AZURE_USERNAME': user['username'], 'VEEAM_AZURE_PASSWORD': str(user['password']),
            'VEEAM_AZURE_CA_PATH': ca_path}


def _aws_backup_env(url: str, ca_path: str, seed: pathlib.Path) -> dict[str, str]:
    # Own variable names for the key pair: AWS_ACCESS_KEY_ID stays the moto testing/testing pair.
    credential = yaml.safe_load(seed.read_text(encoding='utf-8'))['credentials'][0]
    # AWS_CA_BUNDLE: the modules' aws_ca_bundle fallback, so the simulator's TLS is verified as a real endpoint's.
    return {'AWS_ENDPOINT_URL_BACKUP': url, 'AWS_BACKUP_CA_PATH': ca_path, 'AWS_CA_BUNDLE': ca_path,
            'AWS_BACKUP_SIM_ACCESS_KEY_ID': str(credential['access_key_id']),
            'AWS_BACKUP_SIM_SECRET_ACCESS_KEY': str(credential['secret_access_key'])}


def _clumio_env(url: str, ca_path: str, seed: pathlib.Path) -> dict[str, str]:
    doc = yaml.safe_load(seed.read_text(encoding='utf-8'))
    return {'CLUMIO_API_BASE_URL': url, 'CLUMIO_CA_PATH': ca_path, 'CLUMIO_API_TOKEN': str(doc['api_token']),
            # What a playbook needs from the seed: the AWS environment a restore goes to (the first one's account and region).
            'CLUMIO_SIM_ENVIRONMENT_ID': str(doc['environments'][0]['id'])}


@dataclass
class ProductSim:
    """How to launch one product simulator and what it exports to env.sh."""

    module: str
    seed: pathlib.Path
    env: Callable[[str, str, pathlib.Path], dict[str, str]]
    extra_args: list[str] = field(default_factory=list)


SIMULATORS: dict[str, ProductSim] = {
    'veeam_aws': ProductSim('simulators.veeam_aws', REPO / 'simulators' / 'veeam_aws' / 'seed.yml', _veeam_aws_env),
    'veeam_azure': ProductSim('simulators.veeam_azure', REPO / 'simulators' / 'veeam_azure' / 'seed.yml', _veeam_azure_env),
    'clumio': ProductSim('simulators.clumio', REPO / 'simulators' / 'clumio' / 'seed.yml', _clumio_env),
    'aws_backup': ProductSim('simulators.aws_backup', REPO / 'simulators' / 'aws_backup' / 'seed.yml', _aws_backup_env),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def spawn(command: list[str], log_path: pathlib.Path, defaults: dict[str, str] | None = None) -> int:
    """Start a detached process (own session, so it outlives this command) and return its pid."""
    # The repo on PYTHONPATH makes `-m simulators.x` work whatever the caller's directory is.
    env = {**(defaults or {}), **os.environ, 'PYTHONPATH': os.pathsep.join(filter(None, [str(REPO), os.environ.get('PYTHONPATH')]))}
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log_path), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    return os.posix_spawn(command[0], command, env, file_actions=actions, setsid=True)


def wait_healthy(url: str, pid: int, ca_path: str | None = None) -> None:
    context = ssl.create_default_context(cafile=ca_path) if ca_path else None
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if not _alive(pid):
            raise RuntimeError(f'process {pid} for {url} exited during start-up; see its log in the state dir')
        try:
            with urllib.request.urlopen(url, context=context, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f'{url} did not answer within {HEALTH_TIMEOUT_S:.0f} s')


def wait_for_file(path: pathlib.Path, pid: int) -> str:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if path.exists():
            return path.read_text(encoding='utf-8').strip()
        if not _alive(pid):
            raise RuntimeError(f'process {pid} exited before writing {path}')
        time.sleep(0.1)
    raise RuntimeError(f'{path} was not written within {HEALTH_TIMEOUT_S:.0f} s')


def start_moto(state_dir: pathlib.Path) -> tuple[str, int]:
    port = free_port()
    # A restored RDS instance or EFS file system is `creating` this long (simulators/moto_server.py): long enough that
    # the first read after its restore job completed sees it, on a busy machine too.
    pid = spawn([sys.executable, '-m', 'simulators.moto_server', '-H', '127.0.0.1', '-p', str(port)], state_dir / 'moto.log',
                defaults={'SIM_CREATING_SECONDS': '8'})
    url = f'http://127.0.0.1:{port}'
    wait_healthy(f'{url}/moto-api/', pid)
    return url, pid


def start_product(name: str, state_dir: pathlib.Path, dynamodb: str, port: int = 0, seed_dates: str = 'relative') -> tuple[str, str, int]:
    """Start a product simulator; port 0 starts it fresh from its seed, a given port resumes its state file."""
    spec = SIMULATORS[name]
    port_file, state_file = state_dir / f'{name}.port', state_dir / f'{name}-state.json'
    # `up` always starts from the seed; the state file only carries state across restarts of a running set.
    for stale in (port_file, state_file) if not port else (port_file,):
        stale.unlink(missing_ok=True)
    command = [sys.executable, '-m', spec.module, '--host', '127.0.0.1', '--port', str(port), '--tls', '--state-dir', str(state_dir),
               '--seed', str(spec.seed), '--dynamodb-endpoint', dynamodb, '--port-file', str(port_file),
               '--state-file', str(state_file), '--seed-dates', seed_dates, *spec.extra_args]
    pid = spawn(command, state_dir / f'{name}.log')
    url = f'https://127.0.0.1:{wait_for_file(port_file, pid)}'
    ca_path = str((state_dir / f'{name}-cert.pem').resolve())
    wait_healthy(f'{url}/_sim/health', pid, ca_path)
    return url, ca_path, pid


def write_env(state_dir: pathlib.Path, env: dict[str, str], collections: pathlib.Path = DEMO_COLLECTIONS) -> None:
    lines = [f'export {name}={shlex.quote(value)}' for name, value in env.items()]
    # Ahead of the shell's own collections path (or Ansible's default, kept after it): a shell statement, not an
    # `export NAME=value` line, so the tools that read env.sh for the connection settings (tools/sim_support.py)
    # keep their own path.
    lines.append(f'ANSIBLE_COLLECTIONS_PATH={shlex.quote(str(collections))}{KEEP_COLLECTIONS_PATH}; export ANSIBLE_COLLECTIONS_PATH')
    (state_dir / 'env.sh').write_text('\n'.join(lines) + '\n', encoding='utf-8')


def read_env(state_dir: pathlib.Path) -> tuple[dict[str, str], pathlib.Path | None]:
    """What env.sh exports (its `export NAME=value` lines) and the collections path it puts first."""
    env: dict[str, str] = {}
    collections = None
    for line in (state_dir / 'env.sh').read_text(encoding='utf-8').splitlines():
        if line.startswith('export '):
            name, _sep, value = line[len('export '):].partition('=')
            env[name] = shlex.split(value)[0] if value else ''
        elif line.startswith('ANSIBLE_COLLECTIONS_PATH='):
            first = shlex.split(line.partition('=')[2])[0]  # the path, then what the shell keeps, then ';'
            collections = pathlib.Path(first.removesuffix(shlex.split(KEEP_COLLECTIONS_PATH)[0] + ';'))
    return env, collections


def up(state_dir: pathlib.Path, only: list[str], seed_dates: str = 'relative', collections: pathlib.Path = DEMO_COLLECTIONS) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    if (state_dir / 'endpoints.json').exists():
        down(state_dir)
    endpoints: dict = {'pids': {}}
    try:
        endpoints['dynamodb'], endpoints['pids']['dynamodb'] = start_moto(state_dir)
        # moto serves EC2 and S3 as well: the volumes and buckets AWS Backup restores (and their tags) live there.
        env = {'AWS_ENDPOINT_URL_DYNAMODB': endpoints['dynamodb'], 'AWS_ENDPOINT_URL_EC2': endpoints['dynamodb'],
               'AWS_ENDPOINT_URL_S3': endpoints['dynamodb'], 'AWS_ENDPOINT_URL_RDS': endpoints['dynamodb'],
               'AWS_ENDPOINT_URL_EFS': endpoints['dynamodb'], **AWS_ENV}
        for name in only or SIMULATORS:
            url, ca_path, endpoints['pids'][name] = start_product(name, state_dir, endpoints['dynamodb'], seed_dates=seed_dates)
            endpoints[name], endpoints[f'{name}_ca'] = url, ca_path
            env.update(SIMULATORS[name].env(url, ca_path, SIMULATORS[name].seed))
    finally:
        # Written even on failure, so `down` can stop what did start.
        (state_dir / 'endpoints.json').write_text(json.dumps(endpoints, indent=2) + '\n', encoding='utf-8')
    write_env(state_dir, env, collections)
    status(state_dir)


def restart(state_dir: pathlib.Path, only: list[str]) -> None:
    """Stop product simulators and start them again on the same port with the state they had."""
    endpoints_file = state_dir / 'endpoints.json'
    endpoints = json.loads(endpoints_file.read_text(encoding='utf-8'))
    for name in only or [name for name in endpoints['pids'] if name in SIMULATORS]:
        stop_pid(int(endpoints['pids'][name]))
        port = int(endpoints[name].rsplit(':', 1)[1])
        _url, _ca_path, endpoints['pids'][name] = start_product(name, state_dir, endpoints['dynamodb'], port=port)
        endpoints_file.write_text(json.dumps(endpoints, indent=2) + '\n', encoding='utf-8')
        print(f'restarted {name} on port {port} with its state')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); its /proc state says Z.
    stat = pathlib.Path(f'/proc/{pid}/stat')
    return not (stat.exists() and stat.read_text(encoding='utf-8').split(') ')[-1].startswith('Z'))


def _ours(pid: int) -> bool:
    """Only stop a pid that still runs one of our commands: pids get reused."""
    cmdline = pathlib.Path(f'/proc/{pid}/cmdline')
    try:
        command = cmdline.read_bytes().replace(b'\0', b' ').decode(errors='replace')
    except OSError:
        return _alive(pid)
    return 'simulators.' in command


def stop_pid(pid: int) -> None:
    if not (_alive(pid) and _ours(pid)):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


def down(state_dir: pathlib.Path) -> None:
    endpoints_file = state_dir / 'endpoints.json'
    if not endpoints_file.exists():
        print(f'no simulators recorded in {state_dir}')
        return
    for name, pid in json.loads(endpoints_file.read_text(encoding='utf-8')).get('pids', {}).items():
        stop_pid(int(pid))
        print(f'stopped {name} (pid {pid})')
    endpoints_file.unlink(missing_ok=True)
    (state_dir / 'env.sh').unlink(missing_ok=True)


def status(state_dir: pathlib.Path) -> None:
    endpoints_file = state_dir / 'endpoints.json'
    if not endpoints_file.exists():
        print(f'no simulators running from {state_dir}')
        return
    endpoints = json.loads(endpoints_file.read_text(encoding='utf-8'))
    for name, pid in endpoints.get('pids', {}).items():
        state = 'running' if _alive(int(pid)) else 'stopped'
        print(f"{name:12} {endpoints.get(name, '-'):32} pid {pid} {state}")
    if (state_dir / 'env.sh').exists():
        usage(state_dir, *read_env(state_dir))


# Names whose values are secrets: `up` names them, never prints them.
SECRET_NAMES = ('PASSWORD', 'TOKEN', 'SECRET')


def _secret(name: str) -> bool:
    return any(word in name for word in SECRET_NAMES)


def usage(state_dir: pathlib.Path, env: dict[str, str], collections: pathlib.Path | None = None) -> None:
    """How to use the simulators from a shell: what env.sh sets (secrets by name only) and the seed's ids."""
    env_file = state_dir / 'env.sh'
    print(f'\nTo use them from your shell:  source {env_file}')
    print('It sets (the modules read these, as an AWX credential would inject them; secrets by name only):')
    for name, value in env.items():
        print(f"  {name}={'(secret, not shown)' if _secret(name) else value}")
    if collections is not None:
        print(f'and puts {collections} first on ANSIBLE_COLLECTIONS_PATH, where `make demo` installs recoverops.restore', end='')
        if (collections / 'ansible_collections' / 'recoverops' / 'restore' / 'MANIFEST.json').exists():
            print('.')
        else:
            print(f';\n  it is not installed there yet: run `make demo` (or `make build` and '
                  f'`ansible-galaxy collection install -p {collections} {REPO}/.build/dist/recoverops-restore-*.tar.gz`).')
    ids = [(label, env[name]) for name, label in SEED_IDS.items() if name in env]
    if ids:
        print("The seed's ids a playbook needs:")
        for label, value in ids:
            print(f'  {label}: {value}')
    playbook = pathlib.Path(sys.executable).parent / 'ansible-playbook'
    print("Then run a playbook with the repository's virtualenv, from any folder, e.g.\n"
          f'  {playbook} {REPO}/examples/demo_veeam_aws.yml\n'
          f'  {playbook} recoverops.restore.dr_drill -e @{REPO}/examples/dr_drill_simulators.yml')


def check_requirements() -> str | None:
    """A message when this Python lacks what the simulators need (they run moto, boto3 and PyYAML)."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    missing = [name for name in REQUIREMENTS if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (f'this Python ({sys.executable}) lacks {", ".join(missing)}, which the simulators need: run them with the '
            f'repository\'s virtualenv (make venv, then .venv/bin/python -m simulators.ctl up), which requirements-test.txt pins')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog='python -m simulators.ctl', description='Start and stop the bundled simulators.')
    parser.add_argument('command', choices=('up', 'down', 'status', 'restart'))
    parser.add_argument('--state-dir', type=pathlib.Path, default=pathlib.Path('.sim'))
    parser.add_argument('--only', action='append', choices=sorted(SIMULATORS), help='start only this product simulator (repeatable)')
    parser.add_argument('--seed-dates', choices=SEED_DATES, default='relative',
                        help='up: relative (default) keeps the ages of seeded restore points whenever the simulators start; '
                             'fixed keeps the dates written in the seeds (the integration tests name them)')
    parser.add_argument('--collections', type=pathlib.Path, default=DEMO_COLLECTIONS,
                        help='up: the collections path env.sh puts first on ANSIBLE_COLLECTIONS_PATH (default: where '
                             '`make demo` installs the collection, %(default)s)')
    args = parser.parse_args(argv)
    state_dir = args.state_dir.resolve()
    problem = check_requirements() if args.command in ('up', 'restart') else None
    if problem:
        print(f'error: {problem}', file=sys.stderr)
        return 1
    try:
        if args.command == 'up':
            up(state_dir, args.only or [], args.seed_dates, args.collections.resolve())
        elif args.command == 'down':
            down(state_dir)
        elif args.command == 'restart':
            restart(state_dir, args.only or [])
        else:
            status(state_dir)
    except RuntimeError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
