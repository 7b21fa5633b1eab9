"""Unpowered flight of many objects to the ground, each on its own clock, keeping every step.

Objects (RVs, spent stages, debris) are born at different times and land at
different times, so each keeps its own clock and step; all active objects still
advance together in one vectorised RK4 call per iteration.

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
from triwatch.physics.atmosphere import TOP_OF_ATMOSPHERE_M
from triwatch.physics.dynamics import approx_height_m, coast_acceleration
from triwatch.physics.propagate import rk4_step

MIDCOURSE_STEP_S = 10.0
SCALE_HEIGHT_M = 7000.0


@dataclass
class CoastResult:
    """Per object: times (N_k,), ECEF positions and velocities (N_k, 3); the last sample is the impact."""

    t_s: list[np.ndarray]
    r: list[np.ndarray]
    v: list[np.ndarray]
    landed: np.ndarray


def coast_step_sizes(r: np.ndarray, v: np.ndarray, dt_s: float) -> np.ndarray:
    """Step (K,) for each object by the rule above."""
    h = approx_height_m(r)
    rn = np.linalg.norm(r, axis=-1)
    vr = np.einsum("ki,ki->k", r, v) / rn
    falling = np.maximum(-vr, 1.0)
    in_air = h <= TOP_OF_ATMOSPHERE_M
    air_step = np.clip(0.2 * SCALE_HEIGHT_M / np.maximum(np.abs(vr), 1.0), 0.05, dt_s)
    to_air = np.where(vr < 0.0, 0.5 * (h - TOP_OF_ATMOSPHERE_M) / falling, np.inf)
    space_step = np.clip(to_air, dt_s, max(MIDCOURSE_STEP_S, dt_s))
    return np.where(in_air, air_step, space_step)


def coast_to_ground(
    r0: np.ndarray,
    v0: np.ndarray,
    t0_s: np.ndarray,
    beta_kg_m2: np.ndarray,
    *,
    dt_s: float = 1.0,
    max_time_s: float = 10000.0,
) -> CoastResult:
    """Fly objects (K, 3) from their birth times t0 (K,) until each hits the ground.

    beta_kg_m2 (K,) is each object's ballistic coefficient (np.inf for none).
    Objects still flying after max_time_s of flight stop there with landed False.
    """
    r = np.atleast_2d(np.asarray(r0, float)).copy()
    v = np.atleast_2d(np.asarray(v0, float)).copy()
    k = r.shape[0]
    clock = np.broadcast_to(np.asarray(t0_s, float), (k,)).copy()
    t_end = clock + max_time_s
    inv_beta = 1.0 / np.broadcast_to(np.asarray(beta_kg_m2, float), (k,))
    ts = [[c] for c in clock]
    rs = [[x] for x in r]
    vs = [[x] for x in v]
    landed = np.zeros(k, bool)
    active = approx_height_m(r) > -1.0
    while True:
        idx = np.flatnonzero(active & (clock < t_end))
        if idx.size == 0:
            break
        r_a, v_a = r[idx], v[idx]
        step = coast_step_sizes(r_a, v_a, dt_s)
        ib = inv_beta[idx]
        r1, v1 = rk4_step(r_a, v_a, step, lambda rr, vv, ib=ib: coast_acceleration(rr, vv, ib))
        t1 = clock[idx] + step
        down = approx_height_m(r1) <= 0.0
        if down.any():
            _, _, h0 = ecef_to_geodetic(r_a[down])
            _, _, h1 = ecef_to_geodetic(r1[down])
            frac = np.clip(h0 / np.where(h0 - h1 > 0, h0 - h1, 1.0), 0.0, 1.0)[:, None]
            r1[down] = r_a[down] + frac * (r1[down] - r_a[down])
            v1[down] = v_a[down] + frac * (v1[down] - v_a[down])
            t1[down] = clock[idx][down] + frac[:, 0] * step[down]
            landed[idx[down]] = True
            active[idx[down]] = False
        r[idx], v[idx], clock[idx] = r1, v1, t1
        for n, j in enumerate(idx):
            ts[j].append(t1[n])
            rs[j].append(r1[n])
            vs[j].append(v1[n])
    return CoastResult([np.array(x) for x in ts], [np.array(x) for x in rs], [np.array(x) for x in vs], landed)
