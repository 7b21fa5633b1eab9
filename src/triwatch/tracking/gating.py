"""Chi-square gating and global nearest neighbour assignment, for all tracks and detections of a scan at once.

Gate: a detection j may update track i only if its squared Mahalanobis distance
d2_ij = y_ij^T S_i^-1 y_ij is below the chi-square quantile of the gate probability
(y_ij = z_j - h(x_i), S_i = H_i P_i H_i^T + R_j). A true detection passes with that probability.

Global nearest neighbour: among gated pairs, choose the one-to-one assignment that minimises
the summed cost, the negative log-likelihood -2 ln N(y; 0, S) = d2 + ln det S up to a constant
(the ln det term keeps a vague tentative track from stealing a detection that fits a firm track
only slightly worse). scipy.optimize.linear_sum_assignment solves it exactly
(Jonker-Volgenant); pairs outside the gate get a cost no solution would choose and are dropped.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import chi2


@lru_cache(maxsize=64)
def chi2_gate(probability: float, dof: int) -> float:
    """Chi-square quantile: the gate threshold for a dof-dimensional residual."""
    return float(chi2.ppf(probability, dof))


def gnn_assign(gate_d2: np.ndarray, cost: np.ndarray, gate: float) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one assignment (track indices, detection indices) of gated pairs minimising the summed cost.

    gate_d2 (T, D): chi-square distances compared with the gate; cost (T, D): what the assignment
    minimises (e.g. d2 + ln det S). Rows and columns without a gated pair are left out of the solve.
    """
    inside = gate_d2 <= gate
    if not inside.any():
        return np.empty(0, int), np.empty(0, int)
    rows_used = np.flatnonzero(inside.any(axis=1))
    cols_used = np.flatnonzero(inside.any(axis=0))
    sub_in = inside[np.ix_(rows_used, cols_used)]
    sub = cost[np.ix_(rows_used, cols_used)]
    # A forbidden pair costs more than any set of allowed ones, so the solver only takes it when
    # forced to fill the matrix; such pairs are then dropped.
    big = (np.abs(sub[sub_in]).max() + 1.0) * (sub.shape[0] + sub.shape[1]) + 1.0
    rows, cols = linear_sum_assignment(np.where(sub_in, sub, big))
    keep = sub_in[rows, cols]
    return rows_used[rows[keep]], cols_used[cols[keep]]
