"""The maths of one scan for all tracks at once: IMM predict, scoring of every track-detection pair, update.

A scan is the detections of one sensor at one time. Every live track is predicted to that
time (both IMM models), every (track, detection) pair gets its chi-square distance, the
assignment picks pairs, and the chosen pairs are updated in one batched Kalman step.
Nothing here loops over tracks or detections in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.tracking import imm, unscented
from triwatch.tracking.iterated import iterate_update
from triwatch.tracking.kalman import unscented_update, update_with_residual
from triwatch.tracking.measurements import predict_measurement, residual
from triwatch.tracking.motion import propagate_with_covariance
from triwatch.tracking.types import TrackerConfig

GATE_MIN_MODEL_PROBABILITY = 0.01  # an IMM model less probable than this does not widen the gate


@dataclass
class Prediction:
    """Both IMM models of T tracks predicted to a scan, with their predicted measurements."""

    x: np.ndarray  # (T, 2, n), n = 7: r, v, ln beta
    P: np.ndarray  # (T, 2, n, n)
    c: np.ndarray  # (T, 2) predicted mode probabilities
    z: np.ndarray  # (T, 2, m) predicted measurement per model
    Pzz: np.ndarray  # (T, 2, m, m) its covariance before noise (H P H^T for the EKF)
    Pxz: np.ndarray  # (T, 2, n, m) state-measurement cross covariance (P H^T for the EKF)
    H: np.ndarray | None  # (T, 2, m, n) for the EKF (Joseph update); None for the UKF
    log_detection: np.ndarray  # (2,) log P(detection | mode) of this sensor (imm.detection_log_likelihood)
    dt: np.ndarray  # (T,) time since each track's last update (what the gate rule of score_pairs reads)
    site: tuple[np.ndarray, float, float] | None = None  # (ECEF, lat, lon) of the sensor, to relinearise (EKF)


def predict_to(
    x: np.ndarray, P: np.ndarray, mu: np.ndarray, dt: np.ndarray, config: TrackerConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IMM mixing and prediction of T tracks by dt (T,): returns x (T, 2, n), P (T, 2, n, n), c (T, 2).

    Tracks with dt = 0 (already updated at this instant by another sensor) are passed through:
    no time passes, so Pi = I and mixing and prediction are identities.
    """
    moving = np.flatnonzero(dt)
    xp, Pp, c = x.copy(), P.copy(), mu.copy()
    if moving.size == 0:
        return xp, Pp, c
    t = moving.size
    Pi = imm.switching_matrix(dt[moving], config.mean_time_to_burnout_s, config.mean_time_to_ignition_s)
    x0, P0, c[moving] = imm.mix(x[moving], P[moving], mu[moving], Pi)
    q_along = np.empty((t, 2))  # model order per track: coast, thrust
    q_along[:, imm.COAST], q_along[:, imm.THRUST] = config.q_ballistic_m2_s3, config.q_boost_along_m2_s3
    q_cross = np.empty((t, 2))
    q_cross[:, imm.COAST], q_cross[:, imm.THRUST] = config.q_ballistic_m2_s3, config.q_boost_cross_m2_s3
    drag = np.zeros((t, 2), bool)  # the coast model flies through the air; the thrust model's noise covers it
    drag[:, imm.COAST] = True
    n = x.shape[-1]
    step = unscented.predict if config.filter == "ukf" else propagate_with_covariance
    xm, Pm = step(
        x0.reshape(2 * t, n),
        P0.reshape(2 * t, n, n),
        np.repeat(dt[moving], 2),
        q_along.ravel(),
        q_cross.ravel(),
        drag=drag.ravel(),
        q_log_beta=config.q_log_beta_1_s,
    )
    xp[moving], Pp[moving] = xm.reshape(t, 2, n), Pm.reshape(t, 2, n, n)
    return xp, Pp, c


def predict_scan(
    x: np.ndarray,
    P: np.ndarray,
    mu: np.ndarray,
    dt: np.ndarray,
    model: str,
    site_ecef: np.ndarray,
    site_lat: float,
    site_lon: float,
    config: TrackerConfig,
    since_update: np.ndarray | None = None,
) -> Prediction:
    """Predict T tracks by dt (T,) to the scan time and into the sensor's measurement space (EKF or UKF).

    since_update (T,): time since each track's last update, when x is not the last update
    (a cached coasting prediction, store.py); default dt.
    """
    xp, Pp, c = predict_to(x, P, mu, dt, config)
    dt = dt if since_update is None else since_update
    t, n = x.shape[0], x.shape[-1]
    log_detection = imm.detection_log_likelihood(model, site_ecef)
    flat_x, flat_P = xp.reshape(2 * t, n), Pp.reshape(2 * t, n, n)
    if config.filter == "ukf":
        z, Pzz, Pxz = unscented.measurement_moments(model, flat_x, flat_P, site_ecef, site_lat, site_lon)
        m = z.shape[1]
        Pxz = Pxz.reshape(t, 2, n, m)
        return Prediction(xp, Pp, c, z.reshape(t, 2, m), Pzz.reshape(t, 2, m, m), Pxz, None, log_detection, dt)
    z, H = predict_measurement(model, flat_x, site_ecef, site_lat, site_lon)
    m = z.shape[1]
    H = H.reshape(t, 2, m, n)
    PHt = Pp @ np.swapaxes(H, -1, -2)
    site = (np.asarray(site_ecef, float), site_lat, site_lon)
    return Prediction(xp, Pp, c, z.reshape(t, 2, m), H @ PHt, PHt, H, log_detection, dt, site)


