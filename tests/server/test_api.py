"""The COP API over a replayed run: sessions, per-nation filtering, refusals, bad input never a 500."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from cop_helpers import login
from cop_run_fixture import NATIONS, build_events

DATA_ROUTES = ["/api/tracks", "/api/warnings", "/api/events"]


def test_login_returns_a_token_and_cookie(replay_client):
    r = replay_client.post("/api/login", json={"nation": "JPN", "role": "watch-officer"})
    assert r.status_code == 200
    body = r.json()
    assert body["nation"] == "JPN" and body["role"] == "watch-officer" and body["token"]
    assert "triwatch_session" in r.cookies
    who = replay_client.get("/api/session", headers={"Authorization": f"Bearer {body['token']}"}).json()
    assert who == {"nation": "JPN", "role": "watch-officer", "may_acknowledge": True, "may_control": False}


def test_login_offers_exactly_the_roles_sessions_know():
    from typing import get_args

    from triwatch.server.api import Role
    from triwatch.server.auth import ROLES

    assert get_args(Role) == ROLES


def test_cookie_session_works_without_header(replay_client):
    replay_client.post("/api/login", json={"nation": "KOR", "role": "analyst"})
    assert replay_client.get("/api/session").json()["nation"] == "KOR"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"nation": "FRA", "role": "watch-officer"}, "unknown nation 'FRA'; this run has: USA, JPN, KOR"),
        ({"nation": "JPN", "role": "admiral"}, "body.role"),
        ({"nation": "JPN"}, "body.role: Field required"),
        ({"nation": "", "role": "analyst"}, "body.nation"),
        ({"nation": 3, "role": "analyst"}, "body.nation"),
        ([], "body"),
    ],
)
def test_bad_login_is_422_naming_the_field(replay_client, body, says):
    r = replay_client.post("/api/login", json=body)
    assert r.status_code == 422
    assert says in r.json()["detail"]


def test_login_body_that_is_not_json_is_422(replay_client):
    r = replay_client.post("/api/login", content=b"nation=JPN", headers={"content-type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize("route", [*DATA_ROUTES, "/api/session", "/api/control"])
def test_no_session_is_401(replay_client, route):
    r = replay_client.get(route)
    assert r.status_code == 401
    assert "log" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


def test_forged_or_foreign_token_is_401(replay_client, run_dir):
    from fastapi.testclient import TestClient

    from triwatch.server import ReplaySource, create_app

    other = TestClient(create_app(ReplaySource(run_dir)))  # another server: another random key
    foreign = login(other, "JPN")
    assert replay_client.get("/api/tracks", headers=foreign).status_code == 401
    assert replay_client.get("/api/tracks", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert replay_client.post("/api/warnings/JPN-W1/1/ack").status_code == 401


def test_current_run_is_public_and_carries_no_truth(replay_client):
    r = replay_client.get("/api/runs/current")
    assert r.status_code == 200
    run = r.json()
    assert run["scenario"] == "Illustrative IRBM overflight"
    assert run["nations"] == list(NATIONS)
    assert run["mode"] == "replay" and run["read_only"] and run["finished"]
    assert run["sim_time_s"] == 1000.0
    assert "truth" not in r.text and "launch_lat" not in r.text


@pytest.mark.parametrize("nation", NATIONS)
def test_a_nation_receives_exactly_its_own_events(replay_client, nation):
    """Page through /api/events: every event's node is the session's nation, and none is missing."""
    headers = login(replay_client, nation, "auditor")
    got, since = [], 0
    while True:
        page = replay_client.get("/api/events", params={"since": since, "limit": 97}, headers=headers).json()
        got += page["events"]
        if page["next"] == since:
            break
        since = page["next"]
    expected = [e for e in build_events() if e["node"] == nation]
    assert Counter(e["node"] for e in got) == Counter({nation: len(expected)})
    assert got == expected


def test_tracks_and_warnings_hold_only_own_nation_data(replay_client):
    headers = login(replay_client, "JPN")
    tracks = replay_client.get("/api/tracks", headers=headers).json()
    warnings = replay_client.get("/api/warnings", headers=headers).json()
    assert [t["id"] for t in tracks["local"]] == ["JPN-T1"]  # KOR's and USA's local tracks stay theirs
    assert [s["id"] for s in tracks["system"]] == ["JPN-S1"]
    assert {w["warning_id"] for w in warnings["warnings"]} == {"JPN-W1"}
    text = json.dumps(tracks) + json.dumps(warnings)
    assert "KOR-S1" not in text and "USA-S1" not in text  # the partners' system track numbers are theirs
    rev0 = next(w for w in warnings["warnings"] if w["revision"] == 0)
    assert rev0["centre"] == "JJOC"  # JPN's own acknowledgement; KOR's shows only as a received partner ack
    assert rev0["partner_acks"] == [{"origin": "KOR", "centre": "ROK-JCS", "t_s": 75.0}]


@pytest.mark.parametrize("route", DATA_ROUTES)
def test_asking_for_another_nation_is_403(replay_client, route):
    headers = login(replay_client, "JPN")
    r = replay_client.get(route, params={"nation": "KOR"}, headers=headers)
    assert r.status_code == 403
    assert r.json()["detail"] == "nation 'KOR': a JPN session may see only JPN data"
    assert replay_client.get(route, params={"nation": "JPN"}, headers=headers).status_code == 200


def test_acknowledging_in_replay_is_409_read_only(replay_client):
    headers = login(replay_client, "JPN", "commander")
    r = replay_client.post("/api/warnings/JPN-W1/1/ack", headers=headers)
    assert r.status_code == 409
    assert r.json()["detail"].startswith("replay is read-only")


@pytest.mark.parametrize("role", ["analyst", "auditor"])
def test_only_watch_officers_and_commanders_acknowledge(replay_client, role):
    headers = login(replay_client, "JPN", role)
    r = replay_client.post("/api/warnings/JPN-W1/1/ack", headers=headers)
    assert r.status_code == 403
    assert f"role '{role}' may not acknowledge" in r.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("get", "/api/events?since=-1", "query.since"),
        ("get", "/api/events?since=abc", "query.since"),
        ("get", "/api/events?limit=0", "query.limit"),
        ("get", "/api/events?limit=99999999", "query.limit"),
        ("get", "/api/tracks?t=nan", "query.t"),
        ("get", "/api/tracks?t=inf", "query.t"),
        ("get", "/api/warnings?t=-5", "query.t"),
        ("get", "/api/tracks?nation=" + "X" * 40, "query.nation"),
        ("post", "/api/warnings/JPN-W1/abc/ack", "path.revision"),
        ("post", "/api/warnings/JPN-W1/-1/ack", "path.revision"),
        ("post", "/api/control", "body"),
    ],
)
def test_bad_input_is_a_clear_422(replay_client, method, url, field):
    headers = login(replay_client, "JPN", "commander")
    r = getattr(replay_client, method)(url, headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(field)


def test_openapi_is_served_and_lists_the_routes(replay_client):
    spec = replay_client.get("/openapi.json").json()
    for path in [
        "/api/login",
        "/api/runs/current",
        "/api/tracks",
        "/api/warnings",
        "/api/events",
        "/api/warnings/{warning_id}/{revision}/ack",
        "/api/control",
        "/api/geo/land",
        "/api/geo/eez",
    ]:
        assert path in spec["paths"], path


def test_geo_layers_name_the_nations_warnings_name(replay_client):
    for layer in ("land", "eez"):
        r = replay_client.get(f"/api/geo/{layer}", headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-type"] == "application/geo+json" and r.headers["content-encoding"] == "gzip"
        fc = r.json()
        assert fc["type"] == "FeatureCollection"
        nations = {f["properties"]["nation"] for f in fc["features"]}
        assert {"JPN", "KOR", "USA"} <= nations  # the map fills JPN-land, JPN-EEZ, ... when threatened


def test_the_web_ui_and_its_libraries_are_served_offline(replay_client):
    page = replay_client.get("/")
    assert page.status_code == 200 and "<title>triwatch COP" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "") and "https://" not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]  # the browser refuses anything remote
    for asset in [
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
        "/static/vendor/milsymbol/milsymbol.js",
        "/static/cop.js",
        "/static/cop.css",
    ]:
        assert replay_client.get(asset).status_code == 200, asset
