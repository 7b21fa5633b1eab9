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
(drag's rate rho |v| / beta reaches ~0.5 /s for a light stage low down).
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.dynamics import coast_acceleration
from triwatch.physics.propagate import rk4_step

# Perturbation sizes: 10 m in position, 0.1 m/s in velocity (well inside the linear regime).
_EPS = np.array([10.0, 10.0, 10.0, 0.1, 0.1, 0.1])
AIR_STEP_S = 1.0


def white_acceleration_q(dt: float, q: float) -> np.ndarray:
    """Process noise of a white acceleration of spectral density q over dt."""
    dt = abs(dt)
    eye = np.eye(3)
    return q * np.block([[dt**3 / 3 * eye, dt**2 / 2 * eye], [dt**2 / 2 * eye, dt * eye]])


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

    All 7 n states (nominal + 6 perturbed per track) go through one RK4 loop:
    every track takes the same number of steps, m = ceil(max |dt| / 5 s), of its
    own length dt_i / m, so no step is longer than 5 s (as in `propagate`).
    """
    xs = np.asarray(xs, float)
    Ps = np.asarray(Ps, float)
    dts = np.asarray(dts, float)
    n = xs.shape[0]
    if xs.shape != (n, 6) or Ps.shape != (n, 6, 6) or dts.shape != (n,):
        raise ValueError(
            f"predict_many: shapes xs {xs.shape}, Ps {Ps.shape}, dts {dts.shape}; want (n, 6), (n, 6, 6), (n,)"
        )
    states = np.repeat(xs, 7, axis=0).reshape(n, 7, 6)
    states[:, 1:] += np.diag(_EPS)
    flat = states.reshape(-1, 6)
    kappa = np.zeros(n) if inv_beta is None else np.asarray(inv_beta, float)
    if kappa.shape != (n,) or not np.all(np.isfinite(kappa) & (kappa >= 0.0)):
        raise ValueError(f"predict_many: inv_beta must be (n,) = ({n},) finite and >= 0, got {kappa!r}")
    step_s = AIR_STEP_S if np.any(kappa > 0.0) else 5.0
    steps = max(1, int(np.ceil(np.max(np.abs(dts), initial=0.0) / step_s)))
    h = np.repeat(dts / steps, 7)
    r, v = flat[:, :3], flat[:, 3:]
    if np.any(kappa > 0.0):
        k7 = np.repeat(kappa, 7)
        accel = lambda r_, v_: coast_acceleration(r_, v_, k7)  # noqa: E731
        for _ in range(steps):
            r, v = rk4_step(r, v, h, accel)
    else:
        for _ in range(steps):
            r, v = rk4_step(r, v, h)
    out = np.hstack([r, v]).reshape(n, 7, 6)
    phi = np.transpose((out[:, 1:] - out[:, :1]) / _EPS[None, :, None], (0, 2, 1))
    Q = np.stack([white_acceleration_q(dt, q) for dt in dts])
    return out[:, 0], phi @ Ps @ np.transpose(phi, (0, 2, 1)) + Q
