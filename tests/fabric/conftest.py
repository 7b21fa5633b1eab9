"""Fixtures of the fabric tests; the helpers themselves live in fabric_net.py (importable by name)."""

from __future__ import annotations

import pytest
from fabric_net import NATIONS, Net, make_net

from triwatch.fabric import KeyRing


@pytest.fixture(scope="session")
def keys3() -> KeyRing:
    return KeyRing.generate(NATIONS)


@pytest.fixture
def net(keys3) -> Net:
    return make_net(keys=keys3)
