"""Fixtures of the fabric tests; the helpers themselves live in fabric_net.py (importable by name)."""

from __future__ import annotations

from collections import Counter

import pytest
from fabric_net import _CREATED, NATIONS, Net, make_net

from triwatch.fabric import KeyRing


@pytest.fixture(autouse=True)
def every_refusal_is_in_the_audit_log():
    """After each test: each endpoint's refusal counts equal the refusals its audit log holds, and the chain holds."""
    _CREATED.clear()
    yield
    for net in _CREATED:
        rows = [r for r in net.audit.rows() if r["event"] == "refuse"]
        for nation, ep in net.ep.items():
            logged = Counter(r["detail"]["reason"] for r in rows if r["node"] == nation)
            assert dict(logged) == ep.stats()["refused"]["reasons"], nation
        assert net.audit.verify()[0]
    _CREATED.clear()


@pytest.fixture(scope="session")
def keys3() -> KeyRing:
    return KeyRing.generate(NATIONS)


@pytest.fixture
def net(keys3) -> Net:
    return make_net(keys=keys3)
