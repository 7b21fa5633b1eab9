"""Geometry and detection rules shared by the space infrared sensors (pure, vectorised).

Line of sight. A space IR sensor measures only the direction u of the target,
reported as the ECEF angles alpha = atan2(u_y, u_x), delta = asin(u_z)
(Detection model "ir-los"). The noise of a focal-plane sensor is isotropic on the
sky, sigma rad in every direction; in (alpha, delta) that is sigma/cos(delta) on
alpha and sigma on delta.

Earth occlusion. The segment sensor -> target must clear the Earth. We test it
exactly against the WGS84 ellipsoid grown by a margin: scaling z by a/b maps the
ellipsoid onto a sphere of radius a, and straight lines stay straight under a
linear map, so the sphere test of triwatch.geo.horizon applies.

Background. A plume is far brighter than anything behind it, so it is seen
against the Earth too. A warm body after burnout is not: against the Earth
(itself ~250-300 K in the long-wave band) it has no usable contrast, so we
require cold space behind it - the ray from the sensor through the target,
continued beyond, must miss the Earth plus a margin for the radiating
atmosphere. That is the simple, documented rule for "seen against space".

Detection. SNR = (I / range^2) / NEI with I the radiant intensity (W/sr) and NEI
the sensor's noise-equivalent irradiance (W/m^2); with Gaussian noise and a
threshold T (in noise sigmas), Pd = Phi(SNR - T).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.geo.horizon import segment_clears_earth
from triwatch.geo.wgs84 import A_M, B_M, E2

_SCALE = np.array([1.0, 1.0, A_M / B_M])
_EP2 = (A_M**2 - B_M**2) / B_M**2  # second eccentricity squared


def height_m(r_ecef: np.ndarray) -> np.ndarray:
    """Geodetic height of ECEF points by Bowring's one-step formula, cheap for one point at a time.

    theta = atan2(a z, b p), lat = atan2(z + e'^2 b sin^3 theta, p - e^2 a cos^3 theta),
    h = p cos lat + z sin lat - a sqrt(1 - e^2 sin^2 lat). Within a metre of the exact height
    up to thousands of km, which is all a visibility test needs; geo.frames.ecef_to_geodetic
    (pymap3d) is exact but costs ~100 us a call, too much for per-time coverage sweeps.
    """
    r = np.atleast_2d(np.asarray(r_ecef, float))
    x, y, z = r[:, 0], r[:, 1], r[:, 2]
    p = np.hypot(x, y)
    theta = np.arctan2(A_M * z, B_M * p)
    lat = np.arctan2(z + _EP2 * B_M * np.sin(theta) ** 3, p - E2 * A_M * np.cos(theta) ** 3)
    sl = np.sin(lat)
    return p * np.cos(lat) + z * sl - A_M * np.sqrt(1.0 - E2 * sl * sl)


def clears_earth(sensor_ecef: np.ndarray, target_ecef: np.ndarray, margin_m: float = 0.0) -> np.ndarray:
    """(K,) True where the segment sensor -> target stays above the ellipsoid grown by margin_m."""
    return segment_clears_earth(np.asarray(sensor_ecef) * _SCALE, np.asarray(target_ecef) * _SCALE, A_M + margin_m)


def against_space(sensor_ecef: np.ndarray, target_ecef: np.ndarray, margin_m: float) -> np.ndarray:
    """(K,) True where the ray sensor -> target, continued beyond the target, misses the Earth plus margin_m."""
    s = np.asarray(sensor_ecef, float) * _SCALE
    t = np.atleast_2d(np.asarray(target_ecef, float)) * _SCALE
    u = t - s
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    along = np.maximum(-np.einsum("ij,ij->i", t, u), 0.0)  # closest approach to the centre beyond the target
    closest = t + along[:, None] * u
    return np.linalg.norm(closest, axis=1) > A_M + margin_m


def los_angles(sensor_ecef: np.ndarray, target_ecef: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(alpha, delta, range) of the ECEF line of sight from the sensor to each target."""
    d = np.atleast_2d(np.asarray(target_ecef, float)) - np.asarray(sensor_ecef, float)
    rng = np.linalg.norm(d, axis=1)
    u = d / np.maximum(rng, 1e-9)[:, None]
    return np.arctan2(u[:, 1], u[:, 0]), np.arcsin(np.clip(u[:, 2], -1.0, 1.0)), rng


def ir_snr(intensity_w_sr: np.ndarray, range_m: np.ndarray, nei_w_m2: float) -> np.ndarray:
    """SNR of a point source: irradiance I / R^2 over the noise-equivalent irradiance."""
    return np.asarray(intensity_w_sr, float) / np.maximum(np.asarray(range_m, float), 1.0) ** 2 / nei_w_m2


def pd_threshold(snr: np.ndarray, threshold: float) -> np.ndarray:
    """Pd = Phi(SNR - T): a Gaussian-noise detector with threshold T noise sigmas."""
    return ndtr(np.asarray(snr, float) - threshold)


def los_noise_sigmas(delta: np.ndarray, sigma_rad: float) -> np.ndarray:
    """(K, 2) standard deviations of (alpha, delta) for isotropic angle noise sigma_rad."""
    delta = np.asarray(delta, float)
    return np.column_stack([sigma_rad / np.maximum(np.cos(delta), 1e-3), np.full(delta.shape, sigma_rad)])


def random_points_on_visible_cap(
    sensor_ecef: np.ndarray, n: int, altitude_m: float, cap_fraction: float, rng: np.random.Generator
) -> np.ndarray:
    """n ECEF points at altitude_m spread uniformly in area over the part of the Earth a space sensor sees.

    The visible cap around the sub-sensor point has central half-angle acos(R / |r_s|);
    we draw within cap_fraction of it (false alarms come from the Earth scene, not the limb).
    """
    s = np.asarray(sensor_ecef, float)
    rs = np.linalg.norm(s)
    cap = cap_fraction * np.arccos(min(A_M / rs, 1.0))
    cos_c = rng.uniform(np.cos(cap), 1.0, n)
    sin_c = np.sqrt(1.0 - cos_c**2)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    z_axis = s / rs
    helper = np.array([0.0, 0.0, 1.0]) if abs(z_axis[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    x_axis = np.cross(helper, z_axis)
    x_axis /= np.linalg.norm(x_axis)
    y_axis = np.cross(z_axis, x_axis)
    dirs = cos_c[:, None] * z_axis + (sin_c * np.cos(phi))[:, None] * x_axis + (sin_c * np.sin(phi))[:, None] * y_axis
    lat = np.arcsin(np.clip(dirs[:, 2], -1, 1))
    lon = np.arctan2(dirs[:, 1], dirs[:, 0])
    return geodetic_to_ecef(lat, lon, altitude_m)
