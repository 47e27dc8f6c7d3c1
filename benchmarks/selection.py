# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Newest-point selection per product: API requests, wall time and peak memory of the info module.

For 10, 1,000 and 100,000 restore points of one table, each product's info module runs once with
`latest: true` and once listing every point. Veeam sorts on the server (one request), Clumio sorts
and filters on the server (one request), AWS Backup promises no order, so the module searches growing
ByCreatedAfter windows. Each run is the module itself, executed as Ansible executes it (a Python
process reading its arguments from a file), so the wall time and the peak resident memory are the
module's own. Writes benchmarks/results/selection.json.

    .venv/bin/python benchmarks/selection.py --points 10 1000 100000 --products veeam_aws clumio aws_backup
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / 'tools'))
sim_support = importlib.import_module('sim_support')

HERE = pathlib.Path(__file__).resolve().parent
SEED = yaml.safe_load((sim_support.REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
CUSTOMERS = next(table for table in SEED['tables'] if table['name'] == 'customers')
CLUMIO_SEED = yaml.safe_load((sim_support.REPO / 'simulators' / 'clumio' / 'seed.yml').read_text())
CLUMIO_ORDERS = next(table for table in CLUMIO_SEED['tables'] if table['name'] == 'orders')
AWS_BACKUP_ORDERS = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'
NEWEST = '2026-11-21T06:00:00Z'


def products(endpoints):
    """Per product: the info module, its arguments, how to add points, and which requests are list pages."""
    user = SEED['users'][0]
    return {
        'veeam_aws': {
            'module': 'veeam_aws_dynamodb_restore_point_info', 'seeded': len(CUSTOMERS['restore_points']),
            'args': {'server': endpoints['veeam_aws'], 'username': user['username'], 'password': user['password'],
                     'ca_path': endpoints['veeam_aws_ca'], 'dynamodb_id': CUSTOMERS['id']},
            'generate': lambda count: {'table_id': CUSTOMERS['id'], 'count': count, 'newest': NEWEST, 'interval_minutes': 1},
            'is_list': lambda path: path == '/api/v1/dynamoDb/restorePoints', 'is_api': lambda path: path.startswith('/api/'),
        },
        'clumio': {
            'module': 'clumio_dynamodb_backup_info', 'seeded': len(CLUMIO_ORDERS['backups']),
            'args': {'api_url': endpoints['clumio'], 'api_token': CLUMIO_SEED['api_token'], 'ca_path': endpoints['clumio_ca'],
                     'table_id': CLUMIO_ORDERS['id']},
            'generate': lambda count: {'table_id': CLUMIO_ORDERS['id'], 'count': count, 'newest': NEWEST, 'interval_minutes': 1},
            'is_list': lambda path: path == '/backups/aws/dynamodb-tables', 'is_api': lambda path: not path.startswith('/_sim/'),
        },
        'aws_backup': {
            'module': 'aws_backup_recovery_point_info', 'seeded': 4,
            'args': {'endpoint_url': endpoints['aws_backup'], 'aws_ca_bundle': endpoints['aws_backup_ca'], 'access_key': 'testing',
                     'secret_key': 'testing', 'region': 'us-east-1', 'backup_vault_name': 'dr-vault', 'resource_arn': AWS_BACKUP_ORDERS},
            # The generated points are a day and more older than the seeded ones, as a nightly plan makes them.
            'generate': lambda count: {'vault': 'dr-vault', 'resource_arn': AWS_BACKUP_ORDERS, 'count': count, 'interval_minutes': 1,
                                       'newest': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() - 86400))},
            'is_list': lambda path: path.endswith('/recovery-points/'), 'is_api': lambda path: not path.startswith('/_sim/'),
        },
    }


# Runs the module in a child and prints that child's own peak RSS (KiB): a fresh measurer per run,
# since RUSAGE_CHILDREN keeps the largest child seen so far.
MEASURE = ('import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; '
           'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)')


def run_module(collections, args_file, name, module_args):
    """Run the module as Ansible does; return (result, wall seconds, peak RSS of that process in MiB)."""
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}))
    module = collections / 'ansible_collections' / 'recoverops' / 'restore' / 'plugins' / 'modules' / (name + '.py')
    env = dict(os.environ, PYTHONPATH=str(collections))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, '-c', MEASURE, sys.executable, str(module), str(args_file)], env=env,
                          capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    result = json.loads(proc.stdout)
    if result.get('failed'):
        raise RuntimeError(result.get('msg'))
    return result, wall, round(int(proc.stderr.strip().splitlines()[-1]) / 1024, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--points', type=int, nargs='+', default=[10, 1000, 100000])
    parser.add_argument('--products', nargs='+', default=['veeam_aws', 'clumio', 'aws_backup'],
                        choices=['veeam_aws', 'clumio', 'aws_backup'])
    parser.add_argument('--collections', type=pathlib.Path, default=sim_support.REPO / '.build' / 'collections')
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'selection.json')
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix='selection-') as tmp, sim_support.simulators(pathlib.Path(tmp) / 'sim') as (endpoints, _env):
        for product in args.products:
            spec = products(endpoints)[product]
            for points in sorted(args.points):
                sim_support.sim_control(endpoints, 'reset', {}, product=product)
                sim_support.sim_control(endpoints, 'generate', spec['generate'](points), product=product)
                for latest in (True, False):
                    sim_support.sim_control(endpoints, 'requests', method='DELETE', product=product)
                    result, wall, peak = run_module(args.collections.resolve(), pathlib.Path(tmp) / 'args.json', spec['module'],
                                                    dict(spec['args'], latest=latest))
                    log = sim_support.sim_control(endpoints, 'requests', product=product)
                    rows.append({'product': product, 'points': points + spec['seeded'], 'latest': latest,
                                 'returned': len(result['restore_points']),
                                 'list_requests': sum(1 for entry in log if spec['is_list'](entry['path'])),
                                 'requests': sum(1 for entry in log if spec['is_api'](entry['path'])),
                                 'wall_seconds': round(wall, 2), 'peak_rss_mib': peak})
    sim_support.write_results(args.output, 'selection', rows, [
        ('product', 'product'), ('points', 'points'), ('latest', 'latest'), ('returned', 'returned'), ('list requests', 'list_requests'),
        ('API requests', 'requests'), ('wall (s)', 'wall_seconds'), ('peak RSS (MiB)', 'peak_rss_mib')])
    return 0


if __name__ == '__main__':
    sys.exit(main())
