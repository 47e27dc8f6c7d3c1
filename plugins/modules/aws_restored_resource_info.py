#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: aws_restored_resource_info
short_description: Read and check a volume, bucket, file system or instance that an AWS Backup restore created
version_added: 1.1.0
description:
  - Reads the resource named by RV(recoverops.restore.aws_backup_restore#module:job.created_resource) of an EBS or
    S3 restore and checks it against O(expected). Never changes anything.
  - An EBS volume is read with C(DescribeVolumes) (state, size, type, encryption, tags); an S3 bucket with
    C(HeadBucket), C(GetBucketTagging) and every page of C(ListObjectsV2) (object count, total size, and the
    SHA-256 of the sorted C(key, size, ETag) lines of its objects as the object-list fingerprint).
  - An EFS file system is read with C(DescribeFileSystems) (lifecycle state, performance mode, encryption, size,
    tags); it is ready when its state is V(available). Its files are not read.
  - An RDS DB instance is read with C(DescribeDBInstances) (status, class, engine, Multi-AZ, storage, endpoint,
    tags from its C(TagList), else C(ListTagsForResource)); it is ready when its status is V(available), and
    O(ready_timeout) waits through C(creating), C(backing-up), C(modifying) and the other statuses of a new
    instance. Its data is not read.
  - An Aurora DB cluster is read with C(DescribeDBClusters) (status, engine, engine version, Multi-AZ, the number of
    its DB instances as C(members), endpoint, tags from its C(TagList), else C(ListTagsForResource)); it is ready when
    its status is V(available), and O(ready_timeout) waits through C(creating), C(backing-up), C(modifying) and the
    other statuses of a new cluster. A cluster AWS Backup restored has no DB instances; its data is not read.
  - An EC2 instance is read with C(DescribeInstances) (state, type, subnet, security groups, AMI, zone, launch time,
    tags); it is ready when its state is V(running), and O(ready_timeout) waits while it is V(pending). A terminated
    or shutting-down instance is not there. Nothing on the instance (its applications) is checked.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes.info_module
options:
  type:
    description:
      - What the restore created (C(job.created_resource.type)). O(endpoint_url) applies to its service (EC2, S3, EFS or RDS).
    type: str
    required: true
    choices: [ebs_volume, s3_bucket, efs_file_system, rds_instance, ec2_instance, aurora_cluster]
  id:
    description:
      - The volume id (V(vol-...)), the bucket name or the file system id (V(fs-...)) (C(job.created_resource.id)).
        For an RDS DB instance or an Aurora DB cluster, its identifier. For an EC2 instance, its id (V(i-...)).
    type: str
    required: true
  expected:
    description: What the checks compare with; each key set adds one check to RV(checks).
    type: dict
    default: {}
    suboptions:
      size_gib:
        description: EBS. The volume's size in GiB.
        type: int
      volume_type:
        description: EBS. The volume's type, for example V(gp3).
        type: str
      encrypted:
        description: EBS, EFS. Whether the volume or file system is encrypted.
        type: bool
      performance_mode:
        description: EFS. The file system's performance mode, V(generalPurpose) or V(maxIO).
        type: str
      instance_class:
        description: RDS. The DB instance class, for example V(db.t3.micro).
        type: str
      engine:
        description: RDS, Aurora. The DB engine, for example V(postgres) or V(aurora-postgresql).
        type: str
      multi_az:
        description: RDS. Whether the DB instance is a Multi-AZ deployment.
        type: bool
      object_count:
        description: S3. The number of objects in the bucket.
        type: int
      min_objects:
        description: S3. The least number of objects the bucket must hold.
        type: int
      fingerprint:
        description: S3. The object-list fingerprint the bucket must have (as C(resource.fingerprint) reports it).
        type: str
      instance_type:
        description: EC2. The instance's type, for example V(t3.micro).
        type: str
      subnet_id:
        description: EC2. The subnet the instance runs in, for example V(subnet-0abc1234def567890).
        type: str
  ready_timeout:
    description:
      - Seconds to wait for a resource that is still being created (state V(creating) or V(pending)) to become ready
        before it is checked, reading it again every 5 seconds; V(0) checks it as it is.
      - Some resources exist before they are usable (an RDS instance or EFS file system just restored).
    type: int
    default: 0
'''

EXAMPLES = r'''
- name: Check the volume a restore created
  recoverops.restore.aws_restored_resource_info:
    type: ebs_volume
    id: "{{ restored.job.created_resource.id }}"
    expected: {size_gib: 8, volume_type: gp3}
  register: volume

- name: Check the bucket a restore created
  recoverops.restore.aws_restored_resource_info:
    type: s3_bucket
    id: assets-drill
    expected: {object_count: 3}
'''

RETURN = r'''
exists:
  description: Whether the resource is there (a volume that is being deleted is not).
  returned: always
  type: bool
resource:
  description:
    - The resource as read, null when it is not there. A volume has C(id), C(state), C(size_gib), C(volume_type),
      C(encrypted), C(availability_zone), C(iops), C(snapshot_id), C(created_at), C(tags); a bucket C(name), C(state)
      (V(available)), C(tags), C(object_count), C(size_bytes), C(fingerprint).
    - A file system has C(id), C(arn), C(name), C(state) (its C(LifeCycleState)), C(performance_mode), C(encrypted),
      C(kms_key_id), C(throughput_mode), C(size_bytes), C(creation_token), C(created_at), C(tags).
    - A DB instance has C(id) (its identifier), C(arn), C(state) (its C(DBInstanceStatus)), C(instance_class),
      C(engine), C(engine_version), C(multi_az), C(storage_type), C(allocated_storage_gib), C(endpoint) (the address),
      C(port), C(subnet_group), C(availability_zone), C(deletion_protection), C(created_at), C(tags).
    - A DB cluster has C(id) (its identifier), C(arn), C(state) (its C(Status)), C(engine), C(engine_version),
      C(engine_mode), C(multi_az), C(members) (the number of its DB instances), C(endpoint), C(port), C(subnet_group),
      C(deletion_protection), C(created_at), C(tags).
    - An EC2 instance has C(id), C(state) (its C(State.Name), V(running) when ready), C(instance_type), C(subnet_id),
      C(security_group_ids) (sorted), C(image_id), C(availability_zone), C(launched_at), C(tags).
  returned: always
  type: dict
checks:
  description: C(exists), C(ready) (state V(available), for an EC2 instance V(running)) and one per key of O(expected), each with C(name), C(passed),
    C(expected), C(found) and C(msg).
  returned: always
  type: list
  elements: dict
passed:
  description: Whether every check passed.
  returned: always
  type: bool
waited:
  description: Seconds spent waiting for the resource to become ready (see O(ready_timeout)).
  returned: always
  type: float
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _aws_backup_types, _checks
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'type': {'type': 'str', 'required': True, 'choices': list(_aws_backup_types.BY_KIND)},
    'id': {'type': 'str', 'required': True},
    'expected': {'type': 'dict', 'default': {}, 'options': {
        'size_gib': {'type': 'int'}, 'volume_type': {'type': 'str'}, 'encrypted': {'type': 'bool'},
        'instance_class': {'type': 'str'}, 'engine': {'type': 'str'}, 'multi_az': {'type': 'bool'},
        'object_count': {'type': 'int'}, 'min_objects': {'type': 'int'}, 'fingerprint': {'type': 'str'},
        'performance_mode': {'type': 'str'},
        'instance_type': {'type': 'str'}, 'subnet_id': {'type': 'str'}}},
    'ready_timeout': {'type': 'int', 'default': 0},
}


def check_options(params, _module):
    _aws.check_restored_id(params)
    _aws.check_restored_expected(params)
    _checks.at_least('ready_timeout', params['ready_timeout'], 0)


def read(module, clients):
    params = module.params
    kind = _aws.restored_kind(params['type'])
    found, waited = kind.read_when_ready(clients, params['id'], params['ready_timeout'])
    checks = kind.all_checks(found, params['expected'] or {})
    return {'changed': False, 'exists': found is not None, 'resource': found, 'checks': checks,
            'passed': all(check['passed'] for check in checks), 'waited': waited}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=_aws.RestoredResourceConnection, requires_requests=False,
                              checks=check_options, supports_check_mode=True)
    module.run(lambda clients: read(module, clients))


if __name__ == '__main__':
    main()
