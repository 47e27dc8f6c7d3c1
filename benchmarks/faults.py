# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fault suite: a drill under transient faults, a token expiring mid-wait, a simulator restart mid-wait.

Each scenario runs playbooks/dr_drill.yml at -vvvv over every product that has landed (three DynamoDB
tables from Veeam Backup for AWS, one VM from Veeam Backup for Microsoft Azure, one table each from
Clumio and AWS Backup, restored tables verified in moto DynamoDB) with the same faults
in every simulator, and records whether the drill completed, how many restores each target got (it
must be exactly one), and how many secrets the simulators know appear in the output (it must be none).
Writes benchmarks/results/faults.json and a Markdown table; exits 1 when a scenario misses any of the three.

    .venv/bin/python benchmarks/faults.py                  # 10%, 20%, 30% faults, token expiry, restart
    .venv/bin/python benchmarks/faults.py --smoke          # 20% faults only (CI)
"""
from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import pathlib
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / 'tools'))
sim_support = importlib.import_module('sim_support')

HERE = pathlib.Path(__file__).resolve().parent
SEED = yaml.safe_load((sim_support.REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
AZURE_SEED = yaml.safe_load((sim_support.REPO / 'simulators' / 'veeam_azure' / 'seed.yml').read_text())
ALL_FAULTS = ['429', '429-no-retry-after', '502', '503', '504', 'drop', 'slow']
ITEMS = [('orders', {'table_name': 'orders', 'resource_aws_account_id': '111111111111'}),
         ('customers', {'table_name': 'customers'}), ('inventory', {'table_name': 'inventory'})]
PRODUCTS = ('veeam_aws', 'veeam_azure', 'clumio', 'aws_backup')
AZURE_VM = 'web-01'
CLUMIO_SEED = yaml.safe_load((sim_support.REPO / 'simulators' / 'clumio' / 'seed.yml').read_text())
CLUMIO_ENVIRONMENT = CLUMIO_SEED['environments'][0]
AWS_BACKUP_ORDERS = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'


def _api_caller(base, ca_path, token_path, form, version_header=None):
    """A logged-in GET/POST function for one simulated appliance (faults off: this is bookkeeping)."""
    context = ssl.create_default_context(cafile=ca_path)
    headers = dict(version_header or {})

    def call(path, data=None, method='GET'):
        request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, context=context, timeout=30) as answer:
            return json.load(answer)

    headers['Authorization'] = 'Bearer ' + call(token_path, urllib.parse.urlencode(form).encode(), 'POST')['access_token']
    return call


def restore_sessions_per_target(endpoints):
    """Count restore sessions by restored item (table or VM), straight from the simulated appliances' APIs."""
    counts = collections.Counter()
    user = SEED['users'][0]
    sim_support.sim_control(endpoints, 'faults', {'rate': 0})
    call = _api_caller(endpoints['veeam_aws'], endpoints['veeam_aws_ca'], '/api/v1/token',
                       {'grant_type': 'password', 'username': user['username'], 'password': user['password']},
                       {'x-api-version': '1.7-rev0'})
    for session in call('/api/v1/sessions?Types=RestoreTask')['results']:
        for item in call('/api/v1/sessions/%s/restoredItems' % session['id'])['results']:
            counts[item['name']] += 1
    azure_user = next(user for user in AZURE_SEED['users'] if not user.get('mfa'))
    sim_support.sim_control(endpoints, 'faults', {'rate': 0}, product='veeam_azure')
    call = _api_caller(endpoints['veeam_azure'], endpoints['veeam_azure_ca'], '/api/oauth2/token',
                       {'grant_type': 'Password', 'username': azure_user['username'], 'password': azure_user['password']})
    for session in call('/api/v8.1/jobSessions?Limit=-1')['results']:
        if session.get('type') == 'RestoreVms':
            for item in call('/api/v8.1/jobSessions/%s/restoredItems?Limit=-1' % session['id'])['results']:
                counts[item['name']] += 1
    counts.update(clumio_restores_per_target(endpoints))
    sim_support.sim_control(endpoints, 'faults', {'rate': 0}, product='aws_backup')
    counts.update(sim_support.sim_control(endpoints, 'restores', product='aws_backup'))
    return dict(counts)


def clumio_restores_per_target(endpoints):
    """Clumio restore tasks by the table they restore (the task's primary entity)."""
    sim_support.sim_control(endpoints, 'faults', {'rate': 0}, product='clumio')
    request = urllib.request.Request(endpoints['clumio'] + '/tasks?limit=100', headers={
        'Authorization': 'Bearer %s' % CLUMIO_SEED['api_token'], 'Accept': 'application/api.clumio.tasks=v1+json'})
    with urllib.request.urlopen(request, context=ssl.create_default_context(cafile=endpoints['clumio_ca']), timeout=30) as answer:
        tasks = json.load(answer)['_embedded']['items']
    return collections.Counter(task['primary_entity']['value'] for task in tasks if task.get('category') == 'restore')


