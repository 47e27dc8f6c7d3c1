"""What every simulator test shares: a free port and a moto DynamoDB server for the restores."""
from __future__ import annotations

import socket

import pytest
from moto.server import ThreadedMotoServer

from simulators.moto_server import strict_moto


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@pytest.fixture(scope='module', name='moto_url')
def fixture_moto_url():
    """One moto server per test module: restores in the simulators create their tables there."""
    strict_moto()
    port = free_port()
    server = ThreadedMotoServer(ip_address='127.0.0.1', port=port, verbose=False)
    server.start()
    yield f'http://127.0.0.1:{port}'
    server.stop()
