"""Several objects: crossing missiles keep their ids, a separating stage is born as a new track with a parent."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, SHARIKI, detections, fly, run_and_score, separate

from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.tracking.metrics import false_tracks, id_switches


def test_crossing_missiles_keep_their_ids():
    # Two missiles from sites 110 km apart whose paths pass within ~1 km of each other near burnout.
    a = fly(39.8, 126.0, 80.0, 40.0, 35.0, 150.0, name="A")
    b = fly(40.8, 126.3, 103.0, 42.0, 35.0, 150.0, t0_s=4.0, name="B")
    gap = [np.linalg.norm(a.state_at(t)[:3] - b.state_at(t)[:3]) for t in np.arange(100.0, 250.0, 0.5)]
    assert min(gap) < 2e3  # the test is only worth something if they really come close
    reports, _ = detections([a, b], [SEONGJU, SHARIKI], np.random.default_rng(7), t_end_s=400.0)
    steps, ever, assigned, values, _ = run_and_score(NationalTracker(), reports, [a, b], every=1)
    assert id_switches(steps) == 0
    assert ever == {"T-0001", "T-0002"} and false_tracks(ever, assigned) == 0
    both = [s for s in steps if len(s) == 2]
    assert len(both) > 0.9 * len(steps)
    assert np.median(values) < 2e3


def test_separating_stage_is_a_new_track_with_a_parent_not_a_swap(irbm):
    # the spent stage leaves the payload at burnout, 40 m/s slower; radars resolve it 2 km away
    v = irbm.state_at(irbm.burnout_s)[3:]
    stage = separate(irbm, irbm.burnout_s, -40.0 * v / np.linalg.norm(v), name="stage")
    reports, _ = detections([irbm, stage], [SEONGJU, SHARIKI], np.random.default_rng(3), t_end_s=600.0)
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    steps, ever, assigned, _, _ = run_and_score(tracker, reports, [irbm, stage], every=1)
    payload_ids = {s["irbm"] for s in steps if "irbm" in s}
    stage_ids = {s["stage"] for s in steps if "stage" in s}
    assert payload_ids == {"KOR-0001"}  # the missile's track kept its id through the separation
    assert len(stage_ids) == 1 and stage_ids != payload_ids
    tracks = {e.track_id: e for e in tracker.tracks()}
    (stage_track,) = [e for k, e in tracks.items() if k in stage_ids]
    assert stage_track.parent_id == "KOR-0001"
    # the stage was launched with the missile: it reports the missile's launch point
    payload = tracks["KOR-0001"]
    assert payload.launch is not None and stage_track.launch is not None
    assert (stage_track.launch.lat_rad, stage_track.launch.lon_rad) == (payload.launch.lat_rad, payload.launch.lon_rad)
    assert false_tracks(ever, assigned) == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_false_alarms_do_not_become_tracks(seed, irbm):
    """Uniform clutter around the radar's field of view dies in the M-of-N test."""
    from dataclasses import replace

    rng = np.random.default_rng(seed)
    reports, _ = detections([irbm], [SEONGJU], rng, t_end_s=300.0)
    clutter = []
    for d in reports:
        for _ in range(3):
            z = np.array([rng.uniform(200e3, 1500e3), rng.uniform(0.0, 2 * np.pi), rng.uniform(0.02, 0.8)])
            clutter.append(replace(d, z=z))
    mixed = sorted(reports + clutter, key=lambda d: d.time_s)
    steps, ever, assigned, _, _ = run_and_score(NationalTracker(), mixed, [irbm], every=5)
    assert false_tracks(ever, assigned) == 0
    assert {s["irbm"] for s in steps if "irbm" in s} == {"T-0001"}


def test_a_salvo_from_boost_to_impact_is_tracked_one_track_per_missile():
    """Six missiles from two sites 40 km apart within 20 s, fanning out between 65 and 100 degrees."""
    rng = np.random.default_rng(12)
    salvo = [
        fly(
            39.0 + 0.36 * (k % 2),
            125.7,
            azimuth_deg=65.0 + 7.0 * k,
            elevation_deg=rng.uniform(38.0, 44.0),
            accel_m_s2=rng.uniform(30.0, 36.0),
            burn_s=rng.uniform(150.0, 175.0),
            t0_s=4.0 * k,
            name=f"M{k}",
        )
        for k in range(6)
    ]
    reports, _ = detections(salvo, [SEONGJU, SHARIKI], np.random.default_rng(13), t_end_s=600.0)
    steps, ever, assigned, values, tracker = run_and_score(NationalTracker(), reports, salvo, every=3)
    assert id_switches(steps) == 0
    assert all(e.parent_id is None for e in tracker.tracks())  # missiles of a salvo are not each other's debris
    assert false_tracks(ever, assigned) == 0
    assert len(ever) == 6
    late = steps[len(steps) // 2 :]  # once all are up: every missile has a track
    assert all(len(s) == 6 for s in late)
    assert np.median(values[len(values) // 2 :]) < 1e3
