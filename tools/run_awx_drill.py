# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run playbooks/dr_drill.yml the way AWX does: through ansible-runner, with the credentials in the
environment exactly as the collection's credential types inject them.

The injectors of extensions/awx/credential_types/*.yml are rendered with Jinja from the credential
inputs (the simulators' address and demo account), as AWX renders them, and become the job's only
connection settings. The drill is the example drill plus one item whose restore the simulator fails:
that item, and only that one, must be reported failed, every other item passed, verified and cleaned
up, and the job must fail at the end, as AWX shows a drill with a failed item. No secret may appear
in the job's output.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import tempfile

import ansible_runner
import jinja2
import yaml

from sim_support import REPO, VENV_BIN, fetch_json, sim_control, simulators

DOOMED_TABLE = 'orders-doomed'


def injected_env(credential_type_file, inputs):
    """The env block of a credential type, rendered as AWX renders it (missing inputs are empty)."""
    credential_type = yaml.safe_load(credential_type_file.read_text())
    fields = {field['id']: field.get('default', '') for field in credential_type['inputs']['fields']}
    fields.update(inputs)
    template_env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {name: template_env.from_string(value).render(fields) for name, value in credential_type['injectors']['env'].items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collections', required=True, type=pathlib.Path, help='collections path with the installed collection')
    args = parser.parse_args()
    playbook = args.collections.resolve() / 'ansible_collections' / 'recoverops' / 'restore' / 'playbooks' / 'dr_drill.yml'
    with simulators(args.state_dir) as (endpoints, sim_env), tempfile.TemporaryDirectory(prefix='awx-job-') as job_dir:
        # One credential per product the drill uses, as a job template would attach them.
        credential_env = {}
        for product in ('veeam_aws', 'veeam_azure'):
            prefix = product.upper()
            credential_env.update(injected_env(REPO / 'extensions' / 'awx' / 'credential_types' / ('%s.yml' % product), {
                'server': endpoints[product], 'username': sim_env[prefix + '_USERNAME'], 'password': sim_env[prefix + '_PASSWORD'],
                'ca_path': endpoints[product + '_ca'], 'validate_certs': True}))
        credential_env.update(injected_env(REPO / 'extensions' / 'awx' / 'credential_types' / 'clumio.yml', {
            'api_url': endpoints['clumio'], 'api_token': sim_env['CLUMIO_API_TOKEN'], 'ca_path': endpoints['clumio_ca']}))
        # AWX's built-in "Amazon Web Services" credential type injects these three; the endpoints of a
        # private (here: simulated) AWS are instance-wide task environment (AWX_TASK_ENV) in AWX.
        credential_env.update({'AWS_ACCESS_KEY_ID': sim_env['AWS_ACCESS_KEY_ID'], 'AWS_SECRET_ACCESS_KEY': sim_env['AWS_SECRET_ACCESS_KEY'],
                               'AWS_DEFAULT_REGION': sim_env['AWS_DEFAULT_REGION'],
                               'AWS_ENDPOINT_URL_BACKUP': endpoints['aws_backup'], 'AWS_ENDPOINT_URL_DYNAMODB': endpoints['dynamodb'],
                               'AWS_CA_BUNDLE': endpoints['aws_backup_ca']})
        drill = yaml.safe_load((REPO / 'examples' / 'dr_drill_simulators.yml').read_text())
        drill['dr_drill_report_dir'] = os.path.join(job_dir, 'report')
        doomed = dict(drill['dr_drill_items'][0], name='orders, restore set to fail (Veeam Backup for AWS)')
        doomed['target'] = dict(doomed['target'], target_table_name=DOOMED_TABLE)
        drill['dr_drill_items'].append(doomed)
        sim_control(endpoints, 'config', {'outcome_by_target': {DOOMED_TABLE: 'Failed'}})
        # Only what AWX would give the job: the injected credential, the collection, the runner's Python.
        envvars = dict(credential_env, ANSIBLE_COLLECTIONS_PATH=str(args.collections.resolve()),
                       PATH='%s%s%s' % (VENV_BIN, os.pathsep, os.environ.get('PATH', '')))
        for name in [name for name in os.environ if name.startswith(('VEEAM_', 'CLUMIO_', 'AWS_'))]:
            os.environ.pop(name)
        os.environ['PATH'] = envvars['PATH']
        job = ansible_runner.run(private_data_dir=job_dir, playbook=str(playbook), envvars=envvars, extravars=drill,
                                 quiet=True, timeout=600)
        output = job.stdout.read()
        events = len(list(job.events))
        report_file = pathlib.Path(drill['dr_drill_report_dir'], 'report.json')
        report = json.loads(report_file.read_text()) if report_file.exists() else {}
        secrets = [secret for product in ('veeam_aws', 'veeam_azure', 'clumio', 'aws_backup')
                   for secret in fetch_json(endpoints[product] + '/_sim/secrets', endpoints[product + '_ca'])]
        leaks = [secret for secret in secrets if len(secret) >= 6 and secret in output]
    print('ansible-runner: status %s, rc %s, %d events; injected %s'
          % (job.status, job.rc, events, ', '.join(sorted(credential_env))))
    if not report:
        print(output[-6000:])
        print('the drill wrote no report')
        return 1
    items = report['items']
    failed = [item['name'] for item in items if item['status'] != 'passed']
    unclean = [item['name'] for item in items
               if item['status'] == 'passed' and ((item.get('job') or {}).get('created_resource') or {}).get('type') == 'dynamodb_table'
               and not item['cleaned_up']]
    if failed != [doomed['name']] or unclean or report['passed'] != len(items) - 1:
        print('expected exactly %r failed and every other restored table cleaned up; failed: %s, not cleaned up: %s'
              % (doomed['name'], failed, unclean))
        return 1
    if job.status != 'failed' or job.rc == 0 or 'drill items failed: %s' % doomed['name'] not in output:
        print(output[-6000:])
        print('the job should fail at the end, naming the failed item (status %s, rc %s)' % (job.status, job.rc))
        return 1
    if leaks:
        print('%d secret(s) found in the job output' % len(leaks))
        return 1
    print('AWX-style drill: %d of %d items passed in %s s, the doomed one failed alone and the job failed at the end '
          '(status %s); %d other restored tables cleaned up; %d known secrets searched in the job output, none found'
          % (report['passed'], report['total'], report['duration_seconds'], job.status,
             sum(1 for item in items if item['cleaned_up']), len(secrets)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
