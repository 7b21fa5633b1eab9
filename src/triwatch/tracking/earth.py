"""Geodetic latitude, longitude and height of ECEF arrays, fast and shape-preserving, and the local vertical.

Why not triwatch.geo.frames.ecef_to_geodetic (pymap3d) here: the tracker asks for heights of a
handful of states on every scan, and pymap3d's per-call overhead (~130 us of argument checks)
was the largest single cost of a scan; it also squeezes the latitude when the leading axis has
length one ((1, 12, 3) gives lat (12,) but lon (1, 12)). Heikkinen's closed form (1982) below
is exact (no iteration; sub-millimetre against pymap3d, checked in the tests) and is a dozen
NumPy operations on any shape:

    p = sqrt(x^2 + y^2),  F = 54 b^2 z^2,  G = p^2 + (1 - e^2) z^2 - e^2 (a^2 - b^2)
    c = e^4 F p^2 / G^3,  s = cbrt(1 + c + sqrt(c^2 + 2c)),  k = s + 1 + 1/s
    P = F / (3 k^2 G^2),  Q = sqrt(1 + 2 e^4 P)
    r0 = -P e^2 p / (1 + Q) + sqrt(a^2/2 (1 + 1/Q) - P (1 - e^2) z^2 / (Q (1 + Q)) - P p^2 / 2)
    U = sqrt((p - e^2 r0)^2 + z^2),  V = sqrt((p - e^2 r0)^2 + (1 - e^2) z^2)
    h = U (1 - b^2 / (a V)),  lat = atan((z + e'^2 b^2 z / (a V)) / p),  lon = atan2(y, x)
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import A_M, B_M, E2

_EP2 = (A_M * A_M - B_M * B_M) / (B_M * B_M)  # second eccentricity squared


def geodetic_of(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat rad, lon rad, h m), each of shape r.shape[:-1], of ECEF positions r (..., 3) (not at the Earth's centre)."""
    r = np.asarray(r, float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p2 = x * x + y * y
    p = np.sqrt(p2)
    z2 = z * z
    F = 54.0 * B_M * B_M * z2
    G = p2 + (1.0 - E2) * z2 - E2 * (A_M * A_M - B_M * B_M)
    c = E2 * E2 * F * p2 / (G * G * G)
    s = np.cbrt(1.0 + c + np.sqrt(c * c + 2.0 * c))
    k = s + 1.0 + 1.0 / s
    P = F / (3.0 * k * k * G * G)
    Q = np.sqrt(1.0 + 2.0 * E2 * E2 * P)
    r0 = -P * E2 * p / (1.0 + Q) + np.sqrt(
        np.maximum(0.5 * A_M * A_M * (1.0 + 1.0 / Q) - P * (1.0 - E2) * z2 / (Q * (1.0 + Q)) - 0.5 * P * p2, 0.0)
    )
    d = p - E2 * r0
    U = np.sqrt(d * d + z2)
    V = np.sqrt(d * d + (1.0 - E2) * z2)
    h = U * (1.0 - B_M * B_M / (A_M * V))
    lat = np.arctan2(z + _EP2 * B_M * B_M * z / (A_M * V), p)
    lon = np.arctan2(y, x)
    return lat, lon, h


def height_of(r: np.ndarray) -> np.ndarray:
    """Geodetic height (...) of ECEF positions r (..., 3)."""
    return geodetic_of(r)[2]


def up_of(r: np.ndarray) -> np.ndarray:
    """Unit local vertical (normal to the ellipsoid) (..., 3) at ECEF positions r (..., 3)."""
    lat, lon, _ = geodetic_of(r)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
