"""Free flight in closed form: where a coasting object peaks and lands, from one state.

After burnout (and above the air) a missile follows a Kepler ellipse about the
Earth's centre in an inertial frame. We take the frame that coincides with ECEF at
launch (t = 0); a state (r_e, v_e) in ECEF at time t becomes

    r_i = Rz(w t) r_e,   v_i = Rz(w t) (v_e + w x r_e).

With h = r x v, p = |h|^2 / mu, eccentricity vector e = v x h / mu - r/|r|:

- apogee radius r_a = p / (1 - e), in the direction -e/|e|;
- the orbit meets the Earth (radius R) where r = p / (1 + e cos nu), i.e. on the
  way down at nu_i = 2 pi - arccos((p/R - 1)/e);
- time between true anomalies from Kepler's equation M = E - e sin E, n = sqrt(mu/a^3).

The impact point is turned back into ECEF with Rz(-w t_impact). The Earth radius R
at the impact latitude is found by two fixed-point passes over the ellipsoid.

This ignores J2 and drag (a few km on thousands); the designer uses it to search
fast and then corrects against the full numerical flight. Vectorised over any
leading shape.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S
from triwatch.physics.dynamics import ellipsoid_radius_m


def _rot_z(vec: np.ndarray, angle: np.ndarray) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    x, y, z = vec[..., 0], vec[..., 1], vec[..., 2]
    return np.stack([c * x - s * y, s * x + c * y, z], axis=-1)


def free_flight(r_e: np.ndarray, v_e: np.ndarray, t_s: np.ndarray) -> dict[str, np.ndarray]:
    """Apogee and impact of coasting flights from ECEF states (..., 3) at times t_s (...).

    Returns arrays (...): ``apogee_h_m`` (radial height of the apogee, or of the start when
    already descending), ``impact_ecef`` (..., 3), ``impact_t_s``; NaN where the path never
    comes back to the ground (escape or orbit).
    """
    r_e = np.asarray(r_e, float)
    v_e = np.asarray(v_e, float)
    t = np.asarray(t_s, float)
    w = np.array([0.0, 0.0, OMEGA_RAD_S])
    r = _rot_z(r_e, OMEGA_RAD_S * t)
    v = _rot_z(v_e + np.cross(w, r_e), OMEGA_RAD_S * t)
    rn = np.linalg.norm(r, axis=-1)
    h_vec = np.cross(r, v)
    h2 = np.einsum("...i,...i->...", h_vec, h_vec)
    p = h2 / GM_M3_S2
    e_vec = np.cross(v, h_vec) / GM_M3_S2 - r / rn[..., None]
    e = np.linalg.norm(e_vec, axis=-1)
    energy = 0.5 * np.einsum("...i,...i->...", v, v) - GM_M3_S2 / rn
    bound = (energy < 0.0) & (e > 1e-9)
    e_safe = np.where(bound, e, 0.5)
    a = np.where(bound, -GM_M3_S2 / (2.0 * np.where(bound, energy, -1.0)), np.nan)
    rdotv = np.einsum("...i,...i->...", r, v)

    # Apogee: ahead while climbing; otherwise the highest point is where we start.
    r_apo = p / (1.0 - e_safe)
    apo_dir = -e_vec / e_safe[..., None]
    apogee_h = np.where(
        rdotv > 0.0, r_apo - ellipsoid_radius_m(apo_dir[..., 2]), rn - ellipsoid_radius_m(r[..., 2] / rn)
    )

    # True anomaly now, measured in the orbit plane from the perigee direction.
    cos_nu0 = np.clip((p / rn - 1.0) / e_safe, -1.0, 1.0)
    nu0 = np.where(rdotv >= 0.0, np.arccos(cos_nu0), 2.0 * np.pi - np.arccos(cos_nu0))
    h_hat = h_vec / np.sqrt(h2)[..., None]
    r_hat = r / rn[..., None]
    side = np.cross(h_hat, r_hat)
    radius = ellipsoid_radius_m(r_hat[..., 2])
    hits = bound
    for _ in range(3):
        c = (p / radius - 1.0) / e_safe
        hits = bound & (np.abs(c) <= 1.0)
        nu_i = 2.0 * np.pi - np.arccos(np.clip(c, -1.0, 1.0))
        dnu = nu_i - nu0
        imp_dir = np.cos(dnu)[..., None] * r_hat + np.sin(dnu)[..., None] * side
        radius = ellipsoid_radius_m(imp_dir[..., 2])
    hits &= nu_i > nu0

    sq = np.sqrt(np.maximum(1.0 - e_safe**2, 0.0))
    ecc0 = np.arctan2(sq * np.sin(nu0), e_safe + np.cos(nu0))
    ecc_i = np.arctan2(sq * np.sin(nu_i), e_safe + np.cos(nu_i))
    ecc_i = np.where(ecc_i < ecc0, ecc_i + 2.0 * np.pi, ecc_i)
    n = np.sqrt(GM_M3_S2 / np.where(bound, a, 1.0) ** 3)
    tof = ((ecc_i - e_safe * np.sin(ecc_i)) - (ecc0 - e_safe * np.sin(ecc0))) / n
    t_imp = np.where(hits, t + tof, np.nan)
    imp_i = (p / (1.0 + e_safe * np.cos(nu_i)))[..., None] * imp_dir
    imp_e = _rot_z(imp_i, -OMEGA_RAD_S * t_imp)
    imp_e = np.where(hits[..., None], imp_e, np.nan)
    return {"apogee_h_m": np.where(bound, apogee_h, np.nan), "impact_ecef": imp_e, "impact_t_s": t_imp}
