# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""An Aurora DB cluster restored from an AWS Backup recovery point (a DB cluster snapshot). Keys: docs/aws.md
"Aurora DB clusters".

AWS Backup's "Restoring an Amazon Aurora cluster" page (restoring-aur.html) points to RDS's
RestoreDBClusterFromSnapshot for the restore options: each option here is one parameter of that call, with its
rules. AWS Backup restores the cluster only (no DB instance in it). A restore never writes into its source: it
always creates a new DB cluster, and it fails when the DBClusterIdentifier is taken, so that case is refused before
the start.
"""

from __future__ import annotations

import re

from ansible_collections.recoverops.restore.plugins.module_utils import _checks
from ansible_collections.recoverops.restore.plugins.module_utils._aws_calls import (
    AWS_ERRORS, call, describe_error, error_details, is_missing, plain)
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import RestoredResource, given, tag_dict, tag_list
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource_rds import (
    DB_IDENTIFIER, DB_IDENTIFIER_ACCEPTS, PARAMETER_GROUP, PORT_RANGE, SUBNET_GROUP)
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OperationFailed, OptionError

# The Aurora engines (RestoreDBClusterFromSnapshot's Engine for an Aurora cluster: "must be compatible with the
# engine of the source"; mysql and postgres there are Multi-AZ DB clusters, not Aurora).
ENGINES = ('aurora-mysql', 'aurora-postgresql')
ENGINE_MODES = ('provisioned', 'serverless')
# An engine version such as 8.0.mysql_aurora.3.05.2 or 16.4.
ENGINE_VERSION = re.compile(r'[0-9]+(\.[A-Za-z0-9_]+)*')
# DatabaseName: RDS's rule for Aurora MySQL/PostgreSQL database names (letters, digits, underscores, a letter first,
# up to 64 characters; UNCONFIRMED for the restore, which says only "the database name for the restored DB cluster").
DATABASE_NAME = re.compile(r'[A-Za-z][A-Za-z0-9_]{0,63}')


class AuroraCluster(RestoredResource):
    group, resource_type, kind, service, noun = 'aurora', 'Aurora', 'aurora_cluster', 'rds', 'DB cluster'
    options = {
        'db_cluster_identifier': ('DBClusterIdentifier', {'type': 'str'}),
        'engine': ('Engine', {'type': 'str', 'choices': list(ENGINES)}),
        'engine_version': ('EngineVersion', {'type': 'str'}),
        'engine_mode': ('EngineMode', {'type': 'str', 'choices': list(ENGINE_MODES)}),
        'db_subnet_group_name': ('DBSubnetGroupName', {'type': 'str'}),
        'port': ('Port', {'type': 'int'}),
        'database_name': ('DatabaseName', {'type': 'str'}),
        'db_cluster_parameter_group_name': ('DBClusterParameterGroupName', {'type': 'str'}),
        'copy_tags_to_snapshot': ('CopyTagsToSnapshot', {'type': 'bool'}),
        'deletion_protection': ('DeletionProtection', {'type': 'bool'}),
    }
    # Settable through `metadata` only: RestoreDBClusterFromSnapshot parameters that are lists in the RDS API
    # (AvailabilityZones, VpcSecurityGroupIds: their string form in StartRestoreJob's metadata is UNCONFIRMED) or
    # that no option checks yet.
    other_keys = ('AvailabilityZones', 'VpcSecurityGroupIds', 'KmsKeyId', 'OptionGroupName',
                  'EnableIAMDatabaseAuthentication', 'BacktrackWindow')
    id_pattern, id_accepts = DB_IDENTIFIER, 'a DB cluster identifier (%s)' % DB_IDENTIFIER_ACCEPTS
    # The Aurora User Guide's DB cluster statuses a new cluster passes through before it is available ("Viewing DB
    # cluster status"); failed, inaccessible-encryption-credentials, stopped and the like end the wait.
    pending_states = ('creating', 'backing-up', 'modifying', 'migrating', 'preparing-data-migration', 'promoting',
                      'renaming', 'resetting-master-credentials', 'starting', 'upgrading', 'maintenance',
                      'update-iam-db-auth')
    ready_poll = 5
    expected = {'engine': 'engine'}

    def drill_expected(self, point, metadata, verify):
        # Status `available` is the ready check; the cluster has no DB instances and its data is not read.
        return given(engine=metadata.get('Engine'))

    def check(self, group):
        _checks.whole('aurora.db_cluster_identifier', group.get('db_cluster_identifier'), DB_IDENTIFIER, DB_IDENTIFIER_ACCEPTS)
        _checks.whole('aurora.engine_version', group.get('engine_version'), ENGINE_VERSION,
                      'an engine version such as 8.0.mysql_aurora.3.05.2 or 16.4')
        _checks.whole('aurora.db_subnet_group_name', group.get('db_subnet_group_name'), SUBNET_GROUP,
                      'the name of an existing DB subnet group (up to 255 letters, digits, periods, underscores, spaces or hyphens)')
        _checks.whole('aurora.database_name', group.get('database_name'), DATABASE_NAME,
                      '1 to 64 letters, digits or underscores, starting with a letter')
        _checks.whole('aurora.db_cluster_parameter_group_name', group.get('db_cluster_parameter_group_name'), PARAMETER_GROUP,
                      'the name of an existing DB cluster parameter group (1 to 255 letters, digits, periods or hyphens, a letter first)')
        port = group.get('port')
        if port is not None and (isinstance(port, bool) or not PORT_RANGE[0] <= port <= PORT_RANGE[1]):
            raise OptionError('aurora.port must be %d to %d, got %r' % (PORT_RANGE + (port,)))

    def conflict(self, clients, metadata, source_name, group):
        """A restore always makes a new cluster: under no name, the source's, or a taken one it would fail."""
        name = metadata.get('DBClusterIdentifier')
        if not name:
            return ('An Aurora restore needs a DBClusterIdentifier for the new DB cluster, and neither the recovery point\'s '
                    'restore metadata nor the options name one: set aurora.db_cluster_identifier.')
        if not DB_IDENTIFIER.fullmatch(str(name)):
            return 'DBClusterIdentifier %r is not a DB cluster identifier (%s): set aurora.db_cluster_identifier.' % (
                name, DB_IDENTIFIER_ACCEPTS)
        if source_name and str(name).lower() == str(source_name).lower():
            return ('This restore would create DB cluster %s, the identifier of its source DB cluster: AWS Backup never '
                    'restores an Aurora cluster in place and the restore would fail. Set aurora.db_cluster_identifier to a '
                    'new identifier.' % source_name)
        raw = self.describe(clients, str(name))
        if raw is not None:
            return ('DB cluster %s already exists (%s): the restore would fail, since an Aurora restore creates a new DB '
                    'cluster. Set aurora.db_cluster_identifier to an identifier no DB cluster has, or delete that cluster '
                    'first.' % (raw.get('DBClusterIdentifier', name), raw.get('Status')))
        return None

    @staticmethod
    def describe(clients, resource_id):
        """DescribeDBClusters' cluster (whatever its status), None when there is none."""
        try:
            clusters = clients.rds.describe_db_clusters(DBClusterIdentifier=resource_id)['DBClusters']
        except AWS_ERRORS as exc:
            if is_missing(exc, ('DBClusterNotFoundFault', 'DBClusterNotFound')):
                return None
            raise OperationFailed(describe_error(clients.rds, 'describe_db_clusters', exc), error=error_details(exc)) from None
        return plain(clusters[0]) if clusters else None

    def read(self, clients, resource_id, full=True):
        """{id, arn, state, engine, engine_version, engine_mode, multi_az, members, endpoint, port, subnet_group,
        deletion_protection, created_at, tags} or None (also while the cluster is being deleted)."""
        raw = self.describe(clients, resource_id)
        if raw is None or raw.get('Status') == 'deleting':
            return None
        if 'TagList' in raw:
            tags = tag_dict(raw['TagList'])
        else:
            tags = tag_dict(call(clients.rds, 'list_tags_for_resource', ResourceName=raw['DBClusterArn']).get('TagList'))
        return {'id': raw['DBClusterIdentifier'], 'arn': raw.get('DBClusterArn'), 'state': raw.get('Status'),
                'engine': raw.get('Engine'), 'engine_version': raw.get('EngineVersion'), 'engine_mode': raw.get('EngineMode'),
                'multi_az': raw.get('MultiAZ'), 'members': len(raw.get('DBClusterMembers') or []),
                'endpoint': raw.get('Endpoint'), 'port': raw.get('Port'), 'subnet_group': raw.get('DBSubnetGroup'),
                'deletion_protection': raw.get('DeletionProtection'), 'created_at': raw.get('ClusterCreateTime'), 'tags': tags}

    def tag(self, clients, arn, tags):
        """AddTagsToResource adds to (or overwrites the values of) the cluster's tags, keeping the others."""
        call(clients.rds, 'add_tags_to_resource', ResourceName=arn, Tags=tag_list(tags))

    def remove(self, clients, resource_id):
        """DeleteDBCluster without a final snapshot, and with its automated backups: the recovery point it was restored from is the backup that stays.
        RDS deletes no cluster that has DB instances, so those (none in a cluster AWS Backup restored, unless someone
        added one) are deleted first, without final snapshots."""
        raw = self.describe(clients, resource_id) or {}
        for member in raw.get('DBClusterMembers') or []:
            call(clients.rds, 'delete_db_instance', DBInstanceIdentifier=member['DBInstanceIdentifier'], SkipFinalSnapshot=True)
        call(clients.rds, 'delete_db_cluster', DBClusterIdentifier=resource_id, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)
