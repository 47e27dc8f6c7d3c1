"""EBS: every seeded point is a moto snapshot of a seeded volume; a restore creates a volume from it."""
from __future__ import annotations

import re
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.resources import ResourceHandler

VOLUME_TYPES = ('standard', 'io1', 'io2', 'gp2', 'gp3', 'sc1', 'st1')
# EC2's limits per volume type: (least GiB, most GiB); io1/io2/gp3 take iops, gp3 throughput.
SIZES = {'standard': (1, 1024), 'io1': (4, 16384), 'io2': (4, 65536), 'gp2': (1, 16384), 'gp3': (1, 16384),
         'sc1': (125, 16384), 'st1': (125, 16384)}


class EbsHandler(ResourceHandler):
    resource_type = 'EBS'
    persisted = ('snapshot_id',)

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['volume'] = dict(spec.get('volume') or {})

    def provision(self, points: list[dict[str, Any]]) -> None:
        ec2 = self.app.moto('ec2')
        for volume_id in sorted(self.restored):
            try:
                ec2.delete_volume(VolumeId=volume_id)
            except botocore.exceptions.ClientError:
                pass
        self.restored = set()
        for point in points:
            volume = point['volume']
            size = int(volume.get('size_gib') or max(1, point['size'] // 2**30))
            source = ec2.create_volume(Size=size, AvailabilityZone=self.zone(point, {}), VolumeType=str(volume.get('volume_type', 'gp3')),
                                       TagSpecifications=[{'ResourceType': 'volume', 'Tags': [{'Key': 'Name', 'Value': point['resource_name']}]}])
            point['snapshot_id'] = ec2.create_snapshot(VolumeId=source['VolumeId'], Description=f"AWS Backup {point['arn']}")['SnapshotId']

    def zone(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        # Without availabilityZone the volume goes to the source volume's zone (whether AWS requires the key: UNCONFIRMED).
        return str(metadata.get('availabilityZone', point['volume'].get('availability_zone', f'{self.app.region}a')))

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED keys; enough for a client to pass them back to StartRestoreJob.
        volume = point['volume']
        metadata = {'volumeId': point['resource_name'], 'volumeType': str(volume.get('volume_type', 'gp3')),
                    'availabilityZone': self.zone(point, {}), 'encrypted': 'false'}
        if volume.get('size_gib'):
            metadata['volumeSize'] = str(volume['size_gib'])
        return metadata

    def snapshot_size(self, point: dict[str, Any]) -> int | None:
        if not (self.app.dynamodb_endpoint and point.get('snapshot_id')):
            return int(point['volume']['size_gib']) if point['volume'].get('size_gib') else None
        return int(self.app.moto('ec2').describe_snapshots(SnapshotIds=[point['snapshot_id']])['Snapshots'][0]['VolumeSize'])

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """What EC2's CreateVolume refuses and moto lets through, refused at the start as a bad parameter."""
        volume_type = str(metadata.get('volumeType', 'gp2'))
        if volume_type not in VOLUME_TYPES:
            raise bad_metadata(f"Metadata volumeType {volume_type!r} is not one of {', '.join(VOLUME_TYPES)}.")
        zone = self.zone(point, metadata)
        if not re.fullmatch(re.escape(self.app.region) + r'[a-f]', zone):
            raise bad_metadata(f'Metadata availabilityZone {zone!r} is not an availability zone of {self.app.region}.')
        check_booleans(metadata, 'encrypted')
        if metadata.get('kmsKeyId') and str(metadata.get('encrypted', 'false')).lower() != 'true':
            raise bad_metadata('Metadata kmsKeyId needs encrypted true.')
        snapshot = self.snapshot_size(point)
        if 'volumeSize' in metadata:
            text = str(metadata['volumeSize'])
            low, high = SIZES[volume_type]
            if not text.isdigit() or not low <= int(text) <= high:
                raise bad_metadata(f'Metadata volumeSize {text!r} must be {low} to {high} GiB for {volume_type}.')
            if snapshot is not None and int(text) < snapshot:
                raise bad_metadata(f'Metadata volumeSize {text} GiB is smaller than the snapshot ({snapshot} GiB).')
        if 'iops' in metadata and volume_type not in ('io1', 'io2', 'gp3'):
            raise bad_metadata(f'Metadata iops does not apply to volumeType {volume_type}.')
        if 'throughput' in metadata and volume_type != 'gp3':
            raise bad_metadata(f'Metadata throughput applies to gp3 only, not {volume_type}.')
        return f"volume-of:{point['resource_name']}"

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        metadata, ec2 = job['metadata'], self.app.moto('ec2')
        args: dict[str, Any] = {'SnapshotId': point['snapshot_id'], 'AvailabilityZone': self.zone(point, metadata),
                                'VolumeType': str(metadata.get('volumeType', 'gp2')),
                                'Encrypted': str(metadata.get('encrypted', 'false')).lower() == 'true'}
        for key, arg in (('volumeSize', 'Size'), ('iops', 'Iops'), ('throughput', 'Throughput')):
            if key in metadata:
                args[arg] = int(metadata[key])
        if metadata.get('kmsKeyId'):
            args['KmsKeyId'] = str(metadata['kmsKeyId'])
        try:
            volume_id = ec2.create_volume(**args)['VolumeId']
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of {point["resource_name"]} failed: {exc}') from exc
        self.restored.add(volume_id)
        return f'arn:aws:ec2:{self.app.region}:{self.app.account_id}:volume/{volume_id}'
