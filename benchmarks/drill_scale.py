# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drill scale: wall time of one dr_drill of N tables against the longest single restore job.

Items go to Veeam Backup for AWS, Clumio, AWS Backup and DynamoDB in turn (--products); the
simulators run every restore for a fixed --job-seconds (DynamoDB's own restores in moto are instant). A drill that waits for its restores
together finishes close to that; one that waits for them in turn takes N times as long. Writes
benchmarks/results/drill_scale.json and prints a Markdown table. Acceptance (issue 6): 20 tables
in less than 1.5 x the longest job + 30 s.

    .venv/bin/python benchmarks/drill_scale.py --tables 1 10 20 --job-seconds 20
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

RESULTS = sim_support.REPO / 'benchmarks' / 'results'
SOURCES = [{'table_name': 'orders', 'resource_aws_account_id': '111111111111'}, {'table_name': 'customers'},
           {'table_name': 'inventory'}]
CLUMIO_ORDERS = {'table_name': 'orders', 'account_native_id': '111111111111', 'aws_region': 'us-east-1'}
CLUMIO_ENVIRONMENT = '0b6c1f7e-1a2b-4c3d-8e9f-000000000001'
AWS_BACKUP_ORDERS = {'backup_vault_name': 'dr-vault', 'resource_arn': 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'}
# The products whose simulators take a fixed job duration; DynamoDB's own restores (moto) are instant.
TIMED_PRODUCTS = ('veeam_aws', 'clumio', 'aws_backup')


def item(product, index, run_id, iam_role_id):
    target = 'bench-%s-%02d' % (run_id, index)
    if product == 'clumio':
        return {'source': CLUMIO_ORDERS, 'target': {'target_table_name': target, 'environment_id': CLUMIO_ENVIRONMENT}}
    if product == 'aws_backup':
        return {'source': AWS_BACKUP_ORDERS, 'target': {'target_table_name': target}}
    if product == 'dynamodb':
        return {'source': {'table_name': 'customers'}, 'target': {'target_table_name': target}}
    return {'source': SOURCES[index % len(SOURCES)], 'target': {'target_table_name': target, 'authentication': {'iam_role_id': iam_role_id}}}


def drill_vars(count, iam_role_id, report_dir, run_id, products):
    items = [dict(item(products[index % len(products)], index, run_id, iam_role_id), name='table-%02d' % index,
                  product=products[index % len(products)])
             for index in range(count)]
    return {'dr_drill_name': 'drill of %d' % count, 'dr_drill_items': items, 'dr_drill_report_dir': str(report_dir),
            'dr_drill_fail_on_failure': True}


CLOCK_TICKS = os.sysconf('SC_CLK_TCK')


def machine_cpu_seconds():
    """CPU time the whole machine spent (user, nice, system, irq, softirq) since boot, from /proc/stat."""
    fields = pathlib.Path('/proc/stat').read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in fields[:7])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def process_cpu_seconds(pid):
    """CPU time of one process and its waited-for children (utime, stime, cutime, cstime)."""
    try:
        fields = pathlib.Path('/proc/%d/stat' % pid).read_text().rsplit(')', 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def controller_cpu(endpoints):
    """(machine, simulators) CPU seconds now; the difference over a run is the controller's work.

    Async restore jobs detach from ansible-playbook's process tree, so its own rusage misses them:
    the machine's total less the simulators' (moto included) counts them. Other work on the machine
    counts too: run benchmarks on an idle machine.
    """
    simulators = sum(process_cpu_seconds(int(pid)) for pid in endpoints['pids'].values())
    return machine_cpu_seconds(), simulators


def run_drill(endpoints, env, count, job_seconds, workdir, products, log=None):
    seed = yaml.safe_load((sim_support.REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
    for product in TIMED_PRODUCTS:
        sim_support.sim_control(endpoints, 'reset', {}, product=product)
        sim_support.sim_control(endpoints, 'config', {'job_duration_s': job_seconds}, product=product)
    run_id = '%d-%d' % (count, int(time.time()))
    report_dir = workdir / run_id
    variables = workdir / ('%s.yml' % run_id)
    variables.write_text(yaml.safe_dump(drill_vars(count, seed['iam_roles'][0]['id'], report_dir, run_id, products)))
    command = [sim_support.venv_tool('ansible-playbook'), str(sim_support.REPO / 'playbooks' / 'dr_drill.yml'), '-e', '@%s' % variables]
    started, (machine_before, sims_before) = time.monotonic(), controller_cpu(endpoints)
    with open(log, 'a', encoding='utf-8') if log else open(os.devnull, 'w', encoding='utf-8') as output:
        result = subprocess.run(command, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)
    wall = time.monotonic() - started
    machine_after, sims_after = controller_cpu(endpoints)
    controller_seconds = (machine_after - machine_before) - (sims_after - sims_before)
    report = json.loads((report_dir / 'report.json').read_text())
    longest = report['longest_restore_seconds']
    limit = 1.5 * longest + 30
    return {'tables': count, 'products': ' '.join(sorted(set(products[:count]))), 'job_seconds': job_seconds,
            'wall_seconds': round(wall, 1), 'longest_restore_seconds': longest,
            'limit_seconds': round(limit, 1), 'within_limit': wall < limit, 'passed': report['passed'],
            'rc': result.returncode, 'sequential_would_take_seconds': round(count * longest, 1),
            'cpu_seconds': round(controller_seconds, 1), 'cpu_seconds_per_item': round(controller_seconds / count, 2),
            'simulator_cpu_seconds': round(sims_after - sims_before, 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--tables', type=int, nargs='+', default=[1, 10, 20])
    parser.add_argument('--job-seconds', type=float, default=20)
    parser.add_argument('--products', nargs='+', default=['veeam_aws', 'clumio', 'aws_backup', 'dynamodb'],
                        choices=['veeam_aws', 'clumio', 'aws_backup', 'dynamodb'], help='items go to these products in turn')
    parser.add_argument('--output', type=pathlib.Path, default=RESULTS / 'drill_scale.json')
    parser.add_argument('--smoke', action='store_true',
                        help='CI: the drill must pass; the time limit is reported, not enforced (short jobs on a shared runner)')
    parser.add_argument('--log', type=pathlib.Path, help='append the drills\' ansible-playbook output to this file')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='drill-scale-') as tmp, \
            sim_support.simulators(pathlib.Path(tmp) / 'sim') as (endpoints, sim_env):
        env = dict(os.environ, **sim_env, ANSIBLE_COLLECTIONS_PATH=os.environ.get('ANSIBLE_COLLECTIONS_PATH', ''))
        rows = [run_drill(endpoints, env, count, args.job_seconds, pathlib.Path(tmp), args.products, args.log) for count in args.tables]
    sim_support.write_results(args.output, 'drill_scale', rows, [
        ('tables', 'tables'), ('products', 'products'), ('job (s)', 'job_seconds'), ('drill wall (s)', 'wall_seconds'),
        ('longest restore (s)', 'longest_restore_seconds'), ('limit 1.5x+30 (s)', 'limit_seconds'), ('within', 'within_limit'),
        ('in turn would take (s)', 'sequential_would_take_seconds'), ('controller CPU per item (s)', 'cpu_seconds_per_item')])
    return 0 if all((row['within_limit'] or args.smoke) and row['rc'] == 0 and row['passed'] == row['tables'] for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
