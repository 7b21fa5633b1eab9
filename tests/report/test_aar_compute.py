"""The numbers behind the figures: errors against truth, GOSPA, timelines, delays, ellipses."""

from __future__ import annotations

import numpy as np
import pytest
from aar_fixture import IMPACT, LAUNCH

from triwatch.geo.wgs84 import A_M
from triwatch.report.aar.accuracy import GOSPA_C_M, gospa_series, impact_errors, track_errors
from triwatch.report.aar.geography import area_path
from triwatch.report.aar.latency import delivery_delays
from triwatch.report.aar.mapplot import ellipse_outline_deg, gather_layers
from triwatch.report.aar.timeline import describe, nation_timelines
from triwatch.report.aar.truthgeo import ground_km, impact_point_deg, nearest, path_distance, positions_at
from triwatch.report.aar.validate import check_truth

NATIONS = ["USA", "JPN", "KOR"]


def test_positions_interpolate_between_samples_and_are_nan_outside(truth):
    tracks = check_truth(truth)
    rv = truth["L1/RV"]
    mid = positions_at(tracks, np.array([100.5]))[0, 0]
    np.testing.assert_allclose(mid, 0.5 * (rv["r_ecef"][80] + rv["r_ecef"][81]))
    assert np.all(np.isnan(positions_at(tracks, np.array([5.0]))))  # before launch
    assert np.all(np.isnan(positions_at(tracks, np.array([300.0]))[1]))  # the stage has come down


def test_nearest_uses_the_gate(truth):
    tracks = check_truth(truth)
    r = truth["L1/RV"]["r_ecef"][[100, 300]].copy()
    r[1] += [0.0, 0.0, 60e3]  # 60 km off: beyond the 50 km gate
    idx, dist = nearest(tracks, np.array([120.0, 320.0]), r)
    assert idx.tolist() == [0, -1]
    assert dist[0] == pytest.approx(0.0, abs=1e-6) and dist[1] == pytest.approx(60e3, rel=1e-6)


def test_track_errors_are_zero_on_truth(truth):
    tracks = check_truth(truth)
    rv = truth["L1/RV"]
    events = [
        {"t_s": float(t), "node": "KOR", "type": "track", "x": [*rv["r_ecef"][i], 0, 0, 0]}
        for i, t in enumerate(rv["t_s"][:50])
    ]
    events.append({"t_s": 30.0, "node": "KOR", "type": "track", "x": [0.0, 0.0, 7e6, 0, 0, 0]})  # far from anything
    errs, unassoc = track_errors(events, tracks, ["KOR"])
    assert errs["KOR"].value.size == 50 and np.max(errs["KOR"].value) < 1e-6
    assert unassoc["KOR"] == 1


def test_track_error_uses_the_state_time_when_given(truth):
    tracks = check_truth(truth)
    rv = truth["L1/RV"]
    e = {"t_s": 105.0, "time_s": 100.0, "node": "USA", "type": "track", "x": [*rv["r_ecef"][80], 0, 0, 0]}
    errs, _ = track_errors([e], tracks, ["USA"])
    assert errs["USA"].value[0] < 1e-6


def test_impact_point_is_the_true_landing(truth, events):
    tracks = check_truth(truth)
    lat, lon = impact_point_deg(tracks[0])
    assert ground_km(lat, lon, *IMPACT) < 1.0
    imp = impact_errors(events, tracks, NATIONS)
    assert imp["USA"].labels == ["overflight"]
    assert imp["USA"].value[0] == pytest.approx(ground_km(40.6, 134.7, *IMPACT), rel=1e-3)


def test_gospa_series_counts_the_false_track(truth, events):
    series = gospa_series(events, check_truth(truth), NATIONS)
    usa = series["USA"]
    assert usa.t_s.size == 36
    assert np.all(usa.value >= GOSPA_C_M / np.sqrt(2) - 1e-6)  # the far-away S9 always costs c^2/2
    assert series["JPN"].t_s.size == 0


def test_gospa_series_is_zero_for_a_perfect_picture(truth):
    tracks = check_truth(truth)
    t = np.array([50.0, 100.0, 300.0])  # the stage is alive at 50 and 100 s, not at 300 s
    live = positions_at(tracks, t)
    events = []
    for k, ts in enumerate(t):
        pos = [p.tolist() for p in live[:, k] if np.all(np.isfinite(p))]
        events.append({"t_s": float(ts), "node": "JPN", "type": "picture", "positions": pos})
    series = gospa_series(events, tracks, ["JPN"])["JPN"]
    np.testing.assert_allclose(series.value, 0.0, atol=1e-6)
    missing = [dict(e, positions=e["positions"][:1]) for e in events]  # drop the stage where it flies
    series = gospa_series(missing, tracks, ["JPN"])["JPN"]
    np.testing.assert_allclose(series.value, [GOSPA_C_M / np.sqrt(2)] * 2 + [0.0], atol=1e-6)


