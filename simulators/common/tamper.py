"""A restore that brings back the wrong data, on purpose: the /_sim/config switch that proves data checks fail.

`corrupt_items: N` changes one attribute of N restored items (the first non-key attribute, or adds
one), `drop_items: N` leaves N items out. Products that restore into moto call `tamper()` on the
items they are about to write; both default to 0 (an honest restore).
"""
from __future__ import annotations

from typing import Any

TAMPER_CONFIG: dict[str, Any] = {'corrupt_items': 0, 'drop_items': 0}
CORRUPTED = 'corrupted-by-the-simulator'


def validate(key: str, value: Any) -> bool:
    """True when `key` is a tamper setting (ValueError when its value is bad), False when it is not one."""
    if key not in TAMPER_CONFIG:
        return False
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f'{key} must be a whole number of items >= 0')
    return True


def tamper(items: list[dict[str, Any]], key_names: list[str], config: dict[str, Any]) -> list[dict[str, Any]]:
    """The items to write: the last `drop_items` left out, the first `corrupt_items` changed (plain-Python items)."""
    drop, corrupt = config.get('drop_items', 0), config.get('corrupt_items', 0)
    kept = [dict(item) for item in items[:len(items) - drop] if drop < len(items)] if drop else [dict(item) for item in items]
    for item in kept[:corrupt]:
        others = [name for name in item if name not in key_names]
        item[others[0] if others else 'recoverops_sim'] = CORRUPTED
    return kept


def tamper_table(client: Any, table: str, config: dict[str, Any]) -> None:
    """The same on a table already restored in moto (for products whose restore moto itself does): low-level client."""
    drop, corrupt = config.get('drop_items', 0), config.get('corrupt_items', 0)
    if not drop and not corrupt:
        return
    key_names = [key['AttributeName'] for key in client.describe_table(TableName=table)['Table']['KeySchema']]
    items = sorted(client.scan(TableName=table, ConsistentRead=True)['Items'], key=repr)
    for item in items[len(items) - drop:] if drop else []:
        client.delete_item(TableName=table, Key={name: item[name] for name in key_names})
    for item in items[:corrupt]:
        others = [name for name in item if name not in key_names]
        client.put_item(TableName=table, Item=dict(item, **{others[0] if others else 'recoverops_sim': {'S': CORRUPTED}}))
