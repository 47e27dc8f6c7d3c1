# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An EBS volume restored from an AWS Backup recovery point (a snapshot). Keys: docs/aws.md "EBS"."""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_details, is_missing, plain)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import (
    AVAILABILITY_ZONE, KMS_KEY, RestoredResource, given, tag_dict, tag_list)
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

VOLUME_ID = re.compile(r'vol-[0-9a-f]{8,17}')
VOLUME_TYPES = ('standard', 'io1', 'io2', 'gp2', 'gp3', 'sc1', 'st1')


class EbsVolume(RestoredResource):
    group, resource_type, kind, service, noun = 'ebs', 'EBS', 'ebs_volume', 'ec2', 'volume'
    options = {
        'availability_zone': ('availabilityZone', {'type': 'str'}),
        'volume_type': ('volumeType', {'type': 'str', 'choices': list(VOLUME_TYPES)}),
        'volume_size': ('volumeSize', {'type': 'int'}),
        'iops': ('iops', {'type': 'int'}),
        'throughput': ('throughput', {'type': 'int'}),
        'encrypted': ('encrypted', {'type': 'bool'}),
        'kms_key_id': ('kmsKeyId', {'type': 'str', 'no_log': False}),
    }
    # GetRecoveryPointRestoreMetadata's own keys for a volume (UNCONFIRMED beyond the simulator's).
    other_keys = ('volumeId',)
    id_pattern, id_accepts = VOLUME_ID, 'an EBS volume id such as vol-0abc1234def567890'
    expected = {'size_gib': 'size (GiB)', 'volume_type': 'volume type', 'encrypted': 'encryption'}

    def drill_expected(self, point, metadata, verify):
        # What the restore asked for, else the snapshot's size: the recovery point's size in GiB.
        size = metadata.get('volumeSize') or _whole(point.get('size_bytes')) // 1073741824
        return given(size_gib=size or None, volume_type=metadata.get('volumeType'))

    def check(self, group):
        _checks.whole('ebs.availability_zone', group.get('availability_zone'), AVAILABILITY_ZONE, 'an availability zone such as us-east-1a')
        for option in ('volume_size', 'iops', 'throughput'):
            if group.get(option) is not None:
                _checks.at_least('ebs.%s' % option, group[option], 1)
        _checks.whole('ebs.kms_key_id', group.get('kms_key_id'), KMS_KEY, 'a KMS key id, alias or ARN')
        if group.get('kms_key_id') and group.get('encrypted') is not True:
            raise OptionError('ebs.kms_key_id needs ebs.encrypted: true')
        if group.get('iops') and group.get('volume_type') not in ('io1', 'io2', 'gp3'):
            raise OptionError('ebs.iops applies to volume_type io1, io2 or gp3, got volume_type: %s' % group.get('volume_type'))
        if group.get('throughput') and group.get('volume_type') != 'gp3':
            raise OptionError('ebs.throughput applies to volume_type gp3 only, got volume_type: %s' % group.get('volume_type'))

    def read(self, clients, resource_id, full=True):
        """{id, state, size_gib, volume_type, encrypted, availability_zone, iops, snapshot_id, created_at, tags} or None."""
        try:
            volumes = clients.ec2.describe_volumes(VolumeIds=[resource_id])['Volumes']
        except AWS_ERRORS as exc:
            if is_missing(exc, ('InvalidVolume.NotFound',)):
                return None
            raise OperationFailed(describe_error(clients.ec2, 'describe_volumes', exc), error=error_details(exc)) from None
        if not volumes or volumes[0].get('State') in ('deleting', 'deleted'):
            return None
        raw = plain(volumes[0])
        return {'id': raw['VolumeId'], 'state': raw.get('State'), 'size_gib': raw.get('Size'), 'volume_type': raw.get('VolumeType'),
                'encrypted': raw.get('Encrypted'), 'availability_zone': raw.get('AvailabilityZone'), 'iops': raw.get('Iops'),
                'snapshot_id': raw.get('SnapshotId'), 'created_at': raw.get('CreateTime'), 'tags': tag_dict(raw.get('Tags'))}

    def tag(self, clients, arn, tags):
        call(clients.ec2, 'create_tags', Resources=[self.created_id(arn)], Tags=tag_list(tags))

    def remove(self, clients, resource_id):
        call(clients.ec2, 'delete_volume', VolumeId=resource_id)


def _whole(value):
    """A number of bytes as the point gives it; 0 when it gives none a number can be read from."""
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
