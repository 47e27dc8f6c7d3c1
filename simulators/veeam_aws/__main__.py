"""python -m simulators.veeam_aws: serve the Veeam Backup for AWS simulator."""
from __future__ import annotations

from simulators.common.cli import run
from simulators.veeam_aws.app import SEED_PATH, VeeamAwsSim

if __name__ == '__main__':
    run(VeeamAwsSim, SEED_PATH)
