"""Ballistic motion model in ECEF for the tracker: mean, Jacobian and process noise, batched.

State x = (r, v) in ECEF (m, m/s), or (r, v, alpha) with alpha = ln beta the log ballistic
coefficient (drag.py explains why the tracker estimates it). The mean follows the coasting
equation of triwatch.physics (gravity with J2, Coriolis and centrifugal terms, and for a
7-state row the US76 drag of physics.dynamics), integrated by the same RK4 step (the compiled kernel physics.kernels.coast_steps). The covariance follows the linearised dynamics

    d(dx)/dt = A dx,   A = [[0, I], [G, C]]
    G = d a / d r = mu / |r|^3 (3 r^ r^T - I) + diag(w^2, w^2, 0)   (gravity gradient + centrifugal)
    C = d a / d v = [[0, 2w, 0], [-2w, 0, 0], [0, 0, 0]]          (Coriolis)

For a 7-state row the drag Jacobians (drag.py) are added to G and C, and the column of alpha
is d a / d alpha = -a_d; alpha itself has no dynamics (a random walk).

The J2 part of G is left out: it is ~1e-3 of the point-mass gradient and changes P by far
less than the process noise does. Over a sub-step h the transition is the truncated series
F = exp(A h) ~ I + A h + (A h)^2 / 2 + (A h)^3 / 6, A the mean of its values at the sub-step's ends
(|A h| < 1e-4 for h <= 5 s in vacuum, so the truncation is exact to rounding; in the air the
sub-step is cut until drag's rate times h is <= 0.1 (drag.steps_for), and the trapezoid in A
follows the density's growth within the sub-step).

Process noise is white acceleration with spectral density Qa (m^2/s^3), split along and across
the velocity so a thrusting missile can be given room along its path, where its thrust acts:

    Qa = q_cross I + (q_along - q_cross) E[u u^T],   u = v / |v|,
    E[u u^T] ~ (v v^T + P_vv) / (|v|^2 + tr P_vv)

The second moment of the direction, not the direction of the estimate: right after a track is
born (velocity sigma of km/s against a speed of a few hundred m/s in early boost) the estimated
velocity points anywhere, and putting the thrust's noise along it would leave the real thrust
axis with only q_cross, an overconfident filter exactly when the missile accelerates hardest.
As the velocity firms up, E[u u^T] tends to u u^T.
    Q(h) = [[h^3/3 Qa, h^2/2 Qa], [h^2/2 Qa, h Qa]]     (and q_log_beta h for alpha)

In the air Qa also holds the unmodelled lift, q_lift (I - E[u u^T]) with q_lift proportional to
the squared drag (drag.lift_noise_density).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S
from triwatch.physics import kernels
from triwatch.tracking.drag import (
    LOG_BETA,
    N_KINEMATIC,
    drag_and_jacobian,
    effective_inverse_beta,
    lift_noise_density,
    may_meet_air,
    steps_for,
    steps_per_row,
)

MAX_STEP_S = 5.0  # RK4 and the series for F are both accurate to rounding at this step


def dynamics_jacobian(x: np.ndarray, kappa: np.ndarray | None = None) -> np.ndarray:
    """A = d f / d x (N, n, n) of the coasting equation of motion at states x (N, n), n = 6 or 7.

    kappa (N,): 1/beta of each row (7-state rows only; 0 turns drag off), default from alpha.
    """
    r = x[:, :3]
    n, dim = x.shape
    rn = np.linalg.norm(r, axis=1)
    rhat = r / rn[:, None]
    G = (GM_M3_S2 / rn**3)[:, None, None] * (3.0 * rhat[:, :, None] * rhat[:, None, :] - np.eye(3))
    G[:, 0, 0] += OMEGA_RAD_S**2  # centrifugal term w x (w x r) depends on x and y only
    G[:, 1, 1] += OMEGA_RAD_S**2
    A = np.zeros((n, dim, dim))
    A[:, 0:3, 3:6] = np.eye(3)
    A[:, 3:6, 0:3] = G
    A[:, 3, 4] = 2.0 * OMEGA_RAD_S  # Coriolis: -2 w x v = (2 w vy, -2 w vx, 0)
    A[:, 4, 3] = -2.0 * OMEGA_RAD_S
    if dim > N_KINEMATIC:
        kappa = effective_inverse_beta(x, np.zeros(n)) if kappa is None else kappa
        air = np.flatnonzero(kappa > 0.0)
        if air.size:
            a_d, da_dr, da_dv = drag_and_jacobian(r[air], x[air, 3:6], kappa[air])
            A[air, 3:6, 0:3] += da_dr
            A[air, 3:6, 3:6] += da_dv
            A[air, 3:6, LOG_BETA] = -a_d  # d a_d / d alpha, with kappa = exp(-alpha)
    return A


def exp_series(Ah: np.ndarray) -> np.ndarray:
    """exp(A h) to third order, (N, n, n)."""
    Ah2 = Ah @ Ah
    return np.eye(Ah.shape[-1]) + Ah + Ah2 / 2.0 + Ah2 @ Ah / 6.0


def transition_matrix(x: np.ndarray, h: np.ndarray, kappa: np.ndarray | None = None) -> np.ndarray:
    """F = exp(A h) to third order, (N, n, n), for per-row step h (N,), A taken at x."""
    return exp_series(dynamics_jacobian(x, kappa) * h[:, None, None])


def _step(r, v, rest, A0, h, kappa):
    """One sub-step of the mean (RK4) and its transition exp((A0 + A1) h / 2), A1 at the sub-step's end.

    The trapezoid of the Jacobians makes F second order in h: in re-entry the air's density grows by
    e every ~7 km of fall, so A changes by tens of per cent within a sub-step, and A at the start
    alone misstates F by as much (10-20 % in the ln beta column).
    """
    r1, v1 = coast_mean(r, v, h, kappa)
    A1 = dynamics_jacobian(np.concatenate([r1, v1, rest], axis=1), kappa)
    return r1, v1, A1, exp_series(0.5 * (A0 + A1) * h[:, None, None])


def coast_mean(r: np.ndarray, v: np.ndarray, h: np.ndarray, kappa: np.ndarray, n_steps: int = 1):
    """Positions and velocities (N, 3) after n_steps RK4 steps of h (N,) each, drag at 1/beta = kappa (N,) (0: vacuum).

    The compiled kernel (physics.kernels.coast_steps) runs the equations of physics.dynamics (the
    physics tests check it against them): NumPy's RK4 on a handful of rows spends its time
    dispatching, four acceleration calls of ~50 us each per sub-step.
    """
    r1, v1 = np.array(r, float, order="C"), np.array(v, float, order="C")
    kernels.coast_steps(r1, v1, np.asarray(h, float), np.asarray(kappa, float), n_steps)  # in place
    return r1, v1


def direction_moment(v: np.ndarray, P_vv: np.ndarray | None = None) -> np.ndarray:
    """E[u u^T] (N, 3, 3) of the unit velocity u = v / |v|, to second order: (v v^T + P_vv) / (|v|^2 + tr P_vv)."""
    vv = v[:, :, None] * v[:, None, :]
    if P_vv is None:
        return vv / np.maximum(np.einsum("ni,ni->n", v, v), 1e-18)[:, None, None]
    num = vv + P_vv
    return num / np.maximum(np.trace(num, axis1=1, axis2=2), 1e-18)[:, None, None]


def process_noise(
    x: np.ndarray,
    h: np.ndarray,
    q_along: np.ndarray,
    q_cross: np.ndarray,
    q_log_beta: float = 0.0,
    P: np.ndarray | None = None,
    air: np.ndarray | None = None,
) -> np.ndarray:
    """Discrete white-acceleration noise Q(h) (N, n, n), anisotropic along the velocity; alpha walks with q_log_beta.

    P (N, n, n), when given, spreads the along-velocity part over the velocity's uncertain direction.
    air (N,) bool, when given: the rows that may be in the air (drag.may_meet_air); the others get no
    lift noise without computing the air density that would give them none.
    """
    M = direction_moment(x[:, 3:6], None if P is None else P[:, 3:6, 3:6])
    Qa = q_cross[:, None, None] * np.eye(3) + (q_along - q_cross)[:, None, None] * M
    if x.shape[1] > N_KINEMATIC and (air is None or air.any()):  # unmodelled lift (drag.lift_noise_density)
        q_lift = np.zeros(x.shape[0])
        rows = slice(None) if air is None else air
        q_lift[rows] = lift_noise_density(x[rows])
        Qa = Qa + q_lift[:, None, None] * (np.eye(3) - M)
    hh = h[:, None, None]
    Q = np.zeros((x.shape[0], x.shape[1], x.shape[1]))
    Q[:, 0:3, 0:3] = hh**3 / 3.0 * Qa
    Q[:, 0:3, 3:6] = hh**2 / 2.0 * Qa
    Q[:, 3:6, 0:3] = hh**2 / 2.0 * Qa
    Q[:, 3:6, 3:6] = hh * Qa
    if x.shape[1] > N_KINEMATIC:
        Q[:, LOG_BETA, LOG_BETA] = q_log_beta * h
    return Q


def propagate_with_covariance(
    x: np.ndarray,
    P: np.ndarray,
    dt: np.ndarray,
    q_along: np.ndarray,
    q_cross: np.ndarray,
    max_step_s: float = MAX_STEP_S,
    *,
    drag: np.ndarray | None = None,
    q_log_beta: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """EKF predict of N ballistic tracks (n = 6, or 7 with alpha), each by its own dt (N,) (negative dt runs backwards).

    Tracks are batched by whether they meet the air and by how many sub-steps they need
    (drag.steps_per_row), in powers of two: within a batch all take the same number of sub-steps
    (the batch's most), each its own length dt/n, so the batch moves in lock-step through NumPy.
    Without the batching one track coasting unseen for half an hour, or one falling through the
    air on short sub-steps, would make every other track take its hundreds of sub-steps too.
    drag (N,) bool: which 7-state rows feel drag (default all); a thrusting model leaves it to its noise.
    """
    x = np.asarray(x, float)
    P = np.asarray(P, float)
    dt = np.broadcast_to(np.asarray(dt, float), (x.shape[0],))
    q_along = np.broadcast_to(np.asarray(q_along, float), dt.shape)
    q_cross = np.broadcast_to(np.asarray(q_cross, float), dt.shape)
    if x.shape[0] == 0:
        return x.copy(), P.copy()
    kappa = effective_inverse_beta(x, dt, drag)
    needed = steps_per_row(x, dt, max_step_s, drag, kappa)
    batch = 2 * np.ceil(np.log2(needed)).astype(int) + (kappa > 0.0)
    if batch.min() == batch.max():
        return _propagate_batch(x, P, dt, q_along, q_cross, kappa, int(needed.max()), q_log_beta)
    x_out, P_out = np.empty_like(x), np.empty_like(P)
    for b in np.unique(batch):
        rows = batch == b
        x_out[rows], P_out[rows] = _propagate_batch(
            x[rows], P[rows], dt[rows], q_along[rows], q_cross[rows], kappa[rows], int(needed[rows].max()), q_log_beta
        )
    return x_out, P_out


def _propagate_batch(
    x: np.ndarray,
    P: np.ndarray,
    dt: np.ndarray,
    q_along: np.ndarray,
    q_cross: np.ndarray,
    kappa: np.ndarray,
    n_steps: int,
    q_log_beta: float,
) -> tuple[np.ndarray, np.ndarray]:
    """propagate_with_covariance for one batch: every track takes n_steps sub-steps of its own dt / n_steps."""
    h = dt / n_steps
    r, v, rest = x[:, :3], x[:, 3:6], x[:, 6:]
    A = dynamics_jacobian(x, kappa)
    air = may_meet_air(r, v, dt) if x.shape[1] > N_KINEMATIC else None  # lift noise: every model, drag or not
    for _ in range(n_steps):
        Q = process_noise(np.concatenate([r, v, rest], axis=1), np.abs(h), q_along, q_cross, q_log_beta, P, air)
        r, v, A, F = _step(r, v, rest, A, h, kappa)
        P = F @ P @ np.swapaxes(F, -1, -2) + Q  # P- = F P F^T + Q
    P = 0.5 * (P + np.swapaxes(P, -1, -2))
    return np.concatenate([r, v, rest], axis=1), P


def propagate_with_transition(
    x: np.ndarray, dt: float, max_step_s: float = MAX_STEP_S
) -> tuple[np.ndarray, np.ndarray]:
    """Mean flight of states x (N, n) by dt and the transition matrix F (N, n, n) of the whole interval.

    F is the product of the sub-step transitions, F = F_n ... F_1 (each from the trapezoid of its Jacobians).
    """
    x = np.atleast_2d(np.asarray(x, float))
    kappa = effective_inverse_beta(x, np.full(x.shape[0], dt))
    n_steps = steps_for(x, np.full(x.shape[0], dt), max_step_s)
    h = np.full(x.shape[0], dt / n_steps)
    F = np.repeat(np.eye(x.shape[1])[None], x.shape[0], axis=0)
    r, v, rest = x[:, :3], x[:, 3:6], x[:, 6:]
    A = dynamics_jacobian(x, kappa)
    for _ in range(n_steps):
        r, v, A, F_step = _step(r, v, rest, A, h, kappa)
        F = F_step @ F
    return np.concatenate([r, v, rest], axis=1), F
