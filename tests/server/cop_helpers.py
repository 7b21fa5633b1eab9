"""Helpers of the COP tests (importable by name; conftest.py only holds fixtures)."""

from __future__ import annotations

import numpy as np
from cop_run_fixture import NATIONS, build_events
from fastapi.testclient import TestClient

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.messages import WarningReport
from triwatch.server import LiveSource, RunControl


def login(client: TestClient, nation: str, role: str = "watch-officer") -> dict[str, str]:
    """Log in and return the bearer header (the client also keeps the cookie; tests use the header)."""
    r = client.post("/api/login", json={"nation": nation, "role": role})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # so each test says explicitly which session it uses
    return {"Authorization": f"Bearer {r.json()['token']}"}


class LiveRun:
    """A live source fed with the hand-written events, whose acknowledgements go to real C2 desks.

    This is the wiring the lead's runner does: the ack callback calls the
    nation's CommandCentre.acknowledge and records the `ack` event, which the
    COP then shows.
    """

    def __init__(self) -> None:
        self.control = RunControl()
        self.source = LiveSource("Illustrative IRBM overflight", NATIONS, ack=self.ack, duration_s=1000.0)
        self.centres = {n: CommandCentre(n, np.random.default_rng(1), auto_ack=False) for n in NATIONS}
        self.now_s = 0.0
        for e in build_events():
            if e["type"] == "ack":  # in the live run, nobody has acknowledged yet
                continue
            self.feed(e)

    def feed(self, event: dict) -> None:
        self.now_s = event["t_s"]
        if event["type"] == "warning-delivered":
            w = WarningReport(
                warning_id=event["warning_id"],
                revision=event["revision"],
                kind=event["kind"],
                issuer=event["issuer"],
                system_track="?",
                time_s=event["t_s"],
                areas=event["areas"],
            )
            self.centres[event["node"]].receive(w, event["t_s"])
        self.source.on_event(event)

    def ack(self, nation: str, warning_id: str, revision: int, role: str, issuer: str | None) -> dict:
        ack = self.centres[nation].acknowledge(warning_id, revision, self.now_s, role, issuer=issuer)
        self.source.on_event(
            {
                "t_s": self.now_s,
                "node": nation,
                "type": "ack",
                "wall_ns": 0,
                "centre": ack.centre,
                "warning_id": warning_id,
                "revision": revision,
                "issuer": ack.issuer,
            }
        )
        return {"centre": ack.centre, "time_s": ack.time_s}
