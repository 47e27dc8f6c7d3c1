# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run playbooks/dr_drill.yml the way AWX does: through ansible-runner, with the credentials in the
environment exactly as the collection's credential types inject them.

The injectors of extensions/awx/credential_types/*.yml are rendered with Jinja from the credential
inputs (the simulators' address and demo account), as AWX renders them, and become the job's only
connection settings: the Veeam Backup for AWS credential gives its CA as PEM text (the file
injector writes it to a private file, as AWX does, and the job must use that file), the others as
a path (existing credentials keep working). AWX's job variables (awx_user_name, awx_job_id,
awx_job_template_name) are passed as AWX passes them, and the report must name them; the job's
artifacts must hold the drill's set_stats summary, as AWX hands it to the next workflow node. The
drill is the example drill plus one item whose restore the simulator fails: that item, and only
that one, must be reported failed, every other item passed, verified and cleaned up, and the job
must fail at the end, as AWX shows a drill with a failed item. No secret may appear in the job's
output.
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


def injected_env(credential_type_file, inputs, file_dir):
    """The env block of a credential type, rendered as AWX renders it (missing inputs are empty).

    File injectors are written first, one private file per template, and offered to the env
    templates as tower.filename.<name> (tower.filename when there is a single unnamed template).
    """
    credential_type = yaml.safe_load(credential_type_file.read_text())
    fields = {field['id']: field.get('default', '') for field in credential_type['inputs']['fields']}
    fields.update(inputs)
    template_env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    filenames = {}
    for name, template in (credential_type['injectors'].get('file') or {}).items():
        handle, path = tempfile.mkstemp(dir=file_dir, prefix='awx-credential-')
        with os.fdopen(handle, 'w') as file:
            file.write(template_env.from_string(template).render(fields))
        os.chmod(path, 0o600)
        filenames[name.split('.', 1)[1] if '.' in name else None] = path
    tower = {'filename': filenames.get(None) or {name: path for name, path in filenames.items() if name}}
    return {name: template_env.from_string(value).render(dict(fields, tower=tower))
            for name, value in credential_type['injectors']['env'].items()}


def stats_artifacts(job):
    """What set_stats handed over, as AWX reads it from the job's playbook_on_stats event."""
    for event in job.events:
        if event.get('event') == 'playbook_on_stats':
            return (event.get('event_data') or {}).get('artifact_data') or {}
    return {}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collections', required=True, type=pathlib.Path, help='collections path with the installed collection')
    args = parser.parse_args()
    playbook = args.collections.resolve() / 'ansible_collections' / 'recoverops' / 'restore' / 'playbooks' / 'dr_drill.yml'
    with simulators(args.state_dir) as (endpoints, sim_env), tempfile.TemporaryDirectory(prefix='awx-job-') as job_dir:
        # One credential per product the drill uses, as a job template would attach them.
        credential_env = {}
        credential_files = os.path.join(job_dir, 'credentials')
        os.makedirs(credential_files)
        for product in ('veeam_aws', 'veeam_azure'):
            prefix = product.upper()
            # Veeam Backup for AWS: the CA as PEM text (the new field, a file injector); Azure: a path, as before.
            ca = ({'ca_certificate': pathlib.Path(endpoints[product + '_ca']).read_text()} if product == 'veeam_aws'
                  else {'ca_path': endpoints[product + '_ca']})
            credential_env.update(injected_env(REPO / 'extensions' / 'awx' / 'credential_types' / ('%s.yml' % product), dict({
                'server': endpoints[product], 'username': sim_env[prefix + '_USERNAME'], 'password': sim_env[prefix + '_PASSWORD'],
                'validate_certs': True}, **ca), credential_files))
        credential_env.update(injected_env(REPO / 'extensions' / 'awx' / 'credential_types' / 'clumio.yml', {
            'api_url': endpoints['clumio'], 'api_token': sim_env['CLUMIO_API_TOKEN'], 'ca_path': endpoints['clumio_ca']},
            credential_files))
        ca_file = credential_env['VEEAM_AWS_CA_PATH']
        if not ca_file.startswith(credential_files) or pathlib.Path(ca_file).read_text() != pathlib.Path(endpoints['veeam_aws_ca']).read_text():
            print('the Veeam Backup for AWS credential did not point VEEAM_AWS_CA_PATH at its injected CA file: %s' % ca_file)
            return 1
        # AWX's built-in "Amazon Web Services" credential type injects these three; the endpoints of a
        # private (here: simulated) AWS are instance-wide task environment (AWX_TASK_ENV) in AWX.
        credential_env.update({'AWS_ACCESS_KEY_ID': sim_env['AWS_ACCESS_KEY_ID'], 'AWS_SECRET_ACCESS_KEY': sim_env['AWS_SECRET_ACCESS_KEY'],
                               'AWS_DEFAULT_REGION': sim_env['AWS_DEFAULT_REGION'],
                               'AWS_ENDPOINT_URL_BACKUP': endpoints['aws_backup'], 'AWS_ENDPOINT_URL_DYNAMODB': endpoints['dynamodb'],
                               # EBS and S3 restores are checked in the same moto server.
                               'AWS_ENDPOINT_URL_EC2': endpoints['dynamodb'], 'AWS_ENDPOINT_URL_S3': endpoints['dynamodb'],
                               'AWS_ENDPOINT_URL_RDS': endpoints['dynamodb'], 'AWS_ENDPOINT_URL_EFS': endpoints['dynamodb'],
                               'AWS_CA_BUNDLE': endpoints['aws_backup_ca']})
        drill = yaml.safe_load((REPO / 'examples' / 'dr_drill_simulators.yml').read_text())
        drill['dr_drill_report_dir'] = os.path.join(job_dir, 'report')
        drill['dr_drill_history_dir'] = os.path.join(job_dir, 'history')
        # The job variables AWX sets on every job.
        awx_vars = {'awx_user_name': 'drill-operator', 'awx_job_id': 4242, 'awx_job_template_name': 'Monthly DR drill',
                    'awx_job_launch_type': 'scheduled', 'tower_job_id': 4242}
        drill.update(awx_vars)
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
        artifacts = stats_artifacts(job)
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
        print('expected exactly %r failed and every other restored table cleaned up; failed: %s, not cleaned up: %s; errors: %s'
              % (doomed['name'], failed, unclean, {item['name']: item['errors'] for item in items if item['status'] != 'passed'}))
        return 1
    if job.status != 'failed' or job.rc == 0 or 'drill items failed: %s' % doomed['name'] not in output:
        print(output[-6000:])
        print('the job should fail at the end, naming the failed item (status %s, rc %s)' % (job.status, job.rc))
        return 1
    if leaks:
        print('%d secret(s) found in the job output' % len(leaks))
        return 1
    summary = artifacts.get('dr_drill_summary') or {}
    expected = {'id': report['id'], 'status': 'failed', 'passed': len(items) - 1, 'failed': 1, 'failed_items': [doomed['name']],
                'report_dir': os.path.realpath(drill['dr_drill_report_dir'])}
    wrong = {key: (summary.get(key), value) for key, value in expected.items() if summary.get(key) != value}
    if wrong or not str(summary.get('history') or '').startswith(drill['dr_drill_history_dir']):
        print('the job artifacts do not hold the set_stats summary: %s; wrong (found, expected): %s' % (json.dumps(artifacts), wrong))
        return 1
    if (report.get('run_by') or {}).get('user') != 'drill-operator' or (report.get('awx') or {}).get('job_id') != 4242 \
            or report['awx'].get('job_template_name') != 'Monthly DR drill':
        print('the report does not name the AWX user, job and template: run_by %s, awx %s' % (report.get('run_by'), report.get('awx')))
        return 1
    print('AWX-style drill: %d of %d items passed in %s, the doomed one failed alone and the job failed at the end '
          '(status %s); %d other restored tables cleaned up; %d known secrets searched in the job output, none found'
          % (report['passed'], report['total'], report.get('duration'), job.status,
             sum(1 for item in items if item['cleaned_up']), len(secrets)))
    print('artifacts: set_stats dr_drill_summary %s; Veeam Backup for AWS CA from the credential\'s file injector (%s); report run by %s, '
          'AWX job %s (%s)' % (json.dumps(summary, sort_keys=True), ca_file, report['run_by']['user'], report['awx']['job_id'],
                               report['awx']['job_template_name']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
