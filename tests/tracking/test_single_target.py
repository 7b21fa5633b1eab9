"""One IRBM-like missile seen by two radars, from the first detection to impact."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, SHARIKI, Radar, detections, fly

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.tracking.earth import geodetic_of, height_of


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
    # The radars lose the missile before it re-enters, so its ballistic coefficient is still the
    # prior's (ln beta sigma ~1): the time of fall through the air is honestly uncertain by tens of s.
    assert abs(track.impact.time_s - t_impact) < 3.0 * track.impact.time_sigma_s
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


def test_late_reports_from_a_slow_sensor_are_used_not_refused(irbm_radar_reports, irbm, irbm_impact):
    """Shariki's reports reach the node 10 s late: each call holds the on-time Seongju reports and
    Shariki's from 10 s earlier. Retrodiction uses them; the result matches the on-time run."""
    dets, _ = irbm_radar_reports
    tracker = NationalTracker()
    times = sorted({d.time_s for d in dets})
    for t in times + [times[-1] + 2.0 * k for k in range(1, 6)]:  # a clock running past the end
        batch = [d for d in dets if (d.sensor_id == "SEONGJU" and d.time_s == t)]
        batch += [d for d in dets if (d.sensor_id == "SHARIKI" and d.time_s == t - 10.0)]
        batch.sort(key=lambda d: d.time_s)
        tracker.process(batch)
    assert tracker.reports_processed == len(dets)
    (track,) = tracker.tracks()
    assert track.n_updates > 0.9 * len(dets)
    err = track.x - irbm.state_at(track.time_s)
    assert np.linalg.norm(err[:3]) < 1e3
    assert err @ np.linalg.solve(track.P, err) < 30.0
    assert _ground_error_m(track.impact, irbm_impact[0]) < 10e3


def test_lofted_missile_keeps_its_track_across_a_long_coverage_gap():
    """A Hwasong-17-like lofted flight (apogee ~5800 km, ~66 min): the radars see the climb and the
    fall, with ~50 minutes out of sight in between. The ballistic prediction carries the track."""
    lofted = fly(39.2, 125.7, azimuth_deg=95.0, elevation_deg=80.0, accel_m_s2=40.0, burn_s=220.0, name="loft")
    end = lofted.t_end_s
    reports, _ = detections([lofted], [SEONGJU, SHARIKI], np.random.default_rng(5), only=[(0, 700), (end - 400, end)])
    tracker = NationalTracker()
    times = sorted({d.time_s for d in reports})
    gap = max(b - a for a, b in zip(times, times[1:], strict=False))
    assert gap > 2500.0
    tracker.process(reports)
    (track,) = tracker.tracks()
    assert track.track_id == "T-0001" and track.n_updates > 0.9 * len(reports)
    assert track.category == "ICBM" and track.profile == "lofted"
    assert abs(track.apogee_m - height_of(lofted.states[:, :3]).max()) < 20e3


def test_a_pass_straight_over_a_radar_is_tracked_through_the_zenith(irbm):
    """Azimuth is undefined at the zenith (the 2022 IRBM flew over Aomori); the filter must not break."""
    lat, lon, _ = geodetic_of(irbm.states[900, :3])
    overhead = Radar("OVERHEAD", float(np.degrees(lat)), float(np.degrees(lon)), max_range_m=3000e3)
    reports, _ = detections([irbm], [overhead], np.random.default_rng(1), only=[(300.0, 700.0)])
    assert max(d.z[2] for d in reports) > np.radians(89.5)
    tracker = NationalTracker()
    tracker.process(reports)
    (track,) = tracker.tracks()
    assert track.n_updates == len(reports)
    assert np.linalg.norm(track.x[:3] - irbm.state_at(track.time_s)[:3]) < 500.0
