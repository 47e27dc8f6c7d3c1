# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test downloads get-pip from a host that this project's CI cannot reach. It looks in
~/.ansible/test/cache/get_pip_<pip version>.py first (ansible-core 2.19 bootstraps pip 24.2,
2.20 and 2.21 pip 25.2), so `make ansible-test-bootstrap` copies this file there once per pip
version, next to that version's wheel fetched from the package index. This copy uses the wheel
its own file name names. Run as get-pip would be: the arguments are pip install arguments.
"""
from __future__ import annotations

import importlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAME = re.fullmatch(r'get_pip_(\d+(?:_\d+)*)\.py', os.path.basename(__file__))
if not NAME:
    sys.exit('%s: the file name must be get_pip_<pip version>.py, e.g. get_pip_25_2.py' % __file__)
WHEEL = os.path.join(HERE, 'pip-%s-py3-none-any.whl' % NAME.group(1).replace('_', '.'))
if not os.path.isfile(WHEEL):
    sys.exit('%s is missing; run "make ansible-test-bootstrap" again' % WHEEL)
sys.path.insert(0, WHEEL)

PIP_MAIN = importlib.import_module('pip._internal.cli.main').main

# get-pip knows --no-setuptools/--no-wheel; pip install does not.
ARGS = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
sys.exit(PIP_MAIN(['install', '--upgrade', '--force-reinstall'] + ARGS))
