"""Filter consistency over Monte-Carlo runs: NEES and NIS against their chi-square bounds.

A coasting missile seen by one radar, 16 independent noise draws. With the coasting model's
process noise near zero (the truth has none), the filter should be consistent: the average NIS
(3 dof) and NEES (6 dof) fall inside the two-sided 99 % chi-square bounds of their averages.

The IMM starts every track half-believing a boost; with no process noise to forget it, that
early caution stays in the covariance, so late in a long arc the NEES drifts below its mean
(conservative, never overconfident). Hence the two-sided check covers the first 200 s after
initiation, and the rest of the arc, and the default (robust, larger) process noise, are
checked one-sided: the tracker must never claim more precision than it has.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2
from tracking_sim import SEONGJU, detections

from triwatch.tracking import NationalTracker, TrackerConfig, imm

RUNS = 16
CHECK_TIMES = (250.0, 300.0, 350.0, 400.0, 450.0, 500.0)


def _monte_carlo(irbm, config: TrackerConfig, runs: int = RUNS):
    nees = {t: [] for t in CHECK_TIMES}
    nis = []
    for run in range(runs):
        reports, _ = detections([irbm], [SEONGJU], np.random.default_rng(1000 + run), only=[(220.0, 520.0)])
        tracker = NationalTracker(config)
        for t in sorted({d.time_s for d in reports}):
            tracker.process([d for d in reports if d.time_s == t])
            (rec,) = tracker.store.records
            if rec.n_updates > 10:
                nis.append(rec.last_nis)
            if t in nees:
                x, P = imm.combine(tracker.store.x, tracker.store.P, tracker.store.mu)
                e = x[0] - irbm.state_at(t)
                nees[t].append(e @ np.linalg.solve(P[0], e))
    return {t: float(np.mean(v)) for t, v in nees.items()}, np.array(nis)


@pytest.fixture(scope="module")
def matched(irbm):
    return _monte_carlo(irbm, TrackerConfig(q_ballistic_m2_s3=1e-6))


def test_nis_is_inside_its_chi_square_bounds(matched):
    _, nis = matched
    n = nis.size
    lo, hi = chi2.ppf([0.005, 0.995], 3 * n) / n
    assert lo < nis.mean() < hi


def test_nees_is_inside_its_chi_square_bounds_after_initiation(matched):
    nees, _ = matched
    lo, hi = chi2.ppf([0.005, 0.995], 6 * RUNS) / RUNS
    for t in (250.0, 300.0, 350.0, 400.0):
        assert lo < nees[t] < hi, (t, nees[t], lo, hi)
    for t in (450.0, 500.0):
        assert nees[t] < hi, (t, nees[t], hi)


def test_default_settings_are_never_overconfident(irbm):
    nees, _ = _monte_carlo(irbm, TrackerConfig(), runs=8)
    hi = chi2.ppf(0.995, 6 * 8) / 8
    assert all(v < hi for v in nees.values()), nees
