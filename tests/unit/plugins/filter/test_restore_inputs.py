# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A restore request is refused before any call when a key is unknown or empty, or names no one resource."""

from __future__ import annotations

import importlib
import pathlib
import re

import pytest

from ansible_collections.recoverops.restore.plugins.filter.restore_inputs import dr_drill_plan_problems, restore_source_canonical
from ansible_collections.recoverops.restore.plugins.modules import clumio_dynamodb_backup_info, veeam_aws_dynamodb_restore_point_info
from ansible_collections.recoverops.restore.plugins.plugin_utils._products import (
    NESTED,
    PRODUCTS,
    identity_problems,
    request_problems,
)

ROLE_TASKS = pathlib.Path(__file__).resolve().parents[4] / 'roles' / 'restore_latest' / 'tasks'
VEEAM_TARGET = {'target_table_name': 'orders-drill', 'authentication': {'iam_role_id': 'x'}}


@pytest.mark.parametrize('product', sorted(PRODUCTS))
def test_the_role_passes_exactly_the_declared_keys(product):
    """A key declared but not passed would vanish again; a key passed but not declared could never be used."""
    # find.yml reads the source with its aliases renamed (restore_latest_run_source), restore.yml the source as given.
    for part, variable in (('source', 'restore_latest_(?:run_)?source'), ('target', 'restore_latest_target')):
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


POINT = {'id': 'p-1', 'resource_name': 'orders', 'resource_id': 't-1', 'region': 'us-east-1', 'account': '111111111111',
         'kind': 'DynamoDB', 'raw': {'BackupVaultName': 'dr-vault'}}


@pytest.mark.parametrize('product, source, point, says', [
    # The point does not say what the source names: it cannot be shown to be the source's.
    ('clumio', {'table_name': 'orders'}, dict(POINT, resource_name=None),
     "source table_name is orders, but the restore point p-1 does not say its name, so it cannot be shown to be the source's"),
    ('veeam_aws', {'table_name': 'orders', 'table_region': 'eu-west-1'}, dict(POINT, region=''), 'does not say its region'),
    # Veeam Backup for Microsoft Azure: the VM's id is compared.
    ('veeam_azure', {'vm_id': 'vm-1'}, dict(POINT, product='veeam_azure', resource_id='vm-2'),
     'source vm_id is vm-1, but the restore point p-1 found belongs to resource_id vm-2'),
    # AWS Backup: the resource type and the vault the source names.
    ('aws_backup', {'resource_arn': 'arn:1', 'resource_type': 'EBS'}, dict(POINT, resource_id='arn:1'),
     'source resource_type is EBS, but the restore point p-1 found belongs to kind DynamoDB'),
    ('aws_backup', {'resource_arn': 'arn:1', 'backup_vault_name': 'other'}, dict(POINT, resource_id='arn:1'),
     'found belongs to raw.BackupVaultName dr-vault'),
    ('aws_backup', {'resource_arn': 'arn:1', 'backup_vault_name': 'dr-vault'}, dict(POINT, resource_id='arn:1', raw={}),
     'does not say its backup vault'),
    # DynamoDB: a table named by ARN is compared with the point's TableArn.
    ('dynamodb', {'table_name': 'arn:aws:dynamodb:us-east-1:1:table/orders'},
     dict(POINT, resource_id='arn:aws:dynamodb:us-east-1:1:table/inventory'), 'found belongs to resource_id arn:aws:dynamodb'),
    # An alias names the same field as its key.
    ('clumio', {'table_name': 'orders', 'region': 'us-west-2'}, POINT, 'source aws_region is us-west-2'),
])
def test_a_point_that_cannot_be_shown_to_be_the_sources_is_refused(product, source, point, says):
    problems = identity_problems(product, source, point)
    assert any(says in problem for problem in problems), problems


def test_a_point_of_the_source_passes():
    arn = 'arn:aws:dynamodb:us-east-1:1:table/orders'
    assert identity_problems('dynamodb', {'table_name': arn}, dict(POINT, resource_id=arn)) == []
    assert identity_problems('dynamodb', {'table_name': 'orders'}, POINT) == []
    assert identity_problems('aws_backup', {'resource_arn': 'arn:1', 'resource_type': 'DynamoDB', 'backup_vault_name': 'dr-vault'},
                             dict(POINT, resource_id='arn:1')) == []
    assert identity_problems('veeam_azure', {'vm_id': 't-1', 'vm_name': 'orders'}, POINT) == []
    assert identity_problems('veeam_aws', {'table_name': 'orders', 'region': 'us-east-1', 'account_id': '111111111111'}, POINT) == []


