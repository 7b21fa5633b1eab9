"""Equations of motion of unpowered objects in the Earth-fixed frame: gravity with J2, Earth rotation, drag.

For K objects at once (arrays (K, 3) of ECEF position r and velocity v):

    r' = v
    v' = a_grav,J2(r) - 2 w x v - w x (w x r) - rho(h) |v| v / (2 beta)

The air turns with the Earth, so the ECEF velocity is already the air-relative
velocity that drag acts against. rho is the US Standard Atmosphere 1976
(``atmosphere``), zero above 100 km; beta = m / (Cd A) is each object's
ballistic coefficient (inf = no drag).

Height on the hot path: converting every step to geodetic coordinates costs more
than all the dynamics, so we use the radial height over the ellipsoid,

    h ~ |r| - R(phi_c),  R(phi_c) = b / sqrt(1 - e^2 cos^2 phi_c),  sin phi_c = z / |r|,

the distance along the radius to the WGS84 ellipsoid (b its semi-minor axis). It
is exact on the ground and within ~25 m of the geodetic height at 1,000 km, ample
for air density; impacts are refined with the exact conversion (``coast``).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import B_M, E2
from triwatch.physics.atmosphere import density_kg_m3
from triwatch.physics.gravity import ballistic_acceleration_ecef


def approx_height_m(r: np.ndarray) -> np.ndarray:
    """Height (m) above the WGS84 ellipsoid measured along the geocentric radius."""
    r = np.asarray(r, float)
    rn = np.sqrt(np.einsum("...i,...i->...", r, r))
    s = r[..., 2] / rn
    return rn - ellipsoid_radius_m(s)


def ellipsoid_radius_m(sin_geocentric_lat: np.ndarray) -> np.ndarray:
    """Distance from the centre to the WGS84 ellipsoid at a geocentric latitude (given by its sine)."""
    s = np.asarray(sin_geocentric_lat, float)
    return B_M / np.sqrt(1.0 - E2 * (1.0 - s * s))


def drag_acceleration(r: np.ndarray, v: np.ndarray, inv_beta: np.ndarray | float) -> np.ndarray:
    """Drag deceleration -rho |v| v / (2 beta) (..., 3); inv_beta = 1/beta (0 for no drag)."""
    rho = density_kg_m3(approx_height_m(r))
    speed = np.sqrt(np.einsum("...i,...i->...", v, v))
    k = -0.5 * rho * speed * np.asarray(inv_beta, float)
    return k[..., None] * v


def coast_acceleration(r: np.ndarray, v: np.ndarray, inv_beta: np.ndarray | float = 0.0) -> np.ndarray:
    """Total ECEF acceleration of unpowered objects: J2 gravity, Coriolis, centrifugal and drag."""
    return ballistic_acceleration_ecef(r, v) + drag_acceleration(r, v, inv_beta)
