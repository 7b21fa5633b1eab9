"""A live run: acknowledging through the API reaches the nation's command centre; run control; the stream."""

from __future__ import annotations

import threading

import pytest
from cop_helpers import login
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from triwatch.server import LiveSource, RunControl, create_app


def test_watch_officer_acknowledges_a_pending_revision(live_client, live_run):
    headers = login(live_client, "JPN", "watch-officer")
    r = live_client.post("/api/warnings/JPN-W1/1/ack", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["result"]["centre"] == "JJOC"
    assert ("JPN-W1", 1) in {key[:2] for key in live_run.centres["JPN"].acked}  # (id, revision, issuer)
    rev = next(w for w in live_client.get("/api/warnings", headers=headers).json()["warnings"] if w["revision"] == 1)
    assert rev["state"] == "acknowledged" and rev["centre"] == "JJOC"


def test_acknowledging_twice_is_409(live_client):
    headers = login(live_client, "KOR", "commander")
    assert live_client.post("/api/warnings/JPN-W1/2/ack", headers=headers).status_code == 200
    again = live_client.post("/api/warnings/JPN-W1/2/ack", headers=headers)
    assert again.status_code == 409
    assert "already acknowledged by ROK-JCS" in again.json()["detail"]


@pytest.mark.parametrize(
    ("url", "says"), [("/api/warnings/JPN-W9/0/ack", "'JPN-W9'"), ("/api/warnings/JPN-W1/7/ack", "revision 7")]
)
def test_acknowledging_what_was_not_delivered_is_404(live_client, url, says):
    headers = login(live_client, "USA")
    r = live_client.post(url, headers=headers)
    assert r.status_code == 404
    assert says in r.json()["detail"] and "not delivered to USA" in r.json()["detail"]


def test_a_refusal_by_the_command_centre_is_409_with_its_reason(live_run):
    def refuse(nation, warning_id, revision, role, issuer):
        raise KeyError(f"JJOC: no pending warning {warning_id} revision {revision}")

    source = LiveSource("x", ["JPN"], ack=refuse)
    for e in live_run.source.events("JPN"):
        source.on_event(e)
    client = TestClient(create_app(source))
    r = client.post("/api/warnings/JPN-W1/1/ack", headers=login(client, "JPN"))
    assert r.status_code == 409
    assert r.json()["detail"] == "JJOC: no pending warning JPN-W1 revision 1"


def test_a_live_run_without_c2_refuses_acknowledgement(live_run):
    source = LiveSource("x", ["JPN"])
    for e in live_run.source.events("JPN"):
        source.on_event(e)
    client = TestClient(create_app(source))
    r = client.post("/api/warnings/JPN-W1/1/ack", headers=login(client, "JPN"))
    assert r.status_code == 409 and "no command centre" in r.json()["detail"]


def test_live_events_are_plain_json_even_from_numpy():
    import numpy as np

    source = LiveSource("x", ["JPN"])
    x = np.arange(6.0)
    source.on_event({"t_s": np.float64(3.0), "node": "JPN", "type": "track", "x": x, "sent_to": ("USA",)})
    x[:] = -1  # the runner reuses its arrays: the COP keeps what was true when the event happened
    assert source.events("JPN") == [
        {"t_s": 3.0, "node": "JPN", "type": "track", "x": [0, 1, 2, 3, 4, 5], "sent_to": ["USA"]}
    ]


def test_commander_pauses_resumes_and_paces_the_run(live_client, live_run):
    headers = login(live_client, "USA", "commander")
    assert live_client.get("/api/control", headers=headers).json() == {
        "available": True,
        "paused": False,
        "speed": None,
    }
    assert live_client.post("/api/control", json={"paused": True}, headers=headers).json()["paused"] is True
    assert live_run.control.paused
    r = live_client.post("/api/control", json={"paused": False, "speed": 20}, headers=headers).json()
    assert r == {"available": True, "paused": False, "speed": 20.0}
    assert live_client.post("/api/control", json={"speed": None}, headers=headers).json()["speed"] is None
    assert live_client.get("/api/runs/current").json()["control"] == {"paused": False, "speed": None}


@pytest.mark.parametrize(
    "body", [{"speed": -1}, {"speed": 0}, {"speed": "fast"}, {"paused": "yes"}, {"speed": "Infinity"}, {"pause": True}]
)
def test_bad_control_is_422(live_client, body):
    r = live_client.post("/api/control", json=body, headers=login(live_client, "USA", "commander"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("body.")


def test_only_commanders_control_and_replays_have_no_control(live_client, replay_client):
    r = live_client.post("/api/control", json={"paused": True}, headers=login(live_client, "JPN", "watch-officer"))
    assert r.status_code == 403 and "commander may" in r.json()["detail"]
    r = replay_client.post("/api/control", json={"paused": True}, headers=login(replay_client, "JPN", "commander"))
    assert r.status_code == 409


def test_run_control_blocks_the_runner_while_paused():
    control = RunControl(paused=True)
    assert control.wait_while_paused(timeout=0.01) is False
    resumed = threading.Event()

    def runner():
        control.wait_while_paused()
        resumed.set()

    t = threading.Thread(target=runner)
    t.start()
    assert not resumed.wait(0.05)
    control.resume()
    assert resumed.wait(2)
    t.join()


@pytest.mark.parametrize("speed", [0, -2, float("nan"), float("inf"), "3", True])
def test_run_control_refuses_bad_speeds(speed):
    with pytest.raises(ValueError, match="speed"):
        RunControl().set_speed(speed)


def test_stream_sends_only_own_events_and_new_ones_as_they_come(live_client, live_run):
    token = live_client.post("/api/login", json={"nation": "JPN", "role": "analyst"}).json()["token"]
    live_client.cookies.clear()
    expected = live_run.source.count("JPN")
    with live_client.websocket_connect(f"/ws?token={token}") as ws:
        got = []
        while len(got) < expected:
            batch = ws.receive_json()
            assert batch["seq"] == len(got)
            got += batch["events"]
        assert len(got) == expected and {e["node"] for e in got} == {"JPN"}
        live_run.source.on_event(
            {"t_s": 995.0, "node": "KOR", "type": "picture", "numbers": [], "positions": [], "pedigree": []}
        )
        live_run.source.on_event(
            {"t_s": 996.0, "node": "JPN", "type": "picture", "numbers": [], "positions": [], "pedigree": []}
        )
        batch = ws.receive_json()
        assert batch["seq"] == expected and [e["t_s"] for e in batch["events"]] == [996.0]


def test_stream_resumes_from_since(live_client, live_run):
    token = live_client.post("/api/login", json={"nation": "KOR", "role": "analyst"}).json()["token"]
    total = live_run.source.count("KOR")
    with live_client.websocket_connect(f"/ws?token={token}&since={total - 3}") as ws:
        batch = ws.receive_json()
        assert batch["seq"] == total - 3 and len(batch["events"]) == 3


@pytest.mark.parametrize("query", ["", "?token=forged"])
def test_stream_without_a_valid_session_is_refused(live_client, query):
    live_client.cookies.clear()
    with pytest.raises(WebSocketDisconnect) as exc, live_client.websocket_connect("/ws" + query) as ws:
        ws.receive_json()
    assert exc.value.code == 4401


def test_a_handler_that_finds_the_request_bad_gives_422(live_run):
    def refuse(nation, warning_id, revision, role, issuer):
        raise ValueError(f"role {role!r}: this centre takes acknowledgements from commanders only")

    source = LiveSource("x", ["JPN"], ack=refuse)
    for e in live_run.source.events("JPN"):
        source.on_event(e)
    client = TestClient(create_app(source))
    r = client.post("/api/warnings/JPN-W1/1/ack", headers=login(client, "JPN"))
    assert r.status_code == 422 and "commanders only" in r.json()["detail"]


@pytest.mark.parametrize(
    ("event", "says"),
    [
        ({"t_s": 1.0, "type": "track"}, "event[track].node: missing"),
        ({"t_s": 1.0, "node": "JPN", "type": "track", "x": object()}, "not JSON serialisable: object"),
        ("not an event", "event: an event must be a JSON object, got str"),
    ],
)
def test_a_bad_event_from_the_runner_is_refused_without_stopping_the_run(event, says):
    source = LiveSource("x", ["JPN"])
    source.on_event(event)  # must not raise into the exercise loop
    source.on_event({"t_s": 2.0, "node": "JPN", "type": "detection"})
    assert says in source.refused[0]
    assert source.count("JPN") == 1


def test_stream_from_another_site_is_refused_even_with_a_cookie(live_client):
    live_client.post("/api/login", json={"nation": "JPN", "role": "analyst"})  # the cookie is set
    with (
        pytest.raises(WebSocketDisconnect) as exc,
        live_client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws,
    ):
        ws.receive_json()
    assert exc.value.code == 4403
    with live_client.websocket_connect("/ws", headers={"origin": "http://testserver"}) as ws:
        assert ws.receive_json()["seq"] == 0  # the COP's own page is welcome
