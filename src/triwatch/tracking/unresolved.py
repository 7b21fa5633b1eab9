"""Unresolved tracks: which reports each confirmed track might own besides the one GNN gave it.

A spent stage flies on beside its payload, metres apart, through the whole midcourse. The sensor
reports both and both tracks gate both reports. Global nearest neighbour hands each track the
report that fits it best, the one on its own side of the other track. When the objects are closer
than the noise that choice is a coin toss, yet the Kalman update takes it as certain: each track
settles E[max of two normals] = 1/sqrt(pi) = 0.56 sigma of the noise off its object while its
covariance shrinks (NEES medians 7-30 of 6 in midcourse on the library ICBMs, with consistent
innovations: assignment, not the filter).

JPDA (Fortmann, Bar-Shalom and Scheffe 1983) weighs the assignment hypotheses instead. For tracks
a, b given reports z_a, z_b by GNN (hypothesis 0) the alternative is the swap, with probability

    beta = L_a(z_b) L_b(z_a) / (L_a(z_a) L_b(z_b) + L_a(z_b) L_b(z_a))

and when only a took a report that an idle confirmed track c also gates, the alternative is that
z_a was c's and a's object went unreported, ratio L_c(z_a) / L_a(z_a) (both objects taken as
equally likely to be reported: the tracker does not know their cross-sections). JPDA's mean, the
hypotheses' mixture, makes two unresolved tracks coalesce and forget which one is the warhead
(tried: hs17's impact error 1.5 -> 824 km). So GNN's filter stays as it is and JPDA's estimate is
carried beside it (joint_update.py: an offset o of GNN's mean from JPDA's and an excess E of
JPDA's covariance over GNN's; a track reports P + E + o o^T).

The likelihoods are judged at JPDA's predicted means x - o and covariances P + E: GNN's means have
moved apart by exactly the bias being measured, which would make every swap look unlikely. For
two objects at one point the JPDA means meet, beta -> 1/2 and o settles at the 0.56 sigma the
tracks really are off; for objects resolved by many sigma beta -> 0 and nothing changes. Between
scans (seconds) o and E fly as a constant-velocity offset (the gravity gradient changes them by
~1e-6 dt^2 of themselves); a track coasting longer folds them into P (TrackStore.fold_offsets).
With more than two mutually gated tracks each pair's swap is one alternative for each of its two
tracks, normalised over that track's alternatives (pairwise, not the full enumeration).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.tracking.measurements import residual

NEGLIGIBLE_SWAP_PROBABILITY = 1e-6  # below this a hypothesis moves P by less than its rounding: skipped


@dataclass
class Swaps:
    """Swap hypotheses of one scan between GNN's assigned pairs, and the tracks' offsets at the scan.

    track[k], report[k]: indices into the assigned pairs (A,): pair track[k]'s track might own pair
    report[k]'s report (-1: none, its report was another's), with probability beta[k]. offsets (A, n):
    each assigned track's predicted o. idle_track[u] (a track index of the store, that took no
    report) might own pair idle_pair[u]'s report, with probability idle_beta[u]; idle_offsets its o.
    """

    track: np.ndarray
    report: np.ndarray
    beta: np.ndarray
    offsets: np.ndarray
    idle_track: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    idle_pair: np.ndarray = field(default_factory=lambda: np.empty(0, int))
    idle_beta: np.ndarray = field(default_factory=lambda: np.empty(0))
    idle_offsets: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))
    excess: np.ndarray | None = None  # (A, n, n): each assigned track's predicted E (None: all zero)
    idle_excess: np.ndarray | None = None  # (U, n, n): idle_track's E

    def __len__(self) -> int:
        return int(self.track.size)


def no_swaps(a: int, n: int) -> Swaps:
    """No hypotheses for A assigned tracks of n states, all offsets zero."""
    return Swaps(np.empty(0, int), np.empty(0, int), np.empty(0), np.zeros((a, n)))


def predict_excess(E: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """E (T, n, n) flown dt (T,) by the same constant-velocity transition Phi as the offsets: Phi E Phi^T."""
    E, dt = np.asarray(E, float), np.asarray(dt, float)
    if E.ndim != 3 or E.shape[1] != E.shape[2] or E.shape[1] < 6 or dt.shape != (E.shape[0],):
        raise ValueError(f"predict_excess: need E (T, n, n >= 6) and dt (T,), got {E.shape} and {dt.shape}")
    Phi = np.repeat(np.eye(E.shape[1])[None], E.shape[0], axis=0)
    Phi[:, 0:3, 3:6] = dt[:, None, None] * np.eye(3)
    return Phi @ E @ np.swapaxes(Phi, -1, -2)


def predict_offsets(o: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """o (T, n) of (r, v, ...) flown dt (T,) as a constant-velocity offset: o_r + dt o_v, the rest kept."""
    o = np.asarray(o, float)
    dt = np.asarray(dt, float)
    if o.ndim != 2 or o.shape[1] < 6 or dt.shape != (o.shape[0],):
        raise ValueError(f"predict_offsets: need o (T, n >= 6) and dt (T,), got {o.shape} and {dt.shape}")
    out = o.copy()
    out[:, :3] += dt[:, None] * o[:, 3:6]
    return out


def _log_likelihood(pred, tracks, model: str, Z: np.ndarray, R: np.ndarray, offsets: np.ndarray, excess):
    """ln sum_j c_j N(z_b - h(x_J,a,j); 0, S_J,j) (A, B) of tracks (A,) for reports Z (B, m): JPDA's
    means x - o and covariances P + E (excess (A, n, n) or None)."""
    c, Pzz, Pxz, P = pred.c[tracks], pred.Pzz[tracks], pred.Pxz[tracks], pred.P[tracks]  # (A, 2, ...)
    H = np.swapaxes(np.linalg.solve(P, Pxz), -1, -2)  # Pxz^T P^-1 (A, 2, m, n)
    zJ = pred.z[tracks] - np.einsum("akmn,an->akm", H, offsets)  # JPDA's predicted measurement, per model
    if excess is not None:
        Pzz = Pzz + H @ excess[:, None] @ np.swapaxes(H, -1, -2)
    y = residual(model, Z[None, None, :, :], zJ[:, :, None, :])  # (A, 2, B, m)
    S = Pzz[:, :, None] + R[None, None]  # (A, 2, B, m, m)
    d2 = np.einsum("...i,...ij,...j->...", y, np.linalg.inv(S), y)
    log_lik = -0.5 * (d2 + np.linalg.slogdet(S)[1]) + np.log(np.maximum(c, 1e-300))[:, :, None]
    peak = log_lik.max(axis=1)
    return peak + np.log(np.exp(log_lik - peak[:, None]).sum(axis=1))


def _check(gate_d2, rows, cols, gate, offsets, eligible) -> np.ndarray:
    """Refuse inconsistent input, naming it; return the eligible mask (T,)."""
    if rows.ndim != 1 or rows.shape != cols.shape:
        raise ValueError(f"swap_hypotheses: rows and cols must be (A,) alike, got {rows.shape}, {cols.shape}")
    if gate_d2.ndim != 2 or offsets.ndim != 2 or offsets.shape[0] != gate_d2.shape[0]:
        raise ValueError(
            f"swap_hypotheses: gate_d2 (T, D) and offsets (T, n) disagree: {gate_d2.shape}, {offsets.shape}"
        )
    t, d = gate_d2.shape
    if rows.size and (min(rows.min(), cols.min()) < 0 or rows.max() >= t or cols.max() >= d):
        raise ValueError(f"swap_hypotheses: an assigned pair lies outside the (T, D) = {gate_d2.shape} scores")
    if not (np.isfinite(gate) and gate > 0.0):
        raise ValueError(f"swap_hypotheses: gate must be a positive chi-square threshold, got {gate}")
    eligible = np.ones(t, bool) if eligible is None else np.asarray(eligible, bool)
    if eligible.shape != (t,):
        raise ValueError(f"swap_hypotheses: eligible must be ({t},), got {eligible.shape}")
    return eligible


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
    excess: np.ndarray | None = None,
) -> Swaps:
    """Each assigned track's alternatives to GNN's report, with their probabilities.

    pred: the scan's Prediction; gate_d2 (T, D): its gate distances (scan.score_pairs); rows, cols
    (A,): the assignment; Z (D, m), R (D, m, m): the scan; offsets (T, n), excess (T, n, n) or None:
    every track's predicted o and E; eligible (T,): tracks that may take part (default all). For assigned pair a, among eligible tracks:
    - swap with pair b: track rows[a] gates report cols[b] and rows[b] gates cols[a]; likelihood ratio
      L_a(z_b) L_b(z_a) / (L_a(z_a) L_b(z_b));
    - yield (report -1): a track c that took no report gates cols[a]: z_a was c's and a's object went
      unreported; ratio L_c(z_a) / L_a(z_a), both objects taken as equally likely to be reported
      (the tracker does not know their cross-sections; the missed-detection factors then cancel).
    """
    rows, cols = np.asarray(rows), np.asarray(cols)
    gate_d2 = np.asarray(gate_d2, float)
    eligible = _check(gate_d2, rows, cols, gate, offsets, eligible)
    out = no_swaps(rows.size, offsets.shape[1])
    out.offsets = offsets[rows]
    if not rows.size:
        return out
    inside = gate_d2 <= gate
    inside[~eligible] = False
    mutual = inside[np.ix_(rows, cols)]  # [a, b]: track rows[a] gates report cols[b]
    mutual = mutual & mutual.T
    np.fill_diagonal(mutual, False)
    idle = np.ones(gate_d2.shape[0], bool)
    idle[rows] = False
    idle = np.flatnonzero(idle & eligible)
    yields = inside[np.ix_(idle, cols)].T & eligible[rows][:, None]  # [a, u]: idle track u gates report cols[a]
    involved = np.flatnonzero(mutual.any(axis=1) | yields.any(axis=1))
    if not involved.size:
        return out
    idle = idle[yields[involved].any(axis=0)]
    yields = inside[np.ix_(idle, cols[involved])].T & eligible[rows[involved]][:, None]
    tracks = np.concatenate([rows[involved], idle])
    L = _log_likelihood(
        pred,
        tracks,
        model,
        Z[cols[involved]],
        R[cols[involved]],
        offsets[tracks],
        None if excess is None else excess[tracks],
    )
    n_inv = involved.size
    La, own = L[:n_inv], np.diag(L[:n_inv])
    log_swap = La + La.T - own[:, None] - own[None, :]  # ln L_a(z_b) L_b(z_a) / (L_a(z_a) L_b(z_b))
    log_yield = L[n_inv:].T - own[:, None]  # [a, u]: ln L_u(z_a) / L_a(z_a)
    swap = np.where(mutual[np.ix_(involved, involved)], np.exp(np.minimum(log_swap, 50.0)), 0.0)
    give = np.where(yields, np.exp(np.minimum(log_yield, 50.0)), 0.0)
    total = 1.0 + swap.sum(axis=1, keepdims=True) + give.sum(axis=1, keepdims=True)  # own report's ratio is 1
    sa, sb = np.nonzero(swap / total > NEGLIGIBLE_SWAP_PROBABILITY)
    ya = np.flatnonzero(give.sum(axis=1) / total[:, 0] > NEGLIGIBLE_SWAP_PROBABILITY)
    taken = give / (1.0 + give.sum(axis=0, keepdims=True))  # [a, u]: idle u's hypotheses: nothing, or z_a
    ia, iu = np.nonzero(taken > NEGLIGIBLE_SWAP_PROBABILITY)
    return Swaps(
        np.concatenate([involved[sa], involved[ya]]),
        np.concatenate([involved[sb], np.full(ya.size, -1)]),
        np.concatenate([(swap / total)[sa, sb], give.sum(axis=1)[ya] / total[ya, 0]]),
        out.offsets,
        idle[iu],
        involved[ia],
        taken[ia, iu],
        offsets[idle[iu]],
    )


def scan_hypotheses(store, pred, gate_d2, rows, cols, model: str, Z, R, gate: float, t: float) -> Swaps:
    """swap_hypotheses for a tracker's scan at time t: confirmed tracks not already past t take part
    (a tentative track's reports are the life cycle's business; a late scan does not reach back).
    The tracks' offsets and excess covariances come flown to t."""
    shared = (np.asarray(gate_d2) <= gate).sum(axis=0).max(initial=0) >= 2  # a report in two gates
    if not shared and not store.o[rows].any() and not store.E[rows].any():  # the usual scan: nothing to do
        return no_swaps(len(rows), store.o.shape[1])
    eligible = np.array([r.status == "confirmed" for r in store.records], bool) & (store.t <= t)
    carried = np.flatnonzero(store.E.any(axis=(1, 2)))
    E = None
    if carried.size:  # only unresolved tracks carry an excess: fly those
        E = np.zeros_like(store.E)
        E[carried] = predict_excess(store.E[carried], t - store.t[carried])
    o = predict_offsets(store.o, t - store.t)
    swaps = swap_hypotheses(pred, gate_d2, rows, cols, model, Z, R, gate, o, eligible, E)
    if E is not None:
        swaps.excess, swaps.idle_excess = E[rows], E[swaps.idle_track]
    return swaps
