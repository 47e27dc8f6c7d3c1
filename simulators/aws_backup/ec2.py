"""EC2: every seeded point is an AMI made (CreateImage) from a moto instance of the seed's VPC, subnet and security
group; a restore launches a new instance from that AMI with the job's metadata.

The metadata keys are the ones AWS Backup's "Restore an Amazon EC2 instance" page lists as accepted for
StartRestoreJob; values are strings, JSON documents for the structured ones (SecurityGroupIds is a JSON list,
Placement a JSON object, as in the StartRestoreJob example of the "Copy tags during a restore" section). moto
launches an instance of any type string and with security groups of another VPC than its subnet; EC2 refuses
both, so does the simulator, at the start. Which of these AWS Backup refuses at StartRestoreJob, rather than
failing the job, is UNCONFIRMED.
"""
from __future__ import annotations

import json
import re
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.resources import ResourceHandler

SHUTDOWN_BEHAVIORS = ('stop', 'terminate')
# Marks what provision() made for a point (its source instance and AMI), so that a reset finds and drops it.
SOURCE_TAG = 'recoverops-sim:source-of'
# Metadata keys whose value is a JSON document (restoring-ec2.html shows BlockDeviceMappings' shape; the others are
# RunInstances structures of the same names).
JSON_OBJECTS = ('Placement', 'CpuOptions', 'CreditSpecification', 'HibernationOptions', 'Monitoring', 'CapacityReservationSpecification',
                'InstanceMarketOptions')
JSON_LISTS = ('SecurityGroupIds', 'NetworkInterfaces', 'BlockDeviceMappings', 'ElasticGpuSpecification', 'LicenseSpecifications')
# IamInstanceProfileName's value for "the profile the source had" (the AWS Backup restore example).
BACKED_UP = 'UseBackedUpValue'
# amzn2-ami-hvm-2.0.20180810-x86_64-gp2 in moto's default AMIs (ec2/resources/amis.json).
BASE_IMAGE = 'ami-04681a1dbd79675a5'


def instance_types() -> frozenset[str]:
    """The instance types EC2 has (moto's own list, ec2/resources/instance_types.json), not every string moto takes."""
    from moto.ec2.models.instance_types import INSTANCE_TYPES
    return frozenset(INSTANCE_TYPES)


