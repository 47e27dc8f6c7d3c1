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

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types

PRODUCTS = {
    'veeam_aws': {
        'source': ('table_name', 'dynamodb_id', 'table_region', 'resource_aws_account_id', 'resource_aws_organization_id',
                   'restore_point_aws_account_id'),
        'names_one': ('table_name', 'dynamodb_id'),
        'identity': {'table_name': 'resource_name', 'dynamodb_id': 'resource_id', 'table_region': 'region',
                     'resource_aws_account_id': 'account'},
        # The aliases veeam_aws_dynamodb_restore_point_info takes, mapped to the key they stand for.
        'aliases': {'region': 'table_region', 'account_id': 'resource_aws_account_id'},
        'target': ('restore_to_original', 'target_table_name', 'target_region', 'table_class', 'capacity_mode',
                   'read_capacity_units', 'write_capacity_units', 'point_in_time_recovery', 'deletion_protection', 'kms_key',
                   'authentication', 'force', 'reason'),
        'target_required': ('authentication',),
    },
    'veeam_azure': {
        'source': ('vm_name', 'vm_id'),
        'names_one': ('vm_name', 'vm_id'),
        # resource_name is the point's own vmName; resource_id is the id the listing was asked for (a listed point
        # names no VM id in a documented field), so a vm_id source rests on the appliance's VirtualMachineId filter.
        'identity': {'vm_name': 'resource_name', 'vm_id': 'resource_id'},
        'target': ('allow_overwrite', 'to_alternative', 'service_account_id', 'source_service_account_id',
                   'start_vm_after_restore', 'retrieve_archived', 'force', 'reason'),
        'target_required': (),
    },
    'clumio': {
        'source': ('table_name', 'table_id', 'account_native_id', 'aws_region', 'backup_types'),
        'names_one': ('table_name', 'table_id'),
        'identity': {'table_name': 'resource_name', 'table_id': 'resource_id', 'account_native_id': 'account',
                     'aws_region': 'region'},
        # The aliases clumio_dynamodb_backup_info takes.
        'aliases': {'account_id': 'account_native_id', 'region': 'aws_region'},
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
        # kind is the point's ResourceType; raw.BackupVaultName is in both list calls' answers.
        'identity': {'resource_arn': 'resource_id', 'resource_type': 'kind', 'backup_vault_name': 'raw.BackupVaultName'},
        'target': ('iam_role_arn', 'metadata', 'use_restore_metadata', 'target_table_name', 'encryption_type',
                   'kms_master_key_arn', 'copy_source_tags', 'tags', 'idempotency_token', 'force')
        # An option group per resource type (ebs, s3, ...).
        + tuple(_aws_backup_types.BY_GROUP),
        'target_required': (),
    },
    'dynamodb': {
        'source': ('table_name', 'backup_type'),
        'names_one': ('table_name',),
        # ListBackups takes a table's name or ARN: an ARN is compared with the point's TableArn.
        'identity': {'table_name': 'resource_name'},
        'target': ('target_table_name', 'billing_mode', 'provisioned_throughput', 'global_secondary_indexes',
                   'local_secondary_indexes', 'sse_specification', 'tags'),
        'target_required': ('target_table_name',),
    },
}


# The target keys that are dictionaries, and the keys each takes (the restore modules' suboptions; a unit
# test holds them to the modules' argument specs): a misspelt one is refused here, before the find runs.
NESTED = {
    'veeam_aws': {'authentication': ('iam_role_id', 'access_key', 'secret_key')},
    'veeam_azure': {'to_alternative': ('name', 'subscription_id', 'resource_group_id', 'region_id', 'vm_size',
                                       'virtual_network_id', 'subnet', 'network_security_group_id', 'availability_set_id',
                                       'availability_zone', 'disk_type')},
    'clumio': {'provisioned_throughput': ('read_capacity_units', 'write_capacity_units'),
               'sse_specification': ('kms_key_type', 'kms_master_key_id'),
               'stream_specification': ('enabled', 'view_type')},
    'aws_backup': {group: tuple(spec['options']) for group, spec in _aws_backup_types.argument_spec().items()},
    'dynamodb': {'provisioned_throughput': ('read_capacity_units', 'write_capacity_units'),
                 'sse_specification': ('enabled', 'sse_type', 'kms_master_key_id')},
}


def nested_problems(product, target, where, prefix):
    problems = []
    for key, accepted in NESTED.get(product, {}).items():
        value = target.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            # The type only: the value may hold a secret (authentication.secret_key).
            problems.append('%s: %starget.%s must be a dictionary of %s, got a %s'
                            % (where, prefix, key, ', '.join(accepted), type(value).__name__))
            continue
        problems.append(unknown_keys_problem(where, '%starget.%s' % (prefix, key), value, accepted, product))
    return [problem for problem in problems if problem]


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
    """A boolean option as Ansible reads it (true, yes, on, 1, y, t...): the plan and the drill must agree."""
    return boolean(value, strict=False)


def _key(key):
    """A key as a message shows it: plain when it is a word, quoted otherwise (an empty key, a number, a space)."""
    return key if isinstance(key, str) and key.isidentifier() else repr(key)


