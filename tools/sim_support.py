# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop the bundled simulators around a block of work (integration tests, the demo)."""
from __future__ import annotations

import contextlib
import json
import pathlib
import shlex
import ssl
import subprocess
import sys
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
# The Ansible tools of the virtualenv that runs this script, whatever PATH says.
VENV_BIN = pathlib.Path(sys.executable).parent


def venv_tool(name):
    return str(VENV_BIN / name)


def read_env_file(path):
    """The `export NAME=value` lines that simulators.ctl writes, as a dict."""
    env = {}
    for line in path.read_text().splitlines():
        if line.startswith('export '):
            name, _sep, value = line[len('export '):].partition('=')
            env[name] = shlex.split(value)[0] if value else ''
    return env


def fetch_json(url, ca_path=None):
    context = ssl.create_default_context(cafile=ca_path) if url.startswith('https') else None
    with urllib.request.urlopen(url, context=context, timeout=30) as response:
        return json.load(response)


def sim_control(endpoints, path, body=None, method=None, product='veeam_aws'):
    """Call a simulator's /_sim/ control API; POST when there is a body, else GET."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request('%s/_sim/%s' % (endpoints[product], path), data=data, method=method or ('POST' if data else 'GET'),
                                     headers={'Content-Type': 'application/json'})
    context = ssl.create_default_context(cafile=endpoints.get(product + '_ca')) if endpoints[product].startswith('https') else None
    with urllib.request.urlopen(request, context=context, timeout=60) as answer:
        content = answer.read()
    return json.loads(content) if content else None


def write_results(path, benchmark, rows, columns):
    """Write a benchmark's rows as JSON (with the command that made them) and print them as Markdown."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({'benchmark': benchmark, 'command': ' '.join(sys.argv), 'rows': rows}, indent=2) + '\n')
    print('| %s |' % ' | '.join(title for title, _key in columns))
    print('|%s' % ('---|' * len(columns)))
    for row in rows:
        print('| %s |' % ' | '.join(str(row[key]) for _title, key in columns))


@contextlib.contextmanager
def simulators(state_dir, seed_dates='relative'):
    """Yield (endpoints, env) of freshly started simulators; always stop them afterwards."""
    state_dir = pathlib.Path(state_dir)
    ctl = [sys.executable, '-m', 'simulators.ctl']
    subprocess.run(ctl + ['down', '--state-dir', str(state_dir)], cwd=REPO, check=False)
    subprocess.run(ctl + ['up', '--state-dir', str(state_dir), '--seed-dates', seed_dates], cwd=REPO, check=True)
    try:
        endpoints = json.loads((state_dir / 'endpoints.json').read_text())
        yield endpoints, read_env_file(state_dir / 'env.sh')
    finally:
        subprocess.run(ctl + ['down', '--state-dir', str(state_dir)], cwd=REPO, check=False)
