# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drill scale: wall time of one dr_drill of N tables against the longest single restore job.

Items go to Veeam Backup for AWS, Clumio, AWS Backup and DynamoDB in turn (--products); the
simulators run every restore for a fixed --job-seconds (DynamoDB's own restores in moto are instant). A drill that waits for its restores
together finishes close to that; one that waits for them in turn takes N times as long. Writes
benchmarks/results/drill_scale.json and prints a Markdown table. Acceptance (issue 6): 20 tables
in less than 1.5 x the longest job + 30 s; issue 20: 10 tables of 30 s in 40 s, 100 of 60 s in
1.5 x the longest job + 30 s.

Controller CPU (cpu_seconds_per_item) is the CPU time of ansible-playbook and every process it
started: its workers, the items' processes of dr_drill_run and the module processes of the other
tasks. A process that detaches from its tree (an async job) would escape its rusage, so this
script makes itself the child subreaper (prctl PR_SET_CHILD_SUBREAPER) and reaps them too, summing
the rusage of every process it reaps. Simulators, moto and whatever else runs on the machine are not counted (they
are in machine_cpu_seconds_per_item, the machine's CPU less the simulators', which other work on a
shared machine inflates). requests_per_item counts each product's API requests (its simulator's
request log) per item of that product. --profile writes the controller CPU per task
(benchmarks/callback/cpu_per_task.py) beside the results.

    .venv/bin/python benchmarks/drill_scale.py --tables 1 10 20 --job-seconds 20
"""
from __future__ import annotations

import argparse
import ctypes
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


def drill_vars(count, iam_role_id, report_dir, run_id, products, poll_interval=None):
    items = [dict(item(products[index % len(products)], index, run_id, iam_role_id), name='table-%02d' % index,
                  product=products[index % len(products)])
             for index in range(count)]
    drill = {'dr_drill_name': 'drill of %d' % count, 'dr_drill_items': items, 'dr_drill_report_dir': str(report_dir),
             'dr_drill_fail_on_failure': True}
    if poll_interval:
        drill['dr_drill_poll_interval'] = poll_interval
    return drill


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


PR_SET_CHILD_SUBREAPER = 36
REQUEST_LOGS = ('veeam_aws', 'clumio', 'aws_backup')


def become_subreaper():
    """Orphans of our descendants (detached async jobs) become our children, so their CPU time is reaped here."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'prctl(PR_SET_CHILD_SUBREAPER)')


def run_reaping(command, env, output, linger=30.0):
    """Run `command`; return (rc, its wall seconds, CPU seconds of it and of every descendant reaped, detached ones included).

    Call become_subreaper() first, after the simulators started (they must not become our children).
    """
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    cpu, rc, deadline, wall = 0.0, None, None, None
    while True:
        try:
            pid, status, usage = os.wait4(-1, os.WNOHANG if rc is not None else 0)
        except ChildProcessError:
            break
        if pid == 0:  # the playbook has ended; give a detached job still exiting a moment
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
            continue
        cpu += usage.ru_utime + usage.ru_stime
        if pid == process.pid:
            rc, deadline = os.waitstatus_to_exitcode(status), time.monotonic() + linger
            wall = deadline - linger - started
            process.returncode = rc
    return rc, wall, cpu


def product_requests(endpoints, clear=False):
    counts = {}
    for product in REQUEST_LOGS:
        if clear:
            sim_support.sim_control(endpoints, 'requests', method='DELETE', product=product)
        else:
            counts[product] = sum(1 for entry in sim_support.sim_control(endpoints, 'requests', product=product)
                                  if not entry['path'].startswith('/_sim/'))
    return counts


