"""Sampling a TruthWorld into the report's truth argument."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from triwatch.report.aar.truth_samples import truth_samples
from triwatch.report.aar.validate import check_truth


class Straight:
    """A truth object moving at 1 km/s along x from its birth to its impact (seconds after launch)."""

    def __init__(self, object_id: str, birth_s: float, impact_s: float) -> None:
        self.object_id, self.birth_s, self.impact_s = object_id, birth_s, impact_s

    def state_at(self, t):
        t = np.asarray(t, float)
        alive = (t >= self.birth_s) & (t <= self.impact_s)
        r = np.stack([6.4e6 + 1e3 * t, np.zeros_like(t), np.zeros_like(t)], axis=-1)
        return r, np.zeros_like(r), np.zeros_like(t, bool), alive


def world(*launches):
    return SimpleNamespace(
        scenario=SimpleNamespace(launches=[SimpleNamespace(id=lid, time_s=t0) for lid, t0, _ in launches]),
        flights={lid: SimpleNamespace(objects=objs) for lid, _, objs in launches},
    )


def test_samples_every_second_to_the_impact_time():
    w = world(("L1", 100.0, [Straight("RV", 0.0, 10.5), Straight("S1", 3.0, 6.0)]))
    out = truth_samples(w)
    assert list(out) == ["L1/RV", "L1/S1"]
    np.testing.assert_allclose(out["L1/RV"]["t_s"], [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 110.5])
    np.testing.assert_allclose(out["L1/RV"]["r_ecef"][-1], [6.4e6 + 10.5e3, 0, 0])
    np.testing.assert_allclose(out["L1/S1"]["t_s"], [103, 104, 105, 106])
    assert len(check_truth(out)) == 2  # what it makes is what the report accepts


def test_step_must_be_positive():
    with pytest.raises(ValueError, match="step_s must be > 0"):
        truth_samples(world(), step_s=0)
