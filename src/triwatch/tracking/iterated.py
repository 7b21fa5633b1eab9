"""Iterated EKF update: relinearise the measurement where one linearisation at the prediction is wrong.

The EKF update x+ = x- + K (z - h(x-)) uses H = dh/dx at the prediction x-. That is good while
the correction is small beside the range: a radar's angle Jacobian taken at a point d metres
from the right one is off by ~d / rho (rho the range), so the correction K y is off by ~d^2 / rho.
A track predicted over a long gap in thrust (a node restarted after a minute's outage, with the
missile still under power) is d ~ 80 km off at rho ~ 500 km: the update lands ~13 km from the
measurement while its covariance, computed with the same H, claims ~0.5 km. The next scan's report
then falls thousands of sigma outside that track's gate, the track is lost, and a new track
starts for an object that already had one (an id switch downstream).

The iterated EKF (Bell and Cathey 1993: Gauss-Newton on the MAP cost) relinearises at the last
estimate x_i and recomputes the correction from the prediction:

    H_i = dh/dx (x_i),  K_i = P- H_i^T (H_i P- H_i^T + R)^-1,
    x_{i+1} = x- + K_i (z - h(x_i) - H_i (x- - x_i)),

until the position moves less than ``ITERATE_TOL_M``; the covariance is the Joseph form with the
last H_i. Only rows whose first correction moved the position by more than ``RELINEARISE_M``
iterate: below 1 km at the hundreds of km of a missile-warning radar, d^2 / rho is metres,
under any radar's accuracy, and the ordinary update is already as good.
"""

from __future__ import annotations

import numpy as np

from triwatch.tracking.kalman import update_with_residual
from triwatch.tracking.measurements import predict_measurement, residual

RELINEARISE_M = 1000.0  # first position correction above which the linearisation error matters
ITERATE_TOL_M = 1.0  # stop when an iteration moves the position less than this
MAX_ITERATIONS = 8


def iterate_update(
    x_pred: np.ndarray,
    P_pred: np.ndarray,
    x_first: np.ndarray,
    P_first: np.ndarray,
    z: np.ndarray,
    R: np.ndarray,
    model: str,
    site_ecef: np.ndarray,
    site_lat: float,
    site_lon: float,
    eligible: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Refine the EKF updates (x_first, P_first) of N filters by relinearisation where they moved far.

    x_pred (N, n), P_pred (N, n, n): the predictions; x_first, P_first: the ordinary EKF update;
    z (N, m), R (N, m, m): the measurements. Returns (x+, P+), equal to the first update on the
    rows that did not need iterating. eligible (N,) bool: the rows that may iterate (default all).
    """
    x_new, P_new = x_first.copy(), P_first.copy()
    far = np.linalg.norm(x_first[:, :3] - x_pred[:, :3], axis=1) > RELINEARISE_M
    active = np.flatnonzero(far if eligible is None else far & eligible)
    xi = x_first[active]
    for _ in range(MAX_ITERATIONS):
        if not active.size:
            break
        h, H = predict_measurement(model, xi, site_ecef, site_lat, site_lon)
        xp = x_pred[active]
        y = residual(model, z[active], h) - np.einsum("nij,nj->ni", H, xp - xi)  # z - h(x_i) - H_i (x- - x_i)
        x_next, P_next, _ = update_with_residual(xp, P_pred[active], y, R[active], H)
        x_new[active], P_new[active] = x_next, P_next
        moving = np.linalg.norm(x_next[:, :3] - xi[:, :3], axis=1) >= ITERATE_TOL_M
        active, xi = active[moving], x_next[moving]
    return x_new, P_new
