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
