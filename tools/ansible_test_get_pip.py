# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test downloads get-pip from a host that this project's CI cannot reach. It looks in
~/.ansible/test/cache/ first, so `make` copies this file there next to the pip wheel it fetched
from the package index. Run as get-pip would be: the arguments are pip install arguments.
"""
from __future__ import annotations

import glob
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WHEELS = sorted(glob.glob(os.path.join(HERE, 'pip-*-py3-none-any.whl')))
if not WHEELS:
    sys.exit('no pip wheel next to %s; run "make venv" again' % __file__)
sys.path.insert(0, WHEELS[-1])

PIP_MAIN = importlib.import_module('pip._internal.cli.main').main

# get-pip knows --no-setuptools/--no-wheel; pip install does not.
ARGS = [arg for arg in sys.argv[1:] if arg not in ('--no-setuptools', '--no-wheel')]
sys.exit(PIP_MAIN(['install', '--upgrade', '--force-reinstall'] + ARGS))
