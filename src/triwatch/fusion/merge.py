"""When two system tracks are one object: the tests the merge rule of the allied picture uses.

Rule of merging: two system tracks are the same object when their fused states
agree, positions *and* velocities, within a chi-square gate (6 degrees of
freedom) for `merge_after` consecutive updates,

    d^2 = (x_a - x_b)^T (P_a + P_b + B)^-1 (x_a - x_b) < gate,

with x_b flown to x_a's time and B the gate allowance (`gating`), whose positions alone also pass the 3-degree
gate, and when no nation holds a live track in both at
once (a nation that tracks two objects side by side, a warhead and its spent
stage, says they are two). The sum P_a + P_b leaves out the cross-covariance of
the two estimates: they share no member, so their errors are only weakly
correlated, and the usual track-to-track test (Bar-Shalom) makes the same
choice. Requiring agreement over several updates, and in velocity too, keeps two
objects that only cross each other's path apart. The merge gates (99 % in 6-D,
95 % in position) are tighter than the split gate (99.9 %): without that margin a
member whose distance hovers near the gate is split off and merged back in turn,
each time under a new number (measured on the flagship: 30 numbers in one node). The merged track keeps the
*older* number (watch officers follow numbers) and the union of the members.

"Live at once" uses the short superseded time, not the staleness window: a
nation's track not updated for longer than that has been replaced by a new
fragment of the nation's tracker (same object, new track id), not a second object.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from triwatch.fusion.predict import predict_many

GATE_CHI2_6DOF = 16.81  # 99 % of chi-square with 6 degrees of freedom
MERGE_GATE_CHI2_3DOF = 7.81  # 95 % of chi-square with 3 degrees of freedom (the split gate is 99.9 %)


def state_distances(x: np.ndarray, P: np.ndarray, time_s: float, others: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """d^2 of the state (x, P) at time_s against each of `others` (objects with x, P, time_s), all at once.

    The others are flown to time_s in one vectorised prediction. Returns (d2 of the
    full 6-D state, d2 of the positions alone), each of shape (len(others),).
    """
    if not others:
        return np.zeros(0), np.zeros(0)
    xs = np.array([o.x for o in others])
    Ps = np.array([o.P for o in others])
    dts = np.array([time_s - o.time_s for o in others])
    xs, Ps = predict_many(xs, Ps, dts)  # vacuum: a system track's drag estimate may be far off over a long gap
    d = xs - x
    S = Ps + P
    full = np.einsum("ni,ni->n", d, np.linalg.solve(S, d[..., None])[..., 0])
    pos = np.einsum("ni,ni->n", d[:, :3], np.linalg.solve(S[:, :3, :3], d[:, :3, None])[..., 0])
    return full, pos


def fresh_nations(members: Iterable, now_s: float, superseded_s: float) -> set[str]:
    """Nations with a member (anything with .origin and .report.time_s) updated within superseded_s of now_s."""
    return {m.origin for m in members if now_s - m.report.time_s <= superseded_s}


def superseded_keys(members: dict, superseded_s: float) -> list:
    """Keys of members a newer track of the same nation has replaced (older than its newest by > superseded_s).

    A nation's tracker that loses an object and picks it up again reports a new
    track id; once that fragment sits in the same system track, the old one only
    drags the fusion back to where the object was.
    """
    newest: dict[str, float] = {}
    for m in members.values():
        newest[m.origin] = max(newest.get(m.origin, -np.inf), m.report.time_s)
    return [k for k, m in members.items() if newest[m.origin] - m.report.time_s > superseded_s]
