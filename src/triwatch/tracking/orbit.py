"""Two-body orbit of an ECEF state: energy, semi-major axis, eccentricity vector, perigee.

Between burnout and re-entry a missile flies (to within J2 and the atmosphere) a Keplerian
ellipse in the inertial frame. At one instant ECEF and ECI coincide if the ECI axes are taken
to be the ECEF axes at that instant, so the inertial velocity is v_i = v + w x r.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S


def two_body_elements(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Specific energy E (K,), semi-major axis a (K,) (inf if unbound) and eccentricity vector (K, 3) of states x (K, >=6)."""
    r, v = x[:, :3], x[:, 3:6]
    v_i = v + np.cross(np.array([0.0, 0.0, OMEGA_RAD_S]), r)  # inertial velocity at this instant
    rn = np.linalg.norm(r, axis=1)
    energy = 0.5 * np.einsum("ki,ki->k", v_i, v_i) - GM_M3_S2 / rn
    a = np.where(energy < 0.0, -GM_M3_S2 / (2.0 * np.minimum(energy, -1e-9)), np.inf)
    h = np.cross(r, v_i)
    e_vec = np.cross(v_i, h) / GM_M3_S2 - r / rn[:, None]
    return energy, a, e_vec


def perigee_radius(x: np.ndarray) -> np.ndarray:
    """Two-body perigee radius (...,) of states x (..., >=6); inf for unbound states (which never come back)."""
    flat = x[..., :6].reshape(-1, 6)
    _, a, e_vec = two_body_elements(flat)
    e = np.linalg.norm(e_vec, axis=1)
    rp = np.where(np.isfinite(a), a * (1.0 - e), np.inf)
    return rp.reshape(x.shape[:-1])
