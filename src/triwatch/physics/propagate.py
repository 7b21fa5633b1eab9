"""Vectorised coasting flight in the Earth-fixed frame, and the search for the ground.

State per object: r, v in ECEF (m, m/s). The equation of motion is

    r' = v,    v' = a_grav,J2(r) - 2 w x v - w x (w x r)  (+ drag, when a ballistic coefficient is given)

integrated with classical fourth-order Runge-Kutta over all objects at once
(arrays of shape (K, 3)). Impact is where the geodetic height crosses zero: the
last step is refined by linear interpolation of height between the two states
that straddle it, which is accurate to metres at the step sizes used here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.gravity import ballistic_acceleration_ecef

Acceleration = Callable[[np.ndarray, np.ndarray], np.ndarray]


def rk4_step(r: np.ndarray, v: np.ndarray, dt: float | np.ndarray, accel: Acceleration = ballistic_acceleration_ecef):
    """One RK4 step of (r, v) under accel(r, v); dt may be a scalar or shape (K,) (per object)."""
    dt = np.asarray(dt, float)
    h = dt[..., None] if dt.ndim else dt
    a1 = accel(r, v)
    r2, v2 = r + 0.5 * h * v, v + 0.5 * h * a1
    a2 = accel(r2, v2)
    r3, v3 = r + 0.5 * h * v2, v + 0.5 * h * a2
    a3 = accel(r3, v3)
    r4, v4 = r + h * v3, v + h * a3
    a4 = accel(r4, v4)
    r_new = r + h / 6.0 * (v + 2.0 * v2 + 2.0 * v3 + v4)
    v_new = v + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
    return r_new, v_new


def propagate(r: np.ndarray, v: np.ndarray, dt: float, accel: Acceleration = ballistic_acceleration_ecef):
    """Advance states (K, 3) by dt seconds, in steps of at most 5 s (RK4 is exact enough there)."""
    n = max(1, int(np.ceil(abs(dt) / 5.0)))
    h = dt / n
    for _ in range(n):
        r, v = rk4_step(r, v, h, accel)
    return r, v


def propagate_to_impact(
    r: np.ndarray,
    v: np.ndarray,
    *,
    max_time_s: float = 5000.0,
    dt_s: float = 2.0,
    accel: Acceleration = ballistic_acceleration_ecef,
    beta_kg_m2: np.ndarray | float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fly coasting objects (K, 3) until each reaches the ground (geodetic height 0).

    Returns (r_impact (K, 3), t_impact (K,)); objects still airborne after
    max_time_s get NaN. Objects already on or below the ground return at t = 0.

    With the default dynamics this runs the compiled coast kernel
    (`physics.coast.coast_to_ground`, same equations, adaptive steps); any other
    `accel` runs the plain NumPy reference below, which the tests compare it with.
    beta_kg_m2 (K,) or scalar: ballistic coefficients for US76 drag below 100 km (None or
    inf: no drag); only with the default dynamics.
    """
    if accel is ballistic_acceleration_ecef:
        return _impact_compiled(r, v, max_time_s, dt_s, beta_kg_m2)
    if beta_kg_m2 is not None:
        raise ValueError("propagate_to_impact: beta_kg_m2 needs the default dynamics (drag is built into them)")
    return propagate_to_impact_reference(r, v, max_time_s=max_time_s, dt_s=dt_s, accel=accel)


def _impact_compiled(r: np.ndarray, v: np.ndarray, max_time_s: float, dt_s: float, beta_kg_m2=None):
    from triwatch.physics.coast import coast_to_ground  # compiled kernels load on first use

    r = np.atleast_2d(np.asarray(r, float))
    v = np.atleast_2d(np.asarray(v, float))
    k = r.shape[0]
    r_hit = np.full((k, 3), np.nan)
    t_hit = np.full(k, np.nan)
    _, _, h = ecef_to_geodetic(r)
    below = h <= 0.0
    r_hit[below], t_hit[below] = r[below], 0.0
    fly = np.flatnonzero(~below)
    beta = np.broadcast_to(np.inf if beta_kg_m2 is None else np.asarray(beta_kg_m2, float), (k,))
    if np.any(~(beta > 0.0)):
        raise ValueError(
            f"propagate_to_impact: beta_kg_m2 must be > 0 (inf for no drag), got {beta[~(beta > 0.0)][:3]}"
        )
    if fly.size:
        res = coast_to_ground(r[fly], v[fly], np.zeros(fly.size), beta[fly], dt_s=dt_s, max_time_s=max_time_s)
        for j, i in enumerate(fly):
            if res.landed[j]:
                r_hit[i], t_hit[i] = res.r[j][-1], res.t_s[j][-1]
    return r_hit, t_hit


def propagate_to_impact_reference(
    r: np.ndarray,
    v: np.ndarray,
    *,
    max_time_s: float = 5000.0,
    dt_s: float = 2.0,
    accel: Acceleration = ballistic_acceleration_ecef,
) -> tuple[np.ndarray, np.ndarray]:
    """Plain NumPy RK4 version of propagate_to_impact, for any acceleration function.

    Each object keeps its own clock, because steps shrink to 0.5 s below 30 km
    (where the impact is interpolated) for some objects before others.
    """
    r = np.atleast_2d(np.asarray(r, float)).copy()
    v = np.atleast_2d(np.asarray(v, float)).copy()
    k = r.shape[0]
    r_hit = np.full((k, 3), np.nan)
    t_hit = np.full(k, np.nan)
    clock = np.zeros(k)
    _, _, h = ecef_to_geodetic(r)
    landed = h <= 0.0
    r_hit[landed], t_hit[landed] = r[landed], 0.0
    active = ~landed
    while True:
        idx = np.flatnonzero(active & (clock < max_time_s))
        if idx.size == 0:
            break
        r0, v0 = r[idx], v[idx]
        h0 = h[idx]
        step = np.where(h0 < 30e3, min(dt_s, 0.5), dt_s)
        r1, v1 = rk4_step(r0, v0, step, accel)
        _, _, h1 = ecef_to_geodetic(r1)
        down = h1 <= 0.0
        if down.any():
            frac = h0[down] / (h0[down] - h1[down])
            j = idx[down]
            r_hit[j] = r0[down] + frac[:, None] * (r1[down] - r0[down])
            t_hit[j] = clock[j] + frac * step[down]
            active[j] = False
        r[idx], v[idx], h[idx] = r1, v1, h1
        clock[idx] += step
    return r_hit, t_hit