class Ec2Handler(ResourceHandler):
    resource_type = 'EC2'
    persisted = ('image_id', 'source_instance_id', 'vpc_id', 'subnet_id', 'security_group_ids')

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['instance'] = dict(spec.get('instance') or {})

    # ---- provisioning -----------------------------------------------------------------------------
    def provision(self, points: list[dict[str, Any]]) -> None:
        ec2 = self.app.moto('ec2')
        terminate(ec2, sorted(self.restored))
        self.restored = set()
        for point in points:
            self.drop_source(ec2, point)
            spec = point['instance']
            vpc_id, subnet_id, group_id = self.network(ec2, spec)
            tags = [{'Key': 'Name', 'Value': point['resource_name']}, {'Key': SOURCE_TAG, 'Value': point['arn']}]
            tags += [{'Key': str(key), 'Value': str(value)} for key, value in (spec.get('tags') or {}).items()]
            source = ec2.run_instances(ImageId=base_image(ec2), MinCount=1, MaxCount=1, InstanceType=str(spec.get('instance_type', 't3.micro')),
                                       SubnetId=subnet_id, SecurityGroupIds=[group_id],
                                       TagSpecifications=[{'ResourceType': 'instance', 'Tags': tags}])['Instances'][0]['InstanceId']
            # AWS Backup's EC2 recovery point is an AMI of the instance: the restore launches from it.
            image_id = ec2.create_image(InstanceId=source, Name=f"AwsBackup_{point['resource_name']}_{point['arn'].rsplit(':', 1)[-1]}",
                                        TagSpecifications=[{'ResourceType': 'image', 'Tags': [{'Key': SOURCE_TAG, 'Value': point['arn']}]}])['ImageId']
            point.update(image_id=image_id, source_instance_id=source, vpc_id=vpc_id, subnet_id=subnet_id, security_group_ids=[group_id])

    @staticmethod
    def drop_source(ec2: Any, point: dict[str, Any]) -> None:
        """What an earlier provisioning made for this point (a reset makes it again)."""
        marked = [{'Name': f'tag:{SOURCE_TAG}', 'Values': [point['arn']]}]
        instances = [instance['InstanceId'] for reservation in ec2.describe_instances(Filters=marked)['Reservations']
                     for instance in reservation['Instances'] if instance['State']['Name'] != 'terminated']
        terminate(ec2, instances)
        for image in ec2.describe_images(Owners=['self'], Filters=marked)['Images']:
            ec2.deregister_image(ImageId=image['ImageId'])

    @staticmethod
    def network(ec2: Any, spec: dict[str, Any]) -> tuple[str, str, str]:
        """The seed's VPC, subnet and security group, found by name or made (so their ids survive a reset)."""
        vpc_name, subnet_name = str(spec.get('vpc', 'app-vpc')), str(spec.get('subnet', 'app-a'))
        group_name = str(spec.get('security_group', 'app-sg'))
        named = ec2.describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': [vpc_name]}])['Vpcs']
        if named:
            vpc_id = named[0]['VpcId']
        else:
            vpc_id = ec2.create_vpc(CidrBlock=str(spec.get('vpc_cidr', '10.20.0.0/16')),
                                    TagSpecifications=[{'ResourceType': 'vpc', 'Tags': [{'Key': 'Name', 'Value': vpc_name}]}])['Vpc']['VpcId']
        subnets = ec2.describe_subnets(Filters=[{'Name': 'vpc-id', 'Values': [vpc_id]}, {'Name': 'tag:Name', 'Values': [subnet_name]}])['Subnets']
        if subnets:
            subnet_id = subnets[0]['SubnetId']
        else:
            subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=str(spec.get('subnet_cidr', '10.20.1.0/24')),
                                          AvailabilityZone=str(spec.get('availability_zone', 'us-east-1a')),
                                          TagSpecifications=[{'ResourceType': 'subnet', 'Tags': [{'Key': 'Name', 'Value': subnet_name}]}]
                                          )['Subnet']['SubnetId']
        groups = ec2.describe_security_groups(Filters=[{'Name': 'vpc-id', 'Values': [vpc_id]}, {'Name': 'group-name', 'Values': [group_name]}])
        if groups['SecurityGroups']:
            group_id = groups['SecurityGroups'][0]['GroupId']
        else:
            group_id = ec2.create_security_group(GroupName=group_name, Description=f'{group_name} (AWS Backup simulator seed)', VpcId=vpc_id)['GroupId']
        return vpc_id, subnet_id, group_id

    # ---- GetRecoveryPointRestoreMetadata --------------------------------------------------------------
    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED which keys AWS returns: the keys of the StartRestoreJob example in AWS Backup's "Copy tags during a
        # restore" (Placement without an AvailabilityZone, as there: the subnet decides the zone), plus VpcId, as
        # published GetRecoveryPointRestoreMetadata output shows it. No aws:backup:request-id: whether AWS returns a new
        # one per call (which would make every call's metadata differ) is unknown.
        spec = point.get('instance') or {}
        metadata = {'InstanceType': str(spec.get('instance_type', 't3.micro')), 'DisableApiTermination': 'false', 'EbsOptimized': 'false',
                    'InstanceInitiatedShutdownBehavior': 'stop', 'Placement': json.dumps({'GroupName': None, 'Tenancy': 'default'}, separators=(',', ':')),
                    'HibernationOptions': '{"Configured":false}'}
        if point.get('subnet_id'):
            metadata.update(SubnetId=point['subnet_id'], VpcId=point['vpc_id'],
                            SecurityGroupIds=json.dumps(point['security_group_ids'], separators=(',', ':')))
        return metadata

    # ---- StartRestoreJob ----------------------------------------------------------------------------
    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """What EC2's RunInstances refuses and moto lets through (or would fail only in the job), refused at the start."""
        spec = point.get('instance') or {}
        kind = str(metadata.get('InstanceType', spec.get('instance_type', 't3.micro')))
        if kind not in instance_types():
            raise bad_metadata(f'Metadata InstanceType {kind!r} is not an EC2 instance type (for example t3.micro or m7i.large).')
        check_booleans(metadata, 'DisableApiTermination', 'EbsOptimized', 'RequireIMDSv2', 'EnaSupport')
        behavior = metadata.get('InstanceInitiatedShutdownBehavior')
        if behavior is not None and behavior not in SHUTDOWN_BEHAVIORS:
            raise bad_metadata(f"Metadata InstanceInitiatedShutdownBehavior {behavior!r} is not one of {', '.join(SHUTDOWN_BEHAVIORS)}.")
        documents = {key: json_value(metadata, key, list if key in JSON_LISTS else dict) for key in JSON_OBJECTS + JSON_LISTS if key in metadata}
        groups = documents.get('SecurityGroupIds')
        if groups is not None and (not groups or not all(isinstance(group, str) and re.fullmatch(r'sg-[0-9a-f]{8,17}', group) for group in groups)):
            raise bad_metadata(f"Metadata SecurityGroupIds {metadata['SecurityGroupIds']!r} must be a JSON list of security group ids.")
        subnet_id = metadata.get('SubnetId')
        if subnet_id is not None and not re.fullmatch(r'subnet-[0-9a-f]{8,17}', str(subnet_id)):
            raise bad_metadata(f'Metadata SubnetId {subnet_id!r} is not a subnet id.')
        zone = (documents.get('Placement') or {}).get('AvailabilityZone')
        if zone is not None and not re.fullmatch(re.escape(self.app.region) + r'[a-f]', str(zone)):
            raise bad_metadata(f'Metadata Placement AvailabilityZone {zone!r} is not an availability zone of {self.app.region}.')
        if self.app.dynamodb_endpoint and not point.get('generated'):
            # What the instance would get: the metadata's subnet and groups, else the point's (the source's).
            self.check_network(subnet_id or point.get('subnet_id'), groups if groups is not None else point.get('security_group_ids'), zone)
        return f"instance-of:{point['resource_name']}"

    def check_network(self, subnet_id: str | None, groups: list[str] | None, zone: str | None) -> None:
        """The subnet and security groups exist, in one VPC, and the subnet is in the zone Placement names."""
        ec2 = self.app.moto('ec2')
        vpc = None
        if subnet_id is not None:
            subnets = described(ec2.describe_subnets, 'Subnets', SubnetIds=[subnet_id])
            if not subnets:
                raise bad_metadata(f'Metadata SubnetId {subnet_id} does not exist.')
            vpc = subnets[0]['VpcId']
            if zone is not None and subnets[0]['AvailabilityZone'] != zone:
                raise bad_metadata(f"Metadata Placement AvailabilityZone {zone} is not the zone of subnet {subnet_id} "
                                   f"({subnets[0]['AvailabilityZone']}).")
        for group_id in groups or []:
            found = described(ec2.describe_security_groups, 'SecurityGroups', GroupIds=[group_id])
            if not found:
                raise bad_metadata(f'Metadata SecurityGroupIds names {group_id}, which does not exist.')
            if vpc is not None and found[0].get('VpcId') != vpc:
                raise bad_metadata(f"Security group {group_id} and subnet {subnet_id} belong to different networks "
                                   f"({found[0].get('VpcId')}, {vpc}).")

    # ---- the job ends -------------------------------------------------------------------------------
    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        """A new instance from the point's AMI (moto reports it running at once), with the metadata RunInstances takes.

        Keys the simulator accepts without applying: KeyName (AWS Backup keeps the source's key pair; the seeded
        source has none), the JSON documents but Placement, HibernationOptions and Monitoring, and the AMI's own
        attributes (Architecture, Platform, RootDeviceType...)."""
        metadata, ec2 = job['metadata'], self.app.moto('ec2')
        spec = point['instance']
        args: dict[str, Any] = {'ImageId': point['image_id'], 'MinCount': 1, 'MaxCount': 1,
                                'InstanceType': str(metadata.get('InstanceType', spec.get('instance_type', 't3.micro'))),
                                'SubnetId': str(metadata.get('SubnetId', point['subnet_id'])),
                                'SecurityGroupIds': json.loads(metadata['SecurityGroupIds']) if 'SecurityGroupIds' in metadata
                                else list(point['security_group_ids'])}
        for key in ('DisableApiTermination', 'EbsOptimized'):
            if key in metadata:
                args[key] = str(metadata[key]).lower() == 'true'
        if 'InstanceInitiatedShutdownBehavior' in metadata:
            args['InstanceInitiatedShutdownBehavior'] = str(metadata['InstanceInitiatedShutdownBehavior'])
        if str(metadata.get('RequireIMDSv2', 'false')).lower() == 'true':
            args['MetadataOptions'] = {'HttpTokens': 'required', 'HttpEndpoint': 'enabled'}
        profile = metadata.get('IamInstanceProfileName')
        if profile and profile != BACKED_UP:
            args['IamInstanceProfile'] = {'Name': str(profile)}
        if 'HibernationOptions' in metadata:
            args['HibernationOptions'] = {'Configured': bool(json.loads(metadata['HibernationOptions']).get('Configured'))}
        if 'Monitoring' in metadata:
            args['Monitoring'] = {'Enabled': json.loads(metadata['Monitoring']).get('State') == 'enabled'}
        if job['copy_tags']:
            # Tags applied to a restored instance go to its volumes too ("Copy tags during a restore").
            tags = [{'Key': 'Name', 'Value': point['resource_name']}]
            tags += [{'Key': str(key), 'Value': str(value)} for key, value in (spec.get('tags') or {}).items()]
            args['TagSpecifications'] = [{'ResourceType': kind, 'Tags': tags} for kind in ('instance', 'volume')]
        try:
            instance_id = ec2.run_instances(**args)['Instances'][0]['InstanceId']
            if args.get('DisableApiTermination'):
                # moto's RunInstances drops DisableApiTermination; EC2 sets it at launch.
                ec2.modify_instance_attribute(InstanceId=instance_id, DisableApiTermination={'Value': True})
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of instance {point["resource_name"]} failed: {exc}') from exc
        self.restored.add(instance_id)
        return f'arn:aws:ec2:{self.app.region}:{self.app.account_id}:instance/{instance_id}'

    @classmethod
    def strict_moto(cls) -> None:
        """moto's RunInstances itself refuses an instance type EC2 does not offer in the region (its own data), as EC2 does."""
        from moto import settings
        settings.EC2_ENABLE_INSTANCE_TYPE_VALIDATION = True


