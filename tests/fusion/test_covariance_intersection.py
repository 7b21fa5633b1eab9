import numpy as np
import pytest

from triwatch.fusion.covariance_intersection import covariance_intersection


def test_ci_single_estimate_is_identity():
    x = np.arange(6.0)
    P = np.diag(np.arange(1.0, 7.0))
    xf, Pf = covariance_intersection(x[None], P[None])
    assert np.allclose(xf, x) and np.allclose(Pf, P)


def test_ci_is_consistent_for_fully_correlated_errors():
    # Two nations report the *same* error (fully correlated): a Kalman product would claim
    # half the variance; CI must not be more confident than the better input.
    rng = np.random.default_rng(3)
    P1 = np.diag([4.0, 4.0, 4.0, 1.0, 1.0, 1.0])
    P2 = np.diag([9.0, 1.0, 9.0, 1.0, 2.0, 1.0])
    errs = []
    for _ in range(2000):
        e = rng.multivariate_normal(np.zeros(6), np.minimum(P1, P2))
        xf, Pf = covariance_intersection(np.array([e, e]), np.array([P1, P2]))
        errs.append(xf @ np.linalg.solve(Pf, xf))
    # NEES of a consistent 6-D estimate averages <= 6.
    assert np.mean(errs) <= 6.0


def test_ci_pulls_towards_the_more_certain_estimate():
    P_good = np.eye(6)
    P_poor = 100 * np.eye(6)
    xf, Pf = covariance_intersection(np.array([np.zeros(6), np.ones(6) * 10]), np.array([P_good, P_poor]))
    assert np.all(xf < 1.0)
    assert np.trace(Pf) <= np.trace(P_poor)


def test_bad_shapes_are_refused_by_name():
    with pytest.raises(ValueError, match="covariance_intersection: xs"):
        covariance_intersection(np.zeros((2, 6)), np.zeros((3, 6, 6)))
    with pytest.raises(ValueError, match="n >= 1"):
        covariance_intersection(np.zeros((0, 6)), np.zeros((0, 6, 6)))
