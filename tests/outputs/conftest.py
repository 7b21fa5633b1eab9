"""Fixtures of the outputs tests; the events themselves are built in outputs_events.py."""

from __future__ import annotations

from datetime import datetime

import pytest
from outputs_events import EPOCH, run_events


@pytest.fixture
def events() -> list[dict]:
    return run_events()


@pytest.fixture
def epoch() -> datetime:
    return EPOCH
