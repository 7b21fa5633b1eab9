"""Bring a track's state and covariance to another time, for correlation and fusion.

The state x = (r, v) in ECEF moves under gravity (J2) and the rotating-frame
terms (triwatch.physics.propagate). The covariance follows the linearised flow,

    P(t + dt) = Phi P Phi^T + Q,   Phi = d x(t + dt) / d x(t)

with the state-transition matrix Phi found by finite differences: the nominal
state and six perturbed states are flown together in one vectorised call, and
`predict_many` flies several tracks (each over its own dt) in that same call.
Q is white-acceleration noise of spectral density q (m^2/s^3):

    Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]

A track whose nation estimated its ballistic coefficient beta (TrackReport.beta_kg_m2) is flown
with the US76 drag -rho |v| v / (2 beta) as well (physics.dynamics.coast_acceleration): in
re-entry a falling object decelerates by tens of m/s^2, and a vacuum prediction of a report a
few seconds old then misses the object by more than its (drag-aware, tight) covariance, which
splits one object's members into new system tracks. In the air the RK4 step is cut to 1 s
(drag's rate rho |v| / beta reaches ~0.5 /s for a light stage low down). Only tracks that may
meet the air within their dt (tracking.drag.may_meet_air) are flown so: every report carries a
beta (at least its prior), and a midcourse track flown in 1 s steps with a drag term that is
zero above 100 km would cost five times the work for the same answer.

Tracks are flown in batches by air/vacuum and by step count (in powers of two), as the tracker's
own predict does (tracking.motion): one member coasting unseen for minutes does not make the
others take its hundreds of steps.
"""

from __future__ import annotations

import numpy as np

from triwatch.physics import kernels
from triwatch.tracking.drag import may_meet_air

# Perturbation sizes: 10 m in position, 0.1 m/s in velocity (well inside the linear regime).
_EPS = np.array([10.0, 10.0, 10.0, 0.1, 0.1, 0.1])
AIR_STEP_S = 1.0
VACUUM_STEP_S = 5.0


def white_acceleration_q(dt: float, q: float) -> np.ndarray:
    """Process noise of a white acceleration of spectral density q over dt."""
    dt = abs(dt)
    eye = np.eye(3)
    return q * np.block([[dt**3 / 3 * eye, dt**2 / 2 * eye], [dt**2 / 2 * eye, dt * eye]])


def white_acceleration_q_many(dts: np.ndarray, q: float) -> np.ndarray:
    """white_acceleration_q (n, 6, 6) of each interval dts (n,)."""
    dt = np.abs(np.asarray(dts, float))[:, None, None]
    eye = np.eye(3)
    Q = np.empty((dt.shape[0], 6, 6))
    Q[:, :3, :3] = dt**3 / 3 * eye
    Q[:, :3, 3:] = Q[:, 3:, :3] = dt**2 / 2 * eye
    Q[:, 3:, 3:] = dt * eye
    return q * Q


def predict_state_cov(
    x: np.ndarray, P: np.ndarray, dt: float, q: float = 1.0, inv_beta: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """(x, P) flown dt seconds ahead (or back, for dt < 0) with a finite-difference STM; drag at 1/beta = inv_beta."""
    if dt == 0.0:
        return x.copy(), P.copy()
    xs, Ps = predict_many(x[None], P[None], np.array([dt]), q, np.array([inv_beta]))
    return xs[0], Ps[0]


def predict_many(
    xs: np.ndarray, Ps: np.ndarray, dts: np.ndarray, q: float = 1.0, inv_beta: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """n states xs (n, 6) and covariances Ps (n, 6, 6), each flown its own dts[i] seconds.

    inv_beta (n,): 1/beta (m^2/kg) of each track, 0 for vacuum (the default for all).

    The 7 states of each track (nominal + 6 perturbed) are flown together; tracks go in batches
    by air/vacuum and step count, each batch through one RK4 loop in which every track takes the
    batch's number of steps m, each of its own length dt_i / m (no step longer than 1 s in the air, 5 s in vacuum).
    """
    xs = np.asarray(xs, float)
    Ps = np.asarray(Ps, float)
    dts = np.asarray(dts, float)
    n = xs.shape[0]
    if xs.shape != (n, 6) or Ps.shape != (n, 6, 6) or dts.shape != (n,):
        raise ValueError(
            f"predict_many: shapes xs {xs.shape}, Ps {Ps.shape}, dts {dts.shape}; want (n, 6), (n, 6, 6), (n,)"
        )
    kappa = np.zeros(n) if inv_beta is None else np.asarray(inv_beta, float)
    if kappa.shape != (n,) or not np.all(np.isfinite(kappa) & (kappa >= 0.0)):
        raise ValueError(f"predict_many: inv_beta must be (n,) = ({n},) finite and >= 0, got {kappa!r}")
    x_out, P_out = xs.copy(), Ps.copy()
    moving = np.flatnonzero(dts != 0.0)  # a member already at the time (often the newest) stays as it is
    if moving.size == 0:
        return x_out, P_out
    xm, dtm, km = xs[moving], dts[moving], kappa[moving]
    air = (km > 0.0) & may_meet_air(xm[:, :3], xm[:, 3:], dtm) if np.any(km > 0.0) else np.zeros(moving.size, bool)
    steps = np.maximum(1, np.ceil(np.abs(dtm) / np.where(air, AIR_STEP_S, VACUUM_STEP_S))).astype(int)
    batch = 2 * np.ceil(np.log2(steps)).astype(int) + air
    phi = np.empty((moving.size, 6, 6))
    for b in np.unique(batch):
        rows = batch == b
        x_out[moving[rows]], phi[rows] = _fly_with_transition(
            xm[rows], dtm[rows], np.where(air[rows], km[rows], 0.0), int(steps[rows].max())
        )
    P_out[moving] = phi @ Ps[moving] @ np.transpose(phi, (0, 2, 1)) + white_acceleration_q_many(dtm, q)
    return x_out, P_out


def predict_members(members, time_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Members (objects with x, P, report.time_s, inv_beta): their states (k, 6) and covariances (k, 6, 6) flown to time_s with their own beta, in one call."""
    return predict_many(
        np.array([m.x for m in members]),
        np.array([m.P for m in members]),
        np.array([time_s - m.report.time_s for m in members]),
        inv_beta=np.array([m.inv_beta for m in members]),
    )


def _fly_with_transition(
    xs: np.ndarray, dts: np.ndarray, kappa: np.ndarray, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """States xs (k, 6) flown dts (k,) in `steps` RK4 steps, and their transition matrices (k, 6, 6) by finite differences.

    The 7 k states go through the compiled coasting kernel (physics.kernels.coast_steps: the
    equations of physics.dynamics, checked against them by the physics tests): a NumPy RK4 loop
    over a handful of states spends its time dispatching, ~1 ms a step against ~1 us.
    """
    k = xs.shape[0]
    states = np.repeat(xs, 7, axis=0).reshape(k, 7, 6)
    states[:, 1:] += np.diag(_EPS)
    flat = states.reshape(-1, 6)
    r, v = np.ascontiguousarray(flat[:, :3]), np.ascontiguousarray(flat[:, 3:])
    kernels.coast_steps(r, v, np.repeat(dts / steps, 7), np.repeat(kappa, 7), steps)  # in place
    out = np.hstack([r, v]).reshape(k, 7, 6)
    phi = np.transpose((out[:, 1:] - out[:, :1]) / _EPS[None, :, None], (0, 2, 1))
    return out[:, 0], phi
