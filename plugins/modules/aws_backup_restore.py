#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: aws_backup_restore
short_description: Start an AWS Backup restore job and wait for it
version_added: 1.0.0
description:
  - Starts C(StartRestoreJob) for a recovery point of any resource type AWS Backup restores (DynamoDB, EBS, EC2,
    EFS, RDS, Aurora, S3, FSx...). The restore metadata is the recovery point's own
    (C(GetRecoveryPointRestoreMetadata)) merged with O(metadata); for DynamoDB the helper options
    O(target_table_name), O(encryption_type) and O(kms_master_key_arn) fill the documented keys.
  - Runs are idempotent. A restore job of the same recovery point with the same metadata that is still running, or
    that completed and whose DynamoDB table still exists, is returned with C(changed=false) instead of starting a
    second one; and every start carries an idempotency token derived from the recovery point and the metadata, so
    a retried or repeated call never starts a second job.
  - Waits on C(DescribeRestoreJob) (C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED), C(FAILED)) and returns the
    created resource ARN, C(PercentDone) and C(StatusMessage).
  - A DynamoDB table it restores (with O(wait=true)) is tagged C(recoverops:restored-from=<recovery point ARN>) plus
    O(tags), so that M(recoverops.restore.dynamodb_restored_table) may clean it up later.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.wait
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the recovery point, its metadata and the existing restore jobs, returns RV(request) as it would be sent.
  diff_mode:
    support: none
options:
  recovery_point_arn:
    description: ARN of the recovery point, as returned by M(recoverops.restore.aws_backup_recovery_point_info).
    type: str
    required: true
  backup_vault_name:
    description: Vault that holds the recovery point.
    type: str
    required: true
  backup_vault_account_id:
    description: Account that owns O(backup_vault_name).
    type: str
  resource_type:
    description:
      - Resource type of the recovery point, for example V(DynamoDB). Read from the recovery point when not set;
        a different value fails.
    type: str
  iam_role_arn:
    description: Role AWS Backup assumes to create the restored resource.
    type: str
  metadata:
    description:
      - Restore metadata keys to set or override, passed to C(StartRestoreJob) as strings.
    type: dict
  use_restore_metadata:
    description: Start from the recovery point's own C(GetRecoveryPointRestoreMetadata).
    type: bool
    default: true
  target_table_name:
    description: DynamoDB only. Name of the new table (metadata key C(targetTableName)); the restore fails if it exists.
    type: str
  encryption_type:
    description: DynamoDB only. Metadata key C(encryptionType) of the new table.
    type: str
    choices: [Default, KMS]
  kms_master_key_arn:
    description: DynamoDB only. Metadata key C(kmsMasterKeyArn), with O(encryption_type=KMS).
    type: str
  copy_source_tags:
    description: Copy the tags of the backup to the restored resource (C(CopySourceTagsToRestoredResource)).
    type: bool
    default: false
  tags:
    description: DynamoDB only. Tags to put on the restored table once the job completed (needs O(wait=true)).
    type: dict
  idempotency_token:
    description:
      - Token for C(StartRestoreJob). By default it is derived from the recovery point, the metadata and how many
        restore jobs of them came before (failed ones too), so a retry of the same start sends the same token while a
        rerun after a failure, or with O(force), starts a new job.
    type: str
  force:
    description: Start a new job even when a matching one is running or completed.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Restore the newest recovery point of orders into a new table and wait
  recoverops.restore.aws_backup_restore:
    region: us-east-1
    backup_vault_name: dr-vault
    recovery_point_arn: "{{ newest.restore_points[0].id }}"
    target_table_name: orders-restored
    iam_role_arn: arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole
    tags:
      purpose: dr-drill

- name: Restore an EBS snapshot recovery point with explicit metadata, without waiting
  recoverops.restore.aws_backup_restore:
    backup_vault_name: Default
    recovery_point_arn: arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0
    metadata:
      availabilityZone: us-east-1a
      volumeType: gp3
    wait: false
  register: started
'''

RETURN = r'''
restore_job:
  description:
    - The restore job (C(id), C(status), C(status_message), C(percent_done), C(created_resource_arn),
      C(recovery_point_arn), C(resource_type), C(created_at), C(completed_at)) with AWS's object under C(raw).
  returned: unless check mode starts nothing
  type: dict
restore_job_id:
  description: Id of the job started or found.
  returned: unless check mode starts nothing
  type: str
existing:
  description: True when a matching job was found and no new one started.
  returned: always
  type: bool
request:
  description: The C(StartRestoreJob) parameters (metadata values whose key names a password, secret or token are masked).
  returned: always
  type: dict
