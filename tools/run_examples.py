# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every file in examples/ runs as written against the simulators, with only what `source .sim/env.sh` sets.

Each run starts from a folder outside the repository (so `-e @<path>` and the report folder are what a
user would type), with the installed collection and the simulators' env.sh as the only settings.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile

from sim_support import REPO, simulators, venv_tool

EXAMPLES = REPO / 'examples'
# How each example file is run: a playbook by itself, variable files with the playbook they are for.
RUNS = {
    'demo_veeam_aws.yml': ['{examples}/demo_veeam_aws.yml'],
    'restore_latest_veeam_aws.yml': ['recoverops.restore.restore_latest', '-e', '@{examples}/restore_latest_veeam_aws.yml'],
    'dr_drill_simulators.yml': ['recoverops.restore.dr_drill', '-e', '@{examples}/dr_drill_simulators.yml'],
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collections', required=True, type=pathlib.Path)
    args = parser.parse_args()
    unknown = sorted(path.name for path in EXAMPLES.glob('*.yml') if path.name not in RUNS)
    if unknown:
        print('examples: no run defined for %s: add it to RUNS in %s' % (', '.join(unknown), __file__))
        return 1
    with simulators(args.state_dir.resolve()) as (_endpoints, sim_env), tempfile.TemporaryDirectory() as elsewhere:
        env = dict(os.environ, **sim_env, ANSIBLE_COLLECTIONS_PATH=str(args.collections.resolve()),
                   ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false', ANSIBLE_LOCALHOST_WARNING='false',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
        failed = []
        for name, command in sorted(RUNS.items()):
            argv = [venv_tool('ansible-playbook')] + [part.format(examples=EXAMPLES) for part in command]
            print('examples: %s' % ' '.join(argv[1:]), flush=True)
            if subprocess.run(argv, cwd=elsewhere, env=env, check=False).returncode:
                failed.append(name)
    if failed:
        print('examples: %s failed' % ', '.join(failed))
        return 1
    print('examples: all %d ran as written against the simulators' % len(RUNS))
    return 0


if __name__ == '__main__':
    sys.exit(main())
