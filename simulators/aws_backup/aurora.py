"""Aurora: every seeded point is a moto DB cluster snapshot of a seeded DB cluster; a restore makes a new DB cluster.

AWS Backup's "Restoring an Amazon Aurora cluster" page: the restore options are RDS's RestoreDBClusterFromSnapshot
parameters, and AWS Backup restores the cluster without any DB instance in it. moto takes a DBSubnetGroupName that
does not exist and reports a cluster `available` on the first describe after it was made: target() refuses what
RestoreDBClusterFromSnapshot would, and strict_moto() gives a restored cluster a `creating` phase.
"""
from __future__ import annotations

import re
import time
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.rds import ensure_subnet_group, security_groups, subnet_group_exists
from simulators.aws_backup.resources import CREATING_TAG, ResourceHandler, creating_seconds

DB_IDENTIFIER = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9-]{0,62}(?<!-)')
ENGINES = ('aurora-mysql', 'aurora-postgresql')
ENGINE_MODES = ('provisioned', 'serverless')
BOOLEAN_KEYS = ('CopyTagsToSnapshot', 'DeletionProtection', 'EnableIAMDatabaseAuthentication')
INTEGER_KEYS = ('Port', 'BacktrackWindow')
STRING_KEYS = ('DBClusterIdentifier', 'Engine', 'EngineVersion', 'EngineMode', 'DBSubnetGroupName', 'DatabaseName',
               'DBClusterParameterGroupName', 'KmsKeyId', 'OptionGroupName')
LIST_KEYS = ('AvailabilityZones', 'VpcSecurityGroupIds')
ACCEPTED = BOOLEAN_KEYS + INTEGER_KEYS + STRING_KEYS + LIST_KEYS
MASTER_PASSWORD = 'sim-aurora-source-only'  # moto's source cluster needs one; it never leaves moto


