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
      - Tags to put on the restored DynamoDB table, EBS volume, S3 bucket, EFS file system, EC2 instance, RDS DB
        instance or Aurora DB cluster once the job completed (needs O(wait=true)), besides C(recoverops:restored-from).
      - 'For an in-place restore (S3 into the source bucket, EFS with O(efs.new_file_system=false)) the source gets
        these tags only: never C(recoverops:restored-from).'
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
  efs:
    description:
      - EFS recovery points only. Each suboption (but O(efs.allow_in_place)) sets one of the restore metadata keys
        C(StartRestoreJob) documents for EFS; checked before any call. See the collection's docs/aws.md.
      - A restore to a new file system (O(efs.new_file_system=true)) needs O(efs.creation_token) unless the metadata
        has C(CreationToken); the created file system is tagged C(recoverops:restored-from=<recovery point ARN>) plus
        O(tags).
      - A restore into the source file system (O(efs.new_file_system=false), AWS Backup writes the files into a
        recovery directory off its root) is refused unless O(efs.allow_in_place=true), and never tags the source as
        restored, so that no cleanup deletes it.
    type: dict
    version_added: 1.1.0
    suboptions:
      file_system_id:
        description: Metadata key C(file-system-id), the backed-up file system (the recovery point's own by default).
        type: str
      new_file_system:
        description: Metadata key C(newFileSystem), whether the restore creates a new file system.
        type: bool
      encrypted:
        description: Metadata key C(Encrypted) of the new file system.
        type: bool
      kms_key_id:
        description: Metadata key C(KmsKeyId), with O(efs.encrypted=true).
        type: str
      performance_mode:
        description: Metadata key C(PerformanceMode) of the new file system.
        type: str
        choices: [generalPurpose, maxIO]
      creation_token:
        description: Metadata key C(CreationToken), 1 to 64 characters; no other file system may have it.
        type: str
      items_to_restore:
        description:
          - Metadata key C(ItemsToRestore), sent as a JSON list; 1 to 5 paths from the file system root such as
            V(/home/data), without C(..) or wildcards. Without it the whole file system is restored.
        type: list
        elements: str
      allow_in_place:
        description: Allow a restore into the source file system (O(efs.new_file_system=false)).
        type: bool
        default: false
  rds:
    description:
      - RDS (DB instance) recovery points only. Each suboption sets one restore metadata key, a parameter of RDS's
        C(RestoreDBInstanceFromDBSnapshot) (AWS Backup's "Restore an RDS database" page); checked before any call.
        Where AWS documents each key, see the collection's docs/aws.md.
      - A restore always creates a new DB instance. It needs a C(DBInstanceIdentifier) other than the source's and
        than any existing instance's, since RDS would fail the restore; such a restore is refused before it starts.
      - The created instance is tagged C(recoverops:restored-from=<recovery point ARN>) plus O(tags).
    type: dict
    version_added: 1.1.0
    suboptions:
      db_instance_identifier:
        description:
          - Metadata key C(DBInstanceIdentifier), the new instance's identifier; 1 to 63 letters, digits or hyphens,
            starting with a letter, without two hyphens in a row and not ending in a hyphen.
        type: str
      db_instance_class:
        description: Metadata key C(DBInstanceClass), for example V(db.t3.micro).
        type: str
      availability_zone:
        description: Metadata key C(AvailabilityZone), for example V(us-east-1a); not with O(rds.multi_az=true).
        type: str
      db_subnet_group_name:
        description: Metadata key C(DBSubnetGroupName), an existing DB subnet group.
        type: str
      multi_az:
        description: Metadata key C(MultiAZ).
        type: bool
      port:
        description: Metadata key C(Port), 1150 to 65535.
        type: int
      publicly_accessible:
        description: Metadata key C(PubliclyAccessible).
        type: bool
      storage_type:
        description: Metadata key C(StorageType); V(io1) and V(io2) need O(rds.iops).
        type: str
        choices: [gp2, gp3, io1, io2, standard]
      iops:
        description: Metadata key C(Iops), 1000 or more (V(0) for storage without provisioned IOPS).
        type: int
      db_parameter_group_name:
        description: Metadata key C(DBParameterGroupName), an existing DB parameter group.
        type: str
      option_group_name:
        description: Metadata key C(OptionGroupName), an existing option group.
        type: str
      copy_tags_to_snapshot:
        description: Metadata key C(CopyTagsToSnapshot).
        type: bool
      deletion_protection:
        description:
          - Metadata key C(DeletionProtection). An instance restored with V(true) cannot be deleted by
            M(recoverops.restore.aws_restored_resource) (or a drill's cleanup) until the protection is turned off.
        type: bool
  aurora:
    description:
      - Aurora (DB cluster) recovery points only. Each suboption sets one restore metadata key, a parameter of RDS's
        C(RestoreDBClusterFromSnapshot) (AWS Backup's "Restoring an Amazon Aurora cluster" page); checked before any
        call. Where AWS documents each key, see the collection's docs/aws.md.
      - A restore always creates a new DB cluster, without DB instances (AWS Backup restores the cluster only). It needs
        a C(DBClusterIdentifier) other than the source's and than any existing cluster's, since the restore would fail;
        such a restore is refused before it starts.
      - The created cluster is tagged C(recoverops:restored-from=<recovery point ARN>) plus O(tags).
    type: dict
    version_added: 1.1.0
    suboptions:
      db_cluster_identifier:
        description:
          - Metadata key C(DBClusterIdentifier), the new cluster's identifier; 1 to 63 letters, digits or hyphens,
            starting with a letter, without two hyphens in a row and not ending in a hyphen.
        type: str
      engine:
        description: Metadata key C(Engine); it must be the source's engine.
        type: str
        choices: [aurora-mysql, aurora-postgresql]
      engine_version:
        description: Metadata key C(EngineVersion), for example V(16.4) or V(8.0.mysql_aurora.3.05.2).
        type: str
      engine_mode:
        description: Metadata key C(EngineMode).
        type: str
        choices: [provisioned, serverless]
      db_subnet_group_name:
        description: Metadata key C(DBSubnetGroupName), an existing DB subnet group.
        type: str
      port:
        description: Metadata key C(Port), 1150 to 65535.
        type: int
      database_name:
        description: Metadata key C(DatabaseName), 1 to 64 letters, digits or underscores, starting with a letter.
        type: str
      db_cluster_parameter_group_name:
        description: Metadata key C(DBClusterParameterGroupName), an existing DB cluster parameter group.
        type: str
      copy_tags_to_snapshot:
        description: Metadata key C(CopyTagsToSnapshot).
        type: bool
      deletion_protection:
        description:
          - Metadata key C(DeletionProtection). A cluster restored with V(true) cannot be deleted by
            M(recoverops.restore.aws_restored_resource) (or a drill's cleanup) until the protection is turned off.
        type: bool
  ec2:
    description:
      - EC2 recovery points only. Each suboption sets one of the restore metadata keys AWS Backup's "Restore an Amazon
        EC2 instance" page lists for C(StartRestoreJob); checked before any call. The other keys of that list (such as
        C(Placement), C(NetworkInterfaces), C(CpuOptions), JSON documents in strings) may be set in O(metadata).
        Where AWS documents each key, see the collection's docs/aws.md.
      - A restore always launches a new instance from the recovery point's AMI; nothing is restored in place. The
        instance keeps the source's key pair (AWS Backup does not change it).
      - The created instance is tagged C(recoverops:restored-from=<recovery point ARN>) plus O(tags).
    type: dict
    version_added: 1.1.0
    suboptions:
      instance_type:
        description: Metadata key C(InstanceType), for example V(t3.micro) or V(m7i-flex.large).
        type: str
      subnet_id:
        description:
          - Metadata key C(SubnetId), for example V(subnet-0abc1234def567890); the subnet decides the VPC and the
            availability zone of the instance.
        type: str
      security_group_ids:
        description:
          - Metadata key C(SecurityGroupIds), sent as a JSON list such as C(["sg-0a1bc2d345ef67890"]); groups of the
            VPC of the subnet. At least one, none twice.
        type: list
        elements: str
      iam_instance_profile_name:
        description:
          - Metadata key C(IamInstanceProfileName), the instance profile the instance gets; the restore role needs
            C(iam:PassRole) on its role.
        type: str
      require_imdsv2:
        description: Metadata key C(RequireIMDSv2), whether the instance metadata service requires session tokens.
        type: bool
      instance_initiated_shutdown_behavior:
        description: Metadata key C(InstanceInitiatedShutdownBehavior).
        type: str
        choices: [stop, terminate]
      disable_api_termination:
        description:
          - Metadata key C(DisableApiTermination), termination protection. M(recoverops.restore.aws_restored_resource)
            turns it off before it terminates an instance this collection restored.
        type: bool
      ebs_optimized:
        description: Metadata key C(EbsOptimized).
        type: bool
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

- name: Restore an EFS recovery point into a new encrypted file system (two directories only)
  recoverops.restore.aws_backup_restore:
    backup_vault_name: files-vault
    recovery_point_arn: "{{ newest_file_system_point.restore_points[0].id }}"
    efs:
      new_file_system: true
      creation_token: shared-home-drill
      encrypted: true
      performance_mode: generalPurpose
      items_to_restore: [/home/ada, /srv/app]

- name: Restore an RDS recovery point into a new DB instance of another class
  recoverops.restore.aws_backup_restore:
    backup_vault_name: db-vault
    recovery_point_arn: "{{ newest_db_point.restore_points[0].id }}"
    rds:
      db_instance_identifier: orders-db-drill
      db_instance_class: db.t4g.small
      db_subnet_group_name: orders-db-subnets
      multi_az: false

- name: Restore an Aurora recovery point into a new DB cluster (AWS Backup adds no DB instance to it)
  recoverops.restore.aws_backup_restore:
    backup_vault_name: aurora-vault
    recovery_point_arn: "{{ newest_cluster_point.restore_points[0].id }}"
    aurora:
      db_cluster_identifier: orders-aurora-drill
      engine: aurora-postgresql
      db_subnet_group_name: orders-aurora-subnets

- name: Restore an EC2 recovery point as a smaller instance in the DR subnet
  recoverops.restore.aws_backup_restore:
    backup_vault_name: compute-vault
    recovery_point_arn: "{{ newest_instance_point.restore_points[0].id }}"
    ec2:
      instance_type: t3.small
      subnet_id: subnet-0abc1234def567890
      security_group_ids: [sg-0a1bc2d345ef67890]
      require_imdsv2: true
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
        - 'For EC2 C({type: ec2_instance, id, name, arn, region, account}), the id and name the new instance id V(i-...).'
        - 'For RDS C({type: rds_instance, id, name, arn, region, account}), the id and name the new DB instance identifier.'
        - 'For Aurora C({type: aurora_cluster, id, name, arn, region, account}), the id and name the new DB cluster identifier.'
        - 'For EFS C({type: efs_file_system, id, name, arn, region, account}), the id V(fs-...); for an in-place EFS restore the source file system.'
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
  description: The tags put on the restored resource (DynamoDB table, EBS volume, S3 bucket, EFS file system, EC2 instance, RDS DB instance, Aurora DB cluster).
  returned: when one of those was restored and waited for
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
