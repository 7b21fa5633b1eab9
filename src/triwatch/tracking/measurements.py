"""Measurement models h(x) and their Jacobians H = dh/dx, batched over N (track, sensor) rows.

Radar (``radar-rae``, ``radar-raer``), in the sensor's local ENU frame (triwatch.geo.frames),
with d = M (r - s) the ENU vector from the site s to the target (M the ECEF->ENU rotation):

    range  rho = |d|
    az     = atan2(d_e, d_n)               clockwise from North
    el     = atan2(d_u, sqrt(d_e^2 + d_n^2))
    rate   rho' = (r - s) . v / rho         (site fixed on the Earth; positive opening)

Infrared (``ir-los``), a line of sight in ECEF from the sensor position s, with g = r - s:

    alpha = atan2(g_y, g_x),   delta = atan2(g_z, sqrt(g_x^2 + g_y^2))

The angle Jacobians share one form: for a = atan2(p, q), da = (q dp - p dq) / (p^2 + q^2);
for an elevation atan2(z, s), s = |(x, y)|, d el / d(x, y, z) = (-x z, -y z, s^2) / (rho^2 s).
Azimuth-like residuals (az, alpha) are wrapped to (-pi, pi] so a target due North does
not produce a residual of 2 pi.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from triwatch.geo.frames import enu_rotation

MEASUREMENT_SIZES = {"radar-rae": 3, "radar-raer": 4, "ir-los": 2}
WRAPPED_COMPONENT = {"radar-rae": 1, "radar-raer": 1, "ir-los": 0}  # index of the azimuth-like angle


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Angle(s) wrapped to (-pi, pi]."""
    return np.pi - np.mod(np.pi - a, 2.0 * np.pi)


def residual(model: str, z: np.ndarray, z_pred: np.ndarray) -> np.ndarray:
    """z - h(x) with the azimuth-like component wrapped; broadcasts over leading axes."""
    y = np.asarray(z, float) - np.asarray(z_pred, float)
    k = WRAPPED_COMPONENT[model]
    y[..., k] = wrap_angle(y[..., k])
    return y


@lru_cache(maxsize=256)
def _site_rotation(lat: float, lon: float) -> np.ndarray:
    """ECEF -> ENU rotation of one site, built once per site (radars do not move between scans)."""
    M = enu_rotation(lat, lon)
    M.flags.writeable = False
    return M


def _radar(x: np.ndarray, site_ecef: np.ndarray, site_lat, site_lon, with_rate: bool):
    if np.ndim(site_lat) == 0 and np.ndim(site_lon) == 0:
        M = _site_rotation(float(site_lat), float(site_lon))
    else:
        M = enu_rotation(site_lat, site_lon)  # ECEF -> ENU, (N, 3, 3): one site per row
    g = x[:, :3] - site_ecef
    d = np.matmul(M, g[..., None])[..., 0]
    e, n, u = d[:, 0], d[:, 1], d[:, 2]
    hor2 = np.maximum(e * e + n * n, 1e-6)  # at the zenith azimuth is undefined: keep its Jacobian finite
    hor = np.sqrt(hor2)
    rho2 = hor2 + u * u
    rho = np.sqrt(rho2)
    zero = np.zeros_like(e)
    d_rho = d / rho[:, None]  # d rho / d d
    d_az = np.stack([n / hor2, -e / hor2, zero], axis=1)  # az = atan2(e, n)
    d_el = np.stack([-e * u, -n * u, hor2], axis=1) / (rho2 * hor)[:, None]
    J_enu = np.stack([d_rho, d_az, d_el], axis=1)  # (N, 3, 3) w.r.t. ENU d
    J_pos = J_enu @ M  # chain rule through d = M (r - s)
    az = np.mod(np.arctan2(e, n), 2.0 * np.pi)
    el = np.arctan2(u, hor)
    m = 4 if with_rate else 3
    H = np.zeros((x.shape[0], m, x.shape[1]))  # nothing measures alpha (a 7th state): its column stays 0
    H[:, :3, :3] = J_pos
    z = np.stack([rho, az, el], axis=1)
    if with_rate:
        v = x[:, 3:6]
        los = g / rho[:, None]
        rate = np.einsum("ni,ni->n", los, v)
        H[:, 3, :3] = (v - rate[:, None] * los) / rho[:, None]  # d rho'/d r = (v - rho' los) / rho
        H[:, 3, 3:6] = los  # d rho'/d v = los
        z = np.concatenate([z, rate[:, None]], axis=1)
    return z, H


def _ir_los(x: np.ndarray, site_ecef: np.ndarray):
    g = x[:, :3] - site_ecef
    gx, gy, gz = g[:, 0], g[:, 1], g[:, 2]
    hor2 = np.maximum(gx * gx + gy * gy, 1e-6)  # a line of sight along the pole axis has no alpha
    hor = np.sqrt(hor2)
    rho2 = hor2 + gz * gz
    zero = np.zeros_like(gx)
    H = np.zeros((x.shape[0], 2, x.shape[1]))
    H[:, 0, :3] = np.stack([-gy / hor2, gx / hor2, zero], axis=1)  # alpha = atan2(gy, gx)
    H[:, 1, :3] = np.stack([-gx * gz, -gy * gz, hor2], axis=1) / (rho2 * hor)[:, None]
    z = np.stack([np.arctan2(gy, gx), np.arctan2(gz, hor)], axis=1)
    return z, H


def predict_measurement(
    model: str, x: np.ndarray, site_ecef: np.ndarray, site_lat: np.ndarray, site_lon: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(h(x) (N, m), H (N, m, n)) for states x (N, n), n = 6 or 7, seen by sensors at site_ecef (N, 3) or (3,).

    site_lat, site_lon: scalars for one site (the rotation is then built once) or arrays (N,).
    """
    x = np.atleast_2d(np.asarray(x, float))
    n = x.shape[0]
    site_ecef = np.broadcast_to(np.asarray(site_ecef, float), (n, 3))
    if model == "radar-rae" or model == "radar-raer":
        return _radar(x, site_ecef, site_lat, site_lon, with_rate=model == "radar-raer")
    if model == "ir-los":
        return _ir_los(x, site_ecef)
    raise ValueError(f"unknown measurement model {model!r}; known: {tuple(MEASUREMENT_SIZES)}")
