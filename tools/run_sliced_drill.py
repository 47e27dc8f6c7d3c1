# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A sliced DR drill, as AWX job slicing runs it, must report what the unsliced drill reports.

Against freshly started simulators: the example drill (examples/dr_drill_simulators.yml, every
product and resource type) plus one item whose source has no restore point (it must fail, in both runs) runs once
unsliced (playbooks/dr_drill.yml -e @drill.yml), then with one host per item (the role's entry points
plan, item and collect: tools/dr_drill_per_host.yml). Then, with the simulators reset, the same drill
file runs as AWX runs a sliced job template of --slices slices: the inventory plugin
recoverops.restore.dr_drill makes each item a host; AWX gives slice I of N every N-th host of
the inventory from the I-th, hosts in name order (sorted(hosts)[I-1::N]), passed here as --limit
(a limit file: item names may hold commas), and the slices run as concurrent ansible-playbook
processes of playbooks/dr_drill_sliced.yml;
then playbooks/dr_drill_report.yml merges the result files into one report. The two reports must have
the same items in the same order with the same verdicts, checks (name, passed, expected, found),
errors and cleanup; ids and times aside. Every slice must have run only its own items.

    .venv/bin/python tools/run_sliced_drill.py --state-dir .build/sim-sliced
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

from sim_support import REPO, sim_control, simulators, venv_tool

RESET_PRODUCTS = ('veeam_aws', 'veeam_azure', 'clumio', 'aws_backup')
TIMED_PRODUCTS = ('veeam_aws', 'clumio', 'aws_backup')
NO_POINT_ITEM = {'name': 'ledger (no restore point)', 'product': 'veeam_aws',
                 'source': {'table_name': 'ledger-never-backed-up'},
                 'target': {'target_table_name': 'ledger-drill', 'authentication': {'iam_role_id': '2af9ca90-a9e5-4ff8-b45c-a7dfa9498ee8'}}}
# A report item, ids, times and durations aside.
CHECK_FIELDS = ('name', 'passed', 'expected', 'found')
ITEM_FIELDS = ('name', 'product', 'status', 'cleaned_up', 'reused')


def drill_file(workdir, report_dir, name='drill.yml'):
    drill = yaml.safe_load((REPO / 'examples' / 'dr_drill_simulators.yml').read_text())
    drill['dr_drill_items'].append(NO_POINT_ITEM)
    drill.update(dr_drill_name='sliced drill check', dr_drill_report_dir=str(report_dir), dr_drill_fail_on_failure=False,
                 dr_drill_history_dir='')
    path = workdir / name
    path.write_text(yaml.safe_dump(drill, sort_keys=False))
    return path, drill


def reset(endpoints, job_seconds):
    for product in RESET_PRODUCTS:
        sim_control(endpoints, 'reset', {}, product=product)
    for product in TIMED_PRODUCTS:
        sim_control(endpoints, 'config', {'job_duration_s': job_seconds}, product=product)


def comparable(report):
    """What must match between the sliced and the unsliced report: items, verdicts, checks, errors."""
    items = []
    for item in report['items']:
        row = {key: item.get(key) for key in ITEM_FIELDS}
        row['checks'] = [{key: check.get(key) for key in CHECK_FIELDS} for check in item.get('checks') or []]
        row['errors'] = [re.sub(r'[0-9a-f]{8}-[0-9a-f-]{27}', '<id>', error) for error in item.get('errors') or []]
        items.append(row)
    return {'total': report['total'], 'passed': report['passed'], 'failed': report['failed'], 'status': report['status'],
            'items': items}


def slices(drill, count):
    """The --limit of each slice, as AWX computes it: the hosts sorted by name, every count-th from slice i."""
    hosts = sorted('drill/' + item['name'] for item in drill['dr_drill_items'])
    return [hosts[index::count] for index in range(count)]


