"""Ballistic motion model in ECEF for the tracker: mean, Jacobian and process noise, batched.

State x = (r, v) in ECEF (m, m/s). The mean follows the coasting equation of
triwatch.physics (gravity with J2, Coriolis and centrifugal terms), integrated by the
same RK4 step. The covariance follows the linearised dynamics

    d(dx)/dt = A dx,   A = [[0, I], [G, C]]
    G = d a / d r = mu / |r|^3 (3 r^ r^T - I) + diag(w^2, w^2, 0)   (gravity gradient + centrifugal)
    C = d a / d v = [[0, 2w, 0], [-2w, 0, 0], [0, 0, 0]]          (Coriolis)

The J2 part of G is left out: it is ~1e-3 of the point-mass gradient and changes P by far
less than the process noise does. Over a sub-step h the transition is the truncated series
F = I + A h + (A h)^2 / 2 + (A h)^3 / 6 (|A h| < 1e-4 for h <= 5 s, so the truncation is exact
to rounding).

Process noise is white acceleration with spectral density Qa (m^2/s^3), split along and across
the velocity so a thrusting missile can be given room along its path, where its thrust acts:

    Qa = q_cross I + (q_along - q_cross) u u^T,   u = v / |v|
    Q(h) = [[h^3/3 Qa, h^2/2 Qa], [h^2/2 Qa, h Qa]]
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S
from triwatch.physics.propagate import rk4_step

MAX_STEP_S = 5.0  # RK4 and the series for F are both accurate to rounding at this step


def dynamics_jacobian(x: np.ndarray) -> np.ndarray:
    """A = d f / d x (N, 6, 6) of the coasting equation of motion at states x (N, 6)."""
    r = x[:, :3]
    n = x.shape[0]
    rn = np.linalg.norm(r, axis=1)
    rhat = r / rn[:, None]
    G = (GM_M3_S2 / rn**3)[:, None, None] * (3.0 * rhat[:, :, None] * rhat[:, None, :] - np.eye(3))
    G[:, 0, 0] += OMEGA_RAD_S**2  # centrifugal term w x (w x r) depends on x and y only
    G[:, 1, 1] += OMEGA_RAD_S**2
    A = np.zeros((n, 6, 6))
    A[:, 0:3, 3:6] = np.eye(3)
    A[:, 3:6, 0:3] = G
    A[:, 3, 4] = 2.0 * OMEGA_RAD_S  # Coriolis: -2 w x v = (2 w vy, -2 w vx, 0)
    A[:, 4, 3] = -2.0 * OMEGA_RAD_S
    return A


def transition_matrix(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """F = exp(A h) to third order, (N, 6, 6), for per-row step h (N,)."""
    Ah = dynamics_jacobian(x) * h[:, None, None]
    Ah2 = Ah @ Ah
    return np.eye(6) + Ah + Ah2 / 2.0 + Ah2 @ Ah / 6.0


def process_noise(x: np.ndarray, h: np.ndarray, q_along: np.ndarray, q_cross: np.ndarray) -> np.ndarray:
    """Discrete white-acceleration noise Q(h) (N, 6, 6), anisotropic along the velocity."""
    v = x[:, 3:6]
    speed = np.linalg.norm(v, axis=1)
    u = v / np.maximum(speed, 1e-9)[:, None]
    Qa = q_cross[:, None, None] * np.eye(3) + (q_along - q_cross)[:, None, None] * (u[:, :, None] * u[:, None, :])
    h = h[:, None, None]
    Q = np.empty((x.shape[0], 6, 6))
    Q[:, 0:3, 0:3] = h**3 / 3.0 * Qa
    Q[:, 0:3, 3:6] = h**2 / 2.0 * Qa
    Q[:, 3:6, 0:3] = h**2 / 2.0 * Qa
    Q[:, 3:6, 3:6] = h * Qa
    return Q


def propagate_with_covariance(
    x: np.ndarray,
    P: np.ndarray,
    dt: np.ndarray,
    q_along: np.ndarray,
    q_cross: np.ndarray,
    max_step_s: float = MAX_STEP_S,
) -> tuple[np.ndarray, np.ndarray]:
    """EKF predict of N ballistic tracks, each by its own dt (N,) (negative dt runs backwards).

    Tracks are batched by how many sub-steps their dt needs, in powers of two: within a batch
    all take the same number of sub-steps (that of the batch's longest dt), each its own length
    dt/n, so the batch moves in lock-step through NumPy. Without the batching one track coasting
    unseen for half an hour (predicted from its last update at every scan) would make every
    other track take its hundreds of sub-steps too.
    """
    x = np.asarray(x, float)
    P = np.asarray(P, float)
    dt = np.broadcast_to(np.asarray(dt, float), (x.shape[0],))
    q_along = np.broadcast_to(np.asarray(q_along, float), dt.shape)
    q_cross = np.broadcast_to(np.asarray(q_cross, float), dt.shape)
    if x.shape[0] == 0:
        return x.copy(), P.copy()
    needed = np.maximum(1.0, np.ceil(np.abs(dt) / max_step_s))
    batch = np.ceil(np.log2(needed)).astype(int)
    if batch.min() == batch.max():
        return _propagate_batch(x, P, dt, q_along, q_cross, max_step_s)
    x_out, P_out = np.empty_like(x), np.empty_like(P)
    for b in np.unique(batch):
        rows = batch == b
        x_out[rows], P_out[rows] = _propagate_batch(
            x[rows], P[rows], dt[rows], q_along[rows], q_cross[rows], max_step_s
        )
    return x_out, P_out


def _propagate_batch(
    x: np.ndarray, P: np.ndarray, dt: np.ndarray, q_along: np.ndarray, q_cross: np.ndarray, max_step_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """propagate_with_covariance for one batch: every track takes the longest dt's sub-step count."""
    n_steps = max(1, int(np.ceil(np.max(np.abs(dt)) / max_step_s)))
    h = dt / n_steps
    r, v = x[:, :3], x[:, 3:6]
    for _ in range(n_steps):
        xs = np.concatenate([r, v], axis=1)
        F = transition_matrix(xs, h)
        Q = process_noise(xs, np.abs(h), q_along, q_cross)
        P = F @ P @ np.swapaxes(F, -1, -2) + Q  # P- = F P F^T + Q
        r, v = rk4_step(r, v, h)
    P = 0.5 * (P + np.swapaxes(P, -1, -2))
    return np.concatenate([r, v], axis=1), P


def propagate_with_transition(
    x: np.ndarray, dt: float, max_step_s: float = MAX_STEP_S
) -> tuple[np.ndarray, np.ndarray]:
    """Mean flight of states x (N, 6) by dt and the transition matrix F (N, 6, 6) of the whole interval.

    F is the product of the sub-step transitions, F = F_n ... F_1, each taken at its sub-step's start.
    """
    x = np.atleast_2d(np.asarray(x, float))
    n_steps = max(1, int(np.ceil(abs(dt) / max_step_s)))
    h = np.full(x.shape[0], dt / n_steps)
    F = np.repeat(np.eye(6)[None], x.shape[0], axis=0)
    r, v = x[:, :3], x[:, 3:6]
    for _ in range(n_steps):
        F = transition_matrix(np.concatenate([r, v], axis=1), h) @ F
        r, v = rk4_step(r, v, h)
    return np.concatenate([r, v], axis=1), F
