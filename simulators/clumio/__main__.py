"""python -m simulators.clumio: serve the Clumio simulator."""
from __future__ import annotations

from simulators.clumio.app import SEED_PATH, ClumioSim
from simulators.common.cli import run

if __name__ == '__main__':
    run(ClumioSim, SEED_PATH)
