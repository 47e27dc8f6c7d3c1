"""python -m simulators.aws_backup: serve the AWS Backup simulator."""
from __future__ import annotations

from simulators.aws_backup.app import SEED_PATH, AwsBackupSim
from simulators.common.cli import run

if __name__ == '__main__':
    run(AwsBackupSim, SEED_PATH)
