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
