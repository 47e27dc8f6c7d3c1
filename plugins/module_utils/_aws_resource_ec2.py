# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An EC2 instance restored from an AWS Backup recovery point (an AMI). Keys: docs/aws.md "EC2 instances".

The metadata keys are the ones AWS Backup's "Restore an Amazon EC2 instance" page lists as accepted for
StartRestoreJob (restoring-ec2.html, "Restore Amazon EC2 with AWS CLI"); the group sets the ones a drill
changes, the others (JSON documents such as Placement or NetworkInterfaces) may be set in `metadata`.
Every value is a string: booleans as true/false, SecurityGroupIds as a JSON list such as ["sg-0a1bc2d3"].
"""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_code, error_details, is_missing, plain)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import RestoredResource, given, tag_dict, tag_list
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

INSTANCE_ID = re.compile(r'i-[0-9a-f]{8,17}')
SUBNET_ID = re.compile(r'subnet-[0-9a-f]{8,17}')
SECURITY_GROUP_ID = re.compile(r'sg-[0-9a-f]{8,17}')
# <family>[-<variant>].<size>: t3.micro, c7i-flex.large, u-6tb1.metal, mac2-m2pro.metal, c7i.metal-24xl.
INSTANCE_TYPE = re.compile(r'[a-z][a-z0-9]*(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*')
# IAM's name pattern for an instance profile (CreateInstanceProfile: [\w+=,.@-]+, 1 to 128 characters).
PROFILE_NAME = re.compile(r'[\w+=,.@-]{1,128}')
SHUTDOWN_BEHAVIORS = ('stop', 'terminate')
# An instance that is going or gone is not there any more (DescribeInstances lists a terminated one for a while).
GONE = ('shutting-down', 'terminated')


class Ec2Instance(RestoredResource):
    group, resource_type, kind, service, noun = 'ec2', 'EC2', 'ec2_instance', 'ec2', 'instance'
    options = {
        'instance_type': ('InstanceType', {'type': 'str'}),
        'subnet_id': ('SubnetId', {'type': 'str'}),
        'security_group_ids': ('SecurityGroupIds', {'type': 'list', 'elements': 'str'}),
        'iam_instance_profile_name': ('IamInstanceProfileName', {'type': 'str'}),
        'require_imdsv2': ('RequireIMDSv2', {'type': 'bool'}),
        'instance_initiated_shutdown_behavior': ('InstanceInitiatedShutdownBehavior', {'type': 'str', 'choices': list(SHUTDOWN_BEHAVIORS)}),
        'disable_api_termination': ('DisableApiTermination', {'type': 'bool'}),
        'ebs_optimized': ('EbsOptimized', {'type': 'bool'}),
    }
    # The other keys restoring-ec2.html lists as accepted (KeyName among them, although the page says the
    # restored instance keeps the source's key pair), its information-only vpcId, and VpcId as
    # GetRecoveryPointRestoreMetadata spells it in published output (UNCONFIRMED by AWS's pages).
    other_keys = ('Architecture', 'BlockDeviceMappings', 'CapacityReservationSpecification', 'CpuOptions', 'CreditSpecification',
                  'ElasticGpuSpecification', 'EnaSupport', 'HibernationOptions', 'InstanceMarketOptions', 'KernelId', 'KeyName',
                  'LicenseSpecifications', 'Monitoring', 'NetworkInterfaces', 'Placement', 'Platform', 'RamdiskId', 'RootDeviceType',
                  'UserData', 'VirtualizationType', 'VpcId', 'aws:backup:request-id', 'vpcId')
    id_pattern, id_accepts = INSTANCE_ID, 'an EC2 instance id such as i-0abc1234def567890'
    ready_state = 'running'
    pending_states = ('pending',)
    expected = {'instance_type': 'instance type', 'subnet_id': 'subnet'}

    def drill_expected(self, point, metadata, verify):
        # State `running` is the ready check (after waiting through `pending`); nothing on the instance is checked.
        return given(instance_type=metadata.get('InstanceType'), subnet_id=metadata.get('SubnetId'))

    def check(self, group):
        _checks.whole('ec2.instance_type', group.get('instance_type'), INSTANCE_TYPE, 'an EC2 instance type such as t3.micro or m7i-flex.large')
        _checks.whole('ec2.subnet_id', group.get('subnet_id'), SUBNET_ID, 'a subnet id such as subnet-0abc1234def567890')
        groups = group.get('security_group_ids')
        if groups is not None:
            if not groups:
                raise OptionError('ec2.security_group_ids must name at least one security group (leave it unset to keep the backed-up ones)')
            for index, group_id in enumerate(groups):
                _checks.whole('ec2.security_group_ids[%d]' % index, group_id, SECURITY_GROUP_ID, 'a security group id such as sg-0a1bc2d345ef67890')
            if len(set(groups)) != len(groups):
                raise OptionError('ec2.security_group_ids names a security group twice: %s' % ', '.join(groups))
        _checks.whole('ec2.iam_instance_profile_name', group.get('iam_instance_profile_name'), PROFILE_NAME,
                      'an instance profile name: 1 to 128 letters, digits and +=,.@_-')

    def read(self, clients, resource_id, full=True):
        """{id, state, instance_type, subnet_id, security_group_ids, image_id, availability_zone, launched_at, tags} or None."""
        try:
            reservations = clients.ec2.describe_instances(InstanceIds=[resource_id])['Reservations']
        except AWS_ERRORS as exc:
            if is_missing(exc, ('InvalidInstanceID.NotFound',)):
                return None
            raise OperationFailed(describe_error(clients.ec2, 'describe_instances', exc), error=error_details(exc)) from None
        instances = [instance for reservation in reservations for instance in reservation.get('Instances', [])
                     if instance.get('InstanceId') == resource_id]
        if not instances or instances[0].get('State', {}).get('Name') in GONE:
            return None
        raw = plain(instances[0])
        return {'id': raw['InstanceId'], 'state': raw.get('State', {}).get('Name'), 'instance_type': raw.get('InstanceType'),
                'subnet_id': raw.get('SubnetId'), 'security_group_ids': sorted(group['GroupId'] for group in raw.get('SecurityGroups') or []),
                'image_id': raw.get('ImageId'), 'availability_zone': raw.get('Placement', {}).get('AvailabilityZone'),
                'launched_at': raw.get('LaunchTime'), 'tags': tag_dict(raw.get('Tags'))}

    def tag(self, clients, arn, tags):
        call(clients.ec2, 'create_tags', Resources=[self.created_id(arn)], Tags=tag_list(tags))

    def remove(self, clients, resource_id):
        """TerminateInstances. A restore copies the source's termination protection (DisableApiTermination), which
        would make every drill's cleanup fail: on EC2's OperationNotPermitted it is turned off, then the instance
        terminated. The caller (aws_restored_resource) has made sure first that this restore made the instance."""
        try:
            clients.ec2.terminate_instances(InstanceIds=[resource_id])
            return
        except AWS_ERRORS as exc:
            if error_code(exc) != 'OperationNotPermitted':
                raise OperationFailed(describe_error(clients.ec2, 'terminate_instances', exc), error=error_details(exc)) from None
        call(clients.ec2, 'modify_instance_attribute', InstanceId=resource_id, DisableApiTermination={'Value': False})
        call(clients.ec2, 'terminate_instances', InstanceIds=[resource_id])
