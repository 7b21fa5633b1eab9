"""Covariance intersection: fuse estimates whose cross-correlation is unknown.

Two nations' tracks of one missile share errors (the same physics, sometimes the
same geometry) that neither knows, so the Kalman product would be over-confident.
Covariance intersection stays consistent for any cross-correlation:

    P^-1 = sum_i w_i P_i^-1,      x = P sum_i w_i P_i^-1 x_i,     sum_i w_i = 1, w_i >= 0

The weights here follow the fast rule of Niehsen (2002), w_i proportional to
1 / trace(P_i), which is close to the trace-optimal weights and needs no search.

Any CI weighting trusts the covariances the nations report. Measured on
icbm-2023-04-13 (bench/fusion_consistency.py) the national tracks are over-confident
(NEES mean 32 where 6 is consistent) and unequally so: the fused position is 75 m RMS
off where the USA's own track is 49 m off. Weights that minimise det P (Julier &
Uhlmann) trust the smallest reported covariance more and made it worse (118 m RMS,
NEES mean 218, though the median NEES fell from 12.4 to 11.1), so they are not used.
The fix belongs where the over-confidence comes from (the national trackers) or in a
per-nation calibration of reported covariances from cross-nation residuals.
"""

from __future__ import annotations

import numpy as np


def covariance_intersection(xs: np.ndarray, Ps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fuse n estimates xs (n, d) with covariances Ps (n, d, d)."""
    xs = np.asarray(xs, float)
    Ps = np.asarray(Ps, float)
    if xs.ndim != 2 or xs.shape[0] == 0 or Ps.shape != (xs.shape[0], xs.shape[1], xs.shape[1]):
        raise ValueError(f"covariance_intersection: xs {xs.shape} and Ps {Ps.shape}; want (n, d) and (n, d, d), n >= 1")
    if xs.shape[0] == 1:
        return xs[0].copy(), Ps[0].copy()
    inv_trace = 1.0 / np.trace(Ps, axis1=1, axis2=2)
    w = inv_trace / inv_trace.sum()
    infos = np.linalg.inv(Ps)
    info = np.einsum("i,ijk->jk", w, infos)
    P = np.linalg.inv(info)
    P = 0.5 * (P + P.T)
    x = P @ np.einsum("i,ijk,ik->j", w, infos, xs)
    return x, P
