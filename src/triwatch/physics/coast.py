"""Unpowered flight of many objects to the ground, each on its own clock, keeping every step.

Objects (RVs, spent stages, debris) are born at different times and land at
different times, so each keeps its own clock and step; the compiled loop
(``kernels.coast_to_ground``) flies them one after another, keeping every step.

Step rule (why): above the air (h > 100 km) a coasting body follows a smooth
Kepler arc, on which RK4 with 10 s steps errs by millimetres, so midcourse uses
``MIDCOURSE_STEP_S`` but never jumps more than ~half-way to the top of the
atmosphere. In the air, density changes by e every ~7 km, so the step is held to
a fifth of the time to fall one scale height, 0.2 * 7 km / |v_radial|, and at
most dt_s.

Impact: when a step ends below the ground (radial height), the exact geodetic
heights of the two straddling states are interpolated linearly to zero, which
is accurate to metres at these step sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics import kernels

MIDCOURSE_STEP_S = 10.0
SCALE_HEIGHT_M = 7000.0


@dataclass
class CoastResult:
    """Per object: times (N_k,), ECEF positions and velocities (N_k, 3); the last sample is the impact."""

    t_s: list[np.ndarray]
    r: list[np.ndarray]
    v: list[np.ndarray]
    landed: np.ndarray


def coast_to_ground(
    r0: np.ndarray,
    v0: np.ndarray,
    t0_s: np.ndarray,
    beta_kg_m2: np.ndarray,
    *,
    dt_s: float = 1.0,
    max_time_s: float = 10000.0,
    lift_to_drag: np.ndarray | float = 0.0,
) -> CoastResult:
    """Fly objects (K, 3) from their birth times t0 (K,) until each hits the ground.

    beta_kg_m2 (K,) is each object's ballistic coefficient (np.inf for none); lift_to_drag (K,)
    gives a gliding body lift on its way down (0 for a ballistic one; see ``kernels.glide_accel``).
    Objects still flying after max_time_s of flight stop there with landed False.
    """
    r0 = np.ascontiguousarray(np.atleast_2d(np.asarray(r0, float)))
    v0 = np.ascontiguousarray(np.atleast_2d(np.asarray(v0, float)))
    k = r0.shape[0]
    t0 = np.ascontiguousarray(np.broadcast_to(np.asarray(t0_s, float), (k,)))
    inv_beta = np.ascontiguousarray(1.0 / np.broadcast_to(np.asarray(beta_kg_m2, float), (k,)))
    ld = np.ascontiguousarray(np.broadcast_to(np.asarray(lift_to_drag, float), (k,)))
    cap = 20000
    while True:
        t, s, n, landed = kernels.coast_to_ground(
            r0, v0, t0, inv_beta, ld, float(dt_s), MIDCOURSE_STEP_S, SCALE_HEIGHT_M, float(max_time_s), cap
        )
        if np.all(landed | (t[np.arange(k), n - 1] >= t0 + max_time_s)):
            break
        cap *= 4
    ts, rs, vs = [], [], []
    for j in range(k):
        tj, rj, vj = t[j, : n[j]].copy(), s[j, : n[j], :3].copy(), s[j, : n[j], 3:].copy()
        if landed[j]:
            # Interpolate the exact (geodetic) zero-height crossing inside the last step.
            _, _, h = ecef_to_geodetic(rj[-2:])
            f = float(np.clip(h[0] / (h[0] - h[1]) if h[0] > h[1] else 1.0, 0.0, 1.0))
            if f < 1e-9:
                tj, rj, vj = tj[:-1], rj[:-1], vj[:-1]
            else:
                tj[-1] = tj[-2] + f * (tj[-1] - tj[-2])
                rj[-1] = rj[-2] + f * (rj[-1] - rj[-2])
                vj[-1] = vj[-2] + f * (vj[-1] - vj[-2])
        ts.append(tj)
        rs.append(rj)
        vs.append(vj)
    return CoastResult(ts, rs, vs, landed)
