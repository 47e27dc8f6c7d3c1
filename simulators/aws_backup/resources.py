"""One AWS Backup resource type the simulator restores into moto (DynamoDB tables stay in app.py).

A handler seeds the type's source resources in moto, answers GetRecoveryPointRestoreMetadata for its
points, refuses at StartRestoreJob what AWS refuses and moto would let through, and creates the
restored resource when a job completes. A new type is a module with a ResourceHandler subclass,
listed in handlers() at the bottom of this file.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulators.aws_backup.app import AwsBackupSim

# A tag that gives one restored resource its own `creating` phase, in seconds (a point's creating_seconds in
# the seed; the handlers' strict_moto patches read and drop it, so no client ever sees it).
CREATING_TAG = 'sim:creating-seconds'


def creating_seconds() -> float:
    """How long a restored RDS instance, Aurora cluster or EFS file system is `creating` (simulators.ctl sets 8)."""
    return float(os.environ.get('SIM_CREATING_SECONDS', '3'))


class ResourceHandler:
    resource_type = ''
    # Point keys made at provisioning (moto ids) that a restarted simulator must find again.
    persisted: tuple[str, ...] = ()

    def __init__(self, app: AwsBackupSim) -> None:
        self.app = app
        # Ids of what restores created, dropped at the next reset.
        self.restored: set[str] = set()

    @staticmethod
    def name_of(arn: str) -> str:
        """The resource name in a source ARN (its last path part)."""
        return arn.rsplit('/', 1)[-1]

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        """Copy the seed's description of the point's source (`spec`) into the point; set point['size']."""

    def provision(self, points: list[dict[str, Any]]) -> None:
        """Drop what restores made (self.restored), then (re)create each seeded point's source in moto."""

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        """GetRecoveryPointRestoreMetadata's RestoreMetadata for a point of this type."""
        return {}

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """Check StartRestoreJob's metadata as AWS would (raise errors.bad_metadata), and name the target."""
        return point['resource_name']

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        """Create the restored resource in moto; its ARN is the job's CreatedResourceArn (RestoreFailure: FAILED)."""
        raise NotImplementedError

    @classmethod
    def strict_moto(cls) -> None:
        """Make the moto server (simulators.moto_server) as strict as AWS for this type, in its own process."""


def handlers() -> tuple[type[ResourceHandler], ...]:
    from simulators.aws_backup.aurora import AuroraHandler  # issue 19: Aurora
    from simulators.aws_backup.ebs import EbsHandler
    from simulators.aws_backup.ec2 import Ec2Handler  # issue 19: EC2
    from simulators.aws_backup.efs import EfsHandler  # issue 19: EFS
    from simulators.aws_backup.rds import RdsHandler  # issue 19: RDS
    from simulators.aws_backup.s3 import S3Handler
    return (EbsHandler, S3Handler, EfsHandler, Ec2Handler, RdsHandler, AuroraHandler)
