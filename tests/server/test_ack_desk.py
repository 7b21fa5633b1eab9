"""The acknowledgement hand-over between the server's thread and the exercise's thread."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from cop_helpers import login
from cop_run_fixture import build_events
from fastapi.testclient import TestClient

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.messages import WarningReport
from triwatch.server import AckDesk, LiveSource, create_app


def test_the_runner_thread_answers_and_errors_travel_back():
    desk = AckDesk(timeout_s=5)
    calls = []

    def handler(nation, warning_id, revision, role, issuer):
        calls.append((threading.current_thread().name, nation, warning_id, revision, role, issuer))
        if revision == 9:
            raise KeyError("JJOC: no pending warning W revision 9")
        return {"centre": "JJOC"}

    stop = threading.Event()

    def runner():
        while not stop.is_set():
            desk.process(handler)
            time.sleep(0.01)

    t = threading.Thread(target=runner, name="exercise")
    t.start()
    try:
        assert desk("JPN", "W", 1, "commander") == {"centre": "JJOC"}
        with pytest.raises(KeyError, match="revision 9"):
            desk("JPN", "W", 9, "watch-officer")
    finally:
        stop.set()
        t.join()
    assert calls[0] == ("exercise", "JPN", "W", 1, "commander", None)


def test_a_runner_that_does_not_answer_gets_a_503_not_a_hang():
    desk = AckDesk(timeout_s=0.05)
    source = LiveSource("x", ["JPN"], ack=desk)
    for e in build_events():
        if e["node"] == "JPN" and e["type"] != "ack":
            source.on_event(e)
    client = TestClient(create_app(source))
    r = client.post("/api/warnings/JPN-W1/1/ack", headers=login(client, "JPN"))
    assert r.status_code == 503
    assert "did not take the acknowledgement of JPN-W1 revision 1" in r.json()["detail"]
    assert desk.process(lambda *a: pytest.fail("a request the API gave up on must not be served")) == 0


def test_acknowledging_through_the_desk_reaches_the_command_centre():
    desk = AckDesk(timeout_s=5)
    source = LiveSource("x", ["JPN"], ack=desk)
    centre = CommandCentre("JPN", np.random.default_rng(0), auto_ack=False)
    for e in build_events():
        if e["node"] != "JPN" or e["type"] == "ack":
            continue
        if e["type"] == "warning-delivered":
            centre.receive(
                WarningReport(e["warning_id"], e["revision"], e["kind"], e["issuer"], "?", e["t_s"]), e["t_s"]
            )
        source.on_event(e)

    def handle(nation, warning_id, revision, role, issuer):  # what the lead's runner does, in its own thread
        ack = centre.acknowledge(warning_id, revision, 999.0, role, issuer=issuer)
        source.on_event({"t_s": 999.0, "node": nation, "type": "ack", "centre": ack.centre,
                         "warning_id": warning_id, "revision": revision})  # fmt: skip
        return {"centre": ack.centre}

    stop = threading.Event()
    runner = threading.Thread(
        target=lambda: [desk.process(handle) or time.sleep(0.01) for _ in iter(stop.is_set, True)]
    )
    runner.start()
    try:
        client = TestClient(create_app(source))
        r = client.post("/api/warnings/JPN-W1/2/ack", headers=login(client, "JPN", "commander"))
    finally:
        stop.set()
        runner.join()
    assert r.status_code == 200 and r.json()["result"] == {"centre": "JJOC"}
    assert next(a for k, a in centre.acked.items() if k[:2] == ("JPN-W1", 2)).role == "commander"
