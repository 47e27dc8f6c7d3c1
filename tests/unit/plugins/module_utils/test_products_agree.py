# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The products the collection names in different places are the same five everywhere.

A product is named by the roles' argument specs, by a task folder of restore_latest, by the restore
modules' `job.product` (their Restore classes), by an action group and by a simulator. A product
added or renamed in one place and not the others fails here, not in a user's drill.
"""

from __future__ import annotations

import ast
import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[4]
PRODUCTS = {'veeam_aws', 'veeam_azure', 'clumio', 'aws_backup', 'dynamodb'}
# Both AWS products share the amazon.aws connection options, so they share one action group.
ACTION_GROUP = {'veeam_aws': 'veeam_aws', 'veeam_azure': 'veeam_azure', 'clumio': 'clumio', 'aws_backup': 'aws', 'dynamodb': 'aws'}
# DynamoDB's own backups are served by moto's DynamoDB, which every simulator restores into.
SIMULATOR = {'veeam_aws': 'veeam_aws', 'veeam_azure': 'veeam_azure', 'clumio': 'clumio', 'aws_backup': 'aws_backup', 'dynamodb': None}


def load(path):
    return yaml.safe_load((ROOT / path).read_text())


def restore_classes():
    """{class name: product} of every Restore subclass in module_utils (read from source, not imported)."""
    found = {}
    for path in (ROOT / 'plugins' / 'module_utils').glob('_*.py'):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and any(getattr(base, 'id', None) == 'Restore' for base in node.bases):
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and getattr(statement.targets[0], 'id', None) == 'product':
                        found[node.name] = statement.value.value
    return found


def named_values(description):
    """The V(...) values a role option's description names."""
    return set(re.findall(r'V\(([a-z_]+)\)', ' '.join(description)))


def test_the_products_the_roles_check_are_the_five():
    """The roles check the product themselves (plugin_utils/_products.py), not through argument-spec choices."""
    tree = ast.parse((ROOT / 'plugins' / 'plugin_utils' / '_products.py').read_text())
    declared = next(node.value for node in tree.body
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'PRODUCTS')
    assert {key.value for key in declared.keys} == PRODUCTS


def test_the_restore_latest_argument_spec_names_the_five_products():
    spec = load('roles/restore_latest/meta/argument_specs.yml')['argument_specs']['main']['options']
    assert PRODUCTS <= named_values(spec['restore_latest_product']['description'])


def test_the_dr_drill_items_name_the_same_products():
    item = load('roles/dr_drill/meta/argument_specs.yml')['argument_specs']['main']['options']['dr_drill_items']
    product = next(line for line in item['description'] if line.startswith('C(product)'))
    assert named_values([product]) == PRODUCTS


def test_each_product_has_a_restore_latest_task_folder_with_find_and_restore():
    folders = {path.name for path in (ROOT / 'roles' / 'restore_latest' / 'tasks').iterdir() if path.is_dir()}
    assert folders == PRODUCTS
    for product in PRODUCTS:
        tasks = {path.name for path in (ROOT / 'roles' / 'restore_latest' / 'tasks' / product).iterdir()}
        assert tasks == {'find.yml', 'restore.yml'}, product


def test_no_role_file_re_maps_a_products_job():
    """The roles read the normalized `job`: one product-neutral summary, naming no product's own keys."""
    assert not list((ROOT / 'roles').glob('*/tasks/*/summarize.yml'))
    summary = (ROOT / 'roles' / 'restore_latest' / 'tasks' / 'summarize.yml').read_text()
    assert 'result.job' in summary
    for product_key in ('.session', '.task', '.restore_job', '.table'):
        assert product_key not in summary, product_key


def test_each_product_has_its_action_group_and_simulator():
    groups = load('meta/runtime.yml')['action_groups']
    simulators = {path.name for path in (ROOT / 'simulators').iterdir() if (path / 'app.py').is_file()}
    assert set(groups) == set(ACTION_GROUP.values())
    assert simulators == {name for name in SIMULATOR.values() if name}
    for product in PRODUCTS:
        assert groups[ACTION_GROUP[product]], product


# Modules that take no product's connection options, so no group's module_defaults may reach them.
GROUPLESS = {'async_restore_wait', 'dr_drill_report_files', 'dr_drill_run'}


def test_every_module_is_in_an_action_group_or_named_groupless():
    groups = load('meta/runtime.yml')['action_groups']
    grouped = [name for members in groups.values() for name in members]
    modules = {path.stem for path in (ROOT / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__'}
    assert len(grouped) == len(set(grouped)), 'a module is in two action groups'
    assert set(grouped) | GROUPLESS == modules
    assert not set(grouped) & GROUPLESS


def test_every_restore_module_runs_the_shared_flow_for_a_known_product():
    classes = restore_classes()
    assert set(classes.values()) == PRODUCTS
    modules = list((ROOT / 'plugins' / 'modules').glob('*restore.py'))
    assert modules
    for path in modules:
        source = path.read_text()
        assert 'run_restore(' in source and 'finish_job' not in source, path.name
