"""One IRBM-like missile seen by two radars, from the first detection to impact."""

from __future__ import annotations

import numpy as np
import pytest

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.tracking.earth import height_of


@pytest.fixture(scope="module")
def tracked(irbm_radar_reports):
    dets, _ = irbm_radar_reports
    tracker = NationalTracker(TrackerConfig(id_prefix="JPN"))
    history = []
    times = sorted({d.time_s for d in dets})
    for k, t in enumerate(times):
        tracker.process([d for d in dets if d.time_s == t])
        if k % 10 == 0 or k == len(times) - 1:  # estimates every 20 s of flight (impact prediction is the cost)
            history.append(tracker.tracks())
    return tracker, history


def _ground_error_m(point, ecef) -> float:
    return float(np.linalg.norm(geodetic_to_ecef(point.lat_rad, point.lon_rad, 0.0) - ecef))


def test_one_track_with_a_stable_id_from_first_detection_to_impact(tracked, irbm_radar_reports):
    _, history = tracked
    dets, _ = irbm_radar_reports
    ids = {e.track_id for tracks in history for e in tracks}
    assert ids == {"JPN-0001"}
    # confirmed within a few scans of the first detection
    first = next(k for k, tracks in enumerate(history) if tracks)
    assert first <= 1
    final = history[-1][0]
    assert final.n_updates > 0.9 * len(dets)
    assert set(final.sensor_ids) == {"SEONGJU", "SHARIKI"}


def test_final_impact_prediction_within_10_km(tracked, irbm_impact):
    tracker, _ = tracked
    (track,) = tracker.tracks()
    r_impact, t_impact = irbm_impact
    err = _ground_error_m(track.impact, r_impact)
    assert err < 10e3
    assert abs(track.impact.time_s - t_impact) < 10.0
    # the stated uncertainty is honest: the error is within 4 sigma of the East/North covariance
    sigma = np.sqrt(np.max(np.linalg.eigvalsh(track.impact.cov_en_m2)))
    assert err < 4.0 * sigma + 500.0


def test_state_error_is_small_and_consistent_at_the_end(tracked, irbm):
    tracker, _ = tracked
    (track,) = tracker.tracks()
    truth = irbm.state_at(track.time_s)
    err = track.x - truth
    assert np.linalg.norm(err[:3]) < 1e3
    nees = err @ np.linalg.solve(track.P, err)
    assert nees < 30.0  # chi-square(6) at 0.9999 is 27.9


def test_boost_is_seen_as_thrusting_and_midcourse_is_not(tracked, irbm):
    _, history = tracked
    boost = [e.thrusting for tracks in history for e in tracks if e.time_s < irbm.burnout_s - 20]
    coast = [e.thrusting for tracks in history for e in tracks if e.time_s > irbm.burnout_s + 60]
    assert boost and np.mean(boost) > 0.8
    assert coast and np.mean(coast) < 0.05


def test_launch_point_time_and_characterisation(tracked, irbm):
    tracker, _ = tracked
    (track,) = tracker.tracks()
    assert track.launch is not None
    err = _ground_error_m(track.launch, irbm.states[0, :3])
    assert err < 60e3
    sigma = np.sqrt(np.max(np.linalg.eigvalsh(track.launch.cov_en_m2)))
    assert err < 4.0 * sigma
    assert abs(track.launch.time_s - irbm.t0_s) < 4.0 * track.launch.time_sigma_s + 5.0
    assert track.category == "IRBM"
    assert track.profile == "minimum-energy"
    assert track.apogee_m is not None
    true_apogee = height_of(irbm.states[:, :3]).max()
    assert abs(track.apogee_m - true_apogee) < 10e3
