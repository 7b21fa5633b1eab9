"""The track and warning views: incremental equals from-scratch, time travel, malformed records skipped."""

from __future__ import annotations

import json

import pytest
from cop_run_fixture import APOGEE_M, FLIGHT_S, build_events, ground_point

from triwatch.server.track_view import MAX_PATH_POINTS, TrackBook, tracks_view
from triwatch.server.warning_view import warnings_view


def jpn_events():
    return [e for e in build_events() if e["node"] == "JPN"]


def test_a_book_fed_in_pieces_equals_one_built_at_once():
    events = jpn_events()
    book = TrackBook()
    for start in range(0, len(events), 37):
        book.ingest(events[start : start + 37])
        book.view()  # views in between must not disturb the book
    assert json.dumps(book.view()) == json.dumps(TrackBook().ingest(events).view())
    assert book.consumed == len(events)


def test_the_picture_at_a_time_holds_only_what_was_known_then():
    early = tracks_view(jpn_events(), 100.0)
    assert early["local"] == []  # JPN's radar has not seen it yet
    (st,) = early["system"]
    assert st["pedigree"] == ["KOR", "USA"] and st["impact"] is None and st["t_s"] == 100.0
    assert [p["track_id"] for p in st["partners"]] == ["KOR-T1", "USA-T1"]
    late = tracks_view(jpn_events())
    (lt,) = late["local"]
    assert lt["withheld_from"] == ["KOR"] and lt["status"] == "confirmed" and lt["category"] == "irbm"
    assert late["system"][0]["impact"]["ellipse"]["semi_major_m"] == 180e3
    assert len(lt["path"]) == MAX_PATH_POINTS and lt["path"][-1][3] == lt["t_s"]  # thinned, newest kept


def test_positions_are_geodetic_degrees_and_km():
    (st,) = tracks_view(jpn_events(), 40.0)["system"]
    lat, lon, alt_km, t = st["path"][0]
    f = 40.0 / FLIGHT_S  # the fixture's flight: great circle, parabolic height
    assert (lat, lon) == pytest.approx(ground_point(f), abs=1e-3)  # ECEF -> geodetic inverts the fixture exactly
    assert alt_km == pytest.approx(4 * APOGEE_M * f * (1 - f) / 1e3, abs=1e-3) and t == 40.0


def test_warning_states_over_time():
    at_300 = warnings_view(jpn_events(), 300.0)
    states = {w["revision"]: w["state"] for w in at_300["warnings"]}
    assert states == {0: "acknowledged", 1: "pending"}
    assert at_300["threatened_areas"] == ["JPN-EEZ", "JPN-land"]
    final = warnings_view(jpn_events())
    assert {w["revision"]: w["state"] for w in final["warnings"]} == {0: "acknowledged", 1: "escalated", 2: "pending"}
    assert final["threatened_areas"] == ["JPN-land"]  # revision 2 narrowed it
    assert final["pending"] == 2


def test_an_all_clear_ends_the_threat():
    events = jpn_events() + [
        {"t_s": 1200.0, "node": "JPN", "type": "warning-delivered", "issuer": "JPN", "warning_id": "JPN-W1",
         "revision": 3, "kind": "all-clear", "areas": [], "subregions": [], "impact": None}
    ]  # fmt: skip
    view = warnings_view(events)
    assert view["threatened_areas"] == []
    assert all(not w["active"] for w in view["warnings"])


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "picture", "numbers": ["JPN-S9"], "positions": [[1.0, "x", 3.0]], "pedigree": [["JPN"]]},
        {"type": "picture", "numbers": ["JPN-S9"], "positions": [[1.0, 2.0]], "pedigree": [["JPN"]]},
        {"type": "track", "track_id": "JPN-T9", "x": [1, 2, 3]},
        {"type": "warning-delivered", "warning_id": "W", "revision": "one", "kind": "threat"},
        {"type": "ack", "warning_id": None, "revision": 1},
    ],
)
def test_malformed_records_are_skipped_not_fatal(bad):
    events = jpn_events()
    events.insert(len(events) // 2, {"t_s": events[len(events) // 2]["t_s"], "node": "JPN", **bad})
    tracks = tracks_view(events)
    assert "JPN-T9" not in {t["id"] for t in tracks["local"]}
    assert all(len(p) == 4 for st in tracks["system"] for p in st["path"])
    assert {w["warning_id"] for w in warnings_view(events)["warnings"]} == {"JPN-W1"}
