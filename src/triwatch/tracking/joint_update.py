"""The joint update of unresolved tracks: JPDA's mean and covariance carried beside GNN's filter.

unresolved.py finds, per scan, each confirmed track's alternatives to GNN's report (a swap with
another assigned track, or yielding its report to a track that took none) and their probabilities
beta. This module carries their consequences without touching GNN's filter: the mean and the
filter covariance P (the one the gain and the gates use) are GNN's, exactly as without
alternatives, and each track carries JPDA's estimate of the same object as

    o = x - x_J     the offset of GNN's mean from JPDA's mean
    E = P_J - P     the difference of JPDA's covariance from GNN's

so that it reports P_J + o o^T = P + E + o o^T, the mean square error of its mean about the object
under the assignment mixture. One scan is JPDA's (PDA's) update of (x_J, P_J), Bar-Shalom and
Tse 1975, with H = Pxz^T P^-1 (exact for the EKF, the statistical linearisation for the UKF):

    nu_h = z_h - h(x_J) = y_h + H o         innovation of hypothesis h at JPDA's mean
    S_J = H P_J H^T + R,  K_J = P_J H^T S_J^-1
    x_J+ = x_J + K_J nu_bar,  nu_bar = sum_h beta_h nu_h          (no report: nu = 0)
    P_J+ = P_J - beta_r K_J S_J K_J^T + K_J (sum_h beta_h nu_h nu_h^T - nu_bar nu_bar^T) K_J^T

(beta_r: the probability that the track took a report at all), beside GNN's x+ = x + K y_0,
P+ = P - K S K^T; then o+ = x+ - x_J+, E+ = P_J+ - P+, its negative part dropped (reported >= P). An assigned track's hypotheses are its own
report, swaps with other assigned tracks and yielding its report (then none); a track that took
no report keeps GNN's prediction and has the hypotheses none or each report it might own (it is
not credited the - beta_r K_J S_J K_J^T of a report it may own: conservative). Per IMM
model (E and o shared), combined with the mode probabilities.
"""

from __future__ import annotations

import numpy as np

from triwatch.tracking.measurements import residual
from triwatch.tracking.unresolved import Swaps, predict_excess, predict_offsets


