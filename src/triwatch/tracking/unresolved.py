"""Unresolved tracks: GNN's means for identity, JPDA's covariance plus the offset between the two for honesty.

A spent stage flies on beside its payload, metres apart, through the whole midcourse. The sensor
reports both and both tracks gate both reports. Global nearest neighbour hands each track the
report that fits it best, the one on its own side of the other track. When the objects are closer
than the noise that choice is a coin toss, yet the Kalman update takes it as certain: each track
settles E[max of two normals] = 1/sqrt(pi) = 0.56 sigma of the noise off its object while its
covariance shrinks (NEES medians 7-30 of 6 in midcourse on the library ICBMs, with consistent
innovations: assignment, not the filter).

JPDA (Fortmann, Bar-Shalom and Scheffe 1983) weighs the assignment hypotheses instead. For tracks
a, b given reports z_a, z_b by GNN (hypothesis 0) the alternative is the swap, with probability

    beta = L_a(z_b) L_b(z_a) / (L_a(z_a) L_b(z_b) + L_a(z_b) L_b(z_a))       (<= 1/2: GNN's optimum)

and its mean is the hypotheses' mixture. That mean makes two unresolved tracks coalesce and
forget which one is the warhead (tried: hs17's impact error 1.5 -> 824 km). So the tracker keeps
GNN's mean x (identities stay) and carries, per track, the offset o = x - x_J of that mean from
JPDA's mean x_J. The error of x about the object is the JPDA error plus o, so

    reported covariance = P_J + o o^T

With d_h = K (z_h - z_0) the move of hypothesis h from GNN's update (the same gain K under every
hypothesis) and d = sum_h beta_h d_h (d_0 = 0), one scan does

    P_J+ = P+ + sum_h beta_h d_h d_h^T - d d^T     (JPDA's spread of means, Bar-Shalom's P~)
    o+   = (I - K H) o - d                         (x+ = x + K y_0;  x_J+ = x_J + K (y_0 + H o + d-ish))

and beta is judged at JPDA's predicted means (GNN's means have moved apart by exactly the bias
being measured, which would make every swap look unlikely). For two objects at one point the JPDA
means meet, beta -> 1/2 and o settles at the 0.56 sigma the tracks really are off; for objects
resolved by many sigma beta -> 0 and nothing changes. H o is Pxz^T P^-1 o, exact for the EKF
(Pxz = P H^T) and the statistical linearisation for the UKF. Over a few seconds between scans o
flies as a constant velocity offset (the gravity gradient changes it by ~1e-6 dt^2 of itself); a
track left coasting longer folds o o^T into P and drops it (the filter then propagates it as any
covariance). With more than two mutually gated tracks each pair's swap is one alternative for
each of its two tracks, normalised over that track's alternatives (pairwise, not the full
enumeration).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.tracking.measurements import residual

NEGLIGIBLE_SWAP_PROBABILITY = 1e-6  # below this a hypothesis moves P by less than its rounding: skipped


@dataclass
class Swaps:
    """Swap hypotheses of one scan between GNN's assigned pairs, and the tracks' offsets at the scan.

    track[k], report[k]: indices into the assigned pairs (A,): pair track[k]'s track might own pair
    report[k]'s report, with probability beta[k]. offsets (A, n): each assigned track's predicted o.
    """

    track: np.ndarray
    report: np.ndarray
    beta: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return int(self.track.size)


def no_swaps(a: int, n: int) -> Swaps:
    """No hypotheses for A assigned tracks of n states, all offsets zero."""
    return Swaps(np.empty(0, int), np.empty(0, int), np.empty(0), np.zeros((a, n)))


def predict_offsets(o: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """o (T, n) of (r, v, ...) flown dt (T,) as a constant-velocity offset: o_r + dt o_v, the rest kept."""
    o = np.asarray(o, float)
    dt = np.asarray(dt, float)
    if o.ndim != 2 or o.shape[1] < 6 or dt.shape != (o.shape[0],):
        raise ValueError(f"predict_offsets: need o (T, n >= 6) and dt (T,), got {o.shape} and {dt.shape}")
    out = o.copy()
    out[:, :3] += dt[:, None] * o[:, 3:6]
    return out


def _pair_log_likelihood(pred, rows: np.ndarray, model: str, Z: np.ndarray, R: np.ndarray, offsets: np.ndarray):
    """ln sum_j c_j N(z_b - h(x_J,a,j); 0, S_j) (A, A) of assigned track a for assigned report b, at JPDA's means."""
    c, Pzz, Pxz, P = pred.c[rows], pred.Pzz[rows], pred.Pxz[rows], pred.P[rows]  # (A, 2, ...)
    Ho = np.einsum(
        "akmn,akn->akm",
        np.swapaxes(Pxz, -1, -2),
        np.linalg.solve(P, np.repeat(offsets[:, None, :, None], 2, 1))[..., 0],
    )
    zJ = pred.z[rows] - Ho  # JPDA's predicted measurement, per model
    y = residual(model, Z[None, None, :, :], zJ[:, :, None, :])  # (A, 2, B, m)
    S = Pzz[:, :, None] + R[None, None]  # (A, 2, B, m, m)
    d2 = np.einsum("...i,...ij,...j->...", y, np.linalg.inv(S), y)
    log_lik = -0.5 * (d2 + np.linalg.slogdet(S)[1]) + np.log(np.maximum(c, 1e-300))[:, :, None]
    peak = log_lik.max(axis=1)
    return peak + np.log(np.exp(log_lik - peak[:, None]).sum(axis=1))


