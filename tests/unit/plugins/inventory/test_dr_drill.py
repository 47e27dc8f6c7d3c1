# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dr_drill inventory plugin: a drill file's items as hosts, the drill's variables on their group."""

from __future__ import annotations

import re
import sys

import pytest
import yaml

from ansible import constants
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader

from ansible_collections.recoverops.restore.plugins.inventory.dr_drill import DOCUMENTATION, GROUP, InventoryModule, result_file_name

NAME = 'recoverops.restore.dr_drill'


def plugin():
    """The plugin with its options known, as the plugin loader would set it up from DOCUMENTATION."""
    constants.config.initialize_plugin_configuration_definitions('inventory', NAME, yaml.safe_load(DOCUMENTATION)['options'])
    module = InventoryModule()
    module._load_name = NAME
    return module


ITEMS = [
    {'name': 'orders (Veeam)', 'product': 'veeam_aws', 'source': {'table_name': 'orders'}, 'target': {'target_table_name': 'o'}},
    {'name': 'customers', 'product': 'dynamodb', 'source': {'table_name': 'customers'}, 'target': {'target_table_name': 'c'},
     'verify': {'item_count': 3}},
]


def parse(tmp_path, drill, **options):
    (tmp_path / 'drill.yml').write_text(yaml.safe_dump(drill))
    source = tmp_path / 'drill.dr_drill.yml'
    source.write_text(yaml.safe_dump(dict({'plugin': 'recoverops.restore.dr_drill', 'drill_file': 'drill.yml'}, **options)))
    inventory, module = InventoryData(), plugin()
    assert module.verify_file(str(source))
    module.parse(inventory, DataLoader(), str(source), cache=False)
    return inventory


def test_each_item_is_a_host_with_its_item_and_the_drill_is_its_group(tmp_path):
    drill = {'dr_drill_name': 'monthly', 'dr_drill_cleanup': True, 'dr_drill_items': ITEMS}
    inventory = parse(tmp_path, drill, results_dir='shared/results')
    hosts = inventory.groups[GROUP].get_hosts()
    assert [host.name for host in hosts] == ['drill/orders (Veeam)', 'drill/customers']
    orders = inventory.get_host('drill/orders (Veeam)').get_vars()
    assert orders['dr_drill_item'] == ITEMS[0]
    assert orders['dr_drill_result_file'] == 'orders__Veeam_.json'
    assert orders['ansible_connection'] == 'local'
    assert orders['ansible_python_interpreter'] == sys.executable
    group = inventory.groups[GROUP].get_vars()
    assert group['dr_drill_name'] == 'monthly'
    assert group['dr_drill_cleanup'] is True
    assert group['dr_drill_items'] == ITEMS
    assert group['dr_drill_file'] == str(tmp_path / 'drill.yml')
    assert group['dr_drill_results_dir'] == str(tmp_path / 'shared' / 'results')


def test_the_results_go_beside_the_drill_file_by_default(tmp_path):
    inventory = parse(tmp_path, {'dr_drill_items': ITEMS})
    assert inventory.groups[GROUP].get_vars()['dr_drill_results_dir'] == str(tmp_path / 'drill.results')


def test_awx_slices_share_out_every_item_once(tmp_path):
    items = [dict(ITEMS[0], name='table-%02d' % index) for index in range(10)]
    hosts = sorted(host.name for host in parse(tmp_path, {'dr_drill_items': items}).groups[GROUP].get_hosts())
    shares = [hosts[index::3] for index in range(3)]
    assert [len(share) for share in shares] == [4, 3, 3]
    assert sorted(sum(shares, [])) == ['drill/table-%02d' % index for index in range(10)]


@pytest.mark.parametrize('drill, message', [
    ({'dr_drill_items': []}, 'dr_drill_items must be a non-empty list'),
    ({'dr_drill_items': {'name': 'x'}}, 'dr_drill_items must be a non-empty list'),
    ({'dr_drill_name': 'no items'}, 'dr_drill_items must be a non-empty list'),
    ({'dr_drill_items': [{'product': 'dynamodb'}]}, 'dr_drill_items[0] has no name'),
    ({'dr_drill_items': [{'name': ' '}]}, 'dr_drill_items[0] has no name'),
    ({'dr_drill_items': [{'name': 'a/b'}, {'name': 'a b'}]}, "items 'a/b' and 'a b' would share"),
    (['not', 'a', 'mapping'], 'must hold a mapping'),
])
def test_a_bad_drill_file_is_refused_with_the_reason(tmp_path, drill, message):
    with pytest.raises(AnsibleParserError, match=re.escape(message)):
        parse(tmp_path, drill)


def test_a_missing_drill_file_is_named(tmp_path):
    source = tmp_path / 'x.dr_drill.yml'
    source.write_text(yaml.safe_dump({'plugin': 'recoverops.restore.dr_drill', 'drill_file': 'nowhere.yml'}))
    with pytest.raises(AnsibleParserError, match='nowhere.yml is not a file'):
        plugin().parse(InventoryData(), DataLoader(), str(source), cache=False)


def test_only_dr_drill_sources_are_claimed(tmp_path):
    for name, claimed in (('drill.dr_drill.yml', True), ('site.dr_drill.yaml', True), ('hosts.yml', False)):
        (tmp_path / name).write_text('plugin: recoverops.restore.dr_drill\n')
        assert plugin().verify_file(str(tmp_path / name)) is claimed


def test_result_file_names_match_the_playbooks():
    # roles/dr_drill/tasks/slice_report.yml reads <name with [^A-Za-z0-9_.-] replaced by _>.json
    assert result_file_name('orders (AWS Backup)/eu') == 'orders__AWS_Backup__eu.json'