@pytest.mark.parametrize('product, module', [('veeam_aws', veeam_aws_dynamodb_restore_point_info), ('clumio', clumio_dynamodb_backup_info)])
def test_the_aliases_the_info_module_takes_are_accepted_and_renamed(product, module):
    module_aliases = {alias: name for name, spec in module.ARGUMENT_SPEC.items() for alias in spec.get('aliases', ())}
    assert PRODUCTS[product]['aliases'] == module_aliases
    source = dict({'table_name': 'orders'}, **{alias: 'x' for alias in module_aliases})
    target = VEEAM_TARGET if product == 'veeam_aws' else {'target_table_name': 'orders-drill'}
    assert request_problems(product, source, target) == []
    assert restore_source_canonical(source, product) == dict({'table_name': 'orders'}, **{name: 'x' for name in module_aliases.values()})
    both = dict(source, **{name: 'x' for name in module_aliases.values()})
    assert any('gives both' in problem for problem in request_problems(product, both, target))


def test_keys_that_are_not_words_are_quoted_not_a_type_error():
    problems = request_problems('clumio', {1: 'x', '': 'y', 'table_name': 'orders'}, {'target_table_name': 'o'})
    assert "source keys '', 1 unknown for clumio" in problems[0], problems


DYNAMODB_ITEM = {'name': 'ok', 'product': 'dynamodb', 'source': {'table_name': 'orders'}, 'target': {'target_table_name': 'o-d'}}


@pytest.mark.parametrize('change, says', [
    ({'rop': '24h'}, 'item ok: key rop unknown; accepted: name, product'),
    ({'product': 'clumo'}, "item ok: product 'clumo' is not one of"),
    ({'point_in_time': 'last tuesday'}, 'item ok: point_in_time'),
    ({'point_in_time': '2099-01-01T00:00:00Z'}, 'item ok: point_in_time 2099-01-01T00:00:00Z is in the future'),
    ({'cleanup': 'maybe'}, 'item ok: cleanup must be true or false'),
    ({'verify': {'sample_size': 10001}}, 'verify.sample_size must be a whole number from 1 to 10000'),
    ({'verify': {'sample_size': 0}}, 'verify.sample_size must be a whole number from 1 to 10000'),
    ({'verify': {'fingerprint': 'abc'}}, 'verify.fingerprint must be a SHA-256'),
    ({'verify': {'fingerprint': 'A' * 64}}, 'verify.fingerprint must be a SHA-256'),
    ({'verify': {'expected_items': [{'attributes': {}}]}}, 'verify.expected_items[0] needs key'),
    ({'verify': {'expected_items': {'key': {}}}}, 'verify.expected_items must be a list'),
    ({'verify': {'expected_items': [{'key': {'pk': {'S': 'a'}}, 'attributes': 'x'}]}}, 'expected_items[0].attributes must be'),
    ({'verify': {'expected_items': [{'key': {'pk': {'S': 'a'}}, 'atributes': {}}]}}, 'has unknown keys atributes'),
    ({'verify': {'compare_with_source': 'sometimes'}}, 'verify.compare_with_source must be true or false'),
    ({'verify': {'modified_after_attribute': ''}}, 'verify.modified_after_attribute must name an attribute'),
    ({'verify': {'min_items': 'many'}}, 'verify.min_items must be a whole number'),
])
def test_the_plan_refuses_each_bad_item_value(change, says):
    problems = dr_drill_plan_problems([dict(DYNAMODB_ITEM, **change)])
    assert any(says in problem for problem in problems), problems


def test_the_plan_lists_the_problems_of_every_item_together():
    items = [dict(DYNAMODB_ITEM, name='a', product='clumo'), dict(DYNAMODB_ITEM, name='b', rop=1),
             dict(DYNAMODB_ITEM, name='c', source={'tabel_name': 'x'}, rpo=''), dict(DYNAMODB_ITEM, name='d', verify={'itme_count': 1})]
    joined = ' | '.join(dr_drill_plan_problems(items))
    for says in ("item a: product 'clumo'", 'item b: key rop unknown', 'item c: source key tabel_name unknown', 'item c: rpo is empty',
                 'item d: verify key itme_count is unknown'):
        assert says in joined, (says, joined)