def swap_hypotheses(
    pred,
    gate_d2: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    model: str,
    Z: np.ndarray,
    R: np.ndarray,
    gate: float,
    offsets: np.ndarray,
    eligible: np.ndarray | None = None,
) -> Swaps:
    """The swaps between GNN's assigned pairs (rows[a], cols[a]) that both gates allow, with their probabilities.

    pred: the scan's Prediction; gate_d2 (T, D): its gate distances (scan.score_pairs); rows, cols
    (A,): the assignment; Z (D, m), R (D, m, m): the scan; offsets (T, n): every track's predicted o;
    eligible (T,): tracks that may take part (default all). Swap (a, b) is possible when both are
    eligible, track rows[a] gates report cols[b] and track rows[b] gates report cols[a].
    """
    rows, cols = np.asarray(rows), np.asarray(cols)
    gate_d2 = np.asarray(gate_d2, float)
    if rows.ndim != 1 or rows.shape != cols.shape:
        raise ValueError(f"swap_hypotheses: rows and cols must be (A,) alike, got {rows.shape}, {cols.shape}")
    if gate_d2.ndim != 2 or offsets.shape[0] != gate_d2.shape[0]:
        raise ValueError(
            f"swap_hypotheses: gate_d2 (T, D) and offsets (T, n) disagree: {gate_d2.shape}, {offsets.shape}"
        )
    if rows.size and (
        min(rows.min(), cols.min()) < 0 or rows.max() >= gate_d2.shape[0] or cols.max() >= gate_d2.shape[1]
    ):
        raise ValueError(f"swap_hypotheses: an assigned pair lies outside the (T, D) = {gate_d2.shape} scores")
    if not (np.isfinite(gate) and gate > 0.0):
        raise ValueError(f"swap_hypotheses: gate must be a positive chi-square threshold, got {gate}")
    eligible = np.ones(gate_d2.shape[0], bool) if eligible is None else np.asarray(eligible, bool)
    if eligible.shape != (gate_d2.shape[0],):
        raise ValueError(f"swap_hypotheses: eligible must be ({gate_d2.shape[0]},), got {eligible.shape}")
    out = no_swaps(rows.size, offsets.shape[1])
    out.offsets = offsets[rows]
    if rows.size < 2:
        return out
    inside = (gate_d2[np.ix_(rows, cols)] <= gate) & eligible[rows][:, None]  # track rows[a] gates report cols[b]
    mutual = inside & inside.T
    np.fill_diagonal(mutual, False)
    if not mutual.any():
        return out
    pairs = np.flatnonzero(mutual.any(axis=1))  # only tracks with a partner are scored
    L = _pair_log_likelihood(pred, rows[pairs], model, Z[cols[pairs]], R[cols[pairs]], out.offsets[pairs])
    own = np.diag(L)
    log_ratio = L + L.T - own[:, None] - own[None, :]  # ln L_a(z_b) L_b(z_a) / (L_a(z_a) L_b(z_b))
    ratio = np.where(mutual[np.ix_(pairs, pairs)], np.exp(np.minimum(log_ratio, 50.0)), 0.0)
    beta = ratio / (1.0 + ratio.sum(axis=1, keepdims=True))  # track a's hypotheses: its own report, or a swap
    a, b = np.nonzero(beta > NEGLIGIBLE_SWAP_PROBABILITY)
    return Swaps(pairs[a], pairs[b], beta[a, b], out.offsets)


def joint_update(
    pred,
    rows: np.ndarray,
    model: str,
    Z: np.ndarray,
    R: np.ndarray,
    P_new: np.ndarray,
    mu_new: np.ndarray,
    swaps: Swaps,
) -> tuple[np.ndarray, np.ndarray]:
    """JPDA's covariance (A, 2, n, n) and the new offsets o+ (A, n) of the assigned tracks pred[rows].

    Z (A, m), R (A, m, m): the assigned reports; P_new (A, 2, n, n), mu_new (A, 2): GNN's update.
    """
    a_n, n = rows.size, pred.x.shape[-1]
    if P_new.shape != (a_n, 2, n, n) or swaps.offsets.shape != (a_n, n):
        raise ValueError(f"joint_update: P_new {P_new.shape} / offsets {swaps.offsets.shape} do not match {a_n} tracks")
    o = swaps.offsets
    if not len(swaps) and not o.any():
        return P_new, o
    S = pred.Pzz[rows] + R[:, None]  # (A, 2, m, m)
    K = np.swapaxes(np.linalg.solve(S, np.swapaxes(pred.Pxz[rows], -1, -2)), -1, -2)  # K = Pxz S^-1 (A, 2, n, m)
    Ho = np.einsum(
        "akmn,akn->akm",
        np.swapaxes(pred.Pxz[rows], -1, -2),
        np.linalg.solve(pred.P[rows], np.repeat(o[:, None, :, None], 2, 1))[..., 0],
    )
    o_models = o[:, None] - np.einsum("aknm,akm->akn", K, Ho)  # (I - K H) o per model
    P_out = P_new.copy()
    if len(swaps):
        t = swaps.track
        dz = residual(model, Z[swaps.report], Z[t])  # z_h - z_0
        d = np.einsum("kjnm,km->kjn", K[t], dz)  # (K, 2, n)
        mean_move = np.zeros((a_n, 2, n))
        np.add.at(mean_move, t, swaps.beta[:, None, None] * d)
        spread = np.zeros((a_n, 2, n, n))
        np.add.at(spread, t, swaps.beta[:, None, None, None] * d[..., :, None] * d[..., None, :])
        P_out += spread - mean_move[..., :, None] * mean_move[..., None, :]
        o_models -= mean_move
    return 0.5 * (P_out + np.swapaxes(P_out, -1, -2)), np.einsum("ak,akn->an", mu_new, o_models)
