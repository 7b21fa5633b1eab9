"""Acknowledging in a partition collision: owner and stand-in both issued revision k of one warning.

Cut off from each other, JPN (the owner of JPN-W1) and its stand-in USA may both number a
revision 3 (warning.takeover). They are two revisions: the COP lists both, each is acknowledged
on its own by naming its issuer, and the owner's counts as the current one.
"""

from __future__ import annotations

import pytest
from cop_helpers import login

from triwatch.server.warning_view import warnings_view


def _deliver(live_run, issuer: str, t_s: float, areas: list[str]) -> None:
    live_run.feed(
        {"t_s": t_s, "node": "KOR", "type": "warning-delivered", "wall_ns": 0, "issuer": issuer,
         "warning_id": "JPN-W1", "revision": 3, "kind": "correction", "scope": "public", "areas": areas,
         "basis": "ballistic", "subregions": [], "impact": None, "impact_ellipse": None, "cause_wall_ns": 0}
    )  # fmt: skip


@pytest.fixture
def collided(live_run):
    _deliver(live_run, "USA", 400.0, ["JPN-EEZ"])  # the stand-in's revision 3
    _deliver(live_run, "JPN", 401.0, ["JPN-land"])  # the owner's revision 3, said at the same time
    return live_run


def test_the_view_lists_both_revisions_and_the_owners_is_current(collided):
    view = warnings_view(collided.source.events("KOR"))
    threes = {w["issuer"]: w for w in view["warnings"] if w["warning_id"] == "JPN-W1" and w["revision"] == 3}
    assert set(threes) == {"USA", "JPN"}
    assert threes["JPN"]["current"] and not threes["USA"]["current"]
    assert "JPN-land" in view["threatened_areas"] and "JPN-EEZ" not in view["threatened_areas"]


def test_without_an_issuer_the_api_asks_for_one(collided, live_client):
    r = live_client.post("/api/warnings/JPN-W1/3/ack", headers=login(live_client, "KOR"))
    assert r.status_code == 409
    assert r.json()["detail"] == "warning 'JPN-W1' revision 3 was issued by JPN, USA: name the issuer (?issuer=)"


def test_naming_the_issuer_acknowledges_that_revision_only(collided, live_client):
    headers = login(live_client, "KOR")
    r = live_client.post("/api/warnings/JPN-W1/3/ack?issuer=USA", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["issuer"] == "USA"
    acked = {key for key in collided.centres["KOR"].acked if key[:2] == ("JPN-W1", 3)}
    assert acked == {("JPN-W1", 3, "USA")}
    states = {
        w["issuer"]: w["state"]
        for w in live_client.get("/api/warnings", headers=headers).json()["warnings"]
        if w["warning_id"] == "JPN-W1" and w["revision"] == 3
    }
    assert states == {"USA": "acknowledged", "JPN": "pending"}
    again = live_client.post("/api/warnings/JPN-W1/3/ack?issuer=USA", headers=headers)
    assert again.status_code == 409 and "by USA already acknowledged" in again.json()["detail"]
    # the one left is now unambiguous
    assert live_client.post("/api/warnings/JPN-W1/3/ack", headers=headers).json()["issuer"] == "JPN"


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [("?issuer=KOR", 404, "revision 3 by KOR was not delivered to KOR"), ("?issuer=", 422, "query.issuer"),
     ("?issuer=US%20A", 422, "query.issuer"), ("?issuer=" + "X" * 17, 422, "query.issuer")],
)  # fmt: skip
def test_a_bad_or_wrong_issuer_is_refused(collided, live_client, query, status, says):
    r = live_client.post("/api/warnings/JPN-W1/3/ack" + query, headers=login(live_client, "KOR"))
    assert r.status_code == status
    assert says in str(r.json()["detail"]) or says in ".".join(map(str, r.json()["detail"][0]["loc"]))
