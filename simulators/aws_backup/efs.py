"""EFS: every seeded point is a backup of a moto file system; a restore creates a new file system, or (newFileSystem
false) restores into the source, which moto, holding no files, leaves as it was.

StartRestoreJob's Metadata for EFS (the API reference, seed 004): file-system-id, Encrypted, KmsKeyId,
PerformanceMode, CreationToken, newFileSystem, ItemsToRestore ("an array of one to five strings where each
string is a file path", sent as a JSON list). What the simulator refuses beyond moto is what those words and
CreateFileSystem (botocore's efs model) say; which of them AWS Backup itself refuses at the start, rather than
failing the job, is UNCONFIRMED.
"""
from __future__ import annotations

import json
import re
import time
from typing import Any

import botocore.exceptions

from simulators.aws_backup.errors import RestoreFailure, bad_metadata, check_booleans
from simulators.aws_backup.resources import ResourceHandler, creating_seconds

PERFORMANCE_MODES = ('generalPurpose', 'maxIO')
FILE_SYSTEM_ID = re.compile(r'fs-[0-9a-f]{8,40}')
# A tag that makes the moto server give a file system this id (strict_moto): a seeded source keeps the id its
# recovery point's ResourceArn names, as in AWS. Never seen by a client: the patched moto drops it.
PIN_TAG = 'sim:file-system-id'
MOST_ITEMS = 5


class EfsHandler(ResourceHandler):
    resource_type = 'EFS'
    persisted = ('file_system_id',)

    def load(self, point: dict[str, Any], spec: dict[str, Any]) -> None:
        point['file_system'] = dict(spec.get('file_system') or {})

    def source_id(self, point: dict[str, Any]) -> str:
        return self.name_of(point['resource_arn'])

    def arn(self, file_system_id: str) -> str:
        return f'arn:aws:elasticfilesystem:{self.app.region}:{self.app.account_id}:file-system/{file_system_id}'

    def provision(self, points: list[dict[str, Any]]) -> None:
        efs = self.app.moto('efs')
        for file_system_id in sorted(self.restored | {self.source_id(point) for point in points}
                                     | {point['file_system_id'] for point in points if point.get('file_system_id')}):
            drop_file_system(efs, file_system_id)
        self.restored = set()
        for point in points:
            spec, source = point['file_system'], self.source_id(point)
            tags = [{'Key': 'Name', 'Value': str(spec.get('name', source))}, {'Key': PIN_TAG, 'Value': source}]
            tags += [{'Key': str(key), 'Value': str(value)} for key, value in (spec.get('tags') or {}).items()]
            args: dict[str, Any] = {'CreationToken': f'sim-source-{source}', 'PerformanceMode': str(spec.get('performance_mode', 'generalPurpose')),
                                    'Encrypted': bool(spec.get('encrypted', False)), 'Tags': tags}
            if spec.get('kms_key_id'):
                args['KmsKeyId'] = str(spec['kms_key_id'])
            # Without strict_moto's patch moto picks its own id: the point keeps whichever id its source got.
            point['file_system_id'] = efs.create_file_system(**args)['FileSystemId']

    def restore_metadata(self, point: dict[str, Any]) -> dict[str, str]:
        # UNCONFIRMED which keys AWS returns for EFS: the API reference says file-system-id is "Returned in
        # GetRecoveryPointRestoreMetadata"; the source's encryption and performance mode, and newFileSystem true (a new
        # file system, the non-destructive default of the console), are this simulator's choice. No CreationToken: a
        # restore names its own.
        spec = point['file_system']
        metadata = {'file-system-id': self.source_id(point), 'Encrypted': 'true' if spec.get('encrypted') else 'false',
                    'PerformanceMode': str(spec.get('performance_mode', 'generalPurpose')), 'newFileSystem': 'true'}
        if spec.get('kms_key_id'):
            metadata['KmsKeyId'] = str(spec['kms_key_id'])
        return metadata

    def target(self, point: dict[str, Any], metadata: dict[str, Any]) -> str:
        """What the Metadata doc and CreateFileSystem refuse, refused at the start as a bad parameter."""
        check_booleans(metadata, 'newFileSystem', 'Encrypted')
        if 'newFileSystem' not in metadata:
            raise bad_metadata('Metadata newFileSystem is required to restore an EFS recovery point (true or false).')
        named = metadata.get('file-system-id')
        if named is None:
            raise bad_metadata('Metadata file-system-id is required to restore an EFS recovery point.')
        if named != self.source_id(point):
            raise bad_metadata(f'Metadata file-system-id {named!r} is not the file system of recovery point {point["arn"]}.')
        mode = metadata.get('PerformanceMode')
        if mode is not None and mode not in PERFORMANCE_MODES:
            raise bad_metadata(f"Metadata PerformanceMode {mode!r} is not one of {', '.join(PERFORMANCE_MODES)}.")
        if metadata.get('KmsKeyId') and str(metadata.get('Encrypted', 'false')).lower() != 'true':
            raise bad_metadata('Metadata KmsKeyId needs Encrypted true.')
        if 'ItemsToRestore' in metadata:
            check_items(metadata['ItemsToRestore'])
        if str(metadata['newFileSystem']).lower() == 'false':
            return f'in-place:{named}'
        token = metadata.get('CreationToken')
        if not token:
            raise bad_metadata('Metadata CreationToken is required to restore to a new EFS file system.')
        if not 1 <= len(str(token)) <= 64:
            raise bad_metadata(f'Metadata CreationToken must be 1 to 64 characters, got {len(str(token))}.')
        return str(token)

    def restore(self, point: dict[str, Any], job: dict[str, Any]) -> str:
        metadata, efs = job['metadata'], self.app.moto('efs')
        if str(metadata['newFileSystem']).lower() == 'false':
            # Into the source: AWS Backup writes ItemsToRestore (or everything) into a recovery directory off its
            # root. moto holds no files, so the file system is left as it was; the job names it.
            source = point.get('file_system_id') or self.source_id(point)
            if not file_system_exists(efs, source):
                raise RestoreFailure(f'File system {source} does not exist.')
            return self.arn(source)
        args: dict[str, Any] = {'CreationToken': str(metadata['CreationToken']),
                                'PerformanceMode': str(metadata.get('PerformanceMode', 'generalPurpose')),
                                'Encrypted': str(metadata.get('Encrypted', 'false')).lower() == 'true'}
        if metadata.get('KmsKeyId'):
            args['KmsKeyId'] = str(metadata['KmsKeyId'])
        if job['copy_tags'] and point.get('file_system', {}).get('tags'):
            args['Tags'] = [{'Key': str(key), 'Value': str(value)} for key, value in point['file_system']['tags'].items()]
        try:
            created = efs.create_file_system(**args)
        except efs.exceptions.FileSystemAlreadyExists as exc:
            raise RestoreFailure(f"A file system with CreationToken {args['CreationToken']} already exists "
                                 f"({exc.response.get('FileSystemId', 'its id unknown')}).") from exc
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise RestoreFailure(f'Restore of {point["resource_name"]} failed: {exc}') from exc
        self.restored.add(created['FileSystemId'])
        return created.get('FileSystemArn') or self.arn(created['FileSystemId'])

    @classmethod
    def strict_moto(cls) -> None:
        patch_moto_efs()


