# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the ansible-test integration targets against freshly started simulators.

The run is at -vvvv and its whole output goes to a log, which is then searched for every secret
the simulators know (passwords, access and refresh tokens, secret keys): one found fails the run.
The simulators are stopped whatever happens.
"""
from __future__ import annotations

import argparse
import collections
import os
import pathlib
import re
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collection', required=True, type=pathlib.Path)
    parser.add_argument('--log', required=True, type=pathlib.Path)
    parser.add_argument('targets', nargs='*')
    args = parser.parse_args()

    # The targets name seeded dates (point_in_time selections, the newest point's time): fixed dates.
    with simulators(args.state_dir, seed_dates='fixed') as (endpoints, env):
        variables = integration_vars(endpoints, env)
        (args.collection / 'tests' / 'integration' / 'integration_config.yml').write_text(yaml.safe_dump(variables))
        args.log.parent.mkdir(parents=True, exist_ok=True)
        command = [venv_tool('ansible-test'), 'integration', '--local', '--python', '%d.%d' % sys.version_info[:2],
                   '--color', 'no', '-vvvv'] + args.targets
        print('running: %s (output in %s)' % (' '.join(command), args.log), flush=True)
        env = dict(os.environ, PATH='%s%s%s' % (VENV_BIN, os.pathsep, os.environ.get('PATH', '')))
        with args.log.open('w') as log:
            result = subprocess.run(command, cwd=args.collection, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
        text = args.log.read_text(errors='replace')
        secrets = list(fetch_json(endpoints['veeam_aws'] + '/_sim/secrets', endpoints['veeam_aws_ca']))
        # Every other product simulator's secrets too (each registers `<name>` and `<name>_ca` in endpoints.json).
        for product in sorted(name for name in endpoints if name != 'veeam_aws' and name + '_ca' in endpoints):
            secrets += fetch_json(endpoints[product] + '/_sim/secrets', endpoints[product + '_ca'])
        secrets += [variables['veeam_azure_password'], variables['veeam_azure_mfa_password']]
        secrets += [variables['veeam_aws_password'], variables['veeam_aws_mfa_password'], variables['veeam_aws_restore_secret_key']]
        leaks = find_leaks(text, secrets)
    progress = collections.Counter(match.group(1) for match in PROGRESS_LINE.finditer(text))
    no_progress = [] if args.targets else [what for what in PROGRESS_EXPECTED if not progress[what]]

    summary = [line for line in text.splitlines() if line.startswith(('PLAY RECAP', 'localhost ', 'ERROR', 'FATAL'))]
    print('\n'.join(summary[-40:]))
    if result.returncode != 0:
        print('\n'.join(text.splitlines()[-120:]))
        print('integration: ansible-test failed (rc=%s); full -vvvv log: %s' % (result.returncode, args.log))
        return 1
    if leaks:
        print('integration: %d secret(s) found in the -vvvv output (%s...): %s'
              % (len(leaks), leaks[0][:4], args.log))
        return 1
    if no_progress:
        print('integration: no progress line for a foreground wait of a %s: %s' % (' or '.join(no_progress), args.log))
        return 1
    print('integration: all targets passed; %d known secrets searched in %d bytes of -vvvv output, none found; '
          'progress lines shown for foreground waits: %s'
          % (len(set(secrets)), len(text), ', '.join('%s %d' % item for item in sorted(progress.items()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