def test_timelines_count_every_event(events):
    edges, lines = nation_timelines(events, NATIONS, 10.0)
    by = {line.nation: line for line in lines}
    assert edges[0] == 0.0 and edges[-1] >= max(e["t_s"] for e in events)
    assert by["KOR"].detections.sum() == sum(1 for e in events if e["node"] == "KOR" and e["type"] == "detection")
    assert by["KOR"].tracks.max() == 1 and by["KOR"].totals["own tracks"] == 1
    assert by["USA"].received_tracks.sum() == 36
    assert by["JPN"].totals["acknowledgements"] == 1 and by["KOR"].totals["escalations"] == 1
    assert [e["type"] for e in by["JPN"].notable][-1] == "refused-payload"


def test_delivery_delays(events):
    rows = {r["nation"]: r for r in delivery_delays(events, NATIONS)}
    assert rows["JPN"]["partner"] == "2" and rows["JPN"]["median"] == "1.5" and rows["JPN"]["worst"] == "2.0"
    assert rows["USA"]["own"] == "2" and rows["USA"]["median"] == "—"


def test_ellipse_outline_axes():
    lat, lon = ellipse_outline_deg(40.0, 135.0, 100e3, 20e3, 0.0)
    assert lat.max() - 40.0 == pytest.approx(np.degrees(100e3 / A_M), rel=1e-3)  # major axis points North
    east_km = np.radians(lon.max() - 135.0) * A_M * np.cos(np.radians(40.0)) / 1e3
    assert east_km == pytest.approx(20.0, rel=1e-3)


def test_map_layers(summary, events, truth):
    layers = gather_layers(summary, events, check_truth(truth), NATIONS)
    assert [t[0] for t in layers.truth_lines] == ["L1/RV", "L1/stage1"]
    ((stage_lat, stage_lon),) = layers.stage_landings
    # The fixture's stage record ends a third of the way along its path: that last sample is where it "lands".
    assert ground_km(stage_lat, stage_lon, 39.74, 125.4667) < 1.0
    assert layers.launches[0][:3] == ("L1", LAUNCH[0], LAUNCH[1])
    assert set(layers.tracks) == {"KOR"}
    ((lat, lon, ell),) = layers.impacts["USA"]
    assert (lat, lon) == (40.6, 134.7) and ell["semi_major_m"] == 80e3


def test_map_layers_carry_coastlines_and_named_areas(summary, events):
    layers = gather_layers(summary, events, None, NATIONS)
    assert layers.coastlines and all(c.shape[1] == 2 for c in layers.coastlines)
    assert layers.areas == ["JPN-EEZ", "JPN-land"]
    assert layers.truth_lines == []


def test_area_paths():
    tokyo, seoul = (139.69, 35.68), (126.98, 37.57)
    japan = area_path("JPN-land")
    assert japan.contains_point(tokyo) and not japan.contains_point(seoul)
    assert area_path("KOR-land").contains_point(seoul)
    assert area_path("JPN-EEZ").contains_point((135.0, 38.0))  # Sea of Japan, Japan's side
    assert area_path("high-seas") is None and area_path("XYZ-land") is None


def test_path_distance_ignores_the_unknown_delay(truth):
    tracks = check_truth(truth)
    rv = truth["L1/RV"]["r_ecef"]
    on_path_earlier = rv[200] + 0.3 * (rv[201] - rv[200])  # the payload 17.7 s before the event, between samples
    idx, dist = path_distance(tracks, np.array([237.0]), on_path_earlier)
    assert idx[0] == 0 and dist[0] < 1.0
    _, dist_at_event = nearest(tracks, np.array([237.0]), on_path_earlier)
    assert dist_at_event[0] > 10e3  # what comparing at the event time would have charged
    across = np.cross(rv[201] - rv[200], on_path_earlier)
    across /= np.linalg.norm(across)
    _, off = path_distance(tracks, np.array([237.0]), on_path_earlier + 3e3 * across)
    assert off[0] == pytest.approx(3e3, rel=1e-3)
    idx, _ = path_distance(tracks, np.array([237.0]), rv[200] + [0.0, 0.0, 80e3])
    assert idx[0] == -1


def test_track_errors_label_how_they_were_measured(truth):
    tracks = check_truth(truth)
    rv = truth["L1/RV"]
    timed = {"t_s": 105.0, "time_s": 100.0, "node": "USA", "type": "track", "x": [*rv["r_ecef"][80], 0, 0, 0]}
    untimed = {"t_s": 105.0, "node": "USA", "type": "track", "x": [*rv["r_ecef"][80], 0, 0, 0]}
    errs, _ = track_errors([timed, untimed], tracks, ["USA"])
    assert errs["USA"].labels == ["time", "path"]
    np.testing.assert_allclose(errs["USA"].value, 0.0, atol=1e-6)


def test_timeline_rows_name_areas_and_subregions(events):
    _, lines = nation_timelines(events, NATIONS, 10.0)
    jpn = next(line for line in lines if line.nation == "JPN")
    rows = [describe(e) for e in jpn.notable]
    overflight = next(r for r in rows if r["kind"] == "overflight")
    assert overflight == {
        "t": "232.0",
        "type": "warning-delivered",
        "warning": "W1 rev 2",
        "kind": "overflight",
        "areas": "JPN-land, JPN-EEZ (Aomori)",
        "who": "from USA",
    }