def drill_file(workdir, name):
    tables = [{'name': table, 'product': 'veeam_aws', 'source': source,
               'target': {'target_table_name': '%s-%s' % (table, name), 'authentication': {'iam_role_id': SEED['iam_roles'][0]['id']}}}
              for table, source in ITEMS]
    vm = {'name': AZURE_VM, 'product': 'veeam_azure', 'source': {'vm_name': AZURE_VM},
          'target': {'to_alternative': {'name': '%s-%s' % (AZURE_VM, name)}}}
    clumio = {'name': 'orders (Clumio)', 'product': 'clumio',
              'source': {'table_name': 'orders', 'account_native_id': CLUMIO_ENVIRONMENT['account_native_id'],
                         'aws_region': CLUMIO_ENVIRONMENT['aws_region']},
              'target': {'target_table_name': 'orders-clumio-%s' % name, 'environment_id': CLUMIO_ENVIRONMENT['id']}}
    aws_backup = {'name': 'orders (AWS Backup)', 'product': 'aws_backup',
                  'source': {'backup_vault_name': 'dr-vault', 'resource_arn': AWS_BACKUP_ORDERS},
                  'target': {'target_table_name': 'orders-ab-%s' % name}}
    variables = {'dr_drill_name': 'fault suite: %s' % name, 'dr_drill_report_dir': str(workdir / name),
                 'dr_drill_poll_interval': 1, 'dr_drill_items': tables + [vm, clumio, aws_backup]}
    path = workdir / ('%s.yml' % name)
    path.write_text(yaml.safe_dump(variables))
    return path


def run_scenario(name, endpoints, env, workdir, config, faults=None, restart_after=None):
    for product in PRODUCTS:
        sim_support.sim_control(endpoints, 'reset', {}, product=product)
        known = sim_support.sim_control(endpoints, 'config', product=product)
        sim_support.sim_control(endpoints, 'config', {key: value for key, value in config.items() if key in known}, product=product)
        sim_support.sim_control(endpoints, 'faults', faults or {'rate': 0}, product=product)
    variables = drill_file(workdir, name)
    command = [sim_support.venv_tool('ansible-playbook'), '-vvvv', str(sim_support.REPO / 'playbooks' / 'dr_drill.yml'),
               '-e', '@%s' % variables]
    log_path = workdir / ('%s.log' % name)
    started = time.monotonic()
    with log_path.open('w') as log, subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT) as drill:
        if restart_after is not None:
            time.sleep(restart_after)
            subprocess.run([sys.executable, '-m', 'simulators.ctl', 'restart', '--state-dir', str(workdir / 'sim')],
                           cwd=sim_support.REPO, check=True, capture_output=True)
        drill.wait(timeout=900)
    output = log_path.read_text(errors='replace')
    report_file = workdir / name / 'report.json'
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    counters = {product: sim_support.sim_control(endpoints, 'counters', product=product) for product in PRODUCTS}
    per_target = restore_sessions_per_target(endpoints)
    secrets = [secret for product in PRODUCTS for secret in sim_support.sim_control(endpoints, 'secrets', product=product)]
    expected = ({'%s-%s' % (table, name) for table, _source in ITEMS} | {'%s-%s' % (AZURE_VM, name)}
                | {'orders-clumio-%s' % name, 'orders-ab-%s' % name})
    return {
        'scenario': name, 'wall_seconds': round(time.monotonic() - started, 1), 'rc': drill.returncode,
        'drill_completed': drill.returncode == 0 and report.get('status') == 'passed',
        'restores_per_target': {target: per_target.get(target, 0) for target in sorted(expected)},
        'one_restore_per_target': all(per_target.get(target, 0) == 1 for target in expected),
        'faults_injected': sum(product.get('faults', 0) for product in counters.values()),
        'requests': sum(product.get('requests', 0) for product in counters.values()),
        'secrets_found': sum(1 for secret in secrets if len(secret) >= 6 and secret in output),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--smoke', action='store_true', help='only the 20%% fault scenario')
    parser.add_argument('--rates', type=float, nargs='+', default=[0.1, 0.2, 0.3], help='fault rates to run (default 0.1 0.2 0.3)')
    parser.add_argument('--only-rates', action='store_true', help='skip the token-expiry and restart scenarios')
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'faults.json')
    args = parser.parse_args()
    normal = {'job_duration_s': 3, 'token_lifetime_s': 3600, 'refresh_token_lifetime_s': 7200}
    rows = []
    with tempfile.TemporaryDirectory(prefix='faults-') as tmp:
        workdir = pathlib.Path(tmp)
        with sim_support.simulators(workdir / 'sim') as (endpoints, sim_env):
            env = dict(os.environ, **sim_env)
            for rate in ([0.2] if args.smoke else args.rates):
                rows.append(run_scenario('faults-%d' % (rate * 100), endpoints, env, workdir, normal,
                                         faults={'rate': rate, 'kinds': ALL_FAULTS, 'seed': 7}))
            if not (args.smoke or args.only_rates):
                rows.append(run_scenario('token-expiry', endpoints, env, workdir,
                                         dict(normal, job_duration_s=8, token_lifetime_s=3, refresh_token_lifetime_s=1)))
                rows.append(run_scenario('restart', endpoints, env, workdir, dict(normal, job_duration_s=12), restart_after=8))
    sim_support.write_results(args.output, 'faults', rows, [
        ('scenario', 'scenario'), ('drill completed', 'drill_completed'), ('one restore per target', 'one_restore_per_target'),
        ('restores per target', 'restores_per_target'), ('faults injected', 'faults_injected'), ('API requests', 'requests'),
        ('secrets in -vvvv output', 'secrets_found'), ('wall (s)', 'wall_seconds')])
    return 0 if all(row['drill_completed'] and row['one_restore_per_target'] and not row['secrets_found'] for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
