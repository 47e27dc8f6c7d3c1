"""moto's server, made as strict as AWS where the AWS Backup simulator's resource types need it.

moto creates some resources ready at once (an RDS instance, an EFS file system) or accepts what AWS
refuses; each resource handler's strict_moto() patches that in this process before the server
starts. `python -m simulators.moto_server` takes moto.server's arguments; tests call strict_moto().
"""
from __future__ import annotations

import sys

from simulators.aws_backup.resources import handlers


def strict_moto() -> None:
    for handler in handlers():
        handler.strict_moto()


def main() -> None:
    strict_moto()
    from moto.server import main as moto_main
    moto_main(sys.argv[1:])


if __name__ == '__main__':
    main()
