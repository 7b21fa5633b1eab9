"""Infrared: two geostationary sensors see the boost, triangulate a track, and radar carries it on under the same id."""

from __future__ import annotations

import numpy as np
from tracking_sim import SEONGJU, SHARIKI, Infrared, detections, fly, run_and_score

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.tracking import NationalTracker
from triwatch.tracking.metrics import false_tracks, id_switches

GEO_EAST = Infrared("GEO-E", geodetic_to_ecef(0.0, np.radians(150.0), 35786e3))
GEO_WEST = Infrared("GEO-W", geodetic_to_ecef(0.0, np.radians(95.0), 35786e3))


def test_boost_seen_only_by_infrared_is_triangulated_then_handed_to_radar(irbm):
    ir, _ = detections([irbm], [GEO_EAST, GEO_WEST], np.random.default_rng(21), only=[(10.0, irbm.burnout_s)])
    radar, _ = detections([irbm], [SEONGJU, SHARIKI], np.random.default_rng(22), only=[(irbm.burnout_s, 700.0)])
    reports = sorted(ir + radar, key=lambda d: d.time_s)
    tracker = NationalTracker()
    steps, ever, assigned, values, _ = run_and_score(tracker, reports, [irbm], every=1)
    assert ever == {"T-0001"}  # one track, born from infrared, carried by radar
    (track,) = tracker.tracks()
    assert set(track.sensor_ids) == {"GEO-E", "GEO-W", "SEONGJU", "SHARIKI"}
    boost = [v for (t, v) in zip(sorted({d.time_s for d in reports}), values, strict=True) if t < irbm.burnout_s]
    assert np.median(boost) < 3e3  # angle-only stereo at 36,000 km: a few km
    assert track.launch is not None
    launch_err = np.linalg.norm(geodetic_to_ecef(track.launch.lat_rad, track.launch.lon_rad, 0.0) - irbm.states[0, :3])
    assert launch_err < 30e3  # seen from 10 s after lift-off: the launch point is close


def test_two_boosting_missiles_seen_only_by_infrared_make_two_tracks_and_no_ghosts():
    """Two lines of sight from each sensor make four candidate pairs; only the two that really cross
    (miss distance under ir_pair_miss_m) start tracks."""
    a = fly(40.6, 126.4, 75.0, 40.0, 35.0, 180.0, name="A")
    b = fly(39.2, 125.7, 95.0, 42.0, 33.0, 170.0, t0_s=6.0, name="B")
    ir, _ = detections([a, b], [GEO_EAST, GEO_WEST], np.random.default_rng(2), only=[(10.0, 170.0)])
    steps, ever, assigned, values, _ = run_and_score(NationalTracker(), ir, [a, b])
    assert len(ever) == 2 and false_tracks(ever, assigned) == 0 and id_switches(steps) == 0
    assert all(len(s) == 2 for s in steps[len(steps) // 4 :])
    assert np.median(values) < 3e3