def check_items(text: Any) -> None:
    try:
        items = json.loads(str(text))
    except ValueError as exc:
        raise bad_metadata(f'Metadata ItemsToRestore must be a JSON list of file paths, got {text!r}.') from exc
    if not isinstance(items, list) or not 1 <= len(items) <= MOST_ITEMS:
        raise bad_metadata(f'Metadata ItemsToRestore must be a list of 1 to {MOST_ITEMS} file paths, got {text!r}.')
    for item in items:
        if not isinstance(item, str) or not item.startswith('/'):
            raise bad_metadata(f'Metadata ItemsToRestore path {item!r} must start at the file system root (/).')


def file_system_exists(efs: Any, file_system_id: str) -> bool:
    try:
        return bool(efs.describe_file_systems(FileSystemId=file_system_id)['FileSystems'])
    except botocore.exceptions.ClientError:
        return False


def drop_file_system(efs: Any, file_system_id: str) -> None:
    """The file system and its mount targets, when it is there."""
    if not file_system_exists(efs, file_system_id):
        return
    for target in efs.describe_mount_targets(FileSystemId=file_system_id).get('MountTargets', []):
        efs.delete_mount_target(MountTargetId=target['MountTargetId'])
    efs.delete_file_system(FileSystemId=file_system_id)


_PATCHED: list[bool] = []


def patch_moto_efs() -> None:
    """Two small patches of moto's EFS models, in the moto server's process (once):

    - a file system reports LifeCycleState `creating` for SIM_CREATING_SECONDS (default 3) after it was created,
      then `available` (moto makes it `available` at once; CreateFileSystem documents "an initial lifecycle
      state creating");
    - CreateFileSystem with the tag sim:file-system-id=<id> gives the file system that id (the tag is dropped),
      so that a seeded source has the id its recovery point names.
    """
    if _PATCHED:
        return
    from moto.efs import models

    shown = models.FileSystem.info_json
    create = models.EFSBackend.create_file_system

    def info_json(self: Any) -> dict[str, Any]:
        info = shown(self)
        if info.get('LifeCycleState') == 'available' and time.time() - self.creation_time < creating_seconds():
            info['LifeCycleState'] = 'creating'
        return info

    def create_file_system(self: Any, *args: Any, **kwargs: Any) -> Any:
        tags = list(kwargs.get('tags') or [])
        pin = next((tag.get('Value') for tag in tags if tag.get('Key') == PIN_TAG), None)
        kwargs['tags'] = [tag for tag in tags if tag.get('Key') != PIN_TAG]
        file_system = create(self, *args, **kwargs)
        if pin and FILE_SYSTEM_ID.fullmatch(pin) and pin not in self.file_systems_by_id:
            old = file_system.file_system_id
            self.file_systems_by_id[pin] = self.file_systems_by_id.pop(old)
            self.tagging_service.copy_tags(old, pin)
            self.tagging_service.delete_all_tags_for_resource(old)
            file_system.file_system_id = pin
            file_system.file_system_arn = file_system.file_system_arn.rsplit('/', 1)[0] + '/' + pin
        return file_system

    models.FileSystem.info_json = info_json
    models.EFSBackend.create_file_system = create_file_system
    _PATCHED.append(True)