def unknown_keys_problem(where, what, value, accepted, product=None, shown=None):
    """'<where>: <what> key(s) <the unknown ones> unknown [for <product>]; accepted: ...', or None when all are accepted."""
    unknown = sorted((key for key in value if key not in accepted), key=str)
    if not unknown:
        return None
    lead = what + ' ' if what else ''
    plural = 's' if len(unknown) > 1 else ''
    of = ' for %s' % product if product else ''
    return '%s: %skey%s %s unknown%s; accepted: %s' % (where, lead, plural, ', '.join(map(_key, unknown)), of, shown or ', '.join(accepted))


def canonical_source(product, source):
    """The source with each alias the product's info module takes (region, account_id) renamed to its key."""
    if not isinstance(source, dict) or product not in PRODUCTS:
        return source
    aliases = PRODUCTS[product].get('aliases', {})
    return {aliases.get(key, key): value for key, value in source.items()}


def request_problems(product, source, target, where='restore_latest', prefix=''):
    """Every problem with a product, source and target, each a short sentence; [] when they are sound.

    `prefix` names the variables in the messages: 'restore_latest_' for the role's own, '' for a drill item's keys.
    """
    if product not in PRODUCTS:
        return ['%s: %sproduct %r is not one of %s' % (where, prefix, product, ', '.join(PRODUCTS))]
    spec, problems = PRODUCTS[product], []
    aliases = spec.get('aliases', {})
    for part, value in (('source', source), ('target', target)):
        if not isinstance(value, dict):
            # The type only: a target given as a string may hold a secret.
            problems.append('%s: %s%s must be a dictionary of %s keys, got a %s' % (where, prefix, part, product, type(value).__name__))
            continue
        accepted = set(spec[part]) | (set(aliases) if part == 'source' else set())
        shown = ', '.join(spec[part]) + (' (aliases: %s)' % ', '.join('%s for %s' % item for item in aliases.items())
                                         if part == 'source' and aliases else '')
        unknown = unknown_keys_problem(where, '%s%s' % (prefix, part), value, accepted, product, shown)
        if unknown:
            problems.append(unknown)
        if part == 'source':
            for alias, key in aliases.items():
                if alias in value and key in value:
                    problems.append('%s: %ssource gives both %s and its alias %s; give one' % (where, prefix, key, alias))
        blank = sorted((key for key, item in value.items() if item is None or (isinstance(item, str) and not item.strip())), key=str)
        if blank:
            problems.append('%s: %s %s empty (an unset variable?)' % (where, ', '.join('%s%s.%s' % (prefix, part, _key(key)) for key in blank),
                                                                      'is' if len(blank) == 1 else 'are'))
    if isinstance(source, dict) and not any(source.get(key) for key in spec['names_one']):
        problems.append('%s: %ssource must name one resource with %s' % (where, prefix or 'the ', ' or '.join(spec['names_one'])))
    if isinstance(target, dict):
        missing = [key for key in spec['target_required'] if not target.get(key)]
        if missing:
            problems.append('%s: %starget needs %s for %s' % (where, prefix or 'the ', ', '.join(missing), product))
        problems.extend(nested_problems(product, target, where, prefix))
    return problems


# What the point says of itself, per source key, in words for the messages.
FIELD_WORDS = {'resource_name': 'name', 'resource_id': 'id', 'region': 'region', 'account': 'account',
               'kind': 'resource type', 'raw.BackupVaultName': 'backup vault'}

# Fields of `identity` a product never reports on its points, so their absence proves nothing: none today.
# Every field compared above is in every answer of the product's listing calls (seeds 000-004):
# Veeam AWS name/dynamoDbId/regionName/resourceAwsAccountId, Veeam Azure vmName (or the VM listed) and the VM's id,
# Clumio table_name/table_id/account_native_id/aws_region, AWS Backup ResourceArn/ResourceType/BackupVaultName,
# DynamoDB TableName/TableArn. backup_vault_account_id is not compared: a point's ARN names the resource's account
# for some resource types (a DynamoDB backup), not always the vault's.
NEVER_REPORTED = {}


def _field(point, field):
    value = point
    for part in field.split('.'):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def identity_problems(product, source, point):
    """How a found restore point differs from the resource the source names; [] when it is that resource.

    A field the source names and the point does not report is a problem too: the point cannot then be shown
    to be the source's (unless the product never reports that field, NEVER_REPORTED).
    """
    if not point or product not in PRODUCTS:
        return []
    source = canonical_source(product, source) or {}
    problems = []
    for key, field in PRODUCTS[product]['identity'].items():
        wanted = source.get(key)
        if wanted in (None, '', []):
            continue
        if product == 'dynamodb' and key == 'table_name' and str(wanted).startswith('arn:'):
            field = 'resource_id'  # ListBackups takes the table's ARN too: compare it with the point's TableArn
        found = _field(point, field)
        words = FIELD_WORDS.get(field, field)
        if found in (None, ''):
            if field not in NEVER_REPORTED.get(product, ()):
                problems.append('source %s is %s, but the restore point %s does not say its %s, so it cannot be shown to be '
                                "the source's" % (key, wanted, point.get('id'), words))
        elif str(found) != str(wanted):
            problems.append('source %s is %s, but the restore point %s found belongs to %s %s' % (
                key, wanted, point.get('id'), field, found))
    return problems
