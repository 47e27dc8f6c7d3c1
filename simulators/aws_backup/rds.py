"""RDS: every seeded point is a moto DB snapshot of a seeded DB instance; a restore makes a new DB instance from it.

AWS Backup's "Restore an RDS database" page: StartRestoreJob's metadata for RDS are the parameters of RDS's
RestoreDBInstanceFromDBSnapshot, plus the information-only keys EngineVersion, KmsKeyId, Encrypted and vpcId.
moto takes any DBInstanceClass and makes an instance `available` at once: target() refuses a class that is not
a real one, and strict_moto() gives a restored instance a `creating` phase.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.resources import CREATING_TAG, ResourceHandler, creating_seconds

DB_IDENTIFIER = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9-]{0,62}(?<!-)')
STORAGE_TYPES = ('gp2', 'gp3', 'io1', 'io2', 'standard')
# A subset of the RDS User Guide's "DB instance classes" (families and their sizes); other classes are refused.
_SMALL = ('micro', 'small', 'medium', 'large', 'xlarge', '2xlarge')
_GRAVITON = ('medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge')
_INTEL = ('large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge')
_FAMILIES = {'t3': _SMALL, 't4g': _SMALL, 'm5': _INTEL, 'm5d': _INTEL, 'r5': _INTEL, 'r5b': _INTEL, 'r5d': _INTEL,
             'm6i': _INTEL + ('32xlarge',), 'r6i': _INTEL + ('32xlarge',), 'm7i': _INTEL + ('48xlarge',),
             'r7i': _INTEL + ('48xlarge',), 'm6g': _GRAVITON, 'm6gd': _GRAVITON, 'r6g': _GRAVITON, 'r6gd': _GRAVITON,
             'm7g': _GRAVITON, 'r7g': _GRAVITON, 'x2g': _GRAVITON}
DB_INSTANCE_CLASSES = frozenset(f'db.{family}.{size}' for family, sizes in _FAMILIES.items() for size in sizes)
# RestoreDBInstanceFromDBSnapshot parameters this simulator takes from the metadata, and how each is sent to moto.
BOOLEAN_KEYS = ('MultiAZ', 'PubliclyAccessible', 'CopyTagsToSnapshot', 'DeletionProtection')
INTEGER_KEYS = ('Port', 'Iops', 'AllocatedStorage')
STRING_KEYS = ('DBInstanceIdentifier', 'DBInstanceClass', 'AvailabilityZone', 'DBSubnetGroupName', 'StorageType',
               'DBParameterGroupName', 'OptionGroupName', 'Engine', 'LicenseModel')
LIST_KEYS = ('VpcSecurityGroupIds',)
# "AWS Backup accepts the following information-only attributes. However, including them will not affect the restore."
INFORMATION_ONLY = ('EngineVersion', 'KmsKeyId', 'Encrypted', 'vpcId')
ACCEPTED = BOOLEAN_KEYS + INTEGER_KEYS + STRING_KEYS + LIST_KEYS + INFORMATION_ONLY
MASTER_PASSWORD = 'sim-rds-source-only'  # moto's source instance needs one; it never leaves moto


class RdsHandler(ResourceHandler):
    resource_type = 'RDS'

    @staticmethod
    def name_of(arn: str) -> str:
        """arn:aws:rds:<region>:<account>:db:<identifier> -> the identifier."""
        return arn.rsplit(':', 1)[-1]

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['db_instance'] = dict(spec.get('db_instance') or {})
        point['db_snapshot_id'] = 'awsbackup-' + point['arn'].rsplit(':', 1)[-1].lower()

    def provision(self, points: list[dict[str, Any]]) -> None:
        rds = self.app.moto('rds')
        for identifier in sorted(self.restored | {point['resource_name'] for point in points}):
            drop_instance(rds, identifier)
        self.restored = set()
        for point in points:
            try:
                rds.delete_db_snapshot(DBSnapshotIdentifier=point['db_snapshot_id'])
            except botocore.exceptions.ClientError:
                pass
        for point in points:
            spec = point['db_instance']
            args: dict[str, Any] = {
                'DBInstanceIdentifier': point['resource_name'], 'DBInstanceClass': str(spec.get('instance_class', 'db.t3.micro')),
                'Engine': str(spec.get('engine', 'postgres')), 'EngineVersion': str(spec.get('engine_version', '16.3')),
                'AllocatedStorage': int(spec.get('allocated_storage_gib', 20)), 'StorageType': str(spec.get('storage_type', 'gp2')),
                'MasterUsername': 'dbadmin', 'MasterUserPassword': MASTER_PASSWORD, 'Port': int(spec.get('port', 5432)),
                'MultiAZ': bool(spec.get('multi_az', False)), 'AvailabilityZone': self.zone(spec),
                'Tags': [{'Key': str(key), 'Value': str(value)} for key, value in (spec.get('tags') or {}).items()]}
            if spec.get('subnet_group'):
                ensure_subnet_group(self.app.moto('ec2'), rds, str(spec['subnet_group']))
                args['DBSubnetGroupName'] = str(spec['subnet_group'])
            rds.create_db_instance(**args)
            # The recovery point's backup: AWS Backup's RDS recovery points are DB snapshots.
            rds.create_db_snapshot(DBInstanceIdentifier=point['resource_name'], DBSnapshotIdentifier=point['db_snapshot_id'])

    def zone(self, spec: dict[str, Any]) -> str:
        return str(spec.get('availability_zone', f'{self.app.region}a'))

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED which keys GetRecoveryPointRestoreMetadata returns for RDS: the source instance's settings under
        # RestoreDBInstanceFromDBSnapshot's parameter names (no AvailabilityZone, so that MultiAZ may be set), as
        # strings. DBInstanceIdentifier is the source's own: a restore must name a new one.
        spec = point['db_instance']
        metadata = {'DBInstanceIdentifier': point['resource_name'], 'DBInstanceClass': str(spec.get('instance_class', 'db.t3.micro')),
                    'Engine': str(spec.get('engine', 'postgres')), 'EngineVersion': str(spec.get('engine_version', '16.3')),
                    'AllocatedStorage': str(spec.get('allocated_storage_gib', 20)), 'StorageType': str(spec.get('storage_type', 'gp2')),
                    'Port': str(spec.get('port', 5432)), 'MultiAZ': 'true' if spec.get('multi_az') else 'false',
                    'PubliclyAccessible': 'false', 'CopyTagsToSnapshot': 'false', 'DeletionProtection': 'false'}
        if spec.get('subnet_group'):
            metadata['DBSubnetGroupName'] = str(spec['subnet_group'])
        return metadata

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """What RestoreDBInstanceFromDBSnapshot refuses and moto lets through, refused at the start as a bad parameter."""
        unknown = sorted(set(metadata) - set(ACCEPTED))
        if unknown:
            raise bad_metadata(f"Metadata {', '.join(unknown)} not accepted for RDS: the keys are RestoreDBInstanceFromDBSnapshot's "
                               f"parameters ({', '.join(ACCEPTED)}).")
        identifier = metadata.get('DBInstanceIdentifier')
        if not identifier:
            raise bad_metadata('Metadata DBInstanceIdentifier is required to restore an RDS recovery point.')
        if not DB_IDENTIFIER.fullmatch(str(identifier)):
            raise bad_metadata(f'Metadata DBInstanceIdentifier {identifier!r} must be 1 to 63 letters, digits or hyphens, start with a '
                               'letter, and neither end with a hyphen nor contain two consecutive hyphens.')
        check_booleans(metadata, *BOOLEAN_KEYS, 'Encrypted')
        for key in INTEGER_KEYS:
            if key in metadata and not str(metadata[key]).isdigit():
                raise bad_metadata(f'Metadata {key} must be a whole number, got {metadata[key]!r}.')
        if 'Port' in metadata and not 1150 <= int(metadata['Port']) <= 65535:
            raise bad_metadata(f"Metadata Port {metadata['Port']} must be 1150-65535.")
        klass = metadata.get('DBInstanceClass')
        if klass is not None and klass not in DB_INSTANCE_CLASSES:
            raise bad_metadata(f'Metadata DBInstanceClass {klass!r} is not a DB instance class RDS offers.')
        storage = metadata.get('StorageType')
        if storage is not None and storage not in STORAGE_TYPES:
            raise bad_metadata(f"Metadata StorageType {storage!r} is not one of {', '.join(STORAGE_TYPES)}.")
        if storage in ('io1', 'io2') and not metadata.get('Iops'):
            raise bad_metadata(f'Metadata StorageType {storage} needs Iops.')
        if str(metadata.get('MultiAZ', 'false')).lower() == 'true' and metadata.get('AvailabilityZone'):
            raise bad_metadata("Metadata AvailabilityZone can't be set for a Multi-AZ deployment (MultiAZ true).")
        zone = metadata.get('AvailabilityZone')
        if zone is not None and not re.fullmatch(re.escape(self.app.region) + r'[a-f]', str(zone)):
            raise bad_metadata(f'Metadata AvailabilityZone {zone!r} is not an availability zone of {self.app.region}.')
        group = metadata.get('DBSubnetGroupName')
        if group is not None and self.app.dynamodb_endpoint and not subnet_group_exists(self.app.moto('rds'), str(group)):
            raise bad_metadata(f'Metadata DBSubnetGroupName {group!r}: DB subnet group not found.')
        return str(identifier).lower()

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        """RestoreDBInstanceFromDBSnapshot of the point's snapshot; an identifier in use fails the job, as in AWS."""
        metadata, rds = job['metadata'], self.app.moto('rds')
        args: dict[str, Any] = {'DBSnapshotIdentifier': point['db_snapshot_id']}
        for key in STRING_KEYS:
            if key in metadata:
                args[key] = str(metadata[key])
        args['DBInstanceIdentifier'] = args['DBInstanceIdentifier'].lower()
        for key in BOOLEAN_KEYS:
            if key in metadata:
                args[key] = str(metadata[key]).lower() == 'true'
        for key in INTEGER_KEYS:
            if key in metadata:
                args[key] = int(metadata[key])
        if 'VpcSecurityGroupIds' in metadata:
            args['VpcSecurityGroupIds'] = security_groups(metadata['VpcSecurityGroupIds'])
        seconds = point['db_instance'].get('creating_seconds')
        if seconds is not None:
            # Tags given to the restore replace the source's, which RDS copies otherwise: the source's go along.
            tags = [{'Key': str(key), 'Value': str(value)} for key, value in (point['db_instance'].get('tags') or {}).items()]
            args['Tags'] = tags + [{'Key': CREATING_TAG, 'Value': str(seconds)}]
        try:
            instance = rds.restore_db_instance_from_db_snapshot(**args)['DBInstance']
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of DB instance {args["DBInstanceIdentifier"]} failed: {exc}') from exc
        self.restored.add(instance['DBInstanceIdentifier'])
        return instance['DBInstanceArn']

    @classmethod
    def strict_moto(cls) -> None:
        patch_moto_rds()


