"""Horizon and line-of-sight geometry.

Radio waves bend over the horizon a little: the standard "4/3 Earth" model
replaces the Earth's radius R by k*R with k = 4/3 and treats rays as straight.
We use the exact triangle: site at distance kR+h1 and target at kR+h2 from the
centre; the target is above the horizon when the straight segment between them
stays above the sphere of radius kR.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import MEAN_RADIUS_M

REFRACTION_K = 4.0 / 3.0


def horizon_range_m(
    h_site_m: float | np.ndarray, h_target_m: float | np.ndarray, k: float = REFRACTION_K
) -> np.ndarray:
    """Greatest slant distance at which a target at height h_target is above a site's horizon.

    On a sphere of radius kR, the tangent distance from height h is sqrt((kR+h)^2 - (kR)^2);
    the line of sight just grazes the surface when the two tangent distances add up.
    """
    re = k * MEAN_RADIUS_M
    h1 = np.maximum(np.asarray(h_site_m, float), 0.0)
    h2 = np.maximum(np.asarray(h_target_m, float), 0.0)
    return np.sqrt((re + h1) ** 2 - re**2) + np.sqrt((re + h2) ** 2 - re**2)


def apparent_elevation(
    h_site_m: float | np.ndarray,
    h_target_m: float | np.ndarray,
    slant_range_m: float | np.ndarray,
    k: float = REFRACTION_K,
) -> np.ndarray:
    """Elevation (rad) of a target as seen with 4/3-Earth refraction, from heights and slant range.

    Law of cosines in the triangle (centre, site, target) on the effective Earth:
    (kR+h2)^2 = (kR+h1)^2 + d^2 + 2 d (kR+h1) sin(el).
    """
    re = k * MEAN_RADIUS_M
    r1 = re + np.asarray(h_site_m, float)
    r2 = re + np.asarray(h_target_m, float)
    d = np.maximum(np.asarray(slant_range_m, float), 1e-9)
    s = (r2**2 - r1**2 - d**2) / (2.0 * d * r1)
    return np.arcsin(np.clip(s, -1.0, 1.0))


def segment_clears_earth(a_ecef: np.ndarray, b_ecef: np.ndarray, radius_m: float = MEAN_RADIUS_M) -> np.ndarray:
    """True where the straight segment a->b stays outside a sphere of the given radius.

    Used for space sensors (Earth-limb occlusion) where refraction is irrelevant.
    The closest point of the segment to the centre is at parameter
    t* = clip(-(a.d)/(d.d), 0, 1) with d = b - a.
    """
    a = np.asarray(a_ecef, float)
    b = np.asarray(b_ecef, float)
    d = b - a
    dd = np.maximum(np.einsum("...i,...i->...", d, d), 1e-12)
    t = np.clip(-np.einsum("...i,...i->...", a, d) / dd, 0.0, 1.0)
    closest = a + t[..., None] * d
    return np.linalg.norm(closest, axis=-1) > radius_m
