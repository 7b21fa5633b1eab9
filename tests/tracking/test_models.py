"""Measurement models, motion model and Kalman steps against finite differences and hand calculations."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, fly

from triwatch.geo.frames import ecef_to_aer, ecef_to_geodetic, geodetic_to_ecef
from triwatch.physics.propagate import propagate
from triwatch.tracking.earth import geodetic_of
from triwatch.tracking.initiation import closest_approach, radar_initial_state, radar_position, triangulate
from triwatch.tracking.kalman import predict, update
from triwatch.tracking.measurements import predict_measurement, residual, wrap_angle
from triwatch.tracking.motion import propagate_with_covariance, transition_matrix

GEO_SAT = geodetic_to_ecef(0.0, np.radians(130.0), 35786e3)


@pytest.fixture(scope="module")
def states():
    tr = fly(40.6, 126.4, 75.0, 40.0, 35.0, 180.0)
    return tr.states[::200]  # a few states along the flight, boost to re-entry


@pytest.mark.parametrize("model", ["radar-rae", "radar-raer", "ir-los"])
def test_jacobian_matches_finite_differences(model, states):
    site = GEO_SAT if model == "ir-los" else SEONGJU.ecef
    z, H = predict_measurement(model, states, site, SEONGJU.lat, SEONGJU.lon)
    step = np.array([1.0, 1.0, 1.0, 0.01, 0.01, 0.01])
    for i in range(6):
        dx = np.zeros(6)
        dx[i] = step[i]
        zp, _ = predict_measurement(model, states + dx, site, SEONGJU.lat, SEONGJU.lon)
        zm, _ = predict_measurement(model, states - dx, site, SEONGJU.lat, SEONGJU.lon)
        numeric = residual(model, zp, zm) / (2 * step[i])
        np.testing.assert_allclose(H[:, :, i], numeric, rtol=1e-5, atol=1e-12)


def test_radar_measurement_agrees_with_geo_frames(states):
    z, _ = predict_measurement("radar-rae", states, SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    az, el, rng = ecef_to_aer(states[:, :3], SEONGJU.lat, SEONGJU.lon, SEONGJU.ecef)
    np.testing.assert_allclose(z, np.stack([rng, az, el], axis=1), rtol=1e-12)


def test_range_rate_is_positive_when_opening(states):
    z, _ = predict_measurement("radar-raer", states[1:2], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    later, _ = propagate(states[1:2, :3], states[1:2, 3:], 1.0)
    z2, _ = predict_measurement("radar-rae", np.concatenate([later, states[1:2, 3:]], 1), SEONGJU.ecef, 0.6, 2.2)
    assert np.sign(z[0, 3]) == np.sign(z2[0, 0] - z[0, 0])


def test_azimuth_residual_wraps_across_north():
    y = residual("radar-rae", np.array([1.0, 0.01, 0.0]), np.array([1.0, 2 * np.pi - 0.01, 0.0]))
    assert y[1] == pytest.approx(0.02)
    assert wrap_angle(np.array([np.pi + 0.1]))[0] == pytest.approx(-np.pi + 0.1)


def test_radar_inverse_round_trip_and_covariance(states):
    rng = np.random.default_rng(3)
    x = states[2:3]
    z, H = predict_measurement("radar-rae", x, SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    R = np.diag([20.0**2, 3e-4**2, 3e-4**2])[None]
    pos, cov = radar_position(z, R, SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    np.testing.assert_allclose(pos, x[:, :3], atol=1e-6)
    # Monte Carlo: the inverse of noisy reports scatters as the stated covariance says
    noisy = z + rng.standard_normal((4000, 3)) * np.sqrt(np.diag(R[0]))
    pts, _ = radar_position(noisy, np.repeat(R, 4000, 0), SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    np.testing.assert_allclose(np.cov(pts.T), cov[0], rtol=0.1, atol=1e2)


def test_range_rate_sets_the_radial_velocity(states):
    x = states[2:3]
    z, _ = predict_measurement("radar-raer", x, SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    R = np.diag([20.0**2, 3e-4**2, 3e-4**2, 1.0])[None]
    x0, P0 = radar_initial_state(z, R, SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon, 4000.0)
    u = (x[0, :3] - SEONGJU.ecef) / np.linalg.norm(x[0, :3] - SEONGJU.ecef)
    assert x0[0, 3:] @ u == pytest.approx(z[0, 3], rel=1e-9)
    assert u @ P0[0, 3:, 3:] @ u == pytest.approx(1.0, rel=1e-6)


def test_triangulation_of_two_lines_of_sight():
    target = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 300e3)
    sat2 = geodetic_to_ecef(0.0, np.radians(100.0), 35786e3)
    zs = [predict_measurement("ir-los", target[None], s, 0, 0)[0][0] for s in (GEO_SAT, sat2)]
    R = np.eye(2) * (2e-5) ** 2
    pos, cov = triangulate(zs[0], R, GEO_SAT, zs[1], R, sat2)
    assert np.linalg.norm(pos - target) < 1.0
    rng = np.random.default_rng(5)
    errs = []
    for _ in range(400):
        n = [z + rng.standard_normal(2) * 2e-5 for z in zs]
        p, _ = triangulate(n[0], R, GEO_SAT, n[1], R, sat2)
        errs.append(p - target)
    np.testing.assert_allclose(np.cov(np.array(errs).T), cov, rtol=0.25, atol=5e4)
    _, miss, ranges = closest_approach(GEO_SAT, np.array([1.0, 0, 0]), sat2, np.array([0, 0, 1.0]))
    assert miss > 0 and ranges.shape == (2,)


def test_mean_propagation_matches_physics_and_transition_matches_finite_differences(states):
    x = states[3:5]
    dt = np.array([30.0, -12.0])
    P = np.repeat(np.eye(6)[None], 2, 0)
    xp, Pp = propagate_with_covariance(x, P, dt, 0.0, 0.0)
    for k in range(2):
        r, v = propagate(x[k : k + 1, :3], x[k : k + 1, 3:], dt[k])
        np.testing.assert_allclose(xp[k], np.concatenate([r[0], v[0]]), rtol=1e-12, atol=1e-6)
    # with no process noise, P = F I F^T; compare F with finite differences of the flight
    F_num = np.zeros((6, 6))
    h = np.array([10.0] * 3 + [0.1] * 3)
    for i in range(6):
        d = np.zeros(6)
        d[i] = h[i]
        plus, _ = propagate_with_covariance(x[:1] + d, P[:1], dt[:1], 0.0, 0.0)
        minus, _ = propagate_with_covariance(x[:1] - d, P[:1], dt[:1], 0.0, 0.0)
        F_num[:, i] = (plus[0] - minus[0]) / (2 * h[i])
    # J2 is left out of the linearisation: the covariance agrees to 1e-4 of its scale
    expected = F_num @ F_num.T
    np.testing.assert_allclose(Pp[0], expected, rtol=0, atol=1e-4 * np.abs(expected).max())
    assert transition_matrix(x, np.array([0.0, 0.0])) == pytest.approx(np.repeat(np.eye(6)[None], 2, 0))


def test_kalman_steps_match_the_textbook_scalar_case():
    # 1-D constant position: x = 0, P = 4, z = 2, R = 1 -> K = 0.8, x+ = 1.6, P+ = 0.8, S = 5
    x, P, S = update(
        np.zeros((1, 1)), np.full((1, 1, 1), 4.0), np.array([[2.0]]), np.ones((1, 1, 1)), np.ones((1, 1, 1))
    )
    assert x[0, 0] == pytest.approx(1.6) and P[0, 0, 0] == pytest.approx(0.8) and S[0, 0, 0] == pytest.approx(5.0)
    F = np.array([[[1.0, 2.0], [0.0, 1.0]]])
    xp, Pp = predict(np.array([[1.0, 3.0]]), np.eye(2)[None], F, 0.5 * np.eye(2)[None])
    np.testing.assert_allclose(xp, [[7.0, 3.0]])
    np.testing.assert_allclose(Pp, [[[5.5, 2.0], [2.0, 1.5]]])


def test_geodetic_helpers_are_exact_keep_shapes_and_match_pymap3d():
    rng = np.random.default_rng(0)
    lat, lon, h = rng.uniform(-1.5, 1.5, 500), rng.uniform(-3, 3, 500), rng.uniform(-1e3, 4e7, 500)
    r = geodetic_to_ecef(lat, lon, h)
    ours = geodetic_of(r.reshape(1, 500, 3))  # shape kept, even with a leading axis of one
    for a, b, tol in zip(ours, (lat, lon, h), (1e-12, 1e-12, 1e-6), strict=True):
        assert a.shape == (1, 500)
        np.testing.assert_allclose(a[0], b, rtol=0, atol=tol)
    low = h < 2000e3  # pymap3d drifts by ~1e-6 rad at geostationary heights; compare where it is exact
    for a, b in zip(ours, ecef_to_geodetic(r[low]), strict=True):
        np.testing.assert_allclose(a[0][low], b, rtol=0, atol=1e-7)