def _t(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def _gain_and_h(pred, tracks: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per model of tracks (K,): S = Pzz + R (K, 2, m, m), K = Pxz S^-1 (K, 2, n, m), H = Pxz^T P^-1 (K, 2, m, n)."""
    Pxz = pred.Pxz[tracks]
    S = pred.Pzz[tracks] + R[:, None]
    K = _t(np.linalg.solve(S, _t(Pxz)))
    H = _t(np.linalg.solve(pred.P[tracks], Pxz))  # P symmetric: (P^-1 Pxz)^T = Pxz^T P^-1
    return S, K, H


def _psd(E: np.ndarray) -> np.ndarray:
    """E (K, n, n) symmetrised with its negative eigenvalues set to 0: the track never reports less
    than GNN's own covariance (P_J < P can happen, and E's constant-velocity flight between scans
    is only approximate: an indefinite P + E would make a NEES negative)."""
    E = 0.5 * (E + _t(E))
    w, V = np.linalg.eigh(E)
    return (V * np.maximum(w, 0.0)[:, None, :]) @ _t(V)


def _jpda(pred, tracks, R, o, E, nu, beta, own_gain: bool):
    """One PDA step per model for hypotheses stacked per track: nu (K, H, 2, m) innovations at JPDA's
    mean (zero rows for "no report"), beta (K, H). Returns o+ and E+ (K, n), (K, n, n) per model before
    combining: (K, 2, n), (K, 2, n, n). own_gain: GNN took nu[:, 0] (else GNN kept the prediction)."""
    S, K, H = _gain_and_h(pred, tracks, R)
    P = pred.P[tracks]
    PJ = P + E[:, None]
    SJ = H @ PJ @ _t(H) + R[:, None]
    KJ = _t(np.linalg.solve(SJ, _t(PJ @ _t(H))))
    nu_bar = np.einsum("kh,khjm->kjm", beta, nu)
    spread = np.einsum("kh,khjm,khjl->kjml", beta, nu, nu) - nu_bar[..., :, None] * nu_bar[..., None, :]
    PJ_new = PJ + KJ @ spread @ _t(KJ)
    if own_gain:  # an idle track is not credited the information of a report it may own (E stays >= 0)
        PJ_new -= beta.sum(axis=1)[:, None, None, None] * (KJ @ SJ @ _t(KJ))
    move_J = np.einsum("kjnm,kjm->kjn", KJ, nu_bar)
    if own_gain:  # GNN: x+ = x + K y_0 (y_0 = nu_0 - H o), P+ = P - K S K^T
        y0 = nu[:, 0] - np.einsum("kjmn,kn->kjm", H, o)
        move = np.einsum("kjnm,kjm->kjn", K, y0)
        P_new = P - K @ S @ _t(K)
    else:
        move, P_new = 0.0, P
    return o[:, None] + move - move_J, PJ_new - P_new


def update_assigned(
    pred, rows: np.ndarray, model: str, Z: np.ndarray, R: np.ndarray, mu_new: np.ndarray, swaps: Swaps
) -> tuple[np.ndarray, np.ndarray]:
    """o+ (A, n) and E+ (A, n, n) of the assigned tracks pred[rows] with their reports Z (A, m), R (A, m, m).

    mu_new (A, 2): the mode probabilities after GNN's update (the models' terms are combined with them).
    """
    a_n, n = rows.size, pred.x.shape[-1]
    o = swaps.offsets
    E = np.zeros((a_n, n, n)) if swaps.excess is None else swaps.excess
    if o.shape != (a_n, n) or E.shape != (a_n, n, n) or mu_new.shape != (a_n, 2):
        raise ValueError(
            f"joint_update: offsets {o.shape}, excess {E.shape}, mu {mu_new.shape} do not match {a_n} tracks"
        )
    if not len(swaps) and not o.any() and not E.any():
        return o, E
    # hypotheses per track: 0 its own report, then each alternative (a swap's report, or none)
    counts = np.bincount(swaps.track, minlength=a_n)
    h = 1 + int(counts.max(initial=0))
    beta = np.zeros((a_n, h))
    z_h = np.repeat(Z[:, None], h, axis=1)  # (A, H, m)
    has = np.zeros((a_n, h), bool)
    has[:, 0] = True
    slot = np.zeros(a_n, int)
    for k in range(len(swaps)):  # few: only tracks with alternatives
        a = swaps.track[k]
        slot[a] += 1
        beta[a, slot[a]] = swaps.beta[k]
        if swaps.report[k] >= 0:
            z_h[a, slot[a]], has[a, slot[a]] = Z[swaps.report[k]], True
    beta[:, 0] = 1.0 - beta[:, 1:].sum(axis=1)
    zJ = pred.z[rows] - np.einsum("ajmn,an->ajm", _gain_and_h(pred, rows, R)[2], o)  # (A, 2, m)
    nu = residual(model, z_h[:, :, None], zJ[:, None]) * has[:, :, None, None]  # (A, H, 2, m)
    beta_r = np.where(has, beta, 0.0)
    o_m, E_m = _jpda(pred, rows, R, o, E, nu, beta_r, own_gain=True)
    return np.einsum("ak,akn->an", mu_new, o_m), _psd(np.einsum("ak,aknm->anm", mu_new, E_m))


def update_idle(
    pred, swaps: Swaps, model: str, Z: np.ndarray, R: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tracks (U,), o+ (U, n), E+ (U, n, n)) of the tracks that took no report but might own one, at the scan time.

    Z (A, m), R (A, m, m): the assigned reports (swaps.idle_pair indexes them). One hypothesis per
    (track, report) row; a track that might own several reports takes its likeliest (rare: two
    reports in the gate of a track that took neither).
    """
    n = pred.x.shape[-1]
    if not swaps.idle_track.size:
        return swaps.idle_track, np.zeros((0, n)), np.zeros((0, n, n))
    c, j, beta = swaps.idle_track, swaps.idle_pair, swaps.idle_beta
    o = swaps.idle_offsets
    E = np.zeros((c.size, n, n)) if swaps.idle_excess is None else swaps.idle_excess
    H = _gain_and_h(pred, c, R[j])[2]
    zJ = pred.z[c] - np.einsum("kjmn,kn->kjm", H, o)
    nu = np.zeros((c.size, 2, 2, Z.shape[1]))  # hypotheses: none, z_j
    nu[:, 1] = residual(model, Z[j][:, None], zJ)
    b = np.stack([np.zeros_like(beta), beta], axis=1)  # "none" has no innovation: it only dilutes
    o_m, E_m = _jpda(pred, c, R[j], o, E, nu, b, own_gain=False)
    mu = pred.c[c]
    order = np.lexsort((-beta, c))  # per track, its likeliest report first
    tracks, first = np.unique(c[order], return_index=True)
    first = order[first]
    o_new = np.einsum("uk,ukn->un", mu, o_m)[first]
    return tracks, o_new, _psd(np.einsum("uk,uknm->unm", mu, E_m)[first])


def apply_idle(store, pred, swaps: Swaps, model: str, Z: np.ndarray, R: np.ndarray, t: float) -> None:
    """Write update_idle's o and E into the store, flown back from the scan time t to each track's own time."""
    tracks, o, E = update_idle(pred, swaps, model, Z, R)
    if tracks.size:
        back = store.t[tracks] - t
        store.o[tracks], store.E[tracks] = predict_offsets(o, back), predict_excess(E, back)
