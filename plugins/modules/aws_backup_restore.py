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
  - A restore job of the same recovery point with the same metadata counts as this restore. A completed one is
    reused only while its DynamoDB table exists, so a drill that deleted the table restores again; a DynamoDB
    table of the target name that no job of this point made is refused before anything is sent.
  - Every start carries an idempotency token derived from the recovery point, the metadata and the number of
    earlier jobs of them, so botocore's own resends of one start never start a second job.
  - Waits on C(DescribeRestoreJob) (C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED), C(FAILED)).
  - A DynamoDB table it restores (with O(wait=true)) is tagged C(recoverops:restored-from=<recovery point ARN>) plus
    O(tags), so that M(recoverops.restore.dynamodb_restored_table) may clean it up later. When tagging fails, the
    failure names the job and the table, and a rerun finds the job and tags the table.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.wait
  - recoverops.restore.restore_flow
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
    description:
      - Role AWS Backup assumes to create the restored resource, for example
        V(arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole).
      - When not set, no C(IamRoleArn) is sent and the module warns. The API reference marks the parameter optional
        but does not say which role AWS Backup then assumes for any resource type (an older API model required it).
        The console's restore pages default to the account's C(AWSBackupDefaultServiceRole); a DynamoDB
        restore needs a role with C(AWSBackupServiceRolePolicyForRestores) or equivalent, an EC2 restore one that may
        pass the instance profile (C(iam:PassRole)). A restore without a usable role fails in AWS Backup after it
        started. See the collection's docs/aws.md for each resource type.
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
    description:
      - Tags to put on the restored DynamoDB table, EBS volume or S3 bucket once the job completed (needs O(wait=true)),
        besides C(recoverops:restored-from).
    type: dict
  ebs:
    description:
      - EBS recovery points only. Each suboption sets one restore metadata key of the new volume; checked before any
        call. Where AWS documents each key, see the collection's docs/aws.md.
      - The created volume is tagged C(recoverops:restored-from=<recovery point ARN>) plus O(tags).
    type: dict
    version_added: 1.1.0
    suboptions:
      availability_zone:
        description: Metadata key C(availabilityZone), for example V(us-east-1a).
        type: str
      volume_type:
        description: Metadata key C(volumeType).
        type: str
        choices: [standard, io1, io2, gp2, gp3, sc1, st1]
      volume_size:
        description: Metadata key C(volumeSize), in GiB; AWS refuses a size below the snapshot's.
        type: int
      iops:
        description: Metadata key C(iops), with O(ebs.volume_type) V(io1), V(io2) or V(gp3).
        type: int
      throughput:
        description: Metadata key C(throughput) in MiB/s, with O(ebs.volume_type=gp3).
        type: int
      encrypted:
        description: Metadata key C(encrypted).
        type: bool
      kms_key_id:
        description: Metadata key C(kmsKeyId), with O(ebs.encrypted=true).
        type: str
  s3:
    description:
      - S3 recovery points only. Each suboption (but O(s3.allow_in_place)) sets one restore metadata key; checked before
        any call. A restore into the source bucket is refused unless O(s3.allow_in_place=true).
    type: dict
    version_added: 1.1.0
    suboptions:
      destination_bucket_name:
        description: Metadata key C(DestinationBucketName), the bucket the objects are restored into.
        type: str
      new_bucket:
        description: Metadata key C(NewBucket), whether AWS Backup creates O(s3.destination_bucket_name).
        type: bool
      encrypted:
        description: Metadata key C(Encrypted).
        type: bool
      encryption_type:
        description: Metadata key C(EncryptionType).
        type: str
        choices: [SSE-S3, SSE-KMS]
      kms_key:
        description: Metadata key C(KMSKey), with O(s3.encryption_type=SSE-KMS).
        type: str
      allow_in_place:
        description: Allow a restore whose destination is the source bucket (it adds objects to it).
        type: bool
        default: false
  idempotency_token:
    description:
      - Token for C(StartRestoreJob). By default it is derived from the recovery point, the metadata and how many
        restore jobs of them came before (failed ones too), so a retry of the same start sends the same token while a
        rerun after a failure, or with O(force), starts a new job.
    type: str
  force:
    description:
      - Start a new job even when a matching one is running or completed. A DynamoDB table of the target name is still
        refused, since a restore never replaces a table.
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

- name: Restore an EBS snapshot recovery point into a gp3 volume in us-east-1a, without waiting
  recoverops.restore.aws_backup_restore:
    backup_vault_name: Default
    recovery_point_arn: arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0
    resource_type: EBS
    ebs:
      availability_zone: us-east-1a
      volume_type: gp3
    wait: false
  register: started