def json_value(metadata: dict[str, Any], key: str, kind: type) -> Any:
    try:
        value = json.loads(str(metadata[key]))
    except ValueError:
        value = None
    if not isinstance(value, kind):
        raise bad_metadata(f"Metadata {key} must be a JSON {'list' if kind is list else 'object'} in a string, got {metadata[key]!r}.")
    return value


def described(operation: Any, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """A Describe* answer's list, empty when EC2 says the ids do not exist."""
    try:
        return operation(**kwargs)[key]
    except botocore.exceptions.ClientError as exc:
        if exc.response['Error']['Code'].endswith('.NotFound') or exc.response['Error']['Code'] == 'InvalidGroupId.Malformed':
            return []
        raise


def base_image(ec2: Any) -> str:
    """The AMI the seeded sources are launched from: moto's default Amazon Linux 2 image (listing all 1300 defaults takes a
    second), else any image moto has."""
    found = described(ec2.describe_images, 'Images', ImageIds=[BASE_IMAGE])
    if found:
        return BASE_IMAGE
    images = ec2.describe_images(Owners=['amazon'])['Images']
    return min(image['ImageId'] for image in images) if images else BASE_IMAGE


def terminate(ec2: Any, instance_ids: list[str]) -> None:
    """Terminate, turning termination protection off first (a restore may have copied it); gone ones are skipped."""
    for instance_id in instance_ids:
        try:
            ec2.modify_instance_attribute(InstanceId=instance_id, DisableApiTermination={'Value': False})
            ec2.terminate_instances(InstanceIds=[instance_id])
        except botocore.exceptions.ClientError:
            pass
