"""Pure Kalman filter steps, batched: every argument carries a leading axis of N filters.

In the style of FilterPy's ``predict(x, P, F, Q)`` / ``update(x, P, z, R, H)``, but a
leading axis lets one call move N tracks (shapes (N, n), (N, n, n), ...). Nonlinear
models (the EKF) pass the already-propagated mean, the Jacobian F and the predicted
measurement; the covariance algebra is the same.

The covariance update uses the Joseph form

    P+ = (I - K H) P (I - K H)^T + K R K^T

which stays symmetric and positive semi-definite under rounding, unlike P - K H P,
because it is a sum of two congruences. It matters here: positions are ~6e6 m and
range noise ~10 m, so P spans many orders of magnitude.
"""

from __future__ import annotations

import numpy as np


def _t(a: np.ndarray) -> np.ndarray:
    """Transpose of the last two axes (a batch of matrices)."""
    return np.swapaxes(a, -1, -2)


def predict(x: np.ndarray, P: np.ndarray, F: np.ndarray, Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Linear predict of N filters: x (N, n), P (N, n, n), F (N, n, n), Q (N, n, n)."""
    x_pred = np.einsum("...ij,...j->...i", F, x)  # x- = F x
    P_pred = F @ P @ _t(F) + Q  # P- = F P F^T + Q
    return x_pred, 0.5 * (P_pred + _t(P_pred))


def predict_covariance(P: np.ndarray, F: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Covariance part of an EKF predict, where the mean was propagated nonlinearly: P- = F P F^T + Q."""
    P_pred = F @ P @ _t(F) + Q  # P- = F P F^T + Q
    return 0.5 * (P_pred + _t(P_pred))


def innovation_covariance(P: np.ndarray, H: np.ndarray, R: np.ndarray) -> np.ndarray:
    """S = H P H^T + R for N filters: P (N, n, n), H (N, m, n), R (N, m, m)."""
    S = H @ P @ _t(H) + R  # S = H P H^T + R
    return 0.5 * (S + _t(S))


def update_with_residual(
    x: np.ndarray, P: np.ndarray, y: np.ndarray, R: np.ndarray, H: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kalman update of N filters from a residual y = z - h(x) (already angle-wrapped by the caller).

    Returns (x+, P+, S). Shapes: x (N, n), P (N, n, n), y (N, m), R (N, m, m), H (N, m, n).
    """
    PHt = P @ _t(H)  # P H^T
    S = innovation_covariance(P, H, R)  # S = H P H^T + R
    K = _t(np.linalg.solve(S, _t(PHt)))  # K = P H^T S^-1  (solve, never invert: S is symmetric)
    x_new = x + np.einsum("...ij,...j->...i", K, y)  # x+ = x + K y
    I_KH = np.eye(x.shape[-1]) - K @ H  # (I - K H)
    P_new = I_KH @ P @ _t(I_KH) + K @ R @ _t(K)  # Joseph form: P+ = (I-KH) P (I-KH)^T + K R K^T
    return x_new, 0.5 * (P_new + _t(P_new)), S


def unscented_update(
    x: np.ndarray, P: np.ndarray, y: np.ndarray, S: np.ndarray, Pxz: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kalman update from sigma-point moments: S = P_zz + R (N, m, m), P_xz (N, n, m). Returns (x+, P+, S)."""
    K = _t(np.linalg.solve(S, _t(Pxz)))  # K = P_xz S^-1
    x_new = x + np.einsum("...ij,...j->...i", K, y)  # x+ = x + K y
    P_new = P - K @ S @ _t(K)  # P+ = P - K S K^T
    return x_new, 0.5 * (P_new + _t(P_new)), S


def update(
    x: np.ndarray, P: np.ndarray, z: np.ndarray, R: np.ndarray, H: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear Kalman update of N filters with z = H x + noise(R). Returns (x+, P+, S)."""
    y = z - np.einsum("...ij,...j->...i", H, x)  # y = z - H x
    return update_with_residual(x, P, y, R, H)


def mahalanobis_squared(y: np.ndarray, S: np.ndarray) -> np.ndarray:
    """d^2 = y^T S^-1 y over any leading axes (y (..., m), S broadcastable to (..., m, m))."""
    L = np.linalg.cholesky(S)
    w = np.linalg.solve(L, y[..., None])[..., 0]  # w = L^-1 y, so |w|^2 = y^T S^-1 y
    return np.einsum("...i,...i->...", w, w)


def gaussian_log_likelihood(y: np.ndarray, S: np.ndarray) -> np.ndarray:
    """log N(y; 0, S) = -(d^2 + log det(2 pi S)) / 2, for IMM mode probabilities."""
    m = y.shape[-1]
    L = np.linalg.cholesky(S)
    w = np.linalg.solve(L, y[..., None])[..., 0]
    log_det = 2.0 * np.sum(np.log(np.diagonal(L, axis1=-2, axis2=-1)), axis=-1)
    return -0.5 * (np.einsum("...i,...i->...", w, w) + log_det + m * np.log(2.0 * np.pi))
