# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""aws_backup_restore's option group per resource type: each option is one StartRestoreJob metadata key.

A group (`ebs`, `s3`) is a dict option; its suboptions are checked before any call and become
metadata keys merged over GetRecoveryPointRestoreMetadata (then `metadata` wins, a contradiction
fails). `metadata` keys of a type whose keys are listed here must be among them, so a misspelt key
is refused before anything is sent. Where each key is documented: docs/aws.md, per type.
"""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError

AVAILABILITY_ZONE = re.compile(r'[a-z]{2}(-[a-z]+)+-\d[a-z]')
BUCKET_NAME = re.compile(r'(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]')
VOLUME_ID = re.compile(r'vol-[0-9a-f]{8,17}')
KMS_KEY = re.compile(r'(arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[A-Za-z0-9/_-]+|[0-9a-f-]{36}|alias/[A-Za-z0-9/_-]+)')
EBS_VOLUME_TYPES = ('standard', 'io1', 'io2', 'gp2', 'gp3', 'sc1', 'st1')
S3_ENCRYPTION_TYPES = ('SSE-S3', 'SSE-KMS')

# group option -> the AWS Backup resource type, the created_resource.type, each suboption's metadata key
# and argument spec, and the other metadata keys the type accepts in `metadata`.
GROUPS = {
    'ebs': {
        'resource_type': 'EBS', 'created': 'ebs_volume',
        'options': {
            'availability_zone': ('availabilityZone', {'type': 'str'}),
            'volume_type': ('volumeType', {'type': 'str', 'choices': list(EBS_VOLUME_TYPES)}),
            'volume_size': ('volumeSize', {'type': 'int'}),
            'iops': ('iops', {'type': 'int'}),
            'throughput': ('throughput', {'type': 'int'}),
            'encrypted': ('encrypted', {'type': 'bool'}),
            'kms_key_id': ('kmsKeyId', {'type': 'str', 'no_log': False}),
        },
        # GetRecoveryPointRestoreMetadata's own keys for a volume (UNCONFIRMED beyond the simulator's).
        'other_keys': ('volumeId',),
    },
    's3': {
        'resource_type': 'S3', 'created': 's3_bucket',
        'options': {
            'destination_bucket_name': ('DestinationBucketName', {'type': 'str'}),
            'new_bucket': ('NewBucket', {'type': 'bool'}),
            'encrypted': ('Encrypted', {'type': 'bool'}),
            'encryption_type': ('EncryptionType', {'type': 'str', 'choices': list(S3_ENCRYPTION_TYPES)}),
            'kms_key': ('KMSKey', {'type': 'str', 'no_log': False}),
        },
        # Not metadata: the opt-in a restore into the source bucket needs.
        'flags': {'allow_in_place': {'type': 'bool', 'default': False}},
        'other_keys': ('BucketName',),
    },
}
BY_TYPE = {group['resource_type']: name for name, group in GROUPS.items()}


def argument_spec():
    """The group options for the module's argument spec."""
    spec = {}
    for name, group in GROUPS.items():
        options = {option: dict(option_spec) for option, (_key, option_spec) in group['options'].items()}
        options.update({flag: dict(flag_spec) for flag, flag_spec in group.get('flags', {}).items()})
        spec[name] = {'type': 'dict', 'options': options}
    return spec


def accepted_keys(resource_type):
    """The metadata keys `metadata` may set for a resource type, or None when this file does not list them."""
    name = BY_TYPE.get(resource_type)
    if name is None:
        return None
    group = GROUPS[name]
    return sorted([key for key, _spec in group['options'].values()] + list(group['other_keys']))


def used_group(params):
    """(group name, its resource type) of the one group set, (None, None) when none is."""
    used = [name for name in GROUPS if params.get(name)]
    if len(used) > 1:
        raise OptionError('%s are option groups of different resource types; set one of them' % ' and '.join(used))
    return (used[0], GROUPS[used[0]]['resource_type']) if used else (None, None)


