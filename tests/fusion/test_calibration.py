"""Per-nation covariance calibration from cross-nation residuals (fusion.calibration)."""

from __future__ import annotations

import numpy as np
import pytest

from triwatch.fusion.calibration import MAX_RESIDUAL, NationCalibration

P_USA = np.diag([30.0**2] * 3 + [1.0] * 3)
P_JPN = np.diag([60.0**2, 20.0**2, 80.0**2] + [4.0] * 3)
P_KOR = np.diag([50.0**2] * 3 + [9.0] * 3)  # all three of a size: the scales are well determined
TRUE_SCALE = {"USA": 4.0, "JPN": 2.0, "KOR": 1.0}  # how much each nation's errors exceed its covariance


def _members(rng):
    Ps = np.array([P_USA, P_JPN, P_KOR])
    errors = [rng.multivariate_normal(np.zeros(6), TRUE_SCALE[n] * P) for n, P in zip(TRUE_SCALE, Ps, strict=True)]
    return list(TRUE_SCALE), np.array(errors), Ps


def test_each_nations_over_confidence_is_learnt_from_the_residuals_between_nations():
    rng = np.random.default_rng(7)
    cal = NationCalibration()
    for _ in range(1500):
        nations, xs, Ps = _members(rng)
        cal.observe(nations, nations, xs, Ps, np.zeros(3), np.ones(3, bool))
    s = dict(zip(TRUE_SCALE, cal.scales(list(TRUE_SCALE)), strict=True))
    assert s["USA"] == pytest.approx(4.0, rel=0.15) and s["JPN"] == pytest.approx(2.0, rel=0.15)
    assert s["KOR"] == pytest.approx(1.0, abs=0.2)


def test_honest_nations_keep_their_covariances_and_a_new_source_starts_at_one():
    rng = np.random.default_rng(8)
    cal = NationCalibration()
    for _ in range(1000):
        Ps = np.array([P_USA, P_JPN])
        xs = np.array([rng.multivariate_normal(np.zeros(6), P) for P in Ps])
        cal.observe(["USA", "JPN"], ["USA", "JPN"], xs, Ps, np.zeros(2), np.ones(2, bool))
    assert np.all(cal.scales(["USA", "JPN"]) < 1.2)
    assert cal.scales(["KOR"]).tolist() == [1.0]


def test_only_fresh_agreeing_members_of_two_nations_teach_it():
    cal = NationCalibration()
    xs = np.array([np.zeros(6), np.r_[5000.0, 0, 0, 0, 0, 0], np.r_[-5000.0, 0, 0, 0, 0, 0]])
    Ps = np.array([P_USA, P_USA, P_JPN])
    for _ in range(200):
        cal.observe(["USA", "USA", "JPN"], ["USA", "USA", "JPN"], xs, Ps, np.array([0.0, 0.0, 5.0]), np.ones(3, bool))
        cal.observe(["USA", "JPN"], ["USA", "JPN"], xs[:2], Ps[:2], np.zeros(2), np.array([True, False]))
    assert cal.pairs == 0  # same nation, too old, or left out of the fused set


def test_a_residual_far_beyond_any_noise_counts_as_a_mis_association_not_over_confidence():
    cal = NationCalibration()
    xs = np.array([np.zeros(6), np.r_[1e6, 0, 0, 0, 0, 0]])
    for _ in range(5000):
        cal.observe(["USA", "JPN"], ["USA", "JPN"], xs, np.array([P_USA, P_USA]), np.zeros(2), np.ones(2, bool))
    assert np.all(cal.scales(["USA", "JPN"]) <= MAX_RESIDUAL / 3 * 1.01)


def test_bad_shapes_are_refused_by_name():
    cal = NationCalibration()
    with pytest.raises(ValueError, match="NationCalibration.observe: 1 sources, 2 nations"):
        cal.observe(["USA"], ["USA", "JPN"], np.zeros((2, 6)), np.zeros((2, 6, 6)), np.zeros(2), np.ones(2, bool))
    with pytest.raises(ValueError, match=r"ages_s \(3,\) and keep \(2,\) for 2"):
        cal.observe(["a", "b"], ["a", "b"], np.zeros((2, 6)), np.zeros((2, 6, 6)), np.zeros(3), np.ones(2, bool))


def test_the_bounds_are_part_of_the_fit_not_a_clip_of_it():
    """1000 pairs each of two kinds: r = (0.5, 0.5) with residual 4.5 and r = (0.9, 0.1) with 8.2 (E[eps] =
    r . s). Unbounded (with the prior), s = (8.84, -0.02); a clip would leave USA at 8.84. Bounded (JPN >= 1), the least
    squares of USA alone with the prior's 20 equations s = 1: (1000 (0.5 * 4 + 0.9 * 8.1) + 20) / (1000 (0.25 + 0.81) + 20)
    = 8.62."""
    cal = NationCalibration()
    cal._index("USA"), cal._index("JPN")
    r1, r2 = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    cal._A = 1000.0 * (np.outer(r1, r1) + np.outer(r2, r2))
    cal._b = 1000.0 * (r1 * 4.5 + r2 * 8.2)
    unbounded = np.linalg.solve(cal._A + 20.0 * np.eye(2), cal._b + 20.0)
    assert unbounded[1] < 1.0 < unbounded[0]
    s = cal.scales(["USA", "JPN"])
    assert s[1] == pytest.approx(1.0)
    assert s[0] == pytest.approx(8.62, abs=0.01) and s[0] < unbounded[0] - 0.2
