"""Fixtures of the COP tests: a replay of the hand-written run, and a live run wired to real CommandCentres.

The helpers live in cop_helpers.py, cop_run_fixture.py and cop_browser.py (importable by name).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cop_browser import ChromiumUnavailableError, ensure_chromium
from cop_helpers import LiveRun
from cop_run_fixture import write_run
from fastapi.testclient import TestClient

from triwatch.server import ReplaySource, create_app


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium, installed with apt-get when missing (once per session); skip only if apt cannot."""
    try:
        return ensure_chromium()
    except ChromiumUnavailableError as exc:
        pytest.skip(f"headless Chromium unavailable: {exc}")


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    return write_run(tmp_path_factory.mktemp("run"))


@pytest.fixture
def replay_client(run_dir) -> TestClient:
    return TestClient(create_app(ReplaySource(run_dir)))


@pytest.fixture
def live_run() -> LiveRun:
    return LiveRun()


@pytest.fixture
def live_client(live_run) -> TestClient:
    return TestClient(create_app(live_run.source, live_run.control))
