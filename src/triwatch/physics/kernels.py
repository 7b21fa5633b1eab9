"""Compiled (Numba) inner loops of unpowered flight: the equations of ``dynamics``, one object at a time.

Why compiled: a flight is thousands of small RK4 steps, and for a handful of
objects NumPy spends its time dispatching, not computing (~300 us a step for
one object). A Numba loop over objects and steps does the same arithmetic in
well under a microsecond per object-step, for one object or a million, which
is what the bench (``bench/propagation.py``) measures. The NumPy functions in
``dynamics`` and ``gravity`` remain the readable reference; the tests check these
kernels against them. Powered flight is in ``boost_kernel``, closed-form coasting
in ``kepler_kernel``.

Equations (ECEF, per object):

    a = a_grav,J2(r) - 2 w x v - w x (w x r) - rho(h) |v| v inv_beta / 2  [+ (T/m) u_thrust]

with rho from the US Standard Atmosphere 1976 table (``atmosphere``), read here by
direct index since the table is evenly spaced, and zero above 100 km.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from triwatch.geo.wgs84 import A_M, B_M, E2, GM_M3_S2, J2, OMEGA_RAD_S
from triwatch.physics.atmosphere import _H_M, _LN_RHO, TOP_OF_ATMOSPHERE_M

_DH = float(_H_M[1] - _H_M[0])
if not np.allclose(np.diff(_H_M), _DH):
    raise ImportError("kernels: atmosphere table must be evenly spaced for direct indexing")
_LN = _LN_RHO.copy()
_NTAB = len(_LN)
_W = OMEGA_RAD_S
_C_J2 = 1.5 * J2 * A_M * A_M


@njit(cache=True)
def density(h: float) -> float:
    """US 1976 density (kg/m^3) by log-linear interpolation on the evenly spaced table."""
    if h > TOP_OF_ATMOSPHERE_M:
        return 0.0
    if h <= 0.0:
        return math.exp(_LN[0])
    x = h / _DH
    i = min(int(x), _NTAB - 2)
    f = x - i
    return math.exp(_LN[i] + f * (_LN[i + 1] - _LN[i]))


@njit(cache=True)
def radial_height(x: float, y: float, z: float) -> float:
    """Height along the geocentric radius above the WGS84 ellipsoid (see ``dynamics.approx_height_m``)."""
    rn = math.sqrt(x * x + y * y + z * z)
    s = z / rn
    return rn - B_M / math.sqrt(1.0 - E2 * (1.0 - s * s))


@njit(cache=True)
def coast_accel(x, y, z, vx, vy, vz, inv_beta):
    """J2 gravity + Coriolis + centrifugal + drag (inv_beta = Cd A / m; 0 for none)."""
    r2 = x * x + y * y + z * z
    rn = math.sqrt(r2)
    k = -GM_M3_S2 / (r2 * rn)
    zz = z * z / r2
    c = _C_J2 / r2
    fxy = k * (1.0 - c * (5.0 * zz - 1.0))
    fz = k * (1.0 - c * (5.0 * zz - 3.0))
    ax = x * fxy + 2.0 * _W * vy + _W * _W * x
    ay = y * fxy - 2.0 * _W * vx + _W * _W * y
    az = z * fz
    if inv_beta > 0.0:
        s = z / rn
        h = rn - B_M / math.sqrt(1.0 - E2 * (1.0 - s * s))
        if h < TOP_OF_ATMOSPHERE_M:
            d = -0.5 * density(h) * math.sqrt(vx * vx + vy * vy + vz * vz) * inv_beta
            ax += d * vx
            ay += d * vy
            az += d * vz
    return ax, ay, az


@njit(cache=True)
def glide_accel(x, y, z, vx, vy, vz, inv_beta, lift_to_drag):
    """Coasting acceleration plus aerodynamic lift on the way down (a pull-up / glide).

    Lift = (L/D) |drag|, perpendicular to the velocity in the vertical plane, upward;
    applied only while descending inside the atmosphere: the body pulls its nose up
    and flattens its dive, as KN-23 class missiles are reported to do.
    """
    ax, ay, az = coast_accel(x, y, z, vx, vy, vz, inv_beta)
    if lift_to_drag <= 0.0 or inv_beta <= 0.0:
        return ax, ay, az
    rn = math.sqrt(x * x + y * y + z * z)
    ux, uy, uz = x / rn, y / rn, z / rn
    vr = ux * vx + uy * vy + uz * vz
    h = radial_height(x, y, z)
    if vr >= 0.0 or h >= TOP_OF_ATMOSPHERE_M:
        return ax, ay, az
    v2 = vx * vx + vy * vy + vz * vz
    # up minus its component along v: the lift direction
    px, py, pz = ux - vr * vx / v2, uy - vr * vy / v2, uz - vr * vz / v2
    pn = math.sqrt(px * px + py * py + pz * pz)
    if pn < 1e-12:
        return ax, ay, az
    lift = lift_to_drag * 0.5 * density(h) * v2 * inv_beta / pn
    return ax + lift * px, ay + lift * py, az + lift * pz


@njit(cache=True)
def rk4_glide(x, y, z, vx, vy, vz, h, inv_beta, lift_to_drag):
    """RK4 step with lift (used only for objects with L/D > 0)."""
    a1x, a1y, a1z = glide_accel(x, y, z, vx, vy, vz, inv_beta, lift_to_drag)
    hh = 0.5 * h
    x2, y2, z2 = x + hh * vx, y + hh * vy, z + hh * vz
    u2, v2, w2 = vx + hh * a1x, vy + hh * a1y, vz + hh * a1z
    a2x, a2y, a2z = glide_accel(x2, y2, z2, u2, v2, w2, inv_beta, lift_to_drag)
    x3, y3, z3 = x + hh * u2, y + hh * v2, z + hh * w2
    u3, v3, w3 = vx + hh * a2x, vy + hh * a2y, vz + hh * a2z
    a3x, a3y, a3z = glide_accel(x3, y3, z3, u3, v3, w3, inv_beta, lift_to_drag)
    x4, y4, z4 = x + h * u3, y + h * v3, z + h * w3
    u4, v4, w4 = vx + h * a3x, vy + h * a3y, vz + h * a3z
    a4x, a4y, a4z = glide_accel(x4, y4, z4, u4, v4, w4, inv_beta, lift_to_drag)
    s = h / 6.0
    return (
        x + s * (vx + 2.0 * u2 + 2.0 * u3 + u4),
        y + s * (vy + 2.0 * v2 + 2.0 * v3 + v4),
        z + s * (vz + 2.0 * w2 + 2.0 * w3 + w4),
        vx + s * (a1x + 2.0 * a2x + 2.0 * a3x + a4x),
        vy + s * (a1y + 2.0 * a2y + 2.0 * a3y + a4y),
        vz + s * (a1z + 2.0 * a2z + 2.0 * a3z + a4z),
    )


@njit(cache=True)
def rk4_coast(x, y, z, vx, vy, vz, h, inv_beta):
    """One classical RK4 step of a coasting object."""
    a1x, a1y, a1z = coast_accel(x, y, z, vx, vy, vz, inv_beta)
    hh = 0.5 * h
    x2, y2, z2 = x + hh * vx, y + hh * vy, z + hh * vz
    u2, v2, w2 = vx + hh * a1x, vy + hh * a1y, vz + hh * a1z
    a2x, a2y, a2z = coast_accel(x2, y2, z2, u2, v2, w2, inv_beta)
    x3, y3, z3 = x + hh * u2, y + hh * v2, z + hh * w2
    u3, v3, w3 = vx + hh * a2x, vy + hh * a2y, vz + hh * a2z
    a3x, a3y, a3z = coast_accel(x3, y3, z3, u3, v3, w3, inv_beta)
    x4, y4, z4 = x + h * u3, y + h * v3, z + h * w3
    u4, v4, w4 = vx + h * a3x, vy + h * a3y, vz + h * a3z
    a4x, a4y, a4z = coast_accel(x4, y4, z4, u4, v4, w4, inv_beta)
    s = h / 6.0
    return (
        x + s * (vx + 2.0 * u2 + 2.0 * u3 + u4),
        y + s * (vy + 2.0 * v2 + 2.0 * v3 + v4),
        z + s * (vz + 2.0 * w2 + 2.0 * w3 + w4),
        vx + s * (a1x + 2.0 * a2x + 2.0 * a3x + a4x),
        vy + s * (a1y + 2.0 * a2y + 2.0 * a3y + a4y),
        vz + s * (a1z + 2.0 * a2z + 2.0 * a3z + a4z),
    )


@njit(cache=True)
def coast_steps(r, v, h, inv_beta, n_steps):
    """Advance K coasting objects (K, 3) in place by n_steps RK4 steps of h (K,) each."""
    for k in range(r.shape[0]):
        x, y, z = r[k, 0], r[k, 1], r[k, 2]
        vx, vy, vz = v[k, 0], v[k, 1], v[k, 2]
        for _ in range(n_steps):
            x, y, z, vx, vy, vz = rk4_coast(x, y, z, vx, vy, vz, h[k], inv_beta[k])
        r[k, 0], r[k, 1], r[k, 2] = x, y, z
        v[k, 0], v[k, 1], v[k, 2] = vx, vy, vz


@njit(cache=True)
def coast_to_ground(r0, v0, t0, inv_beta, lift_to_drag, dt, mid_step, scale_height, t_max, cap):
    """Fly each object until its radial height goes below zero, keeping every step.

    Returns samples t (K, cap), state (K, cap, 6), count n (K,), landed (K,). The last
    sample of a landed object is the first one below ground (the caller interpolates
    the exact impact). The step rule is the one documented in ``coast``.
    """
    k_n = r0.shape[0]
    out_t = np.empty((k_n, cap))
    out_s = np.empty((k_n, cap, 6))
    count = np.zeros(k_n, np.int64)
    landed = np.zeros(k_n, np.bool_)
    for k in range(k_n):
        x, y, z = r0[k, 0], r0[k, 1], r0[k, 2]
        vx, vy, vz = v0[k, 0], v0[k, 1], v0[k, 2]
        t = t0[k]
        out_t[k, 0] = t
        out_s[k, 0, 0], out_s[k, 0, 1], out_s[k, 0, 2] = x, y, z
        out_s[k, 0, 3], out_s[k, 0, 4], out_s[k, 0, 5] = vx, vy, vz
        n = 1
        while n < cap and t < t0[k] + t_max:
            h_up = radial_height(x, y, z)
            rn = math.sqrt(x * x + y * y + z * z)
            vr = (x * vx + y * vy + z * vz) / rn
            if h_up <= TOP_OF_ATMOSPHERE_M:
                step = min(max(0.2 * scale_height / max(abs(vr), 1.0), 0.05), dt)
            elif vr < 0.0:
                step = min(max(0.5 * (h_up - TOP_OF_ATMOSPHERE_M) / max(-vr, 1.0), dt), max(mid_step, dt))
            else:
                step = max(mid_step, dt)
            if lift_to_drag[k] > 0.0:
                x, y, z, vx, vy, vz = rk4_glide(x, y, z, vx, vy, vz, step, inv_beta[k], lift_to_drag[k])
            else:
                x, y, z, vx, vy, vz = rk4_coast(x, y, z, vx, vy, vz, step, inv_beta[k])
            t += step
            out_t[k, n] = t
            out_s[k, n, 0], out_s[k, n, 1], out_s[k, n, 2] = x, y, z
            out_s[k, n, 3], out_s[k, n, 4], out_s[k, n, 5] = vx, vy, vz
            n += 1
            if radial_height(x, y, z) <= 0.0:
                landed[k] = True
                break
        count[k] = n
    return out_t, out_s, count, landed


@njit(cache=True)
def coast_fixed_to_ground(r, v, inv_beta, dt, t_max):
    """Advance K objects (K, 3) in place with fixed RK4 steps of dt until each is below ground
    (radial height) or t_max has passed; returns the number of steps each object took (K,).

    Stores nothing: for clouds of objects where only the end state matters, and for the bench.
    """
    k_n = r.shape[0]
    steps = np.zeros(k_n, np.int64)
    n_max = int(t_max / dt)
    for k in range(k_n):
        x, y, z = r[k, 0], r[k, 1], r[k, 2]
        vx, vy, vz = v[k, 0], v[k, 1], v[k, 2]
        n = 0
        while n < n_max and radial_height(x, y, z) > 0.0:
            x, y, z, vx, vy, vz = rk4_coast(x, y, z, vx, vy, vz, dt, inv_beta[k])
            n += 1
        r[k, 0], r[k, 1], r[k, 2] = x, y, z
        v[k, 0], v[k, 1], v[k, 2] = vx, vy, vz
        steps[k] = n
    return steps
