# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that check a restore request before any API call (plugin_utils/_products.py)."""

from __future__ import annotations

import datetime
import re

from ansible.utils.display import Display

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_duration, parse_timestamp
from ansible_collections.recoverops.restore.plugins.module_utils._table_data import check_expected_items
from ansible_collections.recoverops.restore.plugins.plugin_utils._products import (
    PRODUCTS,
    _key,
    canonical_source,
    identity_problems,
    in_place_keys,
    is_true,
    request_problems,
    unknown_keys_problem,
)

VERIFY_KEYS = ('enabled', 'item_count', 'min_items', 'exact_count', 'expected_items', 'fingerprint', 'compare_with_source',
               'sample_size', 'modified_after_attribute')
ITEM_KEYS = ('name', 'product', 'source', 'target', 'point_in_time', 'rpo', 'rto', 'verify', 'cleanup')
# dynamodb_table_info's bound on compare_with_source's sample (module_utils/_table_data.py check_options).
MAX_SAMPLE = 10000
FINGERPRINT = re.compile(r'[0-9a-f]{64}')
BOOLEANS = (True, False, 'true', 'false', 'yes', 'no', 'on', 'off', 'True', 'False', 'Yes', 'No')
DEFAULT_PRODUCT = 'veeam_aws'


def restore_latest_product(product):
    """The product, or the deprecated veeam_aws default with a deprecation warning when none was given."""
    if product not in (None, ''):
        return product
    Display().deprecated('restore_latest_product was not set, so veeam_aws was assumed. That default is deprecated: '
                         'set restore_latest_product (veeam_aws, veeam_azure, clumio, aws_backup or dynamodb)',
                         version='2.0.0', collection_name='recoverops.restore')
    return DEFAULT_PRODUCT


def restore_request_problems(product, source, target, where='restore_latest'):
    """The problems, naming the role's variables (restore_latest_source...) when `where` is restore_latest."""
    return request_problems(product, source, target, where, 'restore_latest_' if where == 'restore_latest' else '')


def restore_point_mismatch(point, product, source):
    return identity_problems(product, source, point)


def restore_source_canonical(source, product):
    """The source with the aliases the product's info module takes (region, account_id) renamed to their keys."""
    return canonical_source(product, source)


def dr_drill_plan_problems(items, poll_interval=5, wait_timeout=3600, ready_timeout=900, cleanup=False):
    """Every problem of a drill's items at once, so a drill never starts half its items over a typo."""
    problems = []
    if not isinstance(items, list) or not items:
        return ['dr_drill_items must list at least one item']
    names = [item.get('name') if isinstance(item, dict) else None for item in items]
    for name in sorted({name for name in names if name and names.count(name) > 1}):
        problems.append('dr_drill_items: the name %r is used %d times; names must be unique' % (name, names.count(name)))
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not item.get('name'):
            problems.append('dr_drill_items[%d] needs a name' % position)
            continue
        where = 'item %s' % item['name']
        unknown = unknown_keys_problem(where, '', item, ITEM_KEYS)
        if unknown:
            problems.append(unknown)
        if item.get('product') not in PRODUCTS:
            problems.append('%s: product %r is not one of %s' % (where, item.get('product'), ', '.join(PRODUCTS)))
        else:
            problems += request_problems(item['product'], item.get('source'), item.get('target'), where)
        for objective in ('rpo', 'rto'):
            if objective in item:
                problems += _duration_problem(where, objective, item[objective])
        if item.get('point_in_time') not in (None, ''):
            problems += _point_in_time_problem(where, item['point_in_time'])
        if 'cleanup' in item and item['cleanup'] not in BOOLEANS:
            problems.append('%s: cleanup must be true or false; got %r' % (where, item['cleanup']))
        problems += _verify_problems(where, item.get('verify'))
        in_place = in_place_keys(item.get('product'), item.get('target') if isinstance(item.get('target'), dict) else {})
        if in_place and is_true(item.get('cleanup', cleanup)):
            problems.append('%s: cleanup is on, but target.%s makes the restore write into its source, which a drill never '
                            'deletes; set cleanup: false for this item' % (where, ' and target.'.join(in_place)))
    for name, value, minimum in (('dr_drill_poll_interval', poll_interval, 1), ('dr_drill_wait_timeout', wait_timeout, 0),
                                 ('dr_drill_ready_timeout', ready_timeout, 0)):
        if not _whole_at_least(value, minimum):
            problems.append('%s must be a whole number of seconds, %d or more; got %r' % (name, minimum, value))
    return problems


