# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this plugin_util is internal to recoverops.restore and may change at any time.
"""What each product accepts in restore_latest's source and target, declared once.

The roles' find.yml and restore.yml files pass exactly these keys to the product's modules (a unit
test holds them to it), so a key not listed here would silently vanish: it is refused instead,
before any API call. `identity` maps the source keys that name one resource to the restore point
field that must then match it (../shared/DESIGN.md "What a drill's verdict means", rules 1 and 2).
"""

from __future__ import annotations

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types

PRODUCTS = {
    'veeam_aws': {
        'source': ('table_name', 'dynamodb_id', 'table_region', 'resource_aws_account_id', 'resource_aws_organization_id',
                   'restore_point_aws_account_id'),
        'names_one': ('table_name', 'dynamodb_id'),
        'identity': {'table_name': 'resource_name', 'dynamodb_id': 'resource_id', 'table_region': 'region',
                     'resource_aws_account_id': 'account'},
        'target': ('restore_to_original', 'target_table_name', 'target_region', 'table_class', 'capacity_mode',
                   'read_capacity_units', 'write_capacity_units', 'point_in_time_recovery', 'deletion_protection', 'kms_key',
                   'authentication', 'force', 'reason'),
        'target_required': ('authentication',),
    },
    'veeam_azure': {
        'source': ('vm_name', 'vm_id'),
        'names_one': ('vm_name', 'vm_id'),
        'identity': {'vm_name': 'resource_name'},
        'target': ('allow_overwrite', 'to_alternative', 'service_account_id', 'source_service_account_id',
                   'start_vm_after_restore', 'retrieve_archived', 'force', 'reason'),
        'target_required': (),
    },
    'clumio': {
        'source': ('table_name', 'table_id', 'account_native_id', 'aws_region', 'backup_types'),
        'names_one': ('table_name', 'table_id'),
        'identity': {'table_name': 'resource_name', 'table_id': 'resource_id', 'account_native_id': 'account',
                     'aws_region': 'region'},
        'target': ('target_table_name', 'environment_id', 'target_account_id', 'target_region', 'keep_source_configuration',
                   'billing_mode', 'provisioned_throughput', 'table_class', 'global_secondary_indexes',
                   'local_secondary_indexes', 'global_table_version', 'sse_specification', 'stream_specification',
                   'pitr_status', 'contributor_insights_status', 'deletion_protection_enabled', 'restore_wcu', 'tags'),
        'target_required': ('target_table_name',),
    },
    'aws_backup': {
        'source': ('resource_arn', 'backup_vault_name', 'backup_vault_account_id', 'resource_type', 'backup_plan_id',
                   'statuses'),
        'names_one': ('resource_arn',),
        'identity': {'resource_arn': 'resource_id'},
        'target': ('iam_role_arn', 'metadata', 'use_restore_metadata', 'target_table_name', 'encryption_type',
                   'kms_master_key_arn', 'copy_source_tags', 'tags', 'idempotency_token', 'force')
        # An option group per resource type (ebs, s3, ...).
        + tuple(_aws_backup_types.BY_GROUP),
        'target_required': (),
    },
    'dynamodb': {
        'source': ('table_name', 'backup_type'),
        'names_one': ('table_name',),
        'identity': {'table_name': 'resource_name'},
        'target': ('target_table_name', 'billing_mode', 'provisioned_throughput', 'global_secondary_indexes',
                   'local_secondary_indexes', 'sse_specification', 'tags'),
        'target_required': ('target_table_name',),
    },
}


# Target keys that, set true, make the restore write into its source (a dotted key is a group's suboption):
# a drill must never clean up such a target, since it is the source itself.
IN_PLACE_KEYS = {
    'veeam_aws': ('restore_to_original',),
    'veeam_azure': ('allow_overwrite',),
    'aws_backup': tuple('%s.allow_in_place' % kind.group for kind in _aws_backup_types.TYPES if 'allow_in_place' in kind.flags),
}


def in_place_keys(product, target):
    """The target keys (dotted for a group's) that make this restore write into its source; [] when none do."""
    found = []
    for key in IN_PLACE_KEYS.get(product, ()):
        group, _dot, flag = key.rpartition('.')
        value = ((target or {}).get(group) or {}).get(flag) if group else (target or {}).get(key)
        if is_true(value):
            found.append(key)
    return found


def is_true(value):
    """A boolean option as YAML or a template may give it."""
    return value is True or (isinstance(value, str) and value.strip().lower() in ('true', 'yes', 'on', '1'))


def request_problems(product, source, target, where='restore_latest', prefix=''):
    """Every problem with a product, source and target, each a short sentence; [] when they are sound.

    `prefix` names the variables in the messages: 'restore_latest_' for the role's own, '' for a drill item's keys.
    """
    if product not in PRODUCTS:
        return ['%s: product %r is not one of %s' % (where, product, ', '.join(PRODUCTS))]
    spec, problems = PRODUCTS[product], []
    for part, value in (('source', source), ('target', target)):
        if not isinstance(value, dict):
            problems.append('%s: %s%s must be a dictionary of %s keys, got %r' % (where, prefix, part, product, value))
            continue
        unknown = sorted(set(value) - set(spec[part]))
        if unknown:
            problems.append('%s: %s%s key%s %s unknown for %s; accepted: %s' % (
                where, prefix, part, 's' if len(unknown) > 1 else '', ', '.join(unknown), product, ', '.join(spec[part])))
        blank = sorted(key for key, item in value.items() if item is None or (isinstance(item, str) and not item.strip()))
        if blank:
            problems.append('%s: %s %s empty (an unset variable?)' % (where, ', '.join('%s%s.%s' % (prefix, part, key) for key in blank),
                                                                      'is' if len(blank) == 1 else 'are'))
    if isinstance(source, dict) and not any(source.get(key) for key in spec['names_one']):
        problems.append('%s: %ssource must name one resource with %s' % (where, prefix or 'the ', ' or '.join(spec['names_one'])))
    if isinstance(target, dict):
        missing = [key for key in spec['target_required'] if not target.get(key)]
        if missing:
            problems.append('%s: %starget needs %s for %s' % (where, prefix or 'the ', ', '.join(missing), product))
    return problems


def identity_problems(product, source, point):
    """How a found restore point differs from the resource the source names; [] when it is that resource."""
    if not point or product not in PRODUCTS:
        return []
    problems = []
    for key, field in PRODUCTS[product]['identity'].items():
        wanted = (source or {}).get(key)
        if wanted and point.get(field) not in (None, '') and str(point.get(field)) != str(wanted):
            problems.append('source %s is %s, but the restore point %s found belongs to %s %s' % (
                key, wanted, point.get('id'), field, point.get(field)))
    return problems
