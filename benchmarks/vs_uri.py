# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection against the hand-written alternative, against the same simulator.

For each product, job duration and number of restore points, two playbooks restore the newest
point of one table: the restore_latest role (benchmarks/playbooks/<product>_ours.yml) and
ansible.builtin.uri tasks with until/retries (<product>_uri.yml: log in where the product needs it,
list every point, pick the newest in Jinja, POST, poll every 30 s). Measured: API requests, wall
time, overhead (wall time minus the job's length) and completion-detection latency (from the end of
the restore job, as the product records it, to the playbook seeing it).

A 30 s poll loop sees the end of a job anywhere from 0 to 30 s late, depending on where the end
falls between two polls; job lengths that are multiples of 30 s flatter it. So every job length
also runs with `--offsets` seconds added (default 0, 10 and 20 s), and the summary compares means.
Each playbook has its own set of simulators (same code and seed, fresh state per run), so the two
run side by side; the products run side by side too. Writes --output (JSON, every run and the
summary with the ratios ours / uri) and prints the summary as Markdown (benchmarks/summary.py).

    .venv/bin/python benchmarks/vs_uri.py --products veeam_aws clumio --jobs 10 60 300
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import importlib
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / 'tools'))
sim_support = importlib.import_module('sim_support')
markdown = importlib.import_module('summary')

HERE = pathlib.Path(__file__).resolve().parent
PLAYBOOKS = ('ours', 'uri')
MEASURES = ('requests', 'wall_seconds', 'overhead_seconds', 'detection_latency_seconds')


def seed(product):
    return yaml.safe_load((sim_support.REPO / 'simulators' / product / 'seed.yml').read_text())


def veeam_aws():
    doc = seed('veeam_aws')
    table = next(found for found in doc['tables'] if found['name'] == 'customers')
    return {'table': table['id'], 'seeded_points': len(table.get('restore_points', [])),
            'list_path': '/api/v1/dynamoDb/restorePoints', 'api_prefix': '/api/',
            'extra': {'baseline_dynamodb_id': table['id'], 'baseline_iam_role_id': doc['iam_roles'][0]['id']},
            'env': lambda endpoints: {'VEEAM_AWS_CA_PATH': endpoints['veeam_aws_ca']}}


def clumio():
    doc = seed('clumio')
    table = next(found for found in doc['tables'] if found['name'] == 'inventory')
    return {'table': table['id'], 'seeded_points': len(table.get('backups', [])),
            'list_path': '/backups/aws/dynamodb-tables', 'api_prefix': '/',
            'extra': {'baseline_table_id': table['id'], 'baseline_environment_id': table['environment_id']},
            'env': lambda endpoints: {}}


PRODUCTS = {'veeam_aws': veeam_aws, 'clumio': clumio}


def moment(text):
    text = re.sub(r'(\.\d{6})\d+', r'\1', text.replace('Z', '+00:00'))
    parsed = datetime.datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


def prepare(product, spec, endpoints, job_seconds, points):
    control = dict(product=product)
    sim_support.sim_control(endpoints, 'reset', {}, **control)
    sim_support.sim_control(endpoints, 'config', {'job_duration_s': job_seconds}, **control)
    if points > spec['seeded_points']:
        generate = {'table_id': spec['table'], 'count': points, 'newest': '2026-11-21T06:00:00Z', 'interval_minutes': 1}
        sim_support.sim_control(endpoints, 'generate', generate, **control)
    sim_support.sim_control(endpoints, 'requests', method='DELETE', **control)