def run(command, env, log):
    with open(log, 'w', encoding='utf-8') as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--state-dir', type=pathlib.Path, default=REPO / '.build' / 'sim-sliced')
    parser.add_argument('--slices', type=int, default=3)
    parser.add_argument('--job-seconds', type=float, default=3)
    parser.add_argument('--collections', help='ANSIBLE_COLLECTIONS_PATH (default: the environment\'s)')
    args = parser.parse_args()
    work = args.state_dir / 'work'
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    playbook = venv_tool('ansible-playbook')
    with simulators(args.state_dir / 'sim') as (endpoints, sim_env):
        env = dict(os.environ, **sim_env, ANSIBLE_FORCE_COLOR='0')
        if args.collections:
            env['ANSIBLE_COLLECTIONS_PATH'] = args.collections
        path, drill = drill_file(work, work / 'unsliced-report')
        reset(endpoints, args.job_seconds)
        unsliced = run([playbook, str(REPO / 'playbooks' / 'dr_drill.yml'), '-e', '@%s' % path], env, work / 'unsliced.log')
        if unsliced.wait() != 0:
            sys.exit('the unsliced drill failed: see %s' % (work / 'unsliced.log'))
        # The entry points plan, item and collect: one in-memory host per item.
        reset(endpoints, args.job_seconds)
        per_host_path, _drill = drill_file(work, work / 'per-host-report', 'drill-per-host.yml')
        per_host = run([playbook, str(REPO / 'tools' / 'dr_drill_per_host.yml'), '-e', '@%s' % per_host_path], env, work / 'per-host.log')
        if per_host.wait() != 0:
            sys.exit('the per-host drill failed: see %s' % (work / 'per-host.log'))
        reset(endpoints, args.job_seconds)
        inventory = work / 'drill.dr_drill.yml'
        inventory.write_text(yaml.safe_dump({'plugin': 'recoverops.restore.dr_drill', 'drill_file': 'drill.yml',
                                             'results_dir': 'results'}))
        sliced_report = work / 'sliced-report'
        common = ['-i', str(inventory), '-e', 'dr_drill_run_id=check-1', '-e', 'dr_drill_report_dir=%s' % sliced_report]
        shares = slices(drill, args.slices)
        runs = []
        for index, share in enumerate(shares):
            # A limit file, one host a line: item names may hold commas, which a --limit list splits on.
            limit = work / ('slice-%d.limit' % (index + 1))
            limit.write_text(''.join(host + '\n' for host in share))
            runs.append(run([playbook, str(REPO / 'playbooks' / 'dr_drill_sliced.yml'), *common, '--limit', '@%s' % limit], env,
                            work / ('slice-%d.log' % (index + 1))))
        codes = [process.wait() for process in runs]
        if any(codes):
            sys.exit('slice(s) failed (rc %s): see %s/slice-*.log' % (codes, work))
        merge = run([playbook, str(REPO / 'playbooks' / 'dr_drill_report.yml'), *common], env, work / 'report.log')
        if merge.wait() != 0:
            sys.exit('the report step failed: see %s' % (work / 'report.log'))
    for index, share in enumerate(shares):
        ran = set(re.findall(r'^(?:ok|changed|fatal|skipping): \[(drill/[^\]]+)\]', (work / ('slice-%d.log' % (index + 1))).read_text(),
                             re.MULTILINE))
        if ran != set(share):
            sys.exit('slice %d ran %s, not its hosts %s' % (index + 1, sorted(ran), share))
    results = sorted(p.name for p in (work / 'results' / 'check-1').iterdir())
    if len(results) != len(drill['dr_drill_items']):
        sys.exit('expected one result file per item, found %s' % results)
    expected = comparable(json.loads((work / 'unsliced-report' / 'report.json').read_text()))
    found = comparable(json.loads((sliced_report / 'report.json').read_text()))
    if found != expected:
        print(json.dumps({'unsliced': expected, 'sliced': found}, indent=1))
        sys.exit('the sliced drill\'s report differs from the unsliced one')
    by_host = comparable(json.loads((work / 'per-host-report' / 'report.json').read_text()))
    if by_host != expected:
        print(json.dumps({'unsliced': expected, 'per host': by_host}, indent=1))
        sys.exit('the per-host drill\'s report (entry points plan, item, collect) differs from the unsliced one')
    if expected['failed'] != 1 or expected['passed'] != expected['total'] - 1:
        sys.exit('expected every item but the one without a restore point to pass: %s' % json.dumps(expected, indent=1))
    print('sliced drill: %d slices %s; %d items, %d passed, %d failed, the same as unsliced and as one host per item'
          % (args.slices, [len(share) for share in shares], expected['total'], expected['passed'], expected['failed']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