def security_groups(value: Any) -> list[str]:
    """A JSON list, or ids separated by commas (which form AWS Backup takes is UNCONFIRMED)."""
    text = str(value).strip()
    if text.startswith('['):
        return [str(group) for group in json.loads(text)]
    return [group.strip() for group in text.split(',') if group.strip()]


def subnet_group_exists(rds: Any, name: str) -> bool:
    try:
        rds.describe_db_subnet_groups(DBSubnetGroupName=name)
        return True
    except botocore.exceptions.ClientError:
        return False


def ensure_subnet_group(ec2: Any, rds: Any, name: str) -> None:
    """A DB subnet group of the default VPC's default subnets."""
    if subnet_group_exists(rds, name):
        return
    subnets = ec2.describe_subnets(Filters=[{'Name': 'default-for-az', 'Values': ['true']}])['Subnets']
    rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription='simulated DB subnet group',
                               SubnetIds=[subnet['SubnetId'] for subnet in subnets])


def drop_instance(rds: Any, identifier: str) -> None:
    try:
        rds.delete_db_instance(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
    except botocore.exceptions.ClientError:
        pass


_PATCHED: list[bool] = []


def patch_moto_rds() -> None:
    """One small patch of moto's RDS models, in the moto server's process (once): a DB instance made by
    RestoreDBInstanceFromDBSnapshot reports DBInstanceStatus `creating` for SIM_CREATING_SECONDS (default 3)
    after it was created, then its own status (`available`). moto makes it `available` at once; AWS's
    instance is `creating` first (RDS User Guide, "Viewing Amazon RDS DB instance status"). A restore
    tagged sim:creating-seconds=<n> (the handler, from the seed) is `creating` for n seconds instead; the
    tag is dropped.

    DBInstance.status becomes a property over the status moto sets; moto's own checks of `status`
    (e.g. "must be available" to stop or snapshot the instance) see `creating` too, as AWS's would.
    """
    if _PATCHED:
        return
    from moto.rds import models

    def get_status(self: Any) -> str:
        status = self.__dict__.get('_sim_status', 'available')
        ready_at = self.__dict__.get('_sim_ready_at')
        if status == 'available' and ready_at is not None and time.time() < ready_at:
            return 'creating'
        return status

    def set_status(self: Any, value: str) -> None:
        self.__dict__['_sim_status'] = value

    original = models.RDSBackend.restore_db_instance_from_db_snapshot

    def restore_db_instance_from_db_snapshot(self: Any, from_snapshot_id: str, overrides: dict[str, Any]) -> Any:
        database = original(self, from_snapshot_id, overrides)
        seconds = next((float(tag['Value']) for tag in database.tags if tag['Key'] == CREATING_TAG), None)
        database.tags = [tag for tag in database.tags if tag['Key'] != CREATING_TAG]
        database.__dict__['_sim_ready_at'] = time.time() + (creating_seconds() if seconds is None else seconds)
        return database

    models.DBInstance.status = property(get_status, set_status)
    models.RDSBackend.restore_db_instance_from_db_snapshot = restore_db_instance_from_db_snapshot
    _PATCHED.append(True)