def score_pairs(
    pred: Prediction, model: str, Z: np.ndarray, R: np.ndarray, coast_gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gate distance (T, D) and assignment cost (T, D) of every track-detection pair.

    Gate distance: the smallest chi-square distance over the models that may open the gate (a
    detection is plausible if such a model explains it). Every model may, for a track updated
    within ``coast_gap_s`` (the thrust model catches a next stage's ignition or re-entry drag even
    when it was improbable). After a longer gap only the models the track holds probable may,
    predicted probability c_j >= GATE_MIN_MODEL_PROBABILITY: the thrust model's prediction has
    grown by q t^3 / 3 (sigma ~ 2000 km after 1000 s), so it would "explain" any false alarm or
    any other missile, while the filter itself gives it ~1e-3 (an ignition during the coast).
    Cost: -2 ln of the mixture likelihood sum_j c_j N(y_j; 0, S_j), without the constant m ln 2 pi.
    """
    HPHt = pred.Pzz  # (T, 2, m, m)
    y = residual(model, Z[None, None], pred.z[:, :, None])  # (T, 2, D, m)
    if np.all(R[0] == R):  # one noise for the whole scan (the usual case): S per track and model only
        S = HPHt + R[0]  # S = H P H^T + R
        S_inv = np.linalg.inv(S)
        d2 = np.einsum("tkdi,tkij,tkdj->tkd", y, S_inv, y)
        log_det = np.linalg.slogdet(S)[1][:, :, None]
    else:
        S = HPHt[:, :, None] + R[None, None]  # (T, 2, D, m, m)
        d2 = np.einsum("...i,...ij,...j->...", y, np.linalg.inv(S), y)
        log_det = np.linalg.slogdet(S)[1]
    log_lik = -0.5 * (d2 + log_det) + np.log(np.maximum(pred.c, 1e-300))[:, :, None]
    peak = log_lik.max(axis=1)
    cost = -2.0 * (peak + np.log(np.exp(log_lik - peak[:, None]).sum(axis=1)))
    probable = pred.c >= np.minimum(GATE_MIN_MODEL_PROBABILITY, pred.c.max(axis=1, keepdims=True))
    opens = probable | (np.abs(pred.dt) <= coast_gap_s)[:, None]
    return np.where(opens[:, :, None], d2, np.inf).min(axis=1), cost


def update_assigned(
    pred: Prediction, rows: np.ndarray, model: str, Z: np.ndarray, R: np.ndarray, reacquired_after_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Batched IMM update of the assigned tracks pred[rows] with detections Z (K, m), R (K, m, m).

    The EKF's update of a track found again after more than reacquired_after_s unseen is iterated
    where its correction was large (iterated.py: a track predicted over a long gap under thrust). Returns the models' states (K, 2, n), covariances (K, 2, n, n), the new mode probabilities
    (K, 2) and the normalised innovation squared of the combined prediction (K,) for consistency checks.
    """
    k = rows.shape[0]
    m = Z.shape[1]
    n = pred.x.shape[-1]
    x = pred.x[rows].reshape(2 * k, n)
    P = pred.P[rows].reshape(2 * k, n, n)
    zp = pred.z[rows].reshape(2 * k, m)
    z2 = np.repeat(Z, 2, axis=0)
    R2 = np.repeat(R, 2, axis=0)
    y = residual(model, z2, zp)
    if pred.H is not None:
        x_new, P_new, S = update_with_residual(x, P, y, R2, pred.H[rows].reshape(2 * k, m, n))
        if pred.site is not None:  # relinearise where the correction was too large for one linearisation
            found_again = np.repeat(np.abs(pred.dt[rows]) > reacquired_after_s, 2)  # both models of a track
            x_new, P_new = iterate_update(x, P, x_new, P_new, z2, R2, model, *pred.site, eligible=found_again)
    else:
        x_new, P_new, S = unscented_update(
            x, P, y, pred.Pzz[rows].reshape(2 * k, m, m) + R2, pred.Pxz[rows].reshape(2 * k, n, m)
        )
    S_inv = np.linalg.inv(S)
    d2 = np.einsum("ni,nij,nj->n", y, S_inv, y)
    _, log_det = np.linalg.slogdet(S)
    log_lik = (-0.5 * (d2 + log_det)).reshape(k, 2) + pred.log_detection
    mu = imm.update_mode_probabilities(pred.c[rows], log_lik)
    c = pred.c[rows]
    nis = np.einsum("kj,kj->k", c, d2.reshape(k, 2))  # mode-weighted NIS, for diagnostics
    return x_new.reshape(k, 2, n), P_new.reshape(k, 2, n, n), mu, nis
