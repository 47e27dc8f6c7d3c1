# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every file in examples/ runs as written against the simulators, with only what `source .sim/env.sh` sets.

Each run starts from a folder outside the repository (so `-e @<path>` and the report folder are what a
user would type), in the environment a shell has after `source <state dir>/env.sh` and nothing else: no
ANSIBLE_* setting of the caller (make's collections path included) reaches it, so the collection is found
only through the ANSIBLE_COLLECTIONS_PATH that env.sh sets (`ctl up --collections`, by default where
`make demo` installs it).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import pathlib
import subprocess
import sys
import tempfile

from sim_support import REPO, venv_tool

EXAMPLES = REPO / 'examples'
# How each example file is run: a playbook by itself, variable files with the playbook they are for.
RUNS = {
    'demo_veeam_aws.yml': ['{examples}/demo_veeam_aws.yml'],
    'restore_latest_veeam_aws.yml': ['recoverops.restore.restore_latest', '-e', '@{examples}/restore_latest_veeam_aws.yml'],
    'dr_drill_simulators.yml': ['recoverops.restore.dr_drill', '-e', '@{examples}/dr_drill_simulators.yml'],
}


@contextlib.contextmanager
def simulators(state_dir, collections):
    """Start the simulators as a user does (`ctl up`), with env.sh naming `collections`; always stop them."""
    ctl = [sys.executable, '-m', 'simulators.ctl']
    subprocess.run(ctl + ['down', '--state-dir', str(state_dir)], cwd=REPO, check=False)
    try:
        subprocess.run(ctl + ['up', '--state-dir', str(state_dir), '--collections', str(collections)], cwd=REPO, check=True)
        yield state_dir / 'env.sh'
    finally:
        subprocess.run(ctl + ['down', '--state-dir', str(state_dir)], cwd=REPO, check=False)


def sourced(env_file):
    """The environment of a shell that ran `source env_file`, started without any ANSIBLE_* setting."""
    shell = {name: value for name, value in os.environ.items() if not name.startswith('ANSIBLE_')}
    printed = subprocess.run(['bash', '-c', 'source "$1" && env -0', 'bash', str(env_file)], env=shell, capture_output=True,
                             check=True).stdout.decode()
    return dict(entry.split('=', 1) for entry in printed.split('\0') if '=' in entry)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--state-dir', required=True, type=pathlib.Path)
    parser.add_argument('--collections', required=True, type=pathlib.Path,
                        help='the collections path the collection is installed in (ctl up --collections: env.sh names it)')
    args = parser.parse_args()
    unknown = sorted(path.name for path in EXAMPLES.glob('*.yml') if path.name not in RUNS)
    if unknown:
        print('examples: no run defined for %s: add it to RUNS in %s' % (', '.join(unknown), __file__))
        return 1
    with simulators(args.state_dir.resolve(), args.collections.resolve()) as env_file, tempfile.TemporaryDirectory() as elsewhere:
        env = sourced(env_file)
        print('examples: the environment of `source %s`, ANSIBLE_COLLECTIONS_PATH=%s' % (env_file, env.get('ANSIBLE_COLLECTIONS_PATH')))
        failed = []
        # A shell that changed into the folder says so in PWD (the drill example puts its report under $PWD).
        env['PWD'] = elsewhere
        for name, command in sorted(RUNS.items()):
            argv = [venv_tool('ansible-playbook')] + [part.format(examples=EXAMPLES) for part in command]
            print('examples: %s (in %s)' % (' '.join(argv[1:]), elsewhere), flush=True)
            if subprocess.run(argv, cwd=elsewhere, env=env, check=False).returncode:
                failed.append(name)
    if failed:
        print('examples: %s failed' % ', '.join(failed))
        return 1
    print('examples: all %d ran as written against the simulators' % len(RUNS))
    return 0


if __name__ == '__main__':
    sys.exit(main())
