# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An RDS DB instance restored from an AWS Backup recovery point (a DB snapshot). Keys: docs/aws.md "RDS DB instances".

AWS Backup's "Restore an RDS database" page sends StartRestoreJob's metadata to RDS's
RestoreDBInstanceFromDBSnapshot: each option here is one parameter of that call, with its rules.
A restore never writes into its source: it always creates a new DB instance, and it fails when the
DBInstanceIdentifier is taken, so that case is refused before the start.
"""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_details, is_missing, plain)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import (
    AVAILABILITY_ZONE, RestoredResource, flag, given, tag_dict, tag_list)
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

# RestoreDBInstanceFromDBSnapshot's DBInstanceIdentifier: 1 to 63 letters, digits or hyphens, a letter first,
# no two hyphens in a row, no hyphen last.
DB_IDENTIFIER = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9-]{0,62}(?<!-)')
DB_IDENTIFIER_ACCEPTS = ('1 to 63 letters, digits or hyphens, starting with a letter, without two hyphens in a row '
                         'and not ending in a hyphen')
# db.<family>.<size>, e.g. db.t3.micro, db.r6g.2xlarge (and the RDS Custom / optimized CPU forms db.r5.2xlarge.tpc2.mem4x).
DB_INSTANCE_CLASS = re.compile(r'db\.[a-z][a-z0-9-]*(\.[a-z0-9]+)+')
# The DB subnet group name (CreateDBSubnetGroup: up to 255 letters, digits, periods, underscores, spaces or hyphens).
SUBNET_GROUP = re.compile(r'[A-Za-z0-9._ -]{1,255}')
# Parameter and option group names: a letter first, letters, digits and hyphens, no "--", no hyphen last; the
# defaults RDS makes also have periods (default.postgres16) and, for option groups, colons (default:postgres-16).
PARAMETER_GROUP = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9.-]{0,254}(?<!-)')
OPTION_GROUP = re.compile(r'(?!.*--)[A-Za-z][A-Za-z0-9.:-]{0,254}(?<!-)')
STORAGE_TYPES = ('gp2', 'gp3', 'io1', 'io2', 'standard')
PORT_RANGE = (1150, 65535)
MIN_IOPS = 1000


class RdsInstance(RestoredResource):
    group, resource_type, kind, service, noun = 'rds', 'RDS', 'rds_instance', 'rds', 'DB instance'
    options = {
        'db_instance_identifier': ('DBInstanceIdentifier', {'type': 'str'}),
        'db_instance_class': ('DBInstanceClass', {'type': 'str'}),
        'availability_zone': ('AvailabilityZone', {'type': 'str'}),
        'db_subnet_group_name': ('DBSubnetGroupName', {'type': 'str'}),
        'multi_az': ('MultiAZ', {'type': 'bool'}),
        'port': ('Port', {'type': 'int'}),
        'publicly_accessible': ('PubliclyAccessible', {'type': 'bool'}),
        'storage_type': ('StorageType', {'type': 'str', 'choices': list(STORAGE_TYPES)}),
        'iops': ('Iops', {'type': 'int'}),
        'db_parameter_group_name': ('DBParameterGroupName', {'type': 'str'}),
        'option_group_name': ('OptionGroupName', {'type': 'str'}),
        'copy_tags_to_snapshot': ('CopyTagsToSnapshot', {'type': 'bool'}),
        'deletion_protection': ('DeletionProtection', {'type': 'bool'}),
    }
    # Settable through `metadata` only: RestoreDBInstanceFromDBSnapshot parameters whose string form in
    # StartRestoreJob's metadata is UNCONFIRMED (VpcSecurityGroupIds is a list there), and the
    # information-only keys AWS Backup's RDS restore page lists (EngineVersion, KmsKeyId, Encrypted, vpcId).
    other_keys = ('AllocatedStorage', 'Engine', 'LicenseModel', 'VpcSecurityGroupIds', 'EngineVersion', 'KmsKeyId',
                  'Encrypted', 'vpcId')
    id_pattern, id_accepts = DB_IDENTIFIER, 'a DB instance identifier (%s)' % DB_IDENTIFIER_ACCEPTS
    # The RDS User Guide's DB instance statuses a new instance passes through before it is available
    # (creating, then backing-up, configuring-*, modifying...). failed, incompatible-*, restore-error,
    # storage-full and the like end the wait: the ready check then fails with that state.
    pending_states = ('creating', 'backing-up', 'modifying', 'configuring-enhanced-monitoring',
                      'configuring-iam-database-auth', 'configuring-log-exports', 'rebooting', 'renaming',
                      'resetting-master-credentials', 'starting', 'upgrading', 'maintenance')
    ready_poll = 5
    expected = {'instance_class': 'DB instance class', 'engine': 'engine', 'multi_az': 'Multi-AZ'}

    def drill_expected(self, point, metadata, verify):
        # Status `available` is the ready check (after waiting through `creating`...); the data is not read.
        return given(instance_class=metadata.get('DBInstanceClass'), engine=metadata.get('Engine'), multi_az=flag(metadata, 'MultiAZ'))

    def check(self, group):
        _checks.whole('rds.db_instance_identifier', group.get('db_instance_identifier'), DB_IDENTIFIER, DB_IDENTIFIER_ACCEPTS)
        _checks.whole('rds.db_instance_class', group.get('db_instance_class'), DB_INSTANCE_CLASS,
                      'a DB instance class such as db.t3.micro or db.r6g.2xlarge')
        _checks.whole('rds.availability_zone', group.get('availability_zone'), AVAILABILITY_ZONE, 'an availability zone such as us-east-1a')
        _checks.whole('rds.db_subnet_group_name', group.get('db_subnet_group_name'), SUBNET_GROUP,
                      'the name of an existing DB subnet group (up to 255 letters, digits, periods, underscores, spaces or hyphens)')
        _checks.whole('rds.db_parameter_group_name', group.get('db_parameter_group_name'), PARAMETER_GROUP,
                      'the name of an existing DB parameter group (1 to 255 letters, digits, periods or hyphens, a letter first)')
        _checks.whole('rds.option_group_name', group.get('option_group_name'), OPTION_GROUP,
                      'the name of an existing option group (1 to 255 letters, digits, periods, colons or hyphens, a letter first)')
        port = group.get('port')
        if port is not None and (isinstance(port, bool) or not PORT_RANGE[0] <= port <= PORT_RANGE[1]):
            raise OptionError('rds.port must be %d to %d, got %r' % (PORT_RANGE + (port,)))
        iops = group.get('iops')
        if iops is not None and (isinstance(iops, bool) or (iops != 0 and iops < MIN_IOPS)):
            raise OptionError('rds.iops must be %d or more (or 0 for storage without provisioned IOPS), got %r' % (MIN_IOPS, iops))
        if iops and group.get('storage_type') in ('gp2', 'standard'):
            raise OptionError('rds.iops applies to storage_type io1, io2 or gp3, got storage_type: %s' % group['storage_type'])
        if group.get('storage_type') in ('io1', 'io2') and not iops:
            raise OptionError('rds.storage_type: %s needs rds.iops (RDS requires provisioned IOPS for it)' % group['storage_type'])
        if group.get('multi_az') and group.get('availability_zone'):
            raise OptionError('rds.availability_zone cannot be set with rds.multi_az: true (RDS places a Multi-AZ instance itself)')

    def conflict(self, clients, metadata, source_name, group):
        """A restore always makes a new instance: under no name, the source's, or a taken one it would fail."""
        name = metadata.get('DBInstanceIdentifier')
        if not name:
            return ('An RDS restore needs a DBInstanceIdentifier for the new DB instance, and neither the recovery point\'s '
                    'restore metadata nor the options name one: set rds.db_instance_identifier.')
        if not DB_IDENTIFIER.fullmatch(str(name)):
            return 'DBInstanceIdentifier %r is not a DB instance identifier (%s): set rds.db_instance_identifier.' % (
                name, DB_IDENTIFIER_ACCEPTS)
        if source_name and str(name).lower() == str(source_name).lower():
            return ('This restore would create DB instance %s, the identifier of its source DB instance: RDS never restores '
                    'in place and the restore would fail. Set rds.db_instance_identifier to a new identifier.' % source_name)
        raw = self.describe(clients, str(name))
        if raw is not None:
            return ('DB instance %s already exists (%s): the restore would fail, since RDS restores only into a new DB '
                    'instance. Set rds.db_instance_identifier to an identifier no DB instance has, or delete that instance '
                    'first.' % (raw.get('DBInstanceIdentifier', name), raw.get('DBInstanceStatus')))
        return None

    @staticmethod
    def describe(clients, resource_id):
        """DescribeDBInstances' instance (whatever its status), None when there is none."""
        try:
            instances = clients.rds.describe_db_instances(DBInstanceIdentifier=resource_id)['DBInstances']
        except AWS_ERRORS as exc:
            if is_missing(exc, ('DBInstanceNotFound', 'DBInstanceNotFoundFault')):
                return None
            raise OperationFailed(describe_error(clients.rds, 'describe_db_instances', exc), error=error_details(exc)) from None
        return plain(instances[0]) if instances else None

    def read(self, clients, resource_id, full=True):
        """{id, arn, state, instance_class, engine, engine_version, multi_az, storage_type, allocated_storage_gib,
        endpoint, port, subnet_group, availability_zone, deletion_protection, created_at, tags} or None (also while
        the instance is being deleted)."""
        raw = self.describe(clients, resource_id)
        if raw is None or raw.get('DBInstanceStatus') == 'deleting':
            return None
        endpoint = raw.get('Endpoint') or {}
        if 'TagList' in raw:
            tags = tag_dict(raw['TagList'])
        else:
            tags = tag_dict(call(clients.rds, 'list_tags_for_resource', ResourceName=raw['DBInstanceArn']).get('TagList'))
        return {'id': raw['DBInstanceIdentifier'], 'arn': raw.get('DBInstanceArn'), 'state': raw.get('DBInstanceStatus'),
                'instance_class': raw.get('DBInstanceClass'), 'engine': raw.get('Engine'), 'engine_version': raw.get('EngineVersion'),
                'multi_az': raw.get('MultiAZ'), 'storage_type': raw.get('StorageType'),
                'allocated_storage_gib': raw.get('AllocatedStorage'), 'endpoint': endpoint.get('Address'),
                'port': endpoint.get('Port'), 'subnet_group': (raw.get('DBSubnetGroup') or {}).get('DBSubnetGroupName'),
                'availability_zone': raw.get('AvailabilityZone'), 'deletion_protection': raw.get('DeletionProtection'),
                'created_at': raw.get('InstanceCreateTime'), 'tags': tags}

    def tag(self, clients, arn, tags):
        """AddTagsToResource adds to (or overwrites the values of) the instance's tags, keeping the others."""
        call(clients.rds, 'add_tags_to_resource', ResourceName=arn, Tags=tag_list(tags))

    def remove(self, clients, resource_id):
        """DeleteDBInstance without a final snapshot, and with its automated backups: the recovery point it was
        restored from is the backup that stays."""
        call(clients.rds, 'delete_db_instance', DBInstanceIdentifier=resource_id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
