"""The unscented filter: it agrees with the EKF where the problem is linear, and tracks the IRBM to impact."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, detections

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.tracking import NationalTracker, TrackerConfig, unscented
from triwatch.tracking import scan as scan_module
from triwatch.tracking.measurements import predict_measurement
from triwatch.tracking.motion import propagate_with_covariance


@pytest.mark.parametrize("model", ["radar-rae", "radar-raer", "ir-los"])
def test_sigma_point_moments_match_the_jacobian_for_a_small_covariance(model, irbm):
    x = irbm.states[[600, 900]]
    P = np.repeat(np.diag([30.0**2] * 3 + [0.5**2] * 3)[None], 2, 0)
    site = geodetic_to_ecef(0.0, np.radians(130.0), 35786e3) if model == "ir-los" else SEONGJU.ecef
    z, Pzz, Pxz = unscented.measurement_moments(model, x, P, site, SEONGJU.lat, SEONGJU.lon)
    z_lin, H = predict_measurement(model, x, site, SEONGJU.lat, SEONGJU.lon)
    np.testing.assert_allclose(z, z_lin, rtol=1e-9, atol=1e-9)
    lin = H @ P @ np.swapaxes(H, 1, 2)
    sd = np.sqrt(np.diagonal(lin, axis1=1, axis2=2))
    # compare as correlations: entries differ only by the (tiny) curvature over 30 m
    np.testing.assert_allclose(
        Pzz / (sd[:, :, None] * sd[:, None, :]), lin / (sd[:, :, None] * sd[:, None, :]), atol=1e-3
    )
    cross = P @ np.swapaxes(H, 1, 2)
    sx = np.sqrt(np.diagonal(P, axis1=1, axis2=2))
    np.testing.assert_allclose(
        Pxz / (sx[:, :, None] * sd[:, None, :]), cross / (sx[:, :, None] * sd[:, None, :]), atol=1e-3
    )


def test_sigma_point_flight_matches_the_linearised_flight_for_a_small_covariance(irbm):
    x = irbm.states[[600, 900]]
    P = np.repeat(np.diag([30.0**2] * 3 + [0.5**2] * 3)[None], 2, 0)
    dt = np.array([20.0, -8.0])
    xu, Pu = unscented.predict(x, P, dt, 0.0, 0.0)
    xe, Pe = propagate_with_covariance(x, P, dt, 0.0, 0.0)
    np.testing.assert_allclose(xu, xe, rtol=0, atol=1e-3)
    np.testing.assert_allclose(Pu, Pe, rtol=0, atol=1e-3 * np.abs(Pe).max())


def test_ukf_tracks_the_irbm_to_impact(irbm_radar_reports, irbm, irbm_impact, monkeypatch):
    used = []
    real = scan_module.unscented.measurement_moments

    def spy(*args, **kwargs):
        used.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(scan_module.unscented, "measurement_moments", spy)
    dets, _ = irbm_radar_reports
    tracker = NationalTracker(TrackerConfig(filter="ukf"))
    tracker.process(dets)
    assert used  # the sigma-point path really ran
    (track,) = tracker.tracks()
    err = track.x - irbm.state_at(track.time_s)
    assert np.linalg.norm(err[:3]) < 1e3
    assert err @ np.linalg.solve(track.P, err) < 30.0
    miss = np.linalg.norm(geodetic_to_ecef(track.impact.lat_rad, track.impact.lon_rad, 0.0) - irbm_impact[0])
    assert miss < 10e3


def test_ukf_is_selected_by_name_only():
    with pytest.raises(ValueError, match=r"filter: unknown filter 'pf'; known: \('ekf', 'ukf'\)"):
        TrackerConfig(filter="pf")


def test_ukf_starts_from_a_single_radar_report_like_the_ekf(irbm):
    reports, _ = detections([irbm], [SEONGJU], np.random.default_rng(8), only=[(240.0, 300.0)])
    ids = set()
    for name in ("ekf", "ukf"):
        tracker = NationalTracker(TrackerConfig(filter=name))
        tracker.process(reports)
        ids |= {e.track_id for e in tracker.tracks()}
        (track,) = tracker.tracks()
        assert np.linalg.norm(track.x[:3] - irbm.state_at(track.time_s)[:3]) < 1e3
    assert ids == {"T-0001"}
