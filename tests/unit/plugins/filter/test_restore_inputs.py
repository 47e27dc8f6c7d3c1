# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A restore request is refused before any call when a key is unknown or empty, or names no one resource."""

from __future__ import annotations

import pathlib
import re

import pytest

from ansible_collections.recoverops.restore.plugins.filter.restore_inputs import dr_drill_plan_problems
from ansible_collections.recoverops.restore.plugins.plugin_utils._products import (
    PRODUCTS,
    identity_problems,
    request_problems,
)

ROLE_TASKS = pathlib.Path(__file__).resolve().parents[4] / 'roles' / 'restore_latest' / 'tasks'
VEEAM_TARGET = {'target_table_name': 'orders-drill', 'authentication': {'iam_role_id': 'x'}}


@pytest.mark.parametrize('product', sorted(PRODUCTS))
def test_the_role_passes_exactly_the_declared_keys(product):
    """A key declared but not passed would vanish again; a key passed but not declared could never be used."""
    for part, variable in (('source', 'restore_latest_source'), ('target', 'restore_latest_target')):
        used = set()
        for path in (ROLE_TASKS / product).glob('*.yml'):
            used |= set(re.findall(r'%s\.([a-z0-9_]+)' % variable, path.read_text()))
        assert used == set(PRODUCTS[product][part]), (product, part)


@pytest.mark.parametrize('product, source, says', [
    ('clumio', {'tabel_name': 'customers'}, 'source key tabel_name unknown for clumio; accepted: table_name'),
    ('clumio', {'table_name': ''}, 'source.table_name is empty'),
    ('clumio', {'account_native_id': '123456789012'}, 'the source must name one resource with table_name or table_id'),
    ('aws_backup', {'backup_vault_name': 'Default', 'resource_am': 'arn:aws:dynamodb:x'}, 'source key resource_am unknown'),
    ('aws_backup', {'backup_vault_name': 'Default'}, 'must name one resource with resource_arn'),
    ('veeam_aws', {'table_name': None}, 'source.table_name is empty'),
])
def test_a_source_that_could_restore_another_resource_is_refused(product, source, says):
    target = VEEAM_TARGET if product == 'veeam_aws' else {'target_table_name': 'orders-drill'}
    problems = request_problems(product, source, target)
    assert any(says in problem for problem in problems), problems


def test_a_target_typo_and_an_unknown_product_are_named():
    assert request_problems('veeam_aws', {'table_name': 'orders'}, dict(VEEAM_TARGET, target_tabel_name='x')) == [
        'restore_latest: target key target_tabel_name unknown for veeam_aws; accepted: ' + ', '.join(PRODUCTS['veeam_aws']['target'])]
    assert request_problems('clumo', {}, {}) == [
        'restore_latest: product \'clumo\' is not one of veeam_aws, veeam_azure, clumio, aws_backup, dynamodb']
    assert 'the target needs authentication' in request_problems('veeam_aws', {'table_name': 'orders'}, {'target_table_name': 'x'})[0]
    named = request_problems('clumio', {'tabel_name': 'x'}, {'target_table_name': 'x'}, prefix='restore_latest_')
    assert named[0].startswith('restore_latest: restore_latest_source key tabel_name unknown')
    assert 'restore_latest_source must name one resource' in named[1]


def test_a_sound_request_has_no_problem():
    assert request_problems('veeam_aws', {'table_name': 'orders', 'table_region': 'us-east-1'}, VEEAM_TARGET) == []
    assert request_problems('dynamodb', {'table_name': 'orders'}, {'target_table_name': 'orders-drill'}) == []


def test_a_point_of_another_resource_is_named():
    point = {'id': 'b-1', 'resource_name': 'inventory', 'resource_id': 't-9', 'region': 'us-east-1', 'account': '111111111111'}
    assert identity_problems('clumio', {'table_name': 'customers'}, point) == [
        'source table_name is customers, but the restore point b-1 found belongs to resource_name inventory']
    assert identity_problems('clumio', {'table_name': 'inventory', 'aws_region': 'us-east-1'}, point) == []
    assert identity_problems('aws_backup', {'resource_arn': 'arn:aws:dynamodb:us-east-1:1:table/orders'},
                             dict(point, resource_id='arn:aws:dynamodb:us-east-1:1:table/inventory'))


def test_a_drill_plan_lists_every_problem_at_once():
    items = [
        {'name': 'a', 'product': 'clumo', 'source': {}, 'target': {}},
        {'name': 'b', 'product': 'dynamodb', 'source': {'table_name': 'orders'}, 'target': {'target_table_name': 'o-d'},
         'rpo': '', 'rto': float('nan'), 'verify': {'item_count': -1, 'min_itmes': 3}},
        {'name': 'b', 'product': 'dynamodb', 'source': {'table_name': 'orders'}, 'target': {'target_table_name': 'o-e'}},
    ]
    problems = dr_drill_plan_problems(items, poll_interval=0, ready_timeout=-1)
    joined = ' | '.join(problems)
    for says in ("the name 'b' is used 2 times", "item a: product 'clumo'", 'item b: rpo is empty', 'item b: rto',
                 'verify.item_count must be a whole number', 'verify key min_itmes is unknown',
                 'dr_drill_poll_interval must be a whole number of seconds, 1 or more',
                 'dr_drill_ready_timeout must be a whole number of seconds, 0 or more'):
        assert says in joined, says
    assert dr_drill_plan_problems(items[1:2] and [dict(items[2], name='c')]) == []


@pytest.mark.parametrize('product, target, says', [
    ('veeam_aws', {'restore_to_original': True, 'authentication': {'role_id': 'x'}}, 'target.restore_to_original'),
    ('veeam_aws', {'restore_to_original': 'yes', 'authentication': {'role_id': 'x'}}, 'target.restore_to_original'),
    ('aws_backup', {'s3': {'allow_in_place': True}}, 'target.s3.allow_in_place'),
])
def test_a_drill_never_plans_to_clean_up_a_restore_into_its_source(product, target, says):
    source = {'veeam_aws': {'table_name': 'orders'}, 'aws_backup': {'resource_arn': 'arn:aws:s3:::assets'}}[product]
    item = {'name': 'a', 'product': product, 'source': source, 'target': target}
    for problems in (dr_drill_plan_problems([dict(item, cleanup=True)]), dr_drill_plan_problems([item], cleanup=True)):
        assert any(says in problem and 'set cleanup: false' in problem for problem in problems), problems
    assert not any('cleanup is on' in problem for problem in dr_drill_plan_problems([dict(item, cleanup=False)], cleanup=True))
    assert not any('cleanup is on' in problem for problem in dr_drill_plan_problems([item]))
