#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: aws_backup_restore_job_info
short_description: Describe or list AWS Backup restore jobs
version_added: 1.0.0
description:
  - Describes one restore job (C(DescribeRestoreJob)), or lists restore jobs with the filters of C(ListRestoreJobs),
    or of C(ListRestoreJobsByProtectedResource) when O(resource_arn) is given. Newest first.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  restore_job_id:
    description: Describe this job.
    type: str
  include_metadata:
    description: Add the metadata each returned job was started with (C(GetRestoreJobMetadata), one call per job).
    type: bool
    default: false
  resource_arn:
    description: Only jobs that restored this protected resource.
    type: str
  account_id:
    description: Only jobs of this account.
    type: str
  resource_type:
    description: Only jobs of this resource type, for example V(DynamoDB).
    type: str
  status:
    description: Only jobs in this state.
    type: str
    choices: [PENDING, RUNNING, COMPLETED, ABORTED, FAILED]
  created_after:
    description: Only jobs created after this ISO 8601 time.
    type: str
  created_before:
    description: Only jobs created before this ISO 8601 time.
    type: str
  completed_after:
    description: Only jobs completed after this ISO 8601 time.
    type: str
  completed_before:
    description: Only jobs completed before this ISO 8601 time.
    type: str
  max_jobs:
    description: Return at most this many jobs.
    type: int
    default: 100
'''

EXAMPLES = r'''
- name: Where is the restore job now
  recoverops.restore.aws_backup_restore_job_info:
    restore_job_id: "{{ started.restore_job_id }}"
  register: job

- name: Failed DynamoDB restores of the last day
  recoverops.restore.aws_backup_restore_job_info:
    resource_type: DynamoDB
    status: FAILED
    created_after: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400) }}"
'''

RETURN = r'''
restore_jobs:
  description:
    - The jobs (C(id), C(status), C(status_message), C(percent_done), C(created_resource_arn), C(recovery_point_arn),
      C(resource_type), C(created_at), C(completed_at), and C(metadata) with O(include_metadata)) with AWS's object
      under C(raw), newest first.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    RESTORE_JOB_STATUSES,
    AwsBackupConnection,
    call,
    normalize_restore_job,
    paginate,
    resource_arn,
)
from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'restore_job_id': {'type': 'str'},
    'include_metadata': {'type': 'bool', 'default': False},
    'resource_arn': {'type': 'str'},
    'account_id': {'type': 'str'},
    'resource_type': {'type': 'str'},
    'status': {'type': 'str', 'choices': list(RESTORE_JOB_STATUSES)},
    'created_after': {'type': 'str'},
    'created_before': {'type': 'str'},
    'completed_after': {'type': 'str'},
    'completed_before': {'type': 'str'},
    'max_jobs': {'type': 'int', 'default': 100},
}
# option -> (ListRestoreJobs parameter, ListRestoreJobsByProtectedResource parameter or None)
FILTERS = {
    'account_id': ('ByAccountId', None),
    'resource_type': ('ByResourceType', None),
    'status': ('ByStatus', 'ByStatus'),
    'created_after': ('ByCreatedAfter', None),
    'created_before': ('ByCreatedBefore', None),
    'completed_after': ('ByCompleteAfter', None),
    'completed_before': ('ByCompleteBefore', None),
}
TIMES = ('created_after', 'created_before', 'completed_after', 'completed_before')


def list_jobs(module, backup, times):
    params = module.params
    if params['restore_job_id']:
        jobs = [call(backup, 'describe_restore_job', RestoreJobId=params['restore_job_id'])]
    else:
        by_resource = bool(params['resource_arn'])
        query = {'ResourceArn': params['resource_arn']} if by_resource else {}
        for option, (name, resource_name) in FILTERS.items():
            value = times.get(option, params[option])
            if value is not None:
                query[resource_name if by_resource else name] = value
        operation = 'list_restore_jobs_by_protected_resource' if by_resource else 'list_restore_jobs'
        jobs = []
        for job in paginate(backup, operation, 'RestoreJobs', **query):
            jobs.append(job)
        jobs = sorted(jobs, key=lambda job: job['CreationDate'], reverse=True)[:params['max_jobs']]
    normalized = [normalize_restore_job(job) for job in jobs]
    if params['include_metadata']:
        for job in normalized:
            job['metadata'] = call(backup, 'get_restore_job_metadata', RestoreJobId=job['id']).get('Metadata', {})
    return {'changed': False, 'restore_jobs': normalized}


def check_options(params, module):
    """Whole-string rules before any call; the time filters as datetimes."""
    _checks.account('account_id', params['account_id'])
    resource_arn('resource_arn', params['resource_arn'])
    _checks.path_id('restore_job_id', params['restore_job_id'], 'B5A3E7E4-1F2C-4D3A-9E8B-0123456789AB')
    _checks.not_blank('resource_type', params['resource_type'])
    if params['resource_arn']:
        unsupported = [option for option, (_name, resource_name) in FILTERS.items() if params[option] and not resource_name]
        if unsupported:
            raise OptionError('%s cannot be combined with resource_arn (ListRestoreJobsByProtectedResource filters only by status)'
                              % ', '.join(unsupported))
    _checks.at_least('max_jobs', params['max_jobs'], 1)
    return {option: _checks.timestamp(option, params[option], allow_future=True) for option in TIMES if params[option]}


def main():
    module = RecoverOpsModule(
        ARGUMENT_SPEC, connection=AwsBackupConnection, requires_requests=False, supports_check_mode=True,
        mutually_exclusive=[('restore_job_id', option) for option in ['resource_arn'] + list(FILTERS)], checks=check_options,
    )
    module.run(lambda clients: list_jobs(module, clients.backup, module.checked))


if __name__ == '__main__':
    main()
