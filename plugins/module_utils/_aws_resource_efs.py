# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An EFS file system restored from an AWS Backup recovery point. Keys: docs/aws.md "EFS file systems".

The metadata keys are the ones StartRestoreJob's API reference lists for EFS (seed 004): file-system-id,
Encrypted, KmsKeyId, PerformanceMode, CreationToken, newFileSystem and ItemsToRestore. A restore with
newFileSystem false writes into the source file system (AWS Backup puts the files into a recovery
directory off its root, restoring-efs.html): it needs efs.allow_in_place, and the source is never tagged.
"""

from __future__ import annotations

import json
import re
import time

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_details, is_missing, paginate, plain)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import KMS_KEY, RestoredResource, flag, given, tag_dict, tag_list
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

# botocore's efs model: FileSystemId is fs- and 8 to 40 hex digits; CreationToken 1 to 64 characters.
FILE_SYSTEM_ID = re.compile(r'fs-[0-9a-f]{8,40}')
CREATION_TOKEN = re.compile(r'[^\x00-\x1f\x7f]{1,64}')
PERFORMANCE_MODES = ('generalPurpose', 'maxIO')
# StartRestoreJob's Metadata: "ItemsToRestore: An array of one to five strings where each string is a file path".
MOST_ITEMS = 5
# A path relative to the file system root, written from it (restoring-efs.html: "/file1"); no wildcards.
ITEM_PATH = re.compile(r'/[^\x00-\x1f\x7f*?]*')
# DeleteMountTarget returns before the mount target is gone, and DeleteFileSystem refuses a file system that
# still has one (FileSystemInUse): how long to wait for them to go.
MOUNT_TARGETS_GONE_SECONDS = 300


def check_items(name, paths):
    """`paths` (a list) as ItemsToRestore takes them: 1 to 5 absolute paths, no '..', no wildcards."""
    if not isinstance(paths, list) or not 1 <= len(paths) <= MOST_ITEMS:
        raise OptionError('%s must be a list of 1 to %d file paths, got %r' % (name, MOST_ITEMS, paths))
    for path in paths:
        if not isinstance(path, str) or not ITEM_PATH.fullmatch(path) or '..' in path.split('/'):
            raise OptionError('%s must hold paths from the file system root such as /home/data (no .., * or ?), got %r'
                              % (name, path))


class EfsFileSystem(RestoredResource):
    group, resource_type, kind, service, noun = 'efs', 'EFS', 'efs_file_system', 'efs', 'file system'
    options = {
        'file_system_id': ('file-system-id', {'type': 'str'}),
        'new_file_system': ('newFileSystem', {'type': 'bool'}),
        'encrypted': ('Encrypted', {'type': 'bool'}),
        'kms_key_id': ('KmsKeyId', {'type': 'str', 'no_log': False}),
        'performance_mode': ('PerformanceMode', {'type': 'str', 'choices': list(PERFORMANCE_MODES)}),
        'creation_token': ('CreationToken', {'type': 'str', 'no_log': False}),
        'items_to_restore': ('ItemsToRestore', {'type': 'list', 'elements': 'str'}),
    }
    # Not metadata: the opt-in a restore into the source file system (newFileSystem false) needs.
    flags = {'allow_in_place': {'type': 'bool', 'default': False}}
    # Every key GetRecoveryPointRestoreMetadata returns for EFS is one an option sets (UNCONFIRMED which it returns).
    other_keys = ()
    id_pattern, id_accepts = FILE_SYSTEM_ID, 'an EFS file system id such as fs-0123456789abcdef0'
    pending_states = ('creating', 'updating')
    expected = {'performance_mode': 'performance mode', 'encrypted': 'encryption'}

    def drill_expected(self, point, metadata, verify):
        # Lifecycle `available` is the ready check; the files are not read.
        return given(performance_mode=metadata.get('PerformanceMode'), encrypted=flag(metadata, 'Encrypted'))

    def check(self, group):
        _checks.whole('efs.file_system_id', group.get('file_system_id'), FILE_SYSTEM_ID,
                      'an EFS file system id: fs- and 8 to 40 hex digits, such as fs-0123456789abcdef0')
        _checks.whole('efs.kms_key_id', group.get('kms_key_id'), KMS_KEY, 'a KMS key id, alias or ARN')
        _checks.whole('efs.creation_token', group.get('creation_token'), CREATION_TOKEN,
                      '1 to 64 characters without control characters')
        if group.get('items_to_restore') is not None:
            check_items('efs.items_to_restore', group['items_to_restore'])
        if group.get('kms_key_id') and group.get('encrypted') is not True:
            raise OptionError('efs.kms_key_id needs efs.encrypted: true (StartRestoreJob: "If KmsKeyId is specified, '
                              'Encrypted must be set to true")')
        if group.get('new_file_system') is False and not group.get('allow_in_place'):
            raise OptionError(self.in_place_refusal())

    @staticmethod
    def in_place_refusal(source=None):
        return ('efs.new_file_system: false restores into the source file system%s (AWS Backup writes the files into '
                'a recovery directory off its root). Set efs.allow_in_place: true to do that, or efs.new_file_system: '
                'true with an efs.creation_token to restore into a new file system.' % (' ' + source if source else ''))

    def in_place(self, metadata, source_name):
        # Anything but newFileSystem true restores into the source: never tag what may be the source.
        return str(metadata.get('newFileSystem', '')).lower() != 'true'

    def conflict(self, clients, metadata, source_name, group):
        """The merged metadata, as StartRestoreJob would take it, and a new file system's CreationToken still free."""
        new = str(metadata.get('newFileSystem', '')).lower()
        if new not in ('true', 'false'):
            return ('newFileSystem must be true or false, got %r: StartRestoreJob documents it for EFS restores. Set '
                    'efs.new_file_system.' % metadata.get('newFileSystem'))
        if 'Encrypted' in metadata and str(metadata['Encrypted']).lower() not in ('true', 'false'):
            return 'Metadata Encrypted must be true or false, got %r (set efs.encrypted)' % metadata['Encrypted']
        if metadata.get('KmsKeyId') and str(metadata.get('Encrypted', '')).lower() != 'true':
            return 'Metadata KmsKeyId needs Encrypted true (set efs.encrypted: true)'
        if metadata.get('PerformanceMode') is not None and metadata['PerformanceMode'] not in PERFORMANCE_MODES:
            return 'Metadata PerformanceMode must be one of %s, got %r' % (', '.join(PERFORMANCE_MODES), metadata['PerformanceMode'])
        if metadata.get('ItemsToRestore') is not None:
            try:
                items = json.loads(str(metadata['ItemsToRestore']))
            except ValueError:
                return ('Metadata ItemsToRestore must be a JSON list of 1 to %d paths such as ["/home/data"] '
                        '(set efs.items_to_restore), got %r' % (MOST_ITEMS, metadata['ItemsToRestore']))
            try:
                check_items('metadata.ItemsToRestore', items)
            except OptionError as exc:
                return exc.msg
        source = self.created_id(source_name) if FILE_SYSTEM_ID.fullmatch(self.created_id(source_name) or '') else None
        named = metadata.get('file-system-id')
        if source and named and named != source:
            return ('Metadata file-system-id %s is not the file system this recovery point backed up (%s)' % (named, source))
        if new == 'false':
            return None if group.get('allow_in_place') else self.in_place_refusal(named or source)
        token = metadata.get('CreationToken')
        if not token:
            return ('A restore to a new file system needs a CreationToken (StartRestoreJob\'s EFS metadata): set '
                    'efs.creation_token, e.g. to the drill\'s name.')
        if not CREATION_TOKEN.fullmatch(str(token)):
            return 'Metadata CreationToken must be 1 to 64 characters without control characters, got %r' % token
        taken = self.by_creation_token(clients, str(token))
        if taken:
            return ('File system %s already has CreationToken %s, so the restore would fail (EFS refuses a second file '
                    'system with the same token). Choose another efs.creation_token, or delete %s first.'
                    % (taken['FileSystemId'], token, taken['FileSystemId']))
        return None

    @staticmethod
    def by_creation_token(clients, token):
        systems = list(paginate(clients.efs, 'describe_file_systems', 'FileSystems', CreationToken=token))
        return next((fs for fs in systems if fs.get('LifeCycleState') not in ('deleting', 'deleted')), None)

    def read(self, clients, resource_id, full=True):
        """{id, arn, name, state, performance_mode, encrypted, kms_key_id, throughput_mode, size_bytes, creation_token,
        created_at, tags} or None when the file system is not there (or being deleted)."""
        try:
            systems = clients.efs.describe_file_systems(FileSystemId=resource_id)['FileSystems']
        except AWS_ERRORS as exc:
            if is_missing(exc, ('FileSystemNotFound',)):
                return None
            raise OperationFailed(describe_error(clients.efs, 'describe_file_systems', exc), error=error_details(exc)) from None
        if not systems or systems[0].get('LifeCycleState') in ('deleting', 'deleted'):
            return None
        raw = plain(systems[0])
        return {'id': raw['FileSystemId'], 'arn': raw.get('FileSystemArn'), 'name': raw.get('Name') or None,
                'state': raw.get('LifeCycleState'), 'performance_mode': raw.get('PerformanceMode'), 'encrypted': raw.get('Encrypted'),
                'kms_key_id': raw.get('KmsKeyId'), 'throughput_mode': raw.get('ThroughputMode'),
                'size_bytes': (raw.get('SizeInBytes') or {}).get('Value'), 'creation_token': raw.get('CreationToken'),
                'created_at': raw.get('CreationTime'), 'tags': tag_dict(raw.get('Tags'))}

    def tag(self, clients, arn, tags):
        """TagResource (CreateTags is deprecated in the efs model); it adds to the file system's other tags."""
        call(clients.efs, 'tag_resource', ResourceId=self.created_id(arn), Tags=tag_list(tags))

    def remove(self, clients, resource_id, clock=time):
        """Its mount targets first (DeleteFileSystem refuses a file system that has one), then the file system."""
        efs = clients.efs
        targets = list(paginate(efs, 'describe_mount_targets', 'MountTargets', FileSystemId=resource_id))
        for target in targets:
            call(efs, 'delete_mount_target', MountTargetId=target['MountTargetId'])
        started = clock.monotonic()
        while targets:
            targets = list(paginate(efs, 'describe_mount_targets', 'MountTargets', FileSystemId=resource_id))
            if not targets:
                break
            if clock.monotonic() - started >= MOUNT_TARGETS_GONE_SECONDS:
                raise OperationFailed('File system %s still has %d mount target(s) %ss after they were deleted; run the '
                                      'cleanup again later' % (resource_id, len(targets), MOUNT_TARGETS_GONE_SECONDS))
            clock.sleep(self.ready_poll)
        call(efs, 'delete_file_system', FileSystemId=resource_id)
