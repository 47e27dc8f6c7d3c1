# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# PRIVATE: this module_util is internal to recoverops.restore and may change at any time.
"""Data checks of a restored DynamoDB table: what a drill proves beyond "the table exists".

Items are read in DynamoDB's own JSON (the low-level client), so nothing is lost in a conversion:
numbers stay the decimal strings DynamoDB stores, binary is base64, and the members of a set are
sorted (a set has no order). Every check returns its expected and found figures.
"""

from __future__ import annotations

import base64
import hashlib
import json

from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.plugins.module_utils._restore_points import parse_timestamp

# BatchGetItem takes at most 100 keys a call.
BATCH_KEYS = 100
DEFAULT_SAMPLE = 100


def canonical(item):
    """One item as canonical JSON: keys sorted, numbers as their decimal strings, sets sorted."""
    return json.dumps(_plain(item), sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def _plain(value):
    if isinstance(value, dict):
        plain = {key: _plain(item) for key, item in value.items()}
        for set_type in ('SS', 'NS', 'BS'):
            if set_type in plain and isinstance(plain[set_type], list):
                plain[set_type] = sorted(plain[set_type])
        return plain
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode('ascii')
    return value


def scan_items(dynamodb, table, page_size=None):
    """Every item of a table, in DynamoDB JSON, page by page (a consistent Scan)."""
    kwargs = {'TableName': table, 'ConsistentRead': True}
    if page_size:
        kwargs['Limit'] = page_size
    while True:
        page = dynamodb.scan(**kwargs)
        yield from page.get('Items', [])
        if not page.get('LastEvaluatedKey'):
            return
        kwargs['ExclusiveStartKey'] = page['LastEvaluatedKey']


class TableData:
    """What one Scan of the restored table gives every check: the count, the fingerprint, a sample of keys."""

    def __init__(self, items, key_names, sample_size=DEFAULT_SAMPLE):
        digests, self.sample = [], []
        for item in items:
            digests.append(canonical(item))
            if len(self.sample) < sample_size:
                self.sample.append({name: item[name] for name in key_names if name in item})
        self.count = len(digests)
        # Sorted, so two restores of one point give the same fingerprint whatever order the Scan took.
        self.fingerprint = hashlib.sha256('\n'.join(sorted(digests)).encode('utf-8')).hexdigest()


def check(name, passed, expected, found, msg):
    return {'name': name, 'passed': bool(passed), 'expected': expected, 'found': found, 'msg': msg}


def count_check(data, expected_count=None, min_items=None):
    """Exact against `expected_count` when given, else at least `min_items`; None when neither is set."""
    if expected_count is not None:
        return check('item_count', data.count == expected_count, expected_count, data.count,
                     'the table holds %d items, %d expected' % (data.count, expected_count))
    if min_items is not None:
        return check('min_items', data.count >= min_items, '>= %d' % min_items, data.count,
                     'the table holds %d items, at least %d expected' % (data.count, min_items))
    return None


def fingerprint_check(data, expected=None):
    """The fingerprint itself; a check against `expected` (an earlier restore of the same point) when given."""
    if expected is None:
        return check('fingerprint', True, None, data.fingerprint, 'SHA-256 of the %d items: %s' % (data.count, data.fingerprint))
    return check('fingerprint', data.fingerprint == expected, expected, data.fingerprint,
                 'fingerprint %s, %s expected' % (data.fingerprint[:12], expected[:12]))


def expected_items_check(dynamodb, table, expected_items):
    """Each of `expected_items` ({key: {...}, attributes: {...}}, in DynamoDB JSON) read back and compared."""
    wrong = []
    for entry in expected_items:
        found = dynamodb.get_item(TableName=table, Key=entry['key'], ConsistentRead=True).get('Item')
        if found is None:
            wrong.append({'key': entry['key'], 'problem': 'missing'})
            continue
        for attribute, value in entry.get('attributes', {}).items():
            if canonical(found.get(attribute)) != canonical(value):
                wrong.append({'key': entry['key'], 'attribute': attribute, 'expected': value, 'found': found.get(attribute)})
    wrong_items = len({canonical(difference['key']) for difference in wrong})
    msg = ('all %d expected items hold their values' % len(expected_items) if not wrong
           else '%d difference(s), first: %s' % (len(wrong), json.dumps(wrong[0], sort_keys=True)))
    result = check('expected_items', not wrong, len(expected_items), len(expected_items) - wrong_items, msg)
    result['differences'] = wrong[:10]
    return result


def compare_with_source(dynamodb, restored_sample, restored_table, source_table, modified_after_attribute=None, point_time=None,
                        source_client=None):
    """The sampled keys read from the source (BatchGetItem) and from the restored table, attribute by attribute.

    An item whose `modified_after_attribute` (an ISO 8601 string or epoch number in the source) is
    newer than the restore point changed after the point was taken: it is skipped, not a difference.
    """
    source_client = source_client or dynamodb
    source_items = _batch_get(source_client, source_table, restored_sample)
    restored_items = _batch_get(dynamodb, restored_table, restored_sample)
    compared = skipped = 0
    differences = []
    for key in restored_sample:
        identity = canonical(key)
        source, restored = source_items.get(identity), restored_items.get(identity)
        if source is not None and _changed_after(source, modified_after_attribute, point_time):
            skipped += 1
            continue
        compared += 1
        if source is None:
            differences.append({'key': key, 'problem': 'not in the source table'})
        elif canonical(source) != canonical(restored):
            attributes = sorted(name for name in set(source) | set(restored or {})
                                if canonical(source.get(name)) != canonical((restored or {}).get(name)))
            differences.append({'key': key, 'attributes': attributes})
    msg = ('%d sampled items equal the source, %d skipped as changed after the point' % (compared, skipped) if not differences
           else '%d of %d sampled items differ from the source, first: %s' % (len(differences), compared,
                                                                              json.dumps(differences[0], sort_keys=True)))
    result = check('compare_with_source', not differences, compared, compared - len(differences), msg)
    result.update(skipped=skipped, differences=differences[:10])
    return result


def _batch_get(dynamodb, table, keys):
    found = {}
    for start in range(0, len(keys), BATCH_KEYS):
        request = {table: {'Keys': keys[start:start + BATCH_KEYS], 'ConsistentRead': True}}
        while request:
            answer = dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get('Responses', {}).get(table, []):
                found[canonical({name: item[name] for name in keys[0] if name in item})] = item
            request = answer.get('UnprocessedKeys') or None
    return found


def _changed_after(item, attribute, point_time):
    if not attribute or point_time is None or attribute not in item:
        return False
    value = item[attribute]
    try:
        moment = parse_timestamp(float(value['N']) if 'N' in value else value.get('S'))
    except (TypeError, ValueError, AttributeError, KeyError):
        return False
    return moment > point_time


def check_expected_items(name, value):
    """expected_items: a list of {key: {...}, attributes: {...}} in DynamoDB JSON, refused early otherwise."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise OptionError('%s must be a list of {key, attributes}' % name)
    for position, entry in enumerate(value):
        if not isinstance(entry, dict) or not isinstance(entry.get('key'), dict) or not entry['key']:
            raise OptionError('%s[%d] needs key: the item\'s key attributes in DynamoDB JSON, e.g. {order_id: {S: o-1}}'
                              % (name, position))
        unknown = sorted(set(entry) - {'key', 'attributes'})
        if unknown:
            raise OptionError('%s[%d] has unknown keys %s; accepted: key, attributes' % (name, position, ', '.join(unknown)))
    return value


def source_reachable(source_table, restored_table, wanted):
    """True when `source_table` (DescribeTable's, or None) can be compared with `restored_table`, else why not.

    A table of that name in another account than the restore point's is another table; one with
    other keys cannot be the source either.
    """
    if source_table is None:
        return 'the source table %s is not reachable with these credentials and region' % wanted['table_name']
    account = (source_table.get('TableArn') or '').split(':')[4:5]
    if wanted.get('account') and account and account[0] != wanted['account']:
        return ('the table %s reachable here is in account %s, the restore point\'s in %s'
                % (wanted['table_name'], account[0], wanted['account']))
    if source_table.get('KeySchema') != restored_table.get('KeySchema'):
        return 'the table %s reachable here has other keys than the restored table' % wanted['table_name']
    return True


CHECK_OPTIONS = {
    'expected_count': {'type': 'int'},
    'min_items': {'type': 'int'},
    'expected_items': {'type': 'list', 'elements': 'dict'},
    'expected_fingerprint': {'type': 'str'},
    'product_count': {'type': 'int'},
    'compare_with_source': {'type': 'dict', 'options': {
        'table_name': {'type': 'str', 'required': True},
        'region': {'type': 'str'},
        'account': {'type': 'str'},
        'sample_size': {'type': 'int', 'default': DEFAULT_SAMPLE},
        'modified_after_attribute': {'type': 'str'},
        'point_created_at': {'type': 'str'},
    }},
}


def check_options(name, checks):
    """The `checks` option, refused before any call where it cannot be right."""
    if not checks:
        return None
    for key in ('expected_count', 'min_items', 'product_count'):
        if checks.get(key) is not None and checks[key] < 0:
            raise OptionError('%s.%s must be 0 or more, got %s' % (name, key, checks[key]))
    check_expected_items('%s.expected_items' % name, checks.get('expected_items'))
    source = checks.get('compare_with_source') or {}
    if source and not 1 <= source['sample_size'] <= 10000:
        raise OptionError('%s.compare_with_source.sample_size must be 1 to 10000, got %s' % (name, source['sample_size']))
    return checks


def run_checks(dynamodb, table, key_names, checks, source_client=None, source_exists=None):
    """`source_exists`: True, or the reason the source cannot be compared (a string), or None without a source."""
    """Every check of `checks` over one Scan of `table`; returns (checks, TableData)."""
    source = checks.get('compare_with_source') or {}
    data = TableData(scan_items(dynamodb, table), key_names, source.get('sample_size', DEFAULT_SAMPLE))
    results = [count_check(data, checks.get('expected_count'), checks.get('min_items'))]
    if checks.get('product_count') is not None:
        # The product's own count is an estimate (no product documents it as exact): shown, never a verdict.
        results.append(check('product_count', True, checks['product_count'], data.count,
                             'the product counted %d items at the point, %d restored (an estimate, not checked)'
                             % (checks['product_count'], data.count)))
        results[-1]['informational'] = True
    if checks.get('expected_items'):
        results.append(expected_items_check(dynamodb, table, checks['expected_items']))
    results.append(fingerprint_check(data, checks.get('expected_fingerprint')))
    if source:
        results.append(_source_check(dynamodb, table, data, source, source_client or dynamodb, source_exists))
    return [result for result in results if result], data


def _source_check(dynamodb, table, data, source, source_client, source_exists):
    if source_exists is not True:
        result = check('compare_with_source', False, None, None, 'not compared: %s' % source_exists)
        result['skipped'] = True
        return result
    point_time = parse_timestamp(source['point_created_at']) if source.get('point_created_at') else None
    return compare_with_source(dynamodb, data.sample, table, source['table_name'], source.get('modified_after_attribute'),
                               point_time, source_client)
