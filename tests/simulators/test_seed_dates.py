"""Seeds keep the ages of their restore points whenever a simulator starts, so a daily RPO means something."""
from __future__ import annotations

import time

import pytest

from simulators.clumio.app import ClumioSim
from simulators.common.server import parse_iso, shift_dates
from simulators.veeam_aws.app import VeeamAwsSim
from simulators.veeam_azure.app import VeeamAzureSim

SIMULATORS = [VeeamAwsSim, VeeamAzureSim, ClumioSim]


def seed_times(doc, keys):
    """Every seeded restore point time, at any depth of the seed."""
    if isinstance(doc, dict):
        return [parse_iso(value) for key, value in doc.items() if key in keys and isinstance(value, str)] + \
            [found for key, value in doc.items() if key not in keys for found in seed_times(value, keys)]
    if isinstance(doc, list):
        return [found for value in doc for found in seed_times(value, keys)]
    return []


@pytest.mark.parametrize('sim_class', SIMULATORS, ids=lambda sim_class: sim_class.name)
def test_relative_seed_dates_are_hours_old_and_never_in_the_future(sim_class, tmp_path):
    started = time.time()
    sim = sim_class(state_dir=tmp_path)
    times = seed_times(sim.seed_doc, sim.SEED_DATE_KEYS)
    assert times, 'the seed has no dates under %s' % (sim.SEED_DATE_KEYS,)
    assert max(times) <= time.time()
    assert started - max(times) < 24 * 3600


@pytest.mark.parametrize('sim_class', SIMULATORS, ids=lambda sim_class: sim_class.name)
def test_fixed_seed_dates_are_the_written_ones(sim_class, tmp_path):
    sim = sim_class(state_dir=tmp_path, seed_dates='fixed')
    written = sim.read_seed_file()
    assert seed_times(sim.seed_doc, sim.SEED_DATE_KEYS) == seed_times(written, sim.SEED_DATE_KEYS)
    assert sim.seed_doc['seeded_at'] == written['seeded_at']


def test_shift_moves_only_the_named_keys_and_keeps_the_rest():
    doc = {'seeded_at': '2026-11-21T00:00:00Z', 'tables': [{'created': '2026-11-20T00:00:00Z', 'items': [{'note': '2026-01-01T00:00:00Z'}]}]}
    moved = shift_dates(doc, ('created',), 3600.5)
    assert moved['tables'][0]['created'] == '2026-11-20T01:00:00.500Z'
    assert moved['tables'][0]['items'] == [{'note': '2026-01-01T00:00:00Z'}]
    assert moved['seeded_at'] == doc['seeded_at'] and doc['tables'][0]['created'] == '2026-11-20T00:00:00Z'


def test_an_unknown_seed_dates_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match='seed_dates must be relative or fixed'):
        VeeamAwsSim(state_dir=tmp_path, seed_dates='frozen')
