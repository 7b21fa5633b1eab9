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

Weights that minimise tr P exactly (found numerically) do no better than the fast rule:
bench/fusion_rules.py, RMS position x1.01-1.21 of the fast rule on three library runs.

Members of one system track are reported at different times, and each is flown forward to the
newest (`triwatch.fusion.predict`) before they are combined: a member 10-30 s old (a nation
that revisits slowly, or lost the object for a while) counted as much as a fresh one, though
its flight forward leaves out what a missile does besides coasting (thrust in boost, drag its
nation mis-estimated, lift). `discount_by_age` grows each member's covariance by a white
acceleration over its age before the weights are formed, so an old member weighs less.
"""

from __future__ import annotations

import numpy as np

from triwatch.fusion.predict import white_acceleration_q

# Spectral density of the acceleration a member's flight forward leaves out: ~10 m/s^2 with a
# correlation time of ~1 s (q = a^2 tau), the size of a boost stage's thrust error or of drag
# mis-estimated low in re-entry. bench/fusion_rules.py, q = 10 / 100 / 1000 on three library runs.
AGE_Q_M2_S3 = 100.0


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


def discount_by_age(Ps: np.ndarray, ages_s: np.ndarray, q: float = AGE_Q_M2_S3) -> np.ndarray:
    """Members' covariances Ps (n, 6, 6) grown by a white acceleration of density q over their ages_s (n,).

        P_i' = P_i + q [[a^3/3 I, a^2/2 I], [a^2/2 I, a I]],   a = age_i

    A fresh member (age 0) is unchanged; an old one weighs less in covariance intersection.
    """
    Ps = np.asarray(Ps, float)
    ages_s = np.asarray(ages_s, float)
    if Ps.ndim != 3 or Ps.shape[1:] != (6, 6) or ages_s.shape != (Ps.shape[0],):
        raise ValueError(f"discount_by_age: Ps {Ps.shape} and ages_s {ages_s.shape}; want (n, 6, 6) and (n,)")
    if not np.all(ages_s >= 0) or not q >= 0:
        raise ValueError(f"discount_by_age: ages_s {ages_s.tolist()} and q {q!r} must be >= 0")
    return Ps + np.stack([white_acceleration_q(a, q) for a in ages_s])
