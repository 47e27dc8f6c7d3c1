# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A DR drill's items as inventory hosts, so an AWX sliced job template spreads them over execution nodes."""

from __future__ import annotations

DOCUMENTATION = r'''
name: dr_drill
short_description: A DR drill's items as inventory hosts, for AWX job slicing
version_added: 1.1.0
description:
  - Reads a drill file, the same variables as C(ansible-playbook recoverops.restore.dr_drill -e @drill.yml), and makes
    each item of its C(dr_drill_items) an inventory host C(drill/<item name>) in the group C(recoverops_dr_drill_items),
    with the item as its host variable C(dr_drill_item). It runs on the controller (C(ansible_connection=local)).
  - The drill's own variables (C(dr_drill_name), C(dr_drill_items), C(dr_drill_report_dir), ...) become variables of
    that group, with C(dr_drill_file) and C(dr_drill_results_dir).
  - AWX/Automation Controller job slicing splits inventory hosts, so a sliced job template running
    C(recoverops.restore.dr_drill_sliced) spreads the items over its slices; AWX gives slice I of N (I from 1) every
    N-th host from the I-th, hosts in name order. Each slice writes one result file per item into C(results_dir), and
    C(recoverops.restore.dr_drill_report), the workflow's last node, merges them into one drill report.
  - Under AWX the slices run in separate jobs, often on separate execution nodes, and their job folders are removed when
    each job ends; C(results_dir) must then be storage every node and the report job reach and that outlives the jobs
    (a shared volume, or the drill history store of the drill evidence). A plain C(ansible-playbook) run keeps the
    in-memory path of C(recoverops.restore.dr_drill) and needs none of this.
  - The inventory source is a YAML file whose name ends in C(dr_drill.yml) or C(dr_drill.yaml).
options:
  plugin:
    description: The name of this plugin.
    required: true
    type: str
    choices: [recoverops.restore.dr_drill]
  drill_file:
    description:
      - The drill file, a YAML or JSON mapping of the drill's variables with at least C(dr_drill_items), a list of items
        each with a unique C(name). A relative path is read from the inventory source's folder.
    required: true
    type: str
  results_dir:
    description:
      - The folder each slice writes its items' result files into (C(<item name>.json)) and the report reads them from.
        A relative path is taken from the inventory source's folder.
      - Defaults to C(<drill file without its extension>.results) beside the drill file.
    type: str
'''

EXAMPLES = r'''
# drill.dr_drill.yml: the inventory source of a sliced job template (slices: 3) and of the report job.
plugin: recoverops.restore.dr_drill
drill_file: drill.yml
results_dir: /shared/dr-drill/results

# Then, one slice (AWX runs one per slice with --limit set to its hosts):
#   ansible-playbook -i drill.dr_drill.yml recoverops.restore.dr_drill_sliced
# and the merge, once every slice has ended:
#   ansible-playbook -i drill.dr_drill.yml recoverops.restore.dr_drill_report
'''

import os
import re
import sys

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

GROUP = 'recoverops_dr_drill_items'
HOST_PREFIX = 'drill/'
# A result file's name: the item name with anything but letters, digits, '_', '.' and '-' replaced (as the progress files of plugin_utils/_drill_item.py).
UNSAFE = re.compile(r'[^A-Za-z0-9_.-]')


def result_file_name(name):
    """The result file of an item named `name`, inside the results folder."""
    return UNSAFE.sub('_', name) + '.json'


def drill_hosts(drill, source):
    """[(host name, item)] of a drill's variables, in the drill's order; AnsibleParserError on a bad drill."""
    if not isinstance(drill, dict):
        raise AnsibleParserError('%s: the drill file must hold a mapping of variables' % source)
    items = drill.get('dr_drill_items')
    if not isinstance(items, list) or not items:
        raise AnsibleParserError('%s: dr_drill_items must be a non-empty list of items' % source)
    hosts, files = [], {}
    for index, item in enumerate(items):
        name = item.get('name') if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise AnsibleParserError('%s: dr_drill_items[%d] has no name; every item needs a unique name' % (source, index))
        if result_file_name(name) in files:
            raise AnsibleParserError('%s: items %r and %r would share a host and a result file; give them distinct names'
                                     % (source, files[result_file_name(name)], name))
        files[result_file_name(name)] = name
        hosts.append((HOST_PREFIX + name, item))
    return hosts


class InventoryModule(BaseInventoryPlugin):
    NAME = 'recoverops.restore.dr_drill'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('dr_drill.yml', 'dr_drill.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        here = os.path.dirname(os.path.abspath(path))
        drill_file = os.path.join(here, os.path.expanduser(self.get_option('drill_file')))
        if not os.path.isfile(drill_file):
            raise AnsibleParserError('%s: drill_file %s is not a file' % (path, drill_file))
        results_dir = self.get_option('results_dir')
        results_dir = os.path.join(here, os.path.expanduser(results_dir)) if results_dir else os.path.splitext(drill_file)[0] + '.results'
        # The drill file is the operator's, as -e @drill.yml would be.
        drill = loader.load_from_file(drill_file, cache='none', trusted_as_template=True)
        hosts = drill_hosts(drill, drill_file)
        self.inventory.add_group(GROUP)
        for key, value in drill.items():
            self.inventory.set_variable(GROUP, key, value)
        self.inventory.set_variable(GROUP, 'dr_drill_file', drill_file)
        self.inventory.set_variable(GROUP, 'dr_drill_results_dir', os.path.normpath(results_dir))
        for host, item in hosts:
            self.inventory.add_host(host, group=GROUP)
            self.inventory.set_variable(host, 'dr_drill_item', item)
            self.inventory.set_variable(host, 'dr_drill_result_file', result_file_name(item['name']))
            # Each item runs on the controller, with the Python that runs Ansible (the role's modules need it).
            self.inventory.set_variable(host, 'ansible_connection', 'local')
            self.inventory.set_variable(host, 'ansible_python_interpreter', sys.executable)
