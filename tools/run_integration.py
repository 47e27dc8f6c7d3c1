# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the ansible-test integration targets against freshly started simulators.

The run is at -vvvv and its whole output goes to a log, which is then searched for every secret
the simulators know (passwords, access and refresh tokens, secret keys): one found fails the run.
The simulators are stopped whatever happens. With --shards N the targets run as N concurrent
ansible-test runs, each on its own simulators and its own copy of the collection.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import os
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

from sim_support import REPO, VENV_BIN, fetch_json, simulators, venv_tool


def integration_vars(endpoints, env):
    """What the targets need: where the simulators are, the demo credentials, seeded ids."""
    seed = yaml.safe_load((REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
    orders = next(table for table in seed['tables'] if table['name'] == 'orders')
    customers = next(table for table in seed['tables'] if table['name'] == 'customers')
    mfa_user = next(user for user in seed['users'] if user.get('mfa'))
    return {
        'veeam_aws_server': endpoints['veeam_aws'],
        'veeam_aws_username': env['VEEAM_AWS_USERNAME'],
        'veeam_aws_password': env['VEEAM_AWS_PASSWORD'],
        'sim_ca_path': endpoints['veeam_aws_ca'],
        'dynamodb_endpoint': endpoints['dynamodb'],
        'veeam_aws_orders_account': str(orders['account']),
        'veeam_aws_customers_id': customers['id'],
        'veeam_aws_iam_role_id': seed['iam_roles'][0]['id'],
        'veeam_aws_mfa_username': mfa_user['username'],
        'veeam_aws_mfa_password': mfa_user['password'],
        'veeam_aws_restore_secret_key': 'wJalrXUtnFEMI/K7MDENG/' + os.urandom(8).hex(),
    } | veeam_azure_vars(endpoints, env) | clumio_vars(endpoints, env) | aws_backup_vars(endpoints)


def aws_backup_vars(endpoints):
    """The AWS Backup simulator's address, CA, seeded key pairs and recovery points."""
    seed = yaml.safe_load((REPO / 'simulators' / 'aws_backup' / 'seed.yml').read_text())
    plain, temporary = seed['credentials'][0], seed['credentials'][1]
    return {
        'aws_backup_endpoint': endpoints['aws_backup'],
        'aws_backup_ca_path': endpoints['aws_backup_ca'],
        'aws_backup_access_key': plain['access_key_id'],
        'aws_backup_secret_key': plain['secret_access_key'],
        'aws_backup_session_access_key': temporary['access_key_id'],
        'aws_backup_session_secret_key': temporary['secret_access_key'],
        'aws_backup_session_token': temporary['session_token'],
        'aws_account_id': str(seed['account_id']),
    }


def clumio_vars(endpoints, env):
    """The Clumio simulator's address, CA, API token and seeded ids."""
    seed = yaml.safe_load((REPO / 'simulators' / 'clumio' / 'seed.yml').read_text())
    orders = next(table for table in seed['tables'] if table['name'] == 'orders')
    return {
        'clumio_api_url': endpoints['clumio'],
        'clumio_ca_path': endpoints['clumio_ca'],
        'clumio_api_token': env['CLUMIO_API_TOKEN'],
        'clumio_orders_table_id': orders['id'],
        'clumio_orders_account': seed['environments'][0]['account_native_id'],
        'clumio_orders_region': seed['environments'][0]['aws_region'],
        'clumio_environment_id': seed['environments'][0]['id'],
    }


def veeam_azure_vars(endpoints, env):
    """The Veeam Backup for Microsoft Azure simulator's address, demo credentials and seeded VMs."""
    seed = yaml.safe_load((REPO / 'simulators' / 'veeam_azure' / 'seed.yml').read_text())
    vms = {vm['name']: vm for vm in seed['vms']}
    mfa_user = next(user for user in seed['users'] if user.get('mfa'))
    return {
        'veeam_azure_server': endpoints['veeam_azure'],
        'veeam_azure_ca_path': endpoints['veeam_azure_ca'],
        'veeam_azure_username': env['VEEAM_AZURE_USERNAME'],
        'veeam_azure_password': env['VEEAM_AZURE_PASSWORD'],
        'veeam_azure_mfa_username': mfa_user['username'],
        'veeam_azure_mfa_password': mfa_user['password'],
        'veeam_azure_web_vm_id': vms['web-01']['id'],
        'veeam_azure_db_vm_id': vms['db-01']['id'],
        'veeam_azure_big_vm_id': vms['big-01']['id'],
        'veeam_azure_archived_point_id': vms['web-01']['restore_points'][0]['id'],
        'veeam_azure_subscription_id': vms['web-01']['subscription'],
        'veeam_azure_service_account_id': seed['service_accounts'][0]['id'],
    }


def find_leaks(log_text, secrets):
    return sorted({secret for secret in secrets if secret and len(secret) >= 6 and secret in log_text})


# What the restore modules' action shows for each poll of a foreground wait (plugin_utils/_progress_action.py).
PROGRESS_LINE = re.compile(r'^\S+: (restore session|restore job|Clumio task|restored table) \S+: \S+', re.M)
# Every full run has foreground waits of these; a run without their progress lines lost the feature.
PROGRESS_EXPECTED = ('restore session', 'restore job', 'Clumio task')


def all_targets():
    """Every target ansible-test would run (the setup_* roles are dependencies, not targets)."""
    root = REPO / 'tests' / 'integration' / 'targets'
    return sorted(path.name for path in root.iterdir() if (path / 'aliases').is_file()
                  and not {'disabled', 'hidden', 'unsupported'} & set((path / 'aliases').read_text().split()))


def split_targets(targets, shards):
    """Targets in `shards` groups of about equal size (bytes of their files, a proxy for how long they run)."""
    root = REPO / 'tests' / 'integration' / 'targets'
    weight = {name: sum(f.stat().st_size for f in (root / name).rglob('*') if f.is_file()) for name in targets}
    groups = [[] for _shard in range(shards)]
    for name in sorted(targets, key=lambda name: -weight[name]):
        min(groups, key=lambda group: sum(weight[other] for other in group)).append(name)
    return [sorted(group) for group in groups if group]


def shard_collection(collection, number):
    """Shard 0 runs in the collection itself; the others in a copy each (ansible-test writes into tests/output)."""
    if number == 0:
        return collection
    root = collection.parents[2].parent / ('integration-shard%d' % number)
    copy = root / 'ansible_collections' / collection.parent.name / collection.name
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(collection, copy, ignore=shutil.ignore_patterns('output', '.git'), symlinks=True)
    subprocess.run(['git', 'init', '--quiet'], cwd=copy, check=True)
    return copy


def known_secrets(endpoints, variables):
    secrets = list(fetch_json(endpoints['veeam_aws'] + '/_sim/secrets', endpoints['veeam_aws_ca']))
    # Every other product simulator's secrets too (each registers `<name>` and `<name>_ca` in endpoints.json).
    for product in sorted(name for name in endpoints if name != 'veeam_aws' and name + '_ca' in endpoints):
        secrets += fetch_json(endpoints[product] + '/_sim/secrets', endpoints[product + '_ca'])
    secrets += [variables['veeam_azure_password'], variables['veeam_azure_mfa_password']]
    return secrets + [variables['veeam_aws_password'], variables['veeam_aws_mfa_password'], variables['veeam_aws_restore_secret_key']]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collection', required=True, type=pathlib.Path)
    parser.add_argument('--log', required=True, type=pathlib.Path)
    parser.add_argument('--shards', type=int, default=1,
                        help='run the targets as this many concurrent ansible-test runs, each on its own simulators')
    parser.add_argument('targets', nargs='*')
    args = parser.parse_args()

    groups = split_targets(args.targets or all_targets(), max(1, args.shards))
    args.log.parent.mkdir(parents=True, exist_ok=True)
    logs = [args.log] + [args.log.with_name('%s.shard%d%s' % (args.log.stem, number, args.log.suffix)) for number in range(1, len(groups))]
    env = dict(os.environ, PATH='%s%s%s' % (VENV_BIN, os.pathsep, os.environ.get('PATH', '')))
    secrets, runs = [], []
    with contextlib.ExitStack() as stack:
        for number, (group, log_path) in enumerate(zip(groups, logs)):
            # The targets name seeded dates (point_in_time selections, the newest point's time): fixed dates.
            endpoints, sim_env = stack.enter_context(simulators(args.state_dir / ('shard%d' % number), seed_dates='fixed'))
            variables = integration_vars(endpoints, sim_env)
            collection = shard_collection(args.collection, number)
            (collection / 'tests' / 'integration' / 'integration_config.yml').write_text(yaml.safe_dump(variables))
            command = [venv_tool('ansible-test'), 'integration', '--local', '--python', '%d.%d' % sys.version_info[:2],
                       '--color', 'no', '-vvvv'] + group
            print('running: %s (output in %s)' % (' '.join(command), log_path), flush=True)
            log = stack.enter_context(log_path.open('w'))
            runs.append(subprocess.Popen(command, cwd=collection, stdout=log, stderr=subprocess.STDOUT, env=env))
            secrets.append((endpoints, variables))
        codes = [run.wait() for run in runs]
        secrets = [secret for endpoints, variables in secrets for secret in known_secrets(endpoints, variables)]
    texts = [log_path.read_text(errors='replace') for log_path in logs]
    text = '\n'.join(texts)
    leaks = find_leaks(text, secrets)
    progress = collections.Counter(match.group(1) for match in PROGRESS_LINE.finditer(text))
    no_progress = [] if args.targets else [what for what in PROGRESS_EXPECTED if not progress[what]]

    summary = [line for line in text.splitlines() if line.startswith(('PLAY RECAP', 'localhost ', 'ERROR', 'FATAL'))]
    print('\n'.join(summary[-40:]))
    failed = [(code, log_path, shard_text) for code, log_path, shard_text in zip(codes, logs, texts) if code != 0]
    for code, log_path, shard_text in failed:
        print('\n'.join(shard_text.splitlines()[-120:]))
        print('integration: ansible-test failed (rc=%s); full -vvvv log: %s' % (code, log_path))
    if failed:
        return 1
    if leaks:
        print('integration: %d secret(s) found in the -vvvv output (%s...): %s'
              % (len(leaks), leaks[0][:4], ', '.join(map(str, logs))))
        return 1
    if no_progress:
        print('integration: no progress line for a foreground wait of a %s: %s' % (' or '.join(no_progress), ', '.join(map(str, logs))))
        return 1
    print('integration: all %d targets passed in %d concurrent run(s); %d known secrets searched in %d bytes of -vvvv output, '
          'none found; progress lines shown for foreground waits: %s'
          % (sum(map(len, groups)), len(groups), len(set(secrets)), len(text), ', '.join('%s %d' % item for item in sorted(progress.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
