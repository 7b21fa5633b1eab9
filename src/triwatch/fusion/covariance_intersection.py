"""Covariance intersection: fuse estimates whose cross-correlation is unknown.

Two nations' tracks of one missile share errors (the same physics, sometimes the
same geometry) that neither knows, so the Kalman product would be over-confident.
Covariance intersection stays consistent for any cross-correlation:

    P^-1 = sum_i w_i P_i^-1,      x = P sum_i w_i P_i^-1 x_i,     sum_i w_i = 1, w_i >= 0

The weights here follow the fast rule of Niehsen (2002), w_i proportional to
1 / trace(P_i), which is close to the trace-optimal weights and needs no search.

Any CI weighting trusts the covariances the nations report, and that they are of one object.
Weights that minimise det P (Julier & Uhlmann) trust the smallest reported covariance most and did
worse where one nation is over-confident; weights that minimise tr P exactly (found numerically) did
no better than the fast rule (bench/fusion_rules.py, RMS position x1.01-1.26 of the fast rule).

Members of two objects. The picture keeps a member in its system track until the split rule has
seen it misfit `split_after` times in a row; just after a separation, or when two objects that flew
together part in re-entry, a system track holds members of a payload and of its stage. CI of the two
is a point between them that is neither. `fuse_members` therefore fuses only the largest set of
members whose positions agree pairwise within the picture's split gate (with its allowance for
registration and over-confidence, `fusion.gating`); a member left out stays a member. Measured on the
same samples (bench/fusion_rules.py, `agreeing` against `ci-age-100`): icbm-2023-04-13 RMS position
86 -> 57 m, NEES mean 24 -> 9; irbm-2022-10-04 80 -> 67 m, NEES mean 36 -> 13. Without the allowance
the test splits one object's over-confident members and keeps the sharpest, which is worse (292 m).

Singular inputs. A member's covariance may be singular or ill-conditioned (a track reported right
after initiation with copied components, or flown far from a tight state in float64);
`np.linalg.inv` then raised inside the picture (seen under heavy load in
tests/e2e/test_node_wall_clock.py). `information_matrices` inverts through the eigen-decomposition of
each covariance's correlation matrix, flooring its eigenvalues (MIN_CORRELATION_EIGENVALUE): exact
for a well-posed covariance, the tightest float64 can hold for a direction claimed exactly known.

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
# A member of an object under thrust is flown forward coasting, so it misses the thrust itself: 10-60
# m/s^2 along the path, the national tracker's thrust model density ((40 m/s^2)^2 x 5 s, TrackerConfig's
# q_boost_along_m2_s3). Over the 1-2 s age of a member in boost that is 50-150 m and 90-130 m/s, which
# the coasting density above (10 m/s at 1 s) leaves out.
THRUST_AGE_Q_M2_S3 = 8000.0


# Smallest eigenvalue kept, relative to the largest, of a member's covariance scaled to unit diagonal
# (its correlation matrix). A reported covariance that claims a direction known to better than this
# (singular or rounding-negative: two components reported as exact copies, or a covariance grown over
# a long flight from a tight one in float64) is floored there instead of inverted as it is.
MIN_CORRELATION_EIGENVALUE = 1e-12


def information_matrices(Ps: np.ndarray) -> np.ndarray:
    """Inverses (n, d, d) of covariances Ps (n, d, d), robust to singular or ill-conditioned ones.

    Each P is scaled to its correlation matrix C = D^-1/2 P D^-1/2 (D = diag P, so positions in m^2
    and velocities in m^2/s^2 weigh alike), C's eigenvalues are floored at MIN_CORRELATION_EIGENVALUE
    (a direction claimed exactly known is given the smallest uncertainty float64 can carry next to
    the others), and P^-1 = D^-1/2 C^-1 D^-1/2 is formed from the eigen-decomposition. A well-posed
    P is inverted exactly (to rounding). A non-finite P, or one with a diagonal <= 0, is refused.
    """
    Ps = np.asarray(Ps, float)
    if not np.all(np.isfinite(Ps)):
        bad = sorted({int(i) for i in np.flatnonzero(~np.isfinite(Ps).all(axis=(1, 2)))})
        raise ValueError(f"covariance_intersection: member covariances {bad} hold non-finite values")
    diag = np.diagonal(Ps, axis1=1, axis2=2)
    if not np.all(diag > 0):
        bad = sorted({int(i) for i in np.flatnonzero(~(diag > 0).all(axis=1))})
        raise ValueError(f"covariance_intersection: member covariances {bad} have a variance <= 0 on the diagonal")
    s = 1.0 / np.sqrt(diag)  # D^-1/2
    C = Ps * s[:, :, None] * s[:, None, :]
    w, V = np.linalg.eigh(0.5 * (C + np.swapaxes(C, 1, 2)))
    w = np.maximum(w, MIN_CORRELATION_EIGENVALUE * np.maximum(w.max(axis=1, keepdims=True), 1.0))
    C_inv = np.einsum("nij,nj,nkj->nik", V, 1.0 / w, V)
    return C_inv * s[:, :, None] * s[:, None, :]


def covariance_intersection(xs: np.ndarray, Ps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fuse n estimates xs (n, d) with covariances Ps (n, d, d) (singular ones floored: information_matrices)."""
    xs = np.asarray(xs, float)
    Ps = np.asarray(Ps, float)
    if xs.ndim != 2 or xs.shape[0] == 0 or Ps.shape != (xs.shape[0], xs.shape[1], xs.shape[1]):
        raise ValueError(f"covariance_intersection: xs {xs.shape} and Ps {Ps.shape}; want (n, d) and (n, d, d), n >= 1")
    if not np.all(np.isfinite(xs)):
        raise ValueError(
            f"covariance_intersection: member states {np.flatnonzero(~np.isfinite(xs).all(axis=1)).tolist()} are not finite"
        )
    if xs.shape[0] == 1:
        return xs[0].copy(), Ps[0].copy()
    infos = information_matrices(Ps)
    inv_trace = 1.0 / np.trace(Ps, axis1=1, axis2=2)
    w = inv_trace / inv_trace.sum()
    info = np.einsum("i,ijk->jk", w, infos)
    P = information_matrices(info[None])[0]  # a sum of positive definite matrices: well posed, floored all the same
    P = 0.5 * (P + P.T)
    x = P @ np.einsum("i,ijk,ik->j", w, infos, xs)
    return x, P


