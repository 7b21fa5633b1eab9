"""Scoring of track sets against truth (used by tests, benchmarks and the after-action report, never by the tracker).

GOSPA (generalised optimal sub-pattern assignment, Rahmathullah, Garcia-Fernandez and Svensson 2017)
with alpha = 2 splits the distance between an estimate set X and a truth set Y into localisation
error of assigned pairs, missed truths and false estimates:

    d = ( min_assignment sum_(i,j) d_c(x_i, y_j)^p + c^p / 2 (|X| + |Y| - 2 |assigned|) )^(1/p)

where d_c = min(d, c) and a pair at distance >= c counts as one miss plus one false estimate.

Id switches: for each truth, the sequence of track ids assigned to it over time (by the same
GOSPA assignment); each change from one id to another counts once.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def _check(name: str, a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, float)
    if a.ndim == 1 and a.size == 0:
        return a.reshape(0, 0)
    if a.ndim != 2:
        raise ValueError(f"gospa: {name} must be a 2-D array (K, d), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"gospa: {name} has non-finite values")
    return a


def gospa_assignment(
    estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 2
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (estimate index, truth index) of the GOSPA assignment that are closer than c."""
    X, Y = _check("estimates", estimates), _check("truths", truths)
    if X.shape[0] == 0 or Y.shape[0] == 0:
        return np.empty(0, int), np.empty(0, int)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"gospa: estimates have dimension {X.shape[1]} but truths {Y.shape[1]}")
    D = np.minimum(np.linalg.norm(X[:, None] - Y[None], axis=-1), c)
    # Assigning a pair at distance d costs d^p instead of c^p (one miss + one false at c^p / 2 each).
    rows, cols = linear_sum_assignment(D**p - c**p)
    keep = D[rows, cols] < c
    return rows[keep], cols[keep]


def gospa(estimates: np.ndarray, truths: np.ndarray, c: float, p: float = 2, alpha: float = 2) -> dict:
    """GOSPA of estimate positions (M, d) against truth positions (N, d): value, localisation, missed, false.

    The components are returned raised to the power p (so value ** p = localisation + missed + false),
    as in the paper's decomposition; value itself is the metric. Only alpha = 2 is supported (the
    value with the decomposition into localisation, missed and false errors).
    """
    if alpha != 2:
        raise ValueError(f"gospa: only alpha = 2 is supported (it gives the missed/false split), got {alpha}")
    if not (c > 0 and p >= 1):
        raise ValueError(f"gospa: need c > 0 and p >= 1, got c={c}, p={p}")
    X, Y = _check("estimates", estimates), _check("truths", truths)
    rows, cols = gospa_assignment(X, Y, c, p)
    loc = float(np.sum(np.linalg.norm(X[rows] - Y[cols], axis=-1) ** p))
    n_false = X.shape[0] - rows.size
    n_missed = Y.shape[0] - cols.size
    missed = c**p / 2.0 * n_missed
    false = c**p / 2.0 * n_false
    return {
        "value": (loc + missed + false) ** (1.0 / p),
        "localisation": loc,
        "missed": missed,
        "false": false,
        "n_missed": n_missed,
        "n_false": n_false,
    }


def id_switches(assignments: Sequence[dict[Hashable, Hashable]]) -> int:
    """Count of track-id changes per truth over time; assignments[k] maps truth id -> track id at step k."""
    last: dict[Hashable, Hashable] = {}
    switches = 0
    for step in assignments:
        for truth, track in step.items():
            if truth in last and last[truth] != track:
                switches += 1
            last[truth] = track
    return switches


def false_tracks(track_ids_ever: set, track_ids_assigned_ever: set) -> int:
    """Tracks reported at some time that were never assigned to any truth."""
    return len(set(track_ids_ever) - set(track_ids_assigned_ever))
