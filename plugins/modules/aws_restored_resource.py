#!/usr/bin/python
# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: aws_restored_resource
short_description: Clean up a volume, bucket, file system or instance that an AWS Backup restore of this collection created
version_added: 1.1.0
description:
  - Deletes a volume (C(DeleteVolume)) or empties and deletes a bucket (C(DeleteObjects), C(DeleteBucket)) only
    when it carries the tag C(recoverops:restored-from) that M(recoverops.restore.aws_backup_restore) puts on what it
    restores, with the value O(restored_from) when set, and every tag of O(required_tags). Anything else is refused.
  - An EFS file system is deleted with its mount targets first (C(DeleteMountTarget), then C(DeleteFileSystem) once
    C(DescribeMountTargets) lists none). The source of an in-place EFS or S3 restore never carries the tag, so it is refused.
  - A resource that is not there is success, unchanged.
  - An RDS DB instance is deleted with C(DeleteDBInstance), C(SkipFinalSnapshot=true) and
    C(DeleteAutomatedBackups=true), so no final snapshot is taken (the recovery point it was restored from stays).
    An instance with deletion protection on is not deleted (RDS refuses).
  - An Aurora DB cluster is deleted with C(DeleteDBCluster), C(SkipFinalSnapshot=true) and C(DeleteAutomatedBackups=true),
    after its DB instances, if any (a cluster AWS Backup restored has none), each with C(DeleteDBInstance) and
    C(SkipFinalSnapshot=true). A cluster with deletion protection on is not deleted (RDS refuses).
  - An EC2 instance is terminated with C(TerminateInstances) (its volumes go as their C(DeleteOnTermination) says). When
    EC2 refuses because of termination protection (C(DisableApiTermination), which a restore copies from the backed-up
    instance), the protection is turned off (C(ModifyInstanceAttribute)) and the instance terminated; the tag checks
    above come first, so this never happens to an instance no restore of this collection created. A terminated
    instance is not there.
author:
  - RecoverOps maintainers (@recoverops)
extends_documentation_fragment:
  - recoverops.restore.aws
  - recoverops.restore.aws.actiongroup
  - recoverops.restore.attributes
attributes:
  check_mode:
    support: full
    details: Reads the resource and its tags, refuses as a real run would, deletes nothing.
  diff_mode:
    support: none
options:
  type:
    description: What the restore created (C(job.created_resource.type)). O(endpoint_url) applies to its service.
    type: str
    required: true
    choices: [ebs_volume, s3_bucket, efs_file_system, rds_instance, ec2_instance, aurora_cluster]
  id:
    description:
      - The volume id (V(vol-...)), the bucket name or the file system id (V(fs-...)) (C(job.created_resource.id)).
        For an RDS DB instance or an Aurora DB cluster, its identifier. For an EC2 instance, its id (V(i-...)).
    type: str
    required: true
  state:
    description: V(absent) deletes the resource.
    type: str
    choices: [absent]
    default: absent
  restored_from:
    description: The recovery point ARN the resource's C(recoverops:restored-from) tag must name.
    type: str
  required_tags:
    description: Tags the resource must carry, with these values, to be deleted.
    type: dict
    default: {}
'''

EXAMPLES = r'''
- name: Remove the volume the drill restored
  recoverops.restore.aws_restored_resource:
    type: ebs_volume
    id: "{{ restored.job.created_resource.id }}"
    restored_from: "{{ restored.job.restore_point.id }}"
    state: absent
'''

RETURN = r'''
resource:
  description: The resource as read before the deletion (see M(recoverops.restore.aws_restored_resource_info)).
  returned: when it was there
  type: dict
'''

from ansible_collections.recoverops.restore.plugins.module_utils import _aws, _aws_backup_types
from ansible_collections.recoverops.restore.plugins.module_utils._module import RecoverOpsModule

ARGUMENT_SPEC = {
    'type': {'type': 'str', 'required': True, 'choices': list(_aws_backup_types.BY_KIND)},
    'id': {'type': 'str', 'required': True},
    'state': {'type': 'str', 'choices': ['absent'], 'default': 'absent'},
    'restored_from': {'type': 'str'},
    'required_tags': {'type': 'dict', 'default': {}},
}


def remove(module, clients):
    params = module.params
    kind = _aws.restored_kind(params['type'])
    found = kind.read(clients, params['id'])
    if found is None:
        return {'changed': False}
    kind.refuse_unless_ours(found, params['restored_from'], params['required_tags'])
    if not module.check_mode:
        kind.remove(clients, params['id'])
    return {'changed': True, 'resource': found}


def main():
    module = RecoverOpsModule(ARGUMENT_SPEC, connection=_aws.RestoredResourceConnection, requires_requests=False,
                              checks=lambda params, _module: _aws.check_restored_id(params), supports_check_mode=True)
    module.run(lambda clients: remove(module, clients))


if __name__ == '__main__':
    main()