ICI_OMEGAS = np.linspace(0.0, 1.0, 41)  # the weights tried by inverse_covariance_intersection


def inverse_covariance_intersection(xs: np.ndarray, Ps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse covariance intersection (Noack et al. 2017) of n estimates xs (n, d), Ps (n, d, d), pairwise in turn.

    For two estimates whose correlation comes from information they share (common process noise,
    the same prior), in unknown amount,

        P^-1 = P_a^-1 + P_b^-1 - G^-1,      G = w P_a + (1 - w) P_b,
        x = P [(P_a^-1 - w G^-1) x_a + (P_b^-1 - (1 - w) G^-1) x_b],

    is consistent for any amount, and tighter than covariance intersection: G bounds the shared
    part, which is subtracted once instead of discounting both. w is the one of ICI_OMEGAS giving
    the smallest tr P. More than two are fused in order (the sharpest first).
    """
    xs, Ps = np.asarray(xs, float), np.asarray(Ps, float)
    if xs.ndim != 2 or xs.shape[0] == 0 or Ps.shape != (xs.shape[0], xs.shape[1], xs.shape[1]):
        raise ValueError(f"inverse_covariance_intersection: xs {xs.shape} and Ps {Ps.shape}; want (n, d), (n, d, d)")
    order = np.argsort(np.trace(Ps, axis1=1, axis2=2))
    infos = information_matrices(Ps)
    x, P, info = xs[order[0]], Ps[order[0]], infos[order[0]]
    w = ICI_OMEGAS[:, None, None]
    for i in order[1:]:
        G_inv = information_matrices(w * P + (1.0 - w) * Ps[i])  # (m, d, d)
        fused_info = info + infos[i] - G_inv
        fused_P = np.linalg.inv(fused_info)
        k = int(np.argmin(np.trace(fused_P, axis1=1, axis2=2)))
        P_new = 0.5 * (fused_P[k] + fused_P[k].T)
        x = P_new @ ((info - ICI_OMEGAS[k] * G_inv[k]) @ x + (infos[i] - (1.0 - ICI_OMEGAS[k]) * G_inv[k]) @ xs[i])
        P, info = P_new, information_matrices(P_new[None])[0]
    return x, P


def discount_by_age(Ps: np.ndarray, ages_s: np.ndarray, q: float | np.ndarray = AGE_Q_M2_S3) -> np.ndarray:
    """Members' covariances Ps (n, 6, 6) grown by a white acceleration of density q (scalar or (n,)) over their ages_s (n,).

        P_i' = P_i + q [[a^3/3 I, a^2/2 I], [a^2/2 I, a I]],   a = age_i

    A fresh member (age 0) is unchanged; an old one weighs less in covariance intersection.
    """
    Ps = np.asarray(Ps, float)
    ages_s = np.asarray(ages_s, float)
    if Ps.ndim != 3 or Ps.shape[1:] != (6, 6) or ages_s.shape != (Ps.shape[0],):
        raise ValueError(f"discount_by_age: Ps {Ps.shape} and ages_s {ages_s.shape}; want (n, 6, 6) and (n,)")
    q = np.broadcast_to(np.asarray(q, float), ages_s.shape) if np.ndim(q) == 0 else np.asarray(q, float)
    if q.shape != ages_s.shape or not np.all(ages_s >= 0) or not np.all(q >= 0):
        raise ValueError(f"discount_by_age: ages_s {ages_s.tolist()} and q {q.tolist()} must be >= 0, one q per member")
    return Ps + np.stack([white_acceleration_q(a, qi) for a, qi in zip(ages_s, q, strict=True)])


def agreeing_members(xs: np.ndarray, Ps: np.ndarray, allowance_rr: np.ndarray, gate: float) -> np.ndarray:
    """The largest set of members (bool mask (n,)) whose positions agree pairwise within the gate.

    Two members agree when d^2 = (r_i - r_j)^T (P_i,rr + P_j,rr + B_rr)^-1 (r_i - r_j) < gate, the
    test by which the picture splits a member off (`AlliedPicture._still_fits`, B the gate allowance
    of `fusion.gating`). Among equally large sets the one claiming most information (sum of 1/tr P_i)
    wins. Why: covariance intersection is consistent for any correlation of errors of *one* object;
    members of two objects (a stage and its payload just after separation, which the picture holds
    together until the split rule has seen `split_after` misfits) fuse to a point between them that is
    neither. A member left out stays a member: whether it leaves is the picture's rule.
    """
    n = xs.shape[0]
    if n < 2:
        return np.ones(n, bool)
    d = xs[:, None, :3] - xs[None, :, :3]
    S = Ps[:, None, :3, :3] + Ps[None, :, :3, :3] + allowance_rr
    d2 = np.einsum("ijk,ijk->ij", d, np.linalg.solve(S, d[..., None])[..., 0])
    ok = d2 < gate
    if ok.all():
        return np.ones(n, bool)
    info = 1.0 / np.trace(Ps[:, :3, :3], axis1=1, axis2=2)
    best, best_key = np.eye(n, dtype=bool)[int(np.argmax(info))], (1, float(info.max()))
    for code in range(1, 2**n) if n <= 8 else ():
        mask = np.array([(code >> i) & 1 for i in range(n)], bool)
        if mask.sum() < best_key[0] or not ok[np.ix_(mask, mask)].all():
            continue
        key = (int(mask.sum()), float(info[mask].sum()))
        if key > best_key:
            best, best_key = mask, key
    return best


def fuse_members(
    xs: np.ndarray,
    Ps: np.ndarray,
    ages_s: np.ndarray,
    allowance_rr: np.ndarray,
    gate: float,
    thrusting: np.ndarray | None = None,
    scale: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The picture's combination rule: members discounted by age, the largest agreeing set, covariance intersection.

    thrusting (n,) bool: members reported under thrust, discounted at THRUST_AGE_Q_M2_S3 (else AGE_Q_M2_S3).
    scale (n,): each member's covariance scale (`fusion.calibration`), applied to the fusion but not to
    the agreement test: that test already carries the gate's allowance for over-confidence, and
    widening it by the scale too let a re-entering payload's members and its stage's (a few hundred
    metres apart, each sure to tens) agree and fuse between the two (icbm-2023-04-13 re-entry RMS
    25 -> 292 m with calibration; bench/fusion_rules.py `cal-agreeing` against `cal-agree-raw`).
    Returns the fused state (d,), its covariance (d, d) and which members it holds (n,) bool.
    """
    thrusting = np.zeros(len(ages_s), bool) if thrusting is None else np.asarray(thrusting, bool)
    scale = np.ones(len(ages_s)) if scale is None else np.asarray(scale, float)
    if scale.shape != (len(ages_s),) or not np.all(scale > 0):
        raise ValueError(f"fuse_members: scale {scale.tolist()} must hold one value > 0 per member")
    Ps = np.asarray(Ps, float)
    q = np.where(thrusting, THRUST_AGE_Q_M2_S3, AGE_Q_M2_S3)
    keep = agreeing_members(
        np.asarray(xs, float), discount_by_age(Ps, ages_s, q), np.asarray(allowance_rr, float), gate
    )
    fused_Ps = discount_by_age(Ps * scale[:, None, None], ages_s, q)
    x, P = covariance_intersection(np.asarray(xs, float)[keep], fused_Ps[keep])
    return x, P, keep
