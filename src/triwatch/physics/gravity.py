"""Gravity with J2, and the equations of motion in the rotating Earth-fixed frame.

Gravitational acceleration with the J2 zonal term (z along the spin axis):

    a = -mu r / |r|^3 * [ x (1 - 1.5 J2 (Re/r)^2 (5 z^2/r^2 - 1)),
                          y (1 - 1.5 J2 (Re/r)^2 (5 z^2/r^2 - 1)),
                          z (1 - 1.5 J2 (Re/r)^2 (5 z^2/r^2 - 3)) ] / r   (component form)

In the Earth-fixed (ECEF) frame rotating at w about z, a free body also feels
the Coriolis and centrifugal terms:

    r'' = a_grav(r) - 2 w x v - w x (w x r)

Everything works on arrays of shape (..., 3), so one call moves many objects.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import A_M, GM_M3_S2, J2, OMEGA_RAD_S


def gravity_j2(r: np.ndarray, j2: float = J2) -> np.ndarray:
    """Gravitational acceleration (..., 3) at ECEF/ECI positions r (..., 3), point mass plus J2."""
    r = np.asarray(r, float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    r2 = x * x + y * y + z * z
    rn = np.sqrt(r2)
    k = -GM_M3_S2 / (r2 * rn)
    zz = z * z / r2
    c = 1.5 * j2 * (A_M * A_M / r2)
    fxy = k * (1.0 - c * (5.0 * zz - 1.0))
    fz = k * (1.0 - c * (5.0 * zz - 3.0))
    return np.stack([x * fxy, y * fxy, z * fz], axis=-1)


def rotating_frame_acceleration(r: np.ndarray, v: np.ndarray, omega: float = OMEGA_RAD_S) -> np.ndarray:
    """Coriolis plus centrifugal acceleration in the ECEF frame: -2 w x v - w x (w x r)."""
    r = np.asarray(r, float)
    v = np.asarray(v, float)
    w2 = omega * omega
    ax = 2.0 * omega * v[..., 1] + w2 * r[..., 0]
    ay = -2.0 * omega * v[..., 0] + w2 * r[..., 1]
    az = np.zeros_like(r[..., 2])
    return np.stack([ax, ay, az], axis=-1)


def ballistic_acceleration_ecef(r: np.ndarray, v: np.ndarray, j2: float = J2) -> np.ndarray:
    """Total acceleration of a coasting body in ECEF, drag excluded: gravity (J2) + frame terms."""
    return gravity_j2(r, j2) + rotating_frame_acceleration(r, v)
