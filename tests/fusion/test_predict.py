import numpy as np
import pytest

from triwatch.fusion.predict import predict_many, predict_state_cov
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.physics.propagate import propagate

X = np.r_[geodetic_to_ecef(np.radians(40.0), np.radians(132.0), 300e3), [1000.0, 2000.0, 500.0]]
P = np.diag([500.0**2] * 3 + [50.0**2] * 3)


def test_predict_state_cov_follows_the_flight_and_grows_the_covariance():
    x, Pp = predict_state_cov(X, P, 12.0)
    r, v = propagate(X[None, :3], X[None, 3:], 12.0)
    np.testing.assert_allclose(x, np.r_[r[0], v[0]], atol=1e-6)
    assert np.trace(Pp[:3, :3]) > np.trace(P[:3, :3])  # 50 m/s velocity error spreads the position


def test_predict_many_flies_each_track_its_own_time():
    xs = np.stack([X, X + np.r_[1e3, 0, 0, 0, 0, 0]])
    out, Ps = predict_many(xs, np.stack([P, 2 * P]), np.array([12.0, -3.0]))
    for i, (dt, Pi) in enumerate([(12.0, P), (-3.0, 2 * P)]):
        x1, P1 = predict_state_cov(xs[i], Pi, dt)
        np.testing.assert_allclose(out[i], x1, atol=1e-3)  # steps of 1 s instead of 3 s for the short one
        np.testing.assert_allclose(Ps[i], P1, atol=1e-6 * np.abs(P1).max())


def test_predict_many_names_bad_shapes():
    with pytest.raises(ValueError, match=r"predict_many: shapes xs \(2, 6\), Ps \(1, 6, 6\)"):
        predict_many(np.stack([X, X]), P[None], np.array([1.0, 2.0]))


def _falling(height_m: float, speed_m_s: float) -> np.ndarray:
    """A state over the Sea of Japan falling at 45 degrees."""
    lat, lon = np.radians(39.0), np.radians(133.0)
    r = geodetic_to_ecef(lat, lon, height_m)
    up = r / np.linalg.norm(r)
    east = np.array([-np.sin(lon), np.cos(lon), 0.0])
    return np.r_[r, speed_m_s * (east - up) / np.sqrt(2.0)]


def test_predict_many_flies_a_track_in_the_air_with_its_drag_and_the_others_in_vacuum():
    """A light stage at 30 km (drag ~ 2 g) against a fine NumPy RK4 flight; a track above the air ignores its beta."""
    from triwatch.physics.dynamics import coast_acceleration

    low, high = _falling(30e3, 1500.0), X
    inv_beta = np.array([1.0 / 600.0, 1.0 / 600.0])
    out, Ps = predict_many(np.stack([low, high]), np.stack([P, P]), np.array([8.0, 40.0]), inv_beta=inv_beta)
    fine_r, fine_v = low[None, :3], low[None, 3:]
    for _ in range(80):  # 0.1 s steps: the reference
        fine_r, fine_v = propagate(fine_r, fine_v, 0.1, accel=lambda r_, v_: coast_acceleration(r_, v_, 1.0 / 600.0))
    np.testing.assert_allclose(out[0], np.r_[fine_r[0], fine_v[0]], atol=0.05)
    vacuum = predict_many(high[None], P[None], np.array([40.0]))
    np.testing.assert_allclose(out[1], vacuum[0][0], atol=1e-9)
    np.testing.assert_allclose(Ps[1], vacuum[1][0], rtol=1e-9)
    drag_free = predict_many(low[None], P[None], np.array([8.0]))[0][0]
    assert np.linalg.norm(drag_free[3:] - out[0, 3:]) > 100.0  # the drag really acts (~2 g over 8 s)


def test_predict_many_names_a_bad_ballistic_coefficient():
    with pytest.raises(ValueError, match="inv_beta must be"):
        predict_many(X[None], P[None], np.array([1.0]), inv_beta=np.array([-1.0]))