def run_one(product, spec, playbook, sims, run, workdir):
    """Run one playbook once and read what it cost from the simulator's request log."""
    nominal, offset, points = run
    job_seconds = nominal + offset
    endpoints, env = sims
    prepare(product, spec, endpoints, job_seconds, points)
    name = '%s-%s-%s-%s' % (product, playbook, job_seconds, points)
    result_file = workdir / (name + '.json')
    extra = dict(spec['extra'], baseline_target='bench-' + name.replace('.', '-').replace('_', '-'), baseline_result_file=str(result_file))
    command = [sim_support.venv_tool('ansible-playbook'), str(HERE / 'playbooks' / ('%s_%s.yml' % (product, playbook))),
               '-e', json.dumps(extra)]
    started = time.monotonic()
    proc = subprocess.run(command, env=dict(env, **spec['env'](endpoints)), capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if proc.returncode:
        raise RuntimeError('%s failed:\n%s' % (name, proc.stdout[-3000:]))
    outcome = json.loads(result_file.read_text())
    log = [entry for entry in sim_support.sim_control(endpoints, 'requests', product=product)
           if entry['path'].startswith(spec['api_prefix']) and not entry['path'].startswith('/_sim/')]
    return {'product': product, 'playbook': playbook, 'nominal_job_seconds': nominal, 'job_seconds': job_seconds, 'points': points,
            'requests': len(log),
            'list_requests': sum(1 for entry in log if entry['path'] == spec['list_path']),
            'wall_seconds': round(wall, 1), 'overhead_seconds': round(wall - job_seconds, 1),
            'detection_latency_seconds': round((moment(outcome['seen_at']) - moment(outcome['finished_at'])).total_seconds(), 1),
            'status': outcome['status']}


def run_series(product, playbook, sims, runs, workdir):
    spec = PRODUCTS[product]()
    return [run_one(product, spec, playbook, sims, run, workdir) for run in runs]


def summarize(rows, jobs, points_list):
    """Per product, job length and points: the means over the offsets, and ours / uri."""
    summary = []
    for product in dict.fromkeys(row['product'] for row in rows):
        for job in jobs:
            for points in points_list:
                means = {}
                for playbook in PLAYBOOKS:
                    picked = [row for row in rows
                              if (row['product'], row['playbook'], row['nominal_job_seconds'], row['points']) == (product, playbook, job, points)]
                    means[playbook] = {key: round(statistics.mean(row[key] for row in picked), 1)
                                       for key in MEASURES}
                    means[playbook]['runs'] = len(picked)
                summary.append({'product': product, 'job_seconds': job, 'points': points, 'ours': means['ours'], 'uri': means['uri'],
                                'ratio_ours_to_uri': {key: round(means['ours'][key] / means['uri'][key], 2) if means['uri'][key] else None
                                                      for key in MEASURES}})
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--products', nargs='+', choices=sorted(PRODUCTS), default=sorted(PRODUCTS))
    parser.add_argument('--jobs', type=float, nargs='+', default=[10, 60, 300], help='job lengths in seconds')
    parser.add_argument('--offsets', type=float, nargs='+', default=[0, 10, 20],
                        help='seconds added to each job length, so its end falls at different places between two 30 s polls')
    parser.add_argument('--points', type=int, nargs='+', default=[10])
    parser.add_argument('--output', type=pathlib.Path, default=HERE / 'results' / 'vs_uri.json')
    args = parser.parse_args()
    if any(not 0 <= offset < 30 for offset in args.offsets):
        parser.error('--offsets must be from 0 to under 30 seconds (one poll interval of the uri playbook)')
    runs = [(job, offset, points) for job in args.jobs for offset in args.offsets for points in args.points]
    with tempfile.TemporaryDirectory(prefix='vs-uri-') as tmp, \
            sim_support.simulators(pathlib.Path(tmp) / 'sim-ours') as ours_sims, \
            sim_support.simulators(pathlib.Path(tmp) / 'sim-uri') as uri_sims:
        sims = {'ours': (ours_sims[0], dict(os.environ, **ours_sims[1])), 'uri': (uri_sims[0], dict(os.environ, **uri_sims[1]))}
        series = [(product, playbook) for product in args.products for playbook in PLAYBOOKS]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(series)) as pool:
            futures = [pool.submit(run_series, product, playbook, sims[playbook], runs, pathlib.Path(tmp)) for product, playbook in series]
            rows = [row for future in futures for row in future.result()]
    summary = summarize(rows, args.jobs, args.points)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({'benchmark': 'vs_uri', 'command': ' '.join(sys.argv), 'summary': summary, 'rows': rows}, indent=2) + '\n')
    print('\n'.join(markdown.table(summary)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