recovery_point:
  description: The recovery point, normalized.
  returned: always
  type: dict
wait:
  description: What the wait observed (state, polls, elapsed seconds, timeline of states).
  returned: when O(wait=true)
  type: dict
'''

import datetime
import re

from ansible_collections.recoverops.restore.plugins.module_utils._aws import (
    ACCOUNT_RE,
    ARN_RE,
    LIVE_RESTORE_JOB_STATUSES,
    RESTORABLE_STATUSES,
    RESTORED_TAG,
    TABLE_NAME_RE,
    VAULT_NAME_RE,
    AwsBackupConnection,
    build_restore_metadata,
    call,
    describe_table,
    idempotency_token,
    normalize_recovery_point,
    paginate,
    restore_job_reader,
)
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, OperationFailed, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp

ARGUMENT_SPEC = dict(WAIT_ARGSPEC, **{
    'recovery_point_arn': {'type': 'str', 'required': True},
    'backup_vault_name': {'type': 'str', 'required': True},
    'backup_vault_account_id': {'type': 'str'},
    'resource_type': {'type': 'str'},
    'iam_role_arn': {'type': 'str'},
    'metadata': {'type': 'dict'},
    'use_restore_metadata': {'type': 'bool', 'default': True},
    'target_table_name': {'type': 'str'},
    'encryption_type': {'type': 'str', 'choices': ['Default', 'KMS']},
    'kms_master_key_arn': {'type': 'str', 'no_log': False},
    'copy_source_tags': {'type': 'bool', 'default': False},
    'tags': {'type': 'dict'},
    'idempotency_token': {'type': 'str', 'no_log': False},
    'force': {'type': 'bool', 'default': False},
})
DYNAMODB_ONLY = ('target_table_name', 'encryption_type', 'kms_master_key_arn', 'tags')
SECOND = datetime.timedelta(seconds=1)
SECRET_KEY_RE = re.compile(r'password|secret|token', re.IGNORECASE)


def restore(module, clients):
    params = module.params
    backup = clients.backup
    point = call(backup, 'describe_recovery_point', **vault_args(params))
    resource_type = check_point(params, point)
    base = call(backup, 'get_recovery_point_restore_metadata', **vault_args(params)).get('RestoreMetadata', {}) \
        if params['use_restore_metadata'] else {}
    metadata = build_restore_metadata(params, base, resource_type)
    # Every earlier job of this restore, failed ones too, moves the token on: a rerun after a failure
    # or with force must not be answered with the earlier job.
    earlier = matching_jobs(backup, point, metadata)
    live = [] if params['force'] else [job for job in earlier if job['Status'] in LIVE_RESTORE_JOB_STATUSES
                                       and (job['Status'] != 'COMPLETED' or target_exists(clients, job, resource_type))]
    request = start_request(params, point, resource_type, metadata, generation=len(earlier))
    result = {'changed': False, 'existing': bool(live), 'recovery_point': normalize_recovery_point(point),
              'request': dict(request, Metadata=masked(metadata))}
    if live:
        result['restore_job_id'] = live[0]['RestoreJobId']
    elif module.check_mode:
        result['changed'] = True
        return result
    else:
        result['restore_job_id'] = call(backup, 'start_restore_job', **request)['RestoreJobId']
        result['changed'] = True
    module.finish_job(result, result['restore_job_id'], restore_job_reader(backup), key='restore_job', what='restore job')
    if resource_type == 'DynamoDB' and result['restore_job']['status'] == 'COMPLETED' and not module.check_mode:
        tag_restored_table(clients, result, params)
    return result


def vault_args(params):
    args = {'BackupVaultName': params['backup_vault_name'], 'RecoveryPointArn': params['recovery_point_arn']}
    if params['backup_vault_account_id']:
        args['BackupVaultAccountId'] = params['backup_vault_account_id']
    return args


def check_point(params, point):
    if point.get('Status') not in RESTORABLE_STATUSES:
        raise OperationFailed('Recovery point %s is %s; only %s points can be restored'
                              % (params['recovery_point_arn'], point.get('Status'), ' or '.join(RESTORABLE_STATUSES)))
    resource_type = point.get('ResourceType') or params['resource_type']
    if params['resource_type'] and resource_type != params['resource_type']:
        raise OperationFailed('resource_type is %s but recovery point %s is of type %s'
                              % (params['resource_type'], params['recovery_point_arn'], resource_type))
    used = [option for option in DYNAMODB_ONLY if params[option] is not None]
    if used and resource_type != 'DynamoDB':
        raise OperationFailed('%s only apply to DynamoDB recovery points; %s is of type %s: use metadata instead'
                              % (', '.join(used), params['recovery_point_arn'], resource_type))
    return resource_type


def matching_jobs(backup, point, metadata):
    """Jobs that restored this recovery point with this metadata, whatever their state, newest first."""
    # A second either side: whether the bounds are inclusive is not documented.
    created = parse_timestamp(point['CreationDate'])
    jobs = paginate(backup, 'list_restore_jobs_by_protected_resource', 'RestoreJobs', ResourceArn=point['ResourceArn'],
                    ByRecoveryPointCreationDateAfter=created - SECOND, ByRecoveryPointCreationDateBefore=created + SECOND)
    candidates = [job for job in jobs if job.get('RecoveryPointArn') == point['RecoveryPointArn']]
    same = [job for job in candidates
            if call(backup, 'get_restore_job_metadata', RestoreJobId=job['RestoreJobId']).get('Metadata') == metadata]
    return sorted(same, key=lambda job: job['CreationDate'], reverse=True)


def target_exists(clients, job, resource_type):
    """A completed DynamoDB restore counts while its table exists; others count until forced."""
    if resource_type != 'DynamoDB' or not job.get('CreatedResourceArn'):
        return True
    return describe_table(clients.dynamodb, job['CreatedResourceArn'].split('/', 1)[-1]) is not None


def start_request(params, point, resource_type, metadata, generation):
    request = {'RecoveryPointArn': point['RecoveryPointArn'], 'Metadata': metadata,
               'IdempotencyToken': params['idempotency_token'] or idempotency_token(point['RecoveryPointArn'], [metadata, generation])}
    if resource_type:
        request['ResourceType'] = resource_type
    if params['iam_role_arn']:
        request['IamRoleArn'] = params['iam_role_arn']
    if params['copy_source_tags']:
        request['CopySourceTagsToRestoredResource'] = True
    return request


def masked(metadata):
    return {key: '********' if SECRET_KEY_RE.search(key) else value for key, value in metadata.items()}


def tag_restored_table(clients, result, params):
    arn = result['restore_job']['created_resource_arn']
    tags = dict(params['tags'] or {}, **{RESTORED_TAG: params['recovery_point_arn']})
    call(clients.dynamodb, 'tag_resource', ResourceArn=arn, Tags=[{'Key': key, 'Value': str(value)} for key, value in tags.items()])
    result['tags'] = tags


def check_input(module):
    params = module.params
    if not ARN_RE.match(params['recovery_point_arn']):
        module.fail_json(msg='recovery_point_arn must be an ARN such as arn:aws:backup:us-east-1:123456789012:recovery-point:'
                         '1EB3B5E7-9EB0-435A-A80B-108B488B0D45, got %r' % params['recovery_point_arn'])
    if not VAULT_NAME_RE.match(params['backup_vault_name']):
        module.fail_json(msg='backup_vault_name must be 2 to 50 letters, digits, - or _, got %r' % params['backup_vault_name'])
    if params['backup_vault_account_id'] and not ACCOUNT_RE.match(params['backup_vault_account_id']):
        module.fail_json(msg='backup_vault_account_id must be a 12-digit AWS account id, got %r' % params['backup_vault_account_id'])
    if params['iam_role_arn'] and not re.match(r'^arn:aws[a-zA-Z-]*:iam::\d{12}:role/.+$', params['iam_role_arn']):
        module.fail_json(msg='iam_role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/AWSBackupDefaultServiceRole, '
                         'got %r' % params['iam_role_arn'])
    if params['target_table_name'] is not None and not TABLE_NAME_RE.match(params['target_table_name']):
        module.fail_json(msg='target_table_name must be 3 to 255 characters of a-z, A-Z, 0-9, _, - and ., got %r'
                         % params['target_table_name'])
    if params['kms_master_key_arn'] and params['encryption_type'] != 'KMS':
        module.fail_json(msg='kms_master_key_arn needs encryption_type: KMS (got encryption_type: %s)' % params['encryption_type'])
    if params['encryption_type'] == 'KMS' and not params['kms_master_key_arn']:
        module.fail_json(msg='encryption_type: KMS needs kms_master_key_arn')
    if params['tags'] and not params['wait']:
        module.fail_json(msg='tags are put on the table once the restore completed, so they need wait: true')
    if not params['use_restore_metadata'] and not (params['metadata'] or params['target_table_name']):
        module.fail_json(msg='use_restore_metadata: false needs the restore metadata in metadata (or target_table_name for DynamoDB)')
    module.check_wait_options()


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=AwsBackupConnection, requires_requests=False, supports_check_mode=True)
    check_input(module)
    module.run(lambda clients: restore(module, clients))


if __name__ == '__main__':
    main()
