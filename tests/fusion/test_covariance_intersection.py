import numpy as np
import pytest

from triwatch.fusion.covariance_intersection import (
    AGE_Q_M2_S3,
    THRUST_AGE_Q_M2_S3,
    agreeing_members,
    covariance_intersection,
    discount_by_age,
    fuse_members,
    information_matrices,
)


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


def test_a_singular_member_covariance_is_floored_not_refused():
    # A member claiming one direction exactly known (a zero eigenvalue: velocity z copied from x)
    # made np.linalg.inv raise "Singular matrix" inside AlliedPicture._still_fits under load.
    P_sing = np.diag([100.0**2] * 3 + [4.0] * 3)
    P_sing[3:, 3:] = 4.0 * np.ones((3, 3))  # rank 1 in velocity: singular
    P_good = np.diag([50.0**2] * 3 + [2.0**2] * 3)
    xs = np.array([np.zeros(6), np.r_[np.full(3, 30.0), np.ones(3)]])
    x, P = covariance_intersection(xs, np.array([P_sing, P_good]))
    assert np.all(np.isfinite(x)) and np.all(np.isfinite(P))
    assert np.all(np.linalg.eigvalsh(P) > 0)
    assert np.trace(P[:3, :3]) <= np.trace(P_sing[:3, :3])


def test_an_ill_conditioned_member_is_inverted_to_rounding():
    # Positions known to 1e5 m and velocities to 1e-3 m/s: 1e16 apart, still invertible; the
    # information must match the exact inverse where it exists.
    P = np.diag([1e10] * 3 + [1e-6] * 3)
    P[0, 1] = P[1, 0] = 0.5e10
    info = information_matrices(P[None])[0]
    assert np.allclose(info @ P, np.eye(6), atol=1e-8)


def test_bad_covariances_are_refused_by_name():
    P = np.eye(6)
    with pytest.raises(ValueError, match=r"member covariances \[1\] hold non-finite"):
        covariance_intersection(np.zeros((2, 6)), np.array([P, np.full((6, 6), np.nan)]))
    with pytest.raises(ValueError, match=r"member covariances \[0\] have a variance <= 0"):
        covariance_intersection(np.zeros((2, 6)), np.array([-P, P]))
    with pytest.raises(ValueError, match=r"member states \[0\] are not finite"):
        covariance_intersection(np.array([np.full(6, np.inf), np.zeros(6)]), np.array([P, P]))


def _members_of_two_objects():
    """Three members: two of one object (100 m apart, sigma 200 m), one of an object 20 km away."""
    P = np.diag([200.0**2] * 3 + [5.0**2] * 3)
    xs = np.array([np.zeros(6), np.r_[100.0, 0, 0, 0, 0, 0], np.r_[20e3, 0, 0, 0, 0, 0]])
    return xs, np.array([P, P, 0.25 * P])


def test_members_of_another_object_are_left_out_of_the_combination():
    xs, Ps = _members_of_two_objects()
    B = np.eye(3) * 1000.0**2
    keep = agreeing_members(xs, Ps, B, 16.27)
    assert keep.tolist() == [True, True, False]  # the larger agreeing set, though the third claims most
    x, _, keep = fuse_members(xs, Ps, np.zeros(3), B, 16.27)
    assert keep.tolist() == [True, True, False]
    assert abs(x[0] - 50.0) < 1.0  # between the two that agree, not dragged 20 km


def test_members_that_agree_are_all_fused():
    xs, Ps = _members_of_two_objects()
    xs[2, 0] = 150.0
    assert agreeing_members(xs, Ps, np.zeros((3, 3)), 16.27).all()


def test_of_two_members_that_disagree_the_sharper_is_kept():
    xs, Ps = _members_of_two_objects()
    keep = agreeing_members(xs[1:], Ps[1:], np.zeros((3, 3)), 16.27)
    assert keep.tolist() == [False, True]


def test_members_of_a_thrusting_object_are_discounted_at_the_thrust_density():
    P = np.diag([100.0**2] * 3 + [2.0**2] * 3)
    Ps, ages = np.array([P, P]), np.array([0.0, 1.0])
    grown = discount_by_age(Ps, ages, np.array([AGE_Q_M2_S3, THRUST_AGE_Q_M2_S3]))
    assert np.allclose(grown[0], P) and np.isclose(grown[1][3, 3] - P[3, 3], THRUST_AGE_Q_M2_S3)
    xs = np.array([np.zeros(6), np.r_[np.full(3, 50.0), np.zeros(3)]])
    x_coast, _, _ = fuse_members(xs, Ps, ages, np.zeros((3, 3)), 16.27)
    x_thrust, _, _ = fuse_members(xs, Ps, ages, np.zeros((3, 3)), 16.27, np.array([True, True]))
    assert 0.0 < x_thrust[0] < 0.7 * x_coast[0]  # the 1 s old member, flown without its thrust, weighs less
    with pytest.raises(ValueError, match="one q per member"):
        discount_by_age(Ps, ages, np.array([1.0, 2.0, 3.0]))


def test_calibration_scales_the_fusion_but_not_the_agreement_test():
    """A payload's two members and its stage's one, 4.5 km apart, each sure to 100 m: scaled x25 (fusion.calibration)
    the stage's member would agree with the payload's and drag the fusion between the objects; it stays out."""
    P = np.diag([100.0**2] * 3 + [2.0**2] * 3)
    xs = np.array([np.zeros(6), np.r_[60.0, 0, 0, 0, 0, 0], np.r_[4500.0, 0, 0, 0, 0, 0]])
    Ps, ages, B = np.array([P, P, P]), np.zeros(3), np.eye(3) * 1000.0**2
    scale = np.full(3, 25.0)
    x, P_fused, keep = fuse_members(xs, Ps, ages, B, 16.27, scale=scale)
    assert keep.tolist() == [True, True, False]
    assert abs(x[0] - 30.0) < 1.0
    assert np.isclose(P_fused[0, 0], 25.0 * 100.0**2)  # two equal members: CI keeps their (scaled) covariance
    assert agreeing_members(xs, Ps * 25.0, B, 16.27).all()  # what the test on scaled covariances would have said
    with pytest.raises(ValueError, match="scale"):
        fuse_members(xs, Ps, ages, B, 16.27, scale=np.array([1.0, 0.0, 1.0]))


def test_inverse_ci_is_at_least_as_sharp_as_ci_and_never_worse_than_the_sharper():
    from triwatch.fusion.covariance_intersection import inverse_covariance_intersection

    Pa, Pb = np.diag([4.0, 1.0]), np.diag([1.0, 4.0])
    xs = np.array([[0.0, 0.0], [1.0, 1.0]])
    x, P = inverse_covariance_intersection(xs, np.stack([Pa, Pb]))
    _, P_ci = covariance_intersection(xs, np.stack([Pa, Pb]))
    assert np.trace(P) <= np.trace(P_ci) + 1e-12
    assert x[0] > 0.5 > x[1]  # each axis follows the member sure of it
    x1, P1 = inverse_covariance_intersection(xs, np.stack([Pa, 100.0 * Pa]))
    assert np.trace(P1) <= np.trace(Pa) + 1e-12
    with pytest.raises(ValueError, match="want"):
        inverse_covariance_intersection(xs, Pa)
