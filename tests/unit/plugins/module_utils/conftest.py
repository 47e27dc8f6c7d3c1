# Copyright: recoverops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the module_utils tests: a fake session, a fake clock and an ApiClient bound to both."""

from __future__ import annotations

import random

import pytest

from ansible_collections.recoverops.restore.plugins.module_utils._http import ApiClient, RetryPolicy
from ansible_collections.recoverops.restore.tests.unit.plugins.module_utils.fakes import BASE, FakeClock, FakeSession


@pytest.fixture
def session():
    return FakeSession()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_client(session, clock):
    """An ApiClient on the fake session; retries sleep on the fake clock."""

    def make(**kwargs):
        kwargs.setdefault('session', session)
        kwargs.setdefault('sleep', clock.sleep)
        kwargs.setdefault('retry', RetryPolicy(rng=random.Random(7)))
        return ApiClient(kwargs.pop('base_url', BASE), **kwargs)

    return make
