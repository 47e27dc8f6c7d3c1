# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Newest-point selection: API requests, wall time and peak memory of the info module.

For 10, 1,000 and 100,000 restore points of one table, the info module runs once with `latest: true`
(the server sorts; one request) and once listing every point (pages of 500). Each run is the module
itself, executed as Ansible executes it (a Python process reading its arguments from a file), so the
wall time and the peak resident memory are the module's own. Writes benchmarks/results/selection.json.

    .venv/bin/python benchmarks/selection.py --points 10 1000 100000
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
MODULE = 'veeam_aws_dynamodb_restore_point_info'


# Runs the module in a child and prints that child's own peak RSS (KiB): a fresh measurer per run,
# since RUSAGE_CHILDREN keeps the largest child seen so far.
MEASURE = ('import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; '
           'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)')


def run_module(collections, args_file, module_args):
    """Run the module as Ansible does; return (result, wall seconds, peak RSS of that process in MiB)."""
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': module_args}))
    module = collections / 'ansible_collections' / 'recoverops' / 'restore' / 'plugins' / 'modules' / (MODULE + '.py')
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
    parser.add_argument('--collections', type=pathlib.Path, default=sim_support.REPO / '.build' / 'collections')
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'selection.json')
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix='selection-') as tmp, sim_support.simulators(pathlib.Path(tmp) / 'sim') as (endpoints, _env):
        user = SEED['users'][0]
        connection = {'server': endpoints['veeam_aws'], 'username': user['username'], 'password': user['password'],
                      'ca_path': endpoints['veeam_aws_ca'], 'dynamodb_id': CUSTOMERS['id']}
        for points in sorted(args.points):
            sim_support.sim_control(endpoints, 'reset', {})
            sim_support.sim_control(endpoints, 'generate', {'table_id': CUSTOMERS['id'], 'count': points,
                                                            'newest': '2026-11-21T06:00:00Z', 'interval_minutes': 1})
            for latest in (True, False):
                sim_support.sim_control(endpoints, 'requests', method='DELETE')
                result, wall, peak = run_module(args.collections.resolve(), pathlib.Path(tmp) / 'args.json', dict(connection, latest=latest))
                log = sim_support.sim_control(endpoints, 'requests')
                rows.append({'points': points + len(CUSTOMERS['restore_points']), 'latest': latest,
                             'returned': len(result['restore_points']),
                             'list_requests': sum(1 for entry in log if entry['path'] == '/api/v1/dynamoDb/restorePoints'),
                             'requests': sum(1 for entry in log if entry['path'].startswith('/api/')),
                             'wall_seconds': round(wall, 2), 'peak_rss_mib': peak})
    sim_support.write_results(args.output, 'selection', rows, [
        ('points', 'points'), ('latest', 'latest'), ('returned', 'returned'), ('list requests', 'list_requests'),
        ('API requests', 'requests'), ('wall (s)', 'wall_seconds'), ('peak RSS (MiB)', 'peak_rss_mib')])
    return 0


if __name__ == '__main__':
    sys.exit(main())
