"""The command line every product simulator shares."""
from __future__ import annotations

import argparse
import pathlib
import signal
import sys
from typing import Any

from simulators.common.server import SEED_DATES


def parse_args(name: str, default_seed: pathlib.Path, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f'python -m simulators.{name}', description=f'Serve the {name} simulator.')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=0, help='0 picks a free port (see --port-file)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a self-signed certificate from --state-dir')
    parser.add_argument('--state-dir', type=pathlib.Path, default=pathlib.Path('.sim'))
    parser.add_argument('--seed', type=pathlib.Path, default=default_seed)
    parser.add_argument('--dynamodb-endpoint', help='moto DynamoDB server that restores create tables in')
    parser.add_argument('--port-file', type=pathlib.Path, help='write the bound port here once listening')
    parser.add_argument('--state-file', type=pathlib.Path, help='save state here on change and load it at start')
    parser.add_argument('--seed-dates', choices=SEED_DATES, default='relative',
                        help="relative (default) moves the seed's restore points so they keep their ages; fixed keeps the written dates")
    return parser.parse_args(argv)


def run(sim_class: Any, default_seed: pathlib.Path, argv: list[str] | None = None) -> None:
    """Build the simulator from the command line and serve until SIGTERM or Ctrl-C."""
    args = parse_args(sim_class.name, default_seed, argv)
    args.state_dir.mkdir(parents=True, exist_ok=True)
    sim = sim_class(args.seed, args.state_dir, tls_enabled=args.tls, host=args.host, port=args.port,
                    state_file=args.state_file, dynamodb_endpoint=args.dynamodb_endpoint, seed_dates=args.seed_dates)
    port = sim.bind()
    if args.port_file:
        # Write then rename, so a launcher polling the file never reads a partial number.
        temporary = args.port_file.with_suffix('.tmp')
        temporary.write_text(str(port), encoding='utf-8')
        temporary.replace(args.port_file)
    # SIGTERM (from ctl down) should end serve_forever like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
    print(f'{sim.name} simulator listening on {sim.url}', flush=True)
    try:
        sim.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
