# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that check a restore request before any API call (plugin_utils/_products.py)."""

from __future__ import annotations

from ansible.utils.display import Display

from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_duration
from ansible_collections.recoverops.restore.plugins.plugin_utils._products import identity_problems, in_place_keys, is_true, request_problems

VERIFY_KEYS = ('enabled', 'item_count', 'min_items', 'exact_count', 'expected_items', 'fingerprint', 'compare_with_source',
               'sample_size', 'modified_after_attribute')
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
        problems += request_problems(item.get('product'), item.get('source'), item.get('target'), where)
        for objective in ('rpo', 'rto'):
            if objective in item:
                problems += _duration_problem(where, objective, item[objective])
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


def _verify_problems(where, verify):
    if verify is None:
        return []
    if not isinstance(verify, dict):
        return ['%s: verify must be a dictionary of %s' % (where, ', '.join(VERIFY_KEYS))]
    problems = ['%s: verify key %s is unknown; accepted: %s' % (where, key, ', '.join(VERIFY_KEYS))
                for key in sorted(set(verify) - set(VERIFY_KEYS))]
    for key, minimum in (('item_count', 0), ('min_items', 0), ('sample_size', 1)):
        if key in verify and not _whole_at_least(verify[key], minimum):
            problems.append('%s: verify.%s must be a whole number, %d or more; got %r' % (where, key, minimum, verify[key]))
    return problems


def _whole_at_least(value, minimum):
    try:
        return not isinstance(value, bool) and int(str(value)) >= minimum
    except ValueError:
        return False


class FilterModule:
    def filters(self):
        return {'restore_request_problems': restore_request_problems, 'restore_point_mismatch': restore_point_mismatch,
                'dr_drill_plan_problems': dr_drill_plan_problems, 'restore_latest_product': restore_latest_product}