class AuroraHandler(ResourceHandler):
    resource_type = 'Aurora'

    @staticmethod
    def name_of(arn: str) -> str:
        """arn:aws:rds:<region>:<account>:cluster:<identifier> -> the identifier."""
        return arn.rsplit(':', 1)[-1]

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['db_cluster'] = dict(spec.get('db_cluster') or {})
        point['cluster_snapshot_id'] = 'awsbackup-' + point['arn'].rsplit(':', 1)[-1].lower()

    def provision(self, points: list[dict[str, Any]]) -> None:
        rds = self.app.moto('rds')
        for identifier in sorted(self.restored | {point['resource_name'] for point in points}):
            drop_cluster(rds, identifier)
        self.restored = set()
        for point in points:
            try:
                rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=point['cluster_snapshot_id'])
            except botocore.exceptions.ClientError:
                pass
        for point in points:
            spec = point['db_cluster']
            args: dict[str, Any] = {
                'DBClusterIdentifier': point['resource_name'], 'Engine': engine(spec),
                'EngineVersion': str(spec.get('engine_version', '16.4')), 'MasterUsername': 'dbadmin',
                'MasterUserPassword': MASTER_PASSWORD, 'Port': int(spec.get('port', 5432)),
                'Tags': [{'Key': str(key), 'Value': str(value)} for key, value in (spec.get('tags') or {}).items()]}
            if spec.get('subnet_group'):
                ensure_subnet_group(self.app.moto('ec2'), rds, str(spec['subnet_group']))
                args['DBSubnetGroupName'] = str(spec['subnet_group'])
            rds.create_db_cluster(**args)
            # The recovery point's backup: AWS Backup's Aurora recovery points are DB cluster snapshots.
            rds.create_db_cluster_snapshot(DBClusterIdentifier=point['resource_name'],
                                           DBClusterSnapshotIdentifier=point['cluster_snapshot_id'])

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED which keys GetRecoveryPointRestoreMetadata returns for Aurora: the source cluster's settings under
        # RestoreDBClusterFromSnapshot's parameter names, as strings. DBClusterIdentifier is the source's own.
        spec = point['db_cluster']
        metadata = {'DBClusterIdentifier': point['resource_name'], 'Engine': engine(spec),
                    'EngineVersion': str(spec.get('engine_version', '16.4')), 'EngineMode': 'provisioned',
                    'Port': str(spec.get('port', 5432)), 'CopyTagsToSnapshot': 'false', 'DeletionProtection': 'false'}
        if spec.get('subnet_group'):
            metadata['DBSubnetGroupName'] = str(spec['subnet_group'])
        return metadata

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """What RestoreDBClusterFromSnapshot refuses and moto lets through, refused at the start as a bad parameter."""
        unknown = sorted(set(metadata) - set(ACCEPTED))
        if unknown:
            raise bad_metadata(f"Metadata {', '.join(unknown)} not accepted for Aurora: the keys are RestoreDBClusterFromSnapshot's "
                               f"parameters ({', '.join(ACCEPTED)}).")
        identifier = metadata.get('DBClusterIdentifier')
        if not identifier:
            raise bad_metadata('Metadata DBClusterIdentifier is required to restore an Aurora recovery point.')
        if not DB_IDENTIFIER.fullmatch(str(identifier)):
            raise bad_metadata(f'Metadata DBClusterIdentifier {identifier!r} must be 1 to 63 letters, digits or hyphens, start with a '
                               'letter, and neither end with a hyphen nor contain two consecutive hyphens.')
        if not metadata.get('Engine'):
            raise bad_metadata('Metadata Engine is required to restore an Aurora recovery point (RestoreDBClusterFromSnapshot).')
        if metadata['Engine'] not in ENGINES:
            raise bad_metadata(f"Metadata Engine {metadata['Engine']!r} is not an Aurora engine ({', '.join(ENGINES)}).")
        if metadata['Engine'] != engine(point['db_cluster']):
            raise bad_metadata(f"Metadata Engine {metadata['Engine']} is not compatible with the source's engine "
                               f"{engine(point['db_cluster'])}.")
        mode = metadata.get('EngineMode')
        if mode is not None and mode not in ENGINE_MODES:
            raise bad_metadata(f"Metadata EngineMode {mode!r} is not one of {', '.join(ENGINE_MODES)}.")
        check_booleans(metadata, *BOOLEAN_KEYS)
        for key in INTEGER_KEYS:
            if key in metadata and not str(metadata[key]).isdigit():
                raise bad_metadata(f'Metadata {key} must be a whole number, got {metadata[key]!r}.')
        if 'Port' in metadata and not 1150 <= int(metadata['Port']) <= 65535:
            raise bad_metadata(f"Metadata Port {metadata['Port']} must be 1150-65535.")
        group = metadata.get('DBSubnetGroupName')
        if not group:
            # The simulator's source clusters are in a DB subnet group; a restore without one would need the default VPC's.
            raise bad_metadata('Metadata DBSubnetGroupName is required to restore this Aurora recovery point.')
        if self.app.dynamodb_endpoint and not subnet_group_exists(self.app.moto('rds'), str(group)):
            raise bad_metadata(f'Metadata DBSubnetGroupName {group!r}: DB subnet group not found.')
        return str(identifier).lower()

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        """RestoreDBClusterFromSnapshot of the point's snapshot; an identifier in use fails the job, as in AWS."""
        metadata, rds = job['metadata'], self.app.moto('rds')
        args: dict[str, Any] = {'SnapshotIdentifier': point['cluster_snapshot_id']}
        for key in STRING_KEYS:
            if key in metadata:
                args[key] = str(metadata[key])
        args['DBClusterIdentifier'] = args['DBClusterIdentifier'].lower()
        for key in BOOLEAN_KEYS:
            if key in metadata:
                args[key] = str(metadata[key]).lower() == 'true'
        for key in INTEGER_KEYS:
            if key in metadata:
                args[key] = int(metadata[key])
        for key in LIST_KEYS:
            if key in metadata:
                args[key] = security_groups(metadata[key])
        seconds = point['db_cluster'].get('creating_seconds')
        if seconds is not None:
            tags = [{'Key': str(key), 'Value': str(value)} for key, value in (point['db_cluster'].get('tags') or {}).items()]
            args['Tags'] = tags + [{'Key': CREATING_TAG, 'Value': str(seconds)}]
        try:
            rds.describe_db_clusters(DBClusterIdentifier=args['DBClusterIdentifier'])
        except botocore.exceptions.ClientError:
            pass
        else:
            raise RestoreFailure(f'Restore of DB cluster {args["DBClusterIdentifier"]} failed: DBClusterAlreadyExistsFault')
        try:
            cluster = rds.restore_db_cluster_from_snapshot(**args)['DBCluster']
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of DB cluster {args["DBClusterIdentifier"]} failed: {exc}') from exc
        self.restored.add(cluster['DBClusterIdentifier'])
        return cluster['DBClusterArn']

    @classmethod
    def strict_moto(cls) -> None:
        patch_moto_clusters()


