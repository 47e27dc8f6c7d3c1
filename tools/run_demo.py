# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: start the simulators, restore one table and run a drill with the installed collection, stop them."""
from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys

import yaml

from sim_support import REPO, simulators, venv_tool


def demo_vars():
    seed = yaml.safe_load((REPO / 'simulators' / 'veeam_aws' / 'seed.yml').read_text())
    orders = [table for table in seed['tables'] if table['name'] == 'orders'][0]
    return {'demo_table': 'orders', 'demo_account': str(orders['account']), 'demo_iam_role_name': seed['iam_roles'][0]['name']}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collections', required=True, type=pathlib.Path, help='collections path the demo installs into')
    parser.add_argument('--playbook', default=str(REPO / 'examples' / 'demo_veeam_aws.yml'))
    parser.add_argument('--report-dir', type=pathlib.Path, default=REPO / '.build' / 'dr_drill_report')
    args = parser.parse_args()
    with simulators(args.state_dir) as (endpoints, sim_env):
        env = dict(os.environ, **sim_env)
        env['ANSIBLE_COLLECTIONS_PATH'] = str(args.collections.resolve())
        # The plays name localhost themselves: no inventory is needed, so no warning about there being none.
        env.update(ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
        # Use the copy installed from the built tarball, never the checkout.
        env['ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'] = 'false'
        print('simulators: %s' % ', '.join('%s %s' % item for item in endpoints.items() if isinstance(item[1], str)))
        restore = [venv_tool('ansible-playbook'), args.playbook, '-e', yaml.safe_dump(demo_vars(), default_flow_style=True).strip()]
        if subprocess.run(restore, env=env, check=False).returncode:
            return 1
        # Then a drill over every product on the simulators, from the installed collection's playbook.
        args.report_dir.mkdir(parents=True, exist_ok=True)
        drill = [venv_tool('ansible-playbook'), 'recoverops.restore.dr_drill', '-e', '@' + str(REPO / 'examples' / 'dr_drill_simulators.yml'),
                 '-e', 'dr_drill_report_dir=%s' % args.report_dir.resolve()]
        result = subprocess.run(drill, env=env, check=False).returncode
        print('\nDrill report: %s (also report.json, junit.xml, report.md)' % (args.report_dir.resolve() / 'report.html'))
        return result


if __name__ == '__main__':
    sys.exit(main())
