"""Schemathesis against /openapi.json: generated requests, valid and not, never get a 500.

Run on the live app (so acknowledgement and control really act), logged in as a
JPN commander, which may do everything; a few examples per operation keep it fast.
"""

from __future__ import annotations

import pytest
from cop_helpers import LiveRun
from hypothesis import HealthCheck, settings

from triwatch.server import create_app
from triwatch.server.auth import Principal, SessionSigner

schemathesis = pytest.importorskip("schemathesis", reason="pip install schemathesis (the test extra)")

SIGNER = SessionSigner(key=b"fuzz-key-for-this-test-only-0000")
HEADERS = {"Authorization": "Bearer " + SIGNER.issue(Principal("JPN", "commander"))}
_run = LiveRun()
APP = create_app(_run.source, _run.control, SIGNER)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case):
    response = case.call(headers=HEADERS)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
