"""Unscented transform for the tracker's predict and measurement steps, batched over N filters.

Each Gaussian (x, P) in n = 6 (or 7, with alpha = ln beta, drag.py) dimensions is carried by 2n sigma points x +- sqrt(n) s_i, where
s_i are the columns of a square root of P, with equal weights 1 / 2n (the unscented transform
with kappa = 0: no central point, so the weights stay positive and the covariance stays
positive semi-definite). The points go through the nonlinear function itself, and the mean and
covariance are re-formed from them:

    y_i = f(chi_i),   y = sum w y_i,   P_yy = sum w (y_i - y)(y_i - y)^T,   P_xy = sum w (chi_i - x)(y_i - y)^T

Why offer it beside the EKF: the ballistic flight and the angle measurements are smooth, but
right after initiation (velocity sigma of km/s) and for angle-only infrared the linearisation
point is poor; the sigma points capture the curvature the Jacobians miss, and in re-entry the
sigma points spread in ln beta show the drag's strongly nonlinear effect. It costs 2n flights
per model instead of one.

Angles in a predicted measurement are averaged as residuals from one sigma point's value and
wrapped, so azimuths near North do not average to South.
"""

from __future__ import annotations

import numpy as np

from triwatch.tracking.drag import effective_inverse_beta, steps_for
from triwatch.tracking.impact import sigma_points
from triwatch.tracking.measurements import WRAPPED_COMPONENT, predict_measurement, wrap_angle
from triwatch.tracking.motion import MAX_STEP_S, coast_mean, process_noise


def fly(x: np.ndarray, dt: np.ndarray, max_step_s: float = MAX_STEP_S, drag: np.ndarray | None = None) -> np.ndarray:
    """Coast states x (N, 6 or 7) by per-row dt (N,) with RK4 (negative dt flies backwards); 7-state rows feel drag."""
    dt = np.broadcast_to(np.asarray(dt, float), (x.shape[0],))
    kappa = effective_inverse_beta(x, dt, drag)
    n_steps = steps_for(x, dt, max_step_s, drag)
    h = dt / n_steps
    r, v = coast_mean(x[:, :3], x[:, 3:6], h, kappa, n_steps)
    return np.concatenate([r, v, x[:, 6:]], axis=1)


def moments(points: np.ndarray, wrapped: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mean (N, d) and deviations (N, 2n, d) of equally weighted points (N, 2n, d), one component optionally an angle."""
    if wrapped is None:
        mean = points.mean(axis=1)
        return mean, points - mean[:, None]
    ref = points[:, :1]
    dev = points - ref
    dev[..., wrapped] = wrap_angle(dev[..., wrapped])
    mean = ref[:, 0] + dev.mean(axis=1)  # may leave the angle's usual range: residuals are wrapped anyway
    return mean, dev - dev.mean(axis=1, keepdims=True)


def predict(
    x: np.ndarray,
    P: np.ndarray,
    dt: np.ndarray,
    q_along: np.ndarray,
    q_cross: np.ndarray,
    *,
    drag: np.ndarray | None = None,
    q_log_beta: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Unscented predict of N coasting filters by dt (N,): sigma points flown, plus white-acceleration Q(dt).

    drag (N,) bool: which 7-state rows feel drag (default all), as in motion.propagate_with_covariance.
    """
    n, dim = x.shape
    chi = sigma_points(x, P)  # (N, 2 dim, dim)
    k = chi.shape[1]
    drag_k = None if drag is None else np.repeat(np.asarray(drag, bool), k)
    flown = fly(chi.reshape(-1, dim), np.repeat(dt, k), drag=drag_k).reshape(chi.shape)
    mean, dev = moments(flown)
    cov = np.einsum("nki,nkj->nij", dev, dev) / k
    Q = process_noise(mean, np.abs(dt), np.broadcast_to(q_along, (n,)), np.broadcast_to(q_cross, (n,)), q_log_beta, cov)
    P_new = cov + Q
    return mean, 0.5 * (P_new + np.swapaxes(P_new, -1, -2))


def measurement_moments(
    model: str, x: np.ndarray, P: np.ndarray, site_ecef: np.ndarray, site_lat: float, site_lon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Predicted measurement (N, m), its covariance without noise P_zz (N, m, m) and the cross covariance P_xz (N, n, m)."""
    chi = sigma_points(x, P)  # (N, 2n, n)
    k = chi.shape[1]
    z, _ = predict_measurement(model, chi.reshape(-1, x.shape[1]), site_ecef, site_lat, site_lon)
    z = z.reshape(chi.shape[0], k, -1)
    z_mean, dz = moments(z, WRAPPED_COMPONENT[model])
    dx = chi - x[:, None]
    Pzz = np.einsum("nki,nkj->nij", dz, dz) / k
    Pxz = np.einsum("nki,nkj->nij", dx, dz) / k
    return z_mean, Pzz, Pxz