- name: Restore an S3 recovery point into a new bucket
  recoverops.restore.aws_backup_restore:
    backup_vault_name: dr-vault
    recovery_point_arn: "{{ newest_bucket_point.restore_points[0].id }}"
    s3:
      destination_bucket_name: assets-drill
      new_bucket: true
'''

RETURN = r'''
job:
  description:
    - The restore job, normalized the same way by every restore module of the collection; roles read only this.
    - In check mode RV(job.outcome) is V(not_started) and RV(job.request) is what would be sent.
  returned: always, except when the module fails before it reads the restore point
  type: dict
  contains:
    id:
      description: The product's job id (null in check mode).
      type: str
    product:
      description: V(veeam_aws), V(clumio), V(veeam_azure), V(aws_backup) or V(dynamodb).
      type: str
    restore_point:
      description: The normalized restore point restored.
      type: dict
    reused:
      description: True when the restore was found running or done and nothing was started.
      type: bool
    state:
      description: The product's own state word.
      type: str
    outcome:
      description: V(running), V(succeeded), V(warning), V(failed), or V(not_started) in check mode.
      type: str
    started_at:
      description: When the product started the restore, ISO 8601 UTC, from the product's own clock.
      type: str
    finished_at:
      description: When the product finished it (ISO 8601 UTC), null while it runs.
      type: str
    finished_at_observed:
      description: True when the product records no end and RV(job.finished_at) is the poll that first saw it.
      type: bool
    duration_seconds:
      description: RV(job.finished_at) minus RV(job.started_at).
      type: float
    created_resource:
      description:
        - 'What the restore creates, e.g. C({type: dynamodb_table, name, arn, region, account}).'
        - 'For EBS C({type: ebs_volume, id, name, arn, region, account}), for S3 C({type: s3_bucket, id, name, arn, region, account}).'
      type: dict
    request:
      description: The request sent (or that check mode would send), secrets masked.
      type: dict
    raw:
      description: The product's own job object, untouched.
      type: dict
restore_job:
  description:
    - The restore job (C(id), C(status), C(status_message), C(percent_done), C(created_resource_arn),
      C(recovery_point_arn), C(resource_type), C(created_at), C(completed_at)) with AWS's object under C(raw).
  returned: unless check mode starts nothing
  type: dict
restore_job_id:
  description: Id of the job started or found (also RV(job.id)).
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
tags:
  description: The tags put on the restored DynamoDB table, EBS volume or S3 bucket.
  returned: when a table, volume or bucket was restored and waited for
  type: dict
'''

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _aws_backup_types, _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._module import WAIT_ARGSPEC, RecoverOpsModule
from ansible_collections.recoverops.restore.plugins.module_utils._restore import run_restore

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
}, **_aws_backup_types.argument_spec())
# StartRestoreJob's ResourceType pattern (botocore model).
RESOURCE_TYPE = re.compile(r'[a-zA-Z0-9_.-]{1,50}')


def check_options(params, module):
    """Every rule that can be checked here, whole-string, before the first request."""
    _checks.arn('recovery_point_arn', params['recovery_point_arn'], _aws.RP_EXAMPLE)
    _aws.vault_name('backup_vault_name', params['backup_vault_name'])
    _checks.account('backup_vault_account_id', params['backup_vault_account_id'])
    _checks.whole('resource_type', params['resource_type'], RESOURCE_TYPE, 'an AWS Backup resource type such as DynamoDB or EBS')
    _aws.role_arn('iam_role_arn', params['iam_role_arn'])
    _checks.table_name('target_table_name', params['target_table_name'])
    _aws.kms_arn('kms_master_key_arn', params['kms_master_key_arn'])
    _checks.not_blank('idempotency_token', params['idempotency_token'])
    for key in params['metadata'] or {}:
        _checks.not_blank('metadata key', key)
    _aws.wait_options(params)
    _aws_backup_types.check_options(params)
    if params['kms_master_key_arn'] and params['encryption_type'] != 'KMS':
        raise OptionError('kms_master_key_arn needs encryption_type: KMS (got encryption_type: %s)' % params['encryption_type'])
    if params['encryption_type'] == 'KMS' and not params['kms_master_key_arn']:
        raise OptionError('encryption_type: KMS needs kms_master_key_arn')
    if params['tags'] and not params['wait']:
        raise OptionError('tags are put on the restored resource once the restore completed, so they need wait: true')
    if not params['use_restore_metadata'] and not (params['metadata'] or params['target_table_name'] or _aws_backup_types.helpers(params)):
        raise OptionError('use_restore_metadata: false needs the restore metadata in metadata (or target_table_name for DynamoDB, '
                          'or an option group such as ebs)')


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=_aws.AwsBackupConnection, requires_requests=False, checks=check_options,
                              supports_check_mode=True)
    module.run(lambda clients: run_restore(module, _aws.BackupRestore(module, clients)))


if __name__ == '__main__':
    main()
