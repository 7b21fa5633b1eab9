"""Bring a track's state and covariance to another time, for correlation and fusion.

The state x = (r, v) in ECEF moves under gravity (J2) and the rotating-frame
terms (triwatch.physics.propagate). The covariance follows the linearised flow,

    P(t + dt) = Phi P Phi^T + Q,   Phi = d x(t + dt) / d x(t)

with the state-transition matrix Phi found by finite differences: the nominal
state and six perturbed states are flown together in one vectorised call.
Q is white-acceleration noise of spectral density q (m^2/s^3):

    Q = q [[dt^3/3 I, dt^2/2 I], [dt^2/2 I, dt I]]
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.propagate import propagate

# Perturbation sizes: 10 m in position, 0.1 m/s in velocity (well inside the linear regime).
_EPS = np.array([10.0, 10.0, 10.0, 0.1, 0.1, 0.1])


def white_acceleration_q(dt: float, q: float) -> np.ndarray:
    """Process noise of a white acceleration of spectral density q over dt."""
    dt = abs(dt)
    eye = np.eye(3)
    return q * np.block([[dt**3 / 3 * eye, dt**2 / 2 * eye], [dt**2 / 2 * eye, dt * eye]])


def predict_state_cov(x: np.ndarray, P: np.ndarray, dt: float, q: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(x, P) flown dt seconds ahead (or back, for dt < 0) with a finite-difference STM."""
    if dt == 0.0:
        return x.copy(), P.copy()
    states = np.tile(x, (7, 1))
    states[1:] += np.diag(_EPS)
    r, v = propagate(states[:, :3], states[:, 3:], dt)
    out = np.hstack([r, v])
    phi = ((out[1:] - out[0]) / _EPS[:, None]).T
    return out[0], phi @ P @ phi.T + white_acceleration_q(dt, q)
