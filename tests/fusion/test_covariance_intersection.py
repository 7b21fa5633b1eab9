import numpy as np
import pytest

from triwatch.fusion.covariance_intersection import covariance_intersection, discount_by_age


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


def test_an_old_member_is_discounted_by_its_age_and_a_fresh_one_is_not():
    P = np.diag([100.0**2] * 3 + [2.0**2] * 3)
    grown = discount_by_age(np.array([P, P]), np.array([0.0, 10.0]), q=100.0)
    assert np.allclose(grown[0], P)
    assert np.isclose(grown[1][0, 0] - P[0, 0], 100.0 * 10.0**3 / 3) and np.isclose(grown[1][3, 3] - P[3, 3], 1000.0)
    # Fused, the fresh member pulls harder than the 10 s old one it equalled before.
    xs = np.array([np.zeros(6), np.r_[np.full(3, 300.0), np.zeros(3)]])
    x_even, _ = covariance_intersection(xs, np.array([P, P]))
    x_aged, _ = covariance_intersection(xs, grown)
    assert np.allclose(x_even[:3], 150.0) and np.all(x_aged[:3] < 100.0)


def test_bad_ages_are_refused_by_name():
    with pytest.raises(ValueError, match=r"discount_by_age: Ps \(2, 6, 6\) and ages_s \(3,\)"):
        discount_by_age(np.zeros((2, 6, 6)), np.zeros(3))
    with pytest.raises(ValueError, match="must be >= 0"):
        discount_by_age(np.zeros((1, 6, 6)), np.array([-1.0]))