def run_drill(endpoints, env, count, job_seconds, workdir, products, log=None, forks=None, profile=None, poll_interval=None):
    seed = yaml.safe_load((sim_support.REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
    for product in TIMED_PRODUCTS:
        sim_support.sim_control(endpoints, 'reset', {}, product=product)
        sim_support.sim_control(endpoints, 'config', {'job_duration_s': job_seconds}, product=product)
    run_id = '%d-%d' % (count, int(time.time()))
    report_dir = workdir / run_id
    variables = workdir / ('%s.yml' % run_id)
    variables.write_text(yaml.safe_dump(drill_vars(count, seed['iam_roles'][0]['id'], report_dir, run_id, products, poll_interval)))
    command = [sim_support.venv_tool('ansible-playbook'), str(sim_support.REPO / 'playbooks' / 'dr_drill.yml'), '-e', '@%s' % variables]
    if forks:
        command += ['--forks', str(forks)]
    if profile:
        env = dict(env, ANSIBLE_CALLBACK_PLUGINS=str(pathlib.Path(__file__).resolve().parent / 'callback'),
                   ANSIBLE_CALLBACKS_ENABLED='cpu_per_task', RECOVEROPS_CPU_PER_TASK=str(profile.with_suffix('.%d.json' % count)))
    product_requests(endpoints, clear=True)
    machine_before, sims_before = controller_cpu(endpoints)
    with open(log, 'a', encoding='utf-8') if log else open(os.devnull, 'w', encoding='utf-8') as output:
        rc, wall, controller_seconds = run_reaping(command, env, output)
    machine_after, sims_after = controller_cpu(endpoints)
    machine_seconds = (machine_after - machine_before) - (sims_after - sims_before)
    requests = product_requests(endpoints)
    items_of = [products[index % len(products)] for index in range(count)]
    per_product = {product: items_of.count(product) for product in set(items_of)}
    report = json.loads((report_dir / 'report.json').read_text())
    longest = report['longest_restore_seconds']
    limit = 1.5 * longest + 30
    return {'tables': count, 'products': ' '.join(sorted(per_product)), 'job_seconds': job_seconds,
            'wall_seconds': round(wall, 1), 'longest_restore_seconds': longest,
            'limit_seconds': round(limit, 1), 'within_limit': wall < limit, 'passed': report['passed'],
            'rc': rc, 'sequential_would_take_seconds': round(count * longest, 1), 'forks': forks or 5,
            'poll_interval': poll_interval or 5,
            'strategy': env.get('ANSIBLE_STRATEGY', 'linear'),
            'cpu_seconds': round(controller_seconds, 1), 'cpu_seconds_per_item': round(controller_seconds / count, 2),
            'machine_cpu_seconds_per_item': round(machine_seconds / count, 2),
            'simulator_cpu_seconds': round(sims_after - sims_before, 1),
            'load_average_1m': round(os.getloadavg()[0], 1),
            'requests_per_item': {product: round(requests[product] / items, 1)
                                  for product, items in sorted(per_product.items()) if product in requests}}


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
    parser.add_argument('--forks', type=int, help='ansible-playbook --forks (default: Ansible\'s, 5)')
    parser.add_argument('--profile', type=pathlib.Path, help='write the controller CPU per task to PROFILE.<tables>.json')
    parser.add_argument('--poll-interval', type=int, help='dr_drill_poll_interval (default: the role\'s, 5)')
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='drill-scale-') as tmp, \
            sim_support.simulators(pathlib.Path(tmp) / 'sim') as (endpoints, sim_env):
        env = dict(os.environ, **sim_env, ANSIBLE_COLLECTIONS_PATH=os.environ.get('ANSIBLE_COLLECTIONS_PATH', ''))
        become_subreaper()  # after the simulators started: they stay init's children
        rows = [run_drill(endpoints, env, count, args.job_seconds, pathlib.Path(tmp), args.products, args.log, args.forks, args.profile,
                          args.poll_interval)
                for count in args.tables]
    sim_support.write_results(args.output, 'drill_scale', rows, [
        ('tables', 'tables'), ('products', 'products'), ('job (s)', 'job_seconds'), ('drill wall (s)', 'wall_seconds'),
        ('longest restore (s)', 'longest_restore_seconds'), ('limit 1.5x+30 (s)', 'limit_seconds'), ('within', 'within_limit'),
        ('in turn would take (s)', 'sequential_would_take_seconds'), ('controller CPU per item (s)', 'cpu_seconds_per_item'),
        ('machine CPU per item (s)', 'machine_cpu_seconds_per_item'), ('poll interval (s)', 'poll_interval'), ('load 1m', 'load_average_1m'),
        ('requests per item', 'requests_per_item')])
    return 0 if all((row['within_limit'] or args.smoke) and row['rc'] == 0 and row['passed'] == row['tables'] for row in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
