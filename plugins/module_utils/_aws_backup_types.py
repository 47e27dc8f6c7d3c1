# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""The AWS Backup resource types this collection restores beyond DynamoDB, and aws_backup_restore's
option group per type: each suboption is one StartRestoreJob metadata key.

A group (`ebs`, `s3`, ...) is a dict option; its suboptions are checked before any call and become
metadata keys merged over GetRecoveryPointRestoreMetadata (then `metadata` wins, a contradiction
fails). `metadata` keys of a type listed here must be among its keys, so a misspelt key is refused
before anything is sent. Where each key is documented: docs/aws.md, per type. Each type is a
RestoredResource of its own file; TYPES lists them.
"""

from __future__ import annotations

import json

from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_aurora import AuroraCluster  # issue 19: Aurora
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_ebs import EbsVolume
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_ec2 import Ec2Instance  # issue 19: EC2
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_efs import EfsFileSystem  # issue 19: EFS
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_rds import RdsInstance  # issue 19: RDS
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_s3 import S3Bucket
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError

TYPES = (EbsVolume(), S3Bucket(), EfsFileSystem(), Ec2Instance(), RdsInstance(), AuroraCluster())
BY_GROUP = {kind.group: kind for kind in TYPES}
BY_TYPE = {kind.resource_type: kind for kind in TYPES}
BY_KIND = {kind.kind: kind for kind in TYPES}


def argument_spec():
    """The group options for aws_backup_restore's argument spec."""
    spec = {}
    for kind in TYPES:
        options = {option: dict(option_spec) for option, (_key, option_spec) in kind.options.items()}
        options.update({flag: dict(flag_spec) for flag, flag_spec in kind.flags.items()})
        spec[kind.group] = {'type': 'dict', 'options': options}
    return spec


def used_group(params):
    """(group name, its resource type) of the one group set, (None, None) when none is."""
    used = [kind.group for kind in TYPES if params.get(kind.group)]
    if len(used) > 1:
        raise OptionError('%s are option groups of different resource types; set one of them' % ' and '.join(used))
    return (used[0], BY_GROUP[used[0]].resource_type) if used else (None, None)


def check_metadata_keys(resource_type, metadata, fail=OptionError):
    """Every `metadata` key must be one the resource type documents (or its recovery point returns)."""
    kind = BY_TYPE.get(resource_type)
    if kind is None:
        return
    accepted = kind.metadata_keys()
    unknown = sorted(set(metadata or {}) - set(accepted))
    if unknown:
        raise fail('metadata key%s %s %s not restore metadata of %s; accepted: %s' % (
            's' if len(unknown) > 1 else '', ', '.join(unknown), 'are' if len(unknown) > 1 else 'is', resource_type,
            ', '.join(accepted)))


def check_options(params):
    """The group rules, whole-string, before any call (aws_backup_restore's check_options calls this)."""
    name, resource_type = used_group(params)
    if params.get('resource_type') and resource_type and params['resource_type'] != resource_type:
        raise OptionError('%s is the option group of %s recovery points, but resource_type is %s'
                          % (name, resource_type, params['resource_type']))
    check_metadata_keys(params.get('resource_type') or resource_type, params.get('metadata'))
    for kind in TYPES:
        kind.check(params.get(kind.group) or {})


def helpers(params):
    """{metadata key: string value} of the group options set; bools as true/false, numbers as text, lists as JSON."""
    name, _resource_type = used_group(params)
    if name is None:
        return {}
    values = {}
    for option, (key, _spec) in BY_GROUP[name].options.items():
        value = params[name].get(option)
        if value is not None:
            if isinstance(value, list):
                # A list option (efs.items_to_restore): the documented string form, a JSON list such as ["/my.test"].
                values[key] = json.dumps(value, separators=(',', ':'))
                continue
            values[key] = ('true' if value else 'false') if isinstance(value, bool) else str(value)
    return values


def option_for(key):
    """The group option that sets a metadata key, for messages."""
    return next(('%s.%s' % (kind.group, option) for kind in TYPES
                 for option, (metadata_key, _spec) in kind.options.items() if metadata_key == key), key)
