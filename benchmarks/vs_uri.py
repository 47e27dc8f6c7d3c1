# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection against the hand-written alternative, in the same run, against the same simulator.

For each job duration and number of restore points, two playbooks restore the newest point of one
table: the restore_latest role (benchmarks/playbooks/ours.yml) and ansible.builtin.uri tasks with
until/retries (baseline_uri.yml: log in, list every point, pick the newest in Jinja, POST, poll every
30 s). Measured: API requests, wall time, and completion-detection latency (from the end of the
restore session to the playbook seeing it). Writes benchmarks/results/vs_uri.json and a Markdown table.

    .venv/bin/python benchmarks/vs_uri.py --jobs 10 60 --points 10 100000
"""
from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pathlib
import re
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


def moment(text):
    text = re.sub(r'(\.\d{6})\d+', r'\1', text.replace('Z', '+00:00'))
    parsed = datetime.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def run_one(name, endpoints, env, job_seconds, points, workdir):
    sim_support.sim_control(endpoints, 'reset', {})
    sim_support.sim_control(endpoints, 'config', {'job_duration_s': job_seconds})
    if points > len(CUSTOMERS.get('restore_points', [])):
        generate = {'table_id': CUSTOMERS['id'], 'count': points, 'newest': '2026-11-21T06:00:00Z', 'interval_minutes': 1}
        sim_support.sim_control(endpoints, 'generate', generate)
    sim_support.sim_control(endpoints, 'requests', method='DELETE')
    result_file = workdir / ('%s-%s-%s.json' % (name, job_seconds, points))
    extra = {'baseline_dynamodb_id': CUSTOMERS['id'], 'baseline_iam_role_id': SEED['iam_roles'][0]['id'],
             'baseline_target': 'bench-%s-%s-%s' % (name, job_seconds, points), 'baseline_result_file': str(result_file)}
    command = [sim_support.venv_tool('ansible-playbook'), str(HERE / 'playbooks' / ('%s.yml' % name)), '-e', json.dumps(extra)]
    started = time.monotonic()
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if proc.returncode:
        raise RuntimeError('%s failed:\n%s' % (name, proc.stdout[-3000:]))
    outcome = json.loads(result_file.read_text())
    log = [entry for entry in sim_support.sim_control(endpoints, 'requests') if entry['path'].startswith('/api/')]
    return {'playbook': name, 'job_seconds': job_seconds, 'points': points, 'requests': len(log),
            'list_requests': sum(1 for entry in log if entry['path'] == '/api/v1/dynamoDb/restorePoints'),
            'wall_seconds': round(wall, 1),
            'detection_latency_seconds': round((moment(outcome['seen_at']) - moment(outcome['finished_at'])).total_seconds(), 1),
            'status': outcome['status']}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--jobs', type=float, nargs='+', default=[10, 60])
    parser.add_argument('--points', type=int, nargs='+', default=[10, 100000])
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'vs_uri.json')
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix='vs-uri-') as tmp, sim_support.simulators(pathlib.Path(tmp) / 'sim') as (endpoints, sim_env):
        env = dict(os.environ, **sim_env, VEEAM_AWS_CA_PATH=endpoints['veeam_aws_ca'])
        for job_seconds in args.jobs:
            for points in args.points:
                for name in ('ours', 'baseline_uri'):
                    rows.append(run_one(name, endpoints, env, job_seconds, points, pathlib.Path(tmp)))
    sim_support.write_results(args.output, 'vs_uri', rows, [
        ('playbook', 'playbook'), ('job (s)', 'job_seconds'), ('points', 'points'), ('API requests', 'requests'),
        ('list requests', 'list_requests'), ('wall (s)', 'wall_seconds'), ('detection latency (s)', 'detection_latency_seconds')])
    return 0


if __name__ == '__main__':
    sys.exit(main())