def _duration_problem(where, objective, value):
    # An omitted objective means "none"; one given empty is an unset variable, not "none".
    if value is None or (isinstance(value, str) and not value.strip()):
        return ['%s: %s is empty; give a duration such as 24h or 30m, or leave %s out for no objective' % (where, objective, objective)]
    try:
        parse_duration(value)
    except ValueError as exc:
        return ['%s: %s %s' % (where, objective, exc)]
    return []


def _point_in_time_problem(where, value):
    try:
        moment = parse_timestamp(value)
    except (ValueError, OverflowError, OSError) as exc:
        return ['%s: point_in_time %s' % (where, exc)]
    if moment > datetime.datetime.now(datetime.timezone.utc):
        return ['%s: point_in_time %s is in the future; restore points are at or before now' % (where, value)]
    return []


def _verify_problems(where, verify):
    if verify is None:
        return []
    if not isinstance(verify, dict):
        return ['%s: verify must be a dictionary of %s' % (where, ', '.join(VERIFY_KEYS))]
    problems = ['%s: verify key %s is unknown; accepted: %s' % (where, _key(key), ', '.join(VERIFY_KEYS))
                for key in sorted((key for key in verify if key not in VERIFY_KEYS), key=str)]
    for key, minimum in (('item_count', 0), ('min_items', 0)):
        if verify.get(key) is not None and not _whole_at_least(verify[key], minimum):
            problems.append('%s: verify.%s must be a whole number, %d or more; got %r' % (where, key, minimum, verify[key]))
    if 'sample_size' in verify and not (_whole_at_least(verify['sample_size'], 1) and int(str(verify['sample_size'])) <= MAX_SAMPLE):
        problems.append('%s: verify.sample_size must be a whole number from 1 to %d; got %r' % (where, MAX_SAMPLE, verify['sample_size']))
    for key in ('enabled', 'exact_count', 'compare_with_source'):
        if key in verify and verify[key] not in BOOLEANS:
            problems.append('%s: verify.%s must be true or false; got %r' % (where, key, verify[key]))
    if verify.get('fingerprint') is not None and not (isinstance(verify['fingerprint'], str) and FINGERPRINT.fullmatch(verify['fingerprint'])):
        problems.append('%s: verify.fingerprint must be a SHA-256 as the report shows it (64 lowercase hex digits); got %r'
                        % (where, verify['fingerprint']))
    if 'modified_after_attribute' in verify and not (isinstance(verify['modified_after_attribute'], str)
                                                     and verify['modified_after_attribute'].strip()):
        problems.append('%s: verify.modified_after_attribute must name an attribute; got %r' % (where, verify['modified_after_attribute']))
    if verify.get('expected_items') is not None:
        try:
            check_expected_items('verify.expected_items', verify['expected_items'])
        except OptionError as exc:
            problems.append('%s: %s' % (where, exc))
        else:
            problems += ['%s: verify.expected_items[%d].attributes must be a dictionary in DynamoDB JSON' % (where, position)
                         for position, entry in enumerate(verify['expected_items'])
                         if 'attributes' in entry and not isinstance(entry['attributes'], dict)]
    return problems


def _whole_at_least(value, minimum):
    try:
        return not isinstance(value, bool) and int(str(value)) >= minimum
    except (TypeError, ValueError):
        return False


class FilterModule:
    def filters(self):
        return {'restore_request_problems': restore_request_problems, 'restore_point_mismatch': restore_point_mismatch,
                'dr_drill_plan_problems': dr_drill_plan_problems, 'restore_latest_product': restore_latest_product,
                'restore_source_canonical': restore_source_canonical}