def test_a_sound_item_with_every_key_passes():
    item = dict(DYNAMODB_ITEM, point_in_time='2026-01-01T00:00:00Z', rpo='24h', rto=1800, cleanup=True,
                verify={'enabled': True, 'item_count': 3, 'min_items': 1, 'exact_count': True, 'fingerprint': 'a' * 64,
                        'expected_items': [{'key': {'pk': {'S': 'a'}}, 'attributes': {'n': {'N': '1'}}}], 'compare_with_source': False,
                        'sample_size': 10000, 'modified_after_attribute': 'updated_at'})
    assert dr_drill_plan_problems([item]) == []


NESTED_MODULES = {
    ('veeam_aws', 'authentication'): ('veeam_aws_dynamodb_restore', 'authentication'),
    ('veeam_azure', 'to_alternative'): ('veeam_azure_vm_restore', 'to_alternative'),
    ('clumio', 'provisioned_throughput'): ('clumio_dynamodb_restore', 'provisioned_throughput'),
    ('clumio', 'sse_specification'): ('clumio_dynamodb_restore', 'sse_specification'),
    ('clumio', 'stream_specification'): ('clumio_dynamodb_restore', 'stream_specification'),
    ('dynamodb', 'provisioned_throughput'): ('dynamodb_restore', 'provisioned_throughput'),
    ('dynamodb', 'sse_specification'): ('dynamodb_restore', 'sse_specification'),
}


@pytest.mark.parametrize('product, key', sorted(NESTED_MODULES))
def test_the_nested_keys_are_the_modules_suboptions(product, key):
    module_name, option = NESTED_MODULES[(product, key)]
    module = importlib.import_module('ansible_collections.recoverops.restore.plugins.modules.' + module_name)
    assert set(NESTED[product][key]) == set(module.ARGUMENT_SPEC[option]['options'])


def test_every_dictionary_target_key_is_checked_or_named_here():
    """A target key whose module option is a dict with suboptions is in NESTED, or its keys would vanish again."""
    modules = {'veeam_aws': 'veeam_aws_dynamodb_restore', 'veeam_azure': 'veeam_azure_vm_restore', 'clumio': 'clumio_dynamodb_restore',
               'aws_backup': 'aws_backup_restore', 'dynamodb': 'dynamodb_restore'}
    for product, module_name in modules.items():
        spec = importlib.import_module('ansible_collections.recoverops.restore.plugins.modules.' + module_name).ARGUMENT_SPEC
        with_suboptions = {key for key in PRODUCTS[product]['target'] if (spec.get(key) or {}).get('options')}
        assert with_suboptions <= set(NESTED.get(product, {})), (product, with_suboptions - set(NESTED.get(product, {})))


@pytest.mark.parametrize('target', ['{"access_key": "AKIAEXAMPLE", "secret_key": "s3cr3t-value"}',
                                    {'target_table_name': 'x-drill', 'authentication': 'secret_key=s3cr3t-value'}])
def test_a_target_given_as_a_string_is_refused_without_echoing_it(target):
    problems = request_problems('veeam_aws', {'table_name': 'orders'}, target)
    assert problems and 'got a str' in ' '.join(problems)
    assert 's3cr3t-value' not in ' '.join(problems)


@pytest.mark.parametrize('product, target, says', [
    ('veeam_aws', {'target_table_name': 'x-drill', 'authentication': {'iam_role_idd': 'r'}},
     'target.authentication key iam_role_idd unknown for veeam_aws; accepted: iam_role_id, access_key, secret_key'),
    ('veeam_azure', {'to_alternative': {'nmae': 'web-drill'}}, 'target.to_alternative key nmae unknown for veeam_azure'),
    ('veeam_azure', {'to_alternative': 'web-drill'}, 'target.to_alternative must be a dictionary of name, subscription_id'),
    ('aws_backup', {'ebs': {'volume_typ': 'gp3'}}, 'target.ebs key volume_typ unknown for aws_backup'),
    ('dynamodb', {'target_table_name': 'x-drill', 'provisioned_throughput': {'read': 5}},
     'target.provisioned_throughput key read unknown for dynamodb'),
])
def test_a_misspelt_nested_target_key_is_refused_before_the_find(product, target, says):
    sources = {'veeam_aws': {'table_name': 'orders'}, 'veeam_azure': {'vm_name': 'web-01'}, 'aws_backup': {'resource_arn': 'arn:aws:ec2:x'},
               'dynamodb': {'table_name': 'orders'}}
    problems = request_problems(product, sources[product], target)
    assert any(says in problem for problem in problems), problems
