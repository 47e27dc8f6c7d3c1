"""python -m simulators.veeam_azure: serve the Veeam Backup for Microsoft Azure simulator."""
from __future__ import annotations

from simulators.common.cli import run
from simulators.veeam_azure.app import SEED_PATH, VeeamAzureSim

if __name__ == '__main__':
    run(VeeamAzureSim, SEED_PATH)