def check_metadata_keys(resource_type, metadata, fail=OptionError):
    """Every `metadata` key must be one the resource type documents (or its recovery point returns)."""
    accepted = accepted_keys(resource_type)
    if accepted is None:
        return
    unknown = sorted(set(metadata or {}) - set(accepted))
    if unknown:
        raise fail('metadata key%s %s %s not restore metadata of %s; accepted: %s' % (
            's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is', resource_type,
            ', '.join(accepted)))


def check_options(params):
    """The group rules, whole-string, before any call (the module's check_options calls this)."""
    name, resource_type = used_group(params)
    if params.get('resource_type') and resource_type and params['resource_type'] != resource_type:
        raise OptionError('%s is the option group of %s recovery points, but resource_type is %s'
                          % (name, resource_type, params['resource_type']))
    check_metadata_keys(params.get('resource_type') or resource_type, params.get('metadata'))
    ebs, s3 = params.get('ebs') or {}, params.get('s3') or {}
    _checks.whole('ebs.availability_zone', ebs.get('availability_zone'), AVAILABILITY_ZONE, 'an availability zone such as us-east-1a')
    for option in ('volume_size', 'iops', 'throughput'):
        if ebs.get(option) is not None:
            _checks.at_least('ebs.%s' % option, ebs[option], 1)
    _checks.whole('ebs.kms_key_id', ebs.get('kms_key_id'), KMS_KEY, 'a KMS key id, alias or ARN')
    if ebs.get('kms_key_id') and ebs.get('encrypted') is not True:
        raise OptionError('ebs.kms_key_id needs ebs.encrypted: true')
    if ebs.get('iops') and ebs.get('volume_type') not in ('io1', 'io2', 'gp3'):
        raise OptionError('ebs.iops applies to volume_type io1, io2 or gp3, got volume_type: %s' % ebs.get('volume_type'))
    if ebs.get('throughput') and ebs.get('volume_type') != 'gp3':
        raise OptionError('ebs.throughput applies to volume_type gp3 only, got volume_type: %s' % ebs.get('volume_type'))
    _checks.whole('s3.destination_bucket_name', s3.get('destination_bucket_name'), BUCKET_NAME,
                  '3 to 63 characters of a-z, 0-9, . and -, starting and ending with a letter or digit')
    _checks.whole('s3.kms_key', s3.get('kms_key'), KMS_KEY, 'a KMS key id, alias or ARN')
    if s3.get('encryption_type') == 'SSE-KMS' and not s3.get('kms_key'):
        raise OptionError('s3.encryption_type: SSE-KMS needs s3.kms_key')
    if s3.get('kms_key') and s3.get('encryption_type') != 'SSE-KMS':
        raise OptionError('s3.kms_key needs s3.encryption_type: SSE-KMS')
    if s3.get('new_bucket') is False and not s3.get('destination_bucket_name'):
        raise OptionError('s3.new_bucket: false restores into an existing bucket: name it in s3.destination_bucket_name')


def helpers(params):
    """{metadata key: string value} of the group options set; bools as true/false, numbers as text."""
    name, _resource_type = used_group(params)
    if name is None:
        return {}
    values = {}
    for option, (key, _spec) in GROUPS[name]['options'].items():
        value = params[name].get(option)
        if value is not None:
            values[key] = ('true' if value else 'false') if isinstance(value, bool) else str(value)
    return values


def option_for(key):
    """The group option that sets a metadata key, for messages."""
    return next(('%s.%s' % (name, option) for name, group in GROUPS.items()
                 for option, (metadata_key, _spec) in group['options'].items() if metadata_key == key), key)


def in_place_refusal(resource_type, metadata, source_name, params):
    """A message when the merged metadata restores into the source resource without the opt-in; None otherwise."""
    if resource_type != 'S3':
        return None
    target = metadata.get('DestinationBucketName') or metadata.get('BucketName')
    if target and target == source_name and not (params.get('s3') or {}).get('allow_in_place'):
        return ('This restore writes into the source bucket %s (DestinationBucketName). Set s3.allow_in_place: true to do '
                'that, or name another bucket in s3.destination_bucket_name.' % source_name)
    return None
