# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The contract every AWS Backup resource type shares: waiting for readiness, the checks, the registry."""

from __future__ import annotations

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils import _aws_backup_types
from ansible_collections.recoverops.restore.plugins.module_utils._aws_resource import RestoredResource
from ansible_collections.recoverops.restore.plugins.module_utils._errors import OptionError
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import FakeClock


class Clock(FakeClock):
    def monotonic(self):
        return self.now


class Creating(RestoredResource):
    """A resource whose reads answer the given states in turn (None: not there)."""
    group, resource_type, kind, service, noun = 'thing', 'Thing', 'thing_thing', 'thing', 'thing'
    expected = {'size': 'size'}

    def __init__(self, states):
        self.states = list(states)
        self.reads = 0

    def read(self, clients, resource_id, full=True):
        self.reads += 1
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return None if state is None else {'id': resource_id, 'state': state, 'size': 8, 'tags': {}}

    def tag(self, clients, arn, tags):
        raise AssertionError('not called')

    def remove(self, clients, resource_id):
        raise AssertionError('not called')


def test_a_creating_resource_is_read_again_until_it_is_ready():
    kind, clock = Creating(['creating', 'creating', 'available']), Clock()
    found, waited = kind.read_when_ready(None, 'x', timeout=60, clock=clock)
    assert found['state'] == 'available' and kind.reads == 3 and clock.sleeps == [5, 5] and waited == 10


def test_the_wait_ends_at_the_timeout_and_the_ready_check_fails():
    kind, clock = Creating(['creating']), Clock()
    found, waited = kind.read_when_ready(None, 'x', timeout=12, clock=clock)
    assert found['state'] == 'creating' and clock.sleeps == [5, 5, 2] and waited == 12
    ready = [check for check in kind.all_checks(found, {}) if check['name'] == 'ready'][0]
    assert not ready['passed'] and ready['found'] == 'creating' and ready['expected'] == 'available'


@pytest.mark.parametrize('states', [[None], ['failed'], ['available']])
def test_a_missing_failed_or_ready_resource_is_not_waited_for(states):
    kind, clock = Creating(states), Clock()
    kind.read_when_ready(None, 'x', timeout=600, clock=clock)
    assert kind.reads == 1 and clock.sleeps == []


def test_no_wait_reads_once():
    kind, clock = Creating(['creating', 'available']), Clock()
    found, waited = kind.read_when_ready(None, 'x', timeout=0, clock=clock)
    assert found['state'] == 'creating' and kind.reads == 1 and waited == 0


def test_expected_keys_of_another_type_are_refused_naming_the_accepted_ones():
    with pytest.raises(OptionError, match=r'expected.object_count is not checked for type thing_thing; its keys: size'):
        Creating(['available']).check_expected({'object_count': 3, 'size': None})


def test_checks_name_expected_and_found():
    checks = Creating(['available']).all_checks({'state': 'available', 'size': 8}, {'size': 16})
    assert [(c['name'], c['passed']) for c in checks] == [('exists', True), ('ready', True), ('size', False)]
    assert checks[2]['msg'] == 'size is 8, expected 16'


def test_every_type_is_complete_and_unique():
    for registry in (_aws_backup_types.BY_GROUP, _aws_backup_types.BY_TYPE, _aws_backup_types.BY_KIND):
        assert len(registry) == len(_aws_backup_types.TYPES)
    for kind in _aws_backup_types.TYPES:
        assert kind.group and kind.resource_type and kind.kind and kind.service and kind.noun and kind.id_pattern
        keys = [key for key, _spec in kind.options.values()]
        assert len(keys) == len(set(keys)), kind.kind