def engine(spec: dict[str, Any]) -> str:
    return str(spec.get('engine', 'aurora-postgresql'))


def drop_cluster(rds: Any, identifier: str) -> None:
    try:
        rds.delete_db_cluster(DBClusterIdentifier=identifier, SkipFinalSnapshot=True)
    except botocore.exceptions.ClientError:
        pass


_PATCHED: list[bool] = []


def patch_moto_clusters() -> None:
    """One small patch of moto's RDS models, in the moto server's process (once): a DB cluster made by
    RestoreDBClusterFromSnapshot reports Status `creating` for SIM_CREATING_SECONDS (default 3) after it was
    created, then its own status (`available`). moto reports `creating` only in the create call's answer and
    `available` on the first describe; AWS's cluster is `creating` for minutes (Aurora User Guide, "Viewing DB
    cluster status"). DeleteDBCluster drops the cluster's automated snapshots (`rds:<id>-<time>`), as RDS does by
    default (DeleteAutomatedBackups); moto keeps them, and a cluster made again under that identifier in the same
    minute would then fail with DBClusterSnapshotAlreadyExists. A restore tagged sim:creating-seconds=<n> (the handler, from the seed) is `creating` for n
    seconds instead; the tag is dropped.
    """
    if _PATCHED:
        return
    from moto.rds import models

    original_status = models.DBCluster.status

    def get_status(self: Any) -> str:
        ready_at = self.__dict__.get('_sim_ready_at')
        if ready_at is not None:
            if time.time() < ready_at:
                return 'creating'
            if self.__dict__.get('_status') == 'creating':
                # The creating phase is over: moto's own one-shot `creating` is not added after it.
                self.__dict__['_status'] = 'available'
        return original_status.fget(self)

    original = models.RDSBackend.restore_db_cluster_from_snapshot

    def restore_db_cluster_from_snapshot(self: Any, from_snapshot_id: str, overrides: dict[str, Any]) -> Any:
        answer = original(self, from_snapshot_id, overrides)
        for cluster in {id(answer): answer, id(self.clusters.get(answer.db_cluster_identifier)):
                        self.clusters.get(answer.db_cluster_identifier)}.values():
            if cluster is None:
                continue
            seconds = next((float(tag['Value']) for tag in cluster.tags if tag['Key'] == CREATING_TAG), None)
            cluster.tags = [tag for tag in cluster.tags if tag['Key'] != CREATING_TAG]
            cluster.__dict__['_sim_ready_at'] = time.time() + (creating_seconds() if seconds is None else seconds)
        return answer

    original_delete = models.RDSBackend.delete_db_cluster

    def delete_db_cluster(self: Any, cluster_identifier: str, snapshot_name: str | None = None) -> Any:
        answer = original_delete(self, cluster_identifier, snapshot_name)
        for snapshot_id in [key for key in self.cluster_snapshots if key.startswith(f'rds:{cluster_identifier}-')]:
            del self.cluster_snapshots[snapshot_id]
        return answer

    models.DBCluster.status = property(get_status, original_status.fset)
    models.RDSBackend.restore_db_cluster_from_snapshot = restore_db_cluster_from_snapshot
    models.RDSBackend.delete_db_cluster = delete_db_cluster
    _PATCHED.append(True)
