"""Fixtures of the report tests: the hand-made run of aar_fixture."""

from __future__ import annotations

import pytest
from aar_fixture import make_events, make_summary, make_truth


@pytest.fixture
def truth() -> dict:
    return make_truth()


@pytest.fixture
def summary() -> dict:
    return make_summary()


@pytest.fixture
def events(truth) -> list[dict]:
    return make_events(truth)
