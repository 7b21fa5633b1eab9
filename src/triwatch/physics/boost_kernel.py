"""Compiled (Numba) powered flight: the same equations and pitch programme as ``boost`` (the NumPy reference).

See ``kernels`` for why compiled. Per object and RK4 stage:

    v' = (T / m(t)) u_thrust + a_grav,J2(r) - 2 w x v - w x (w x r) - rho |v| v CdA / (2 m(t))

with u_thrust from the pitch programme: vertical, linear pitch-over to 90 deg - kick,
attitude hold while the path is steeper than that, then along the velocity.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from triwatch.physics.kernels import coast_accel


@njit(cache=True)
def _boost_accel(t, x, y, z, vx, vy, vz, kick, ch, sh, thrust, m, cda, up, dr, tv, tpo):
    ax, ay, az = coast_accel(x, y, z, vx, vy, vz, cda / m)
    if t < tv:
        ux, uy, uz = up[0], up[1], up[2]
    elif t < tv + tpo:
        el = 0.5 * math.pi - kick * (t - tv) / tpo
        ce, se = math.cos(el), math.sin(el)
        ux, uy, uz = ce * dr[0] + se * up[0], ce * dr[1] + se * up[1], ce * dr[2] + se * up[2]
    else:
        # ch, sh: cos and sin of the held elevation 90 deg - kick
        sp = max(math.sqrt(vx * vx + vy * vy + vz * vz), 1e-9)
        ux, uy, uz = vx / sp, vy / sp, vz / sp
        if ux * up[0] + uy * up[1] + uz * up[2] > sh:
            ux, uy, uz = ch * dr[0] + sh * up[0], ch * dr[1] + sh * up[1], ch * dr[2] + sh * up[2]
    a = thrust / m
    return ax + a * ux, ay + a * uy, az + a * uz


@njit(cache=True)
def boost_nodes(r0, v0, kicks, t_nodes, stage, t_start, thrust, m_start, mdot, cda, up, dr, tv, tpo):
    """Integrate the thrusting stack for K kicks over the given nodes; returns r, v (K, N, 3).

    stage[j] is the stage burning on [t_nodes[j], t_nodes[j+1]]; each interval is one RK4 step.
    Mass m(t) = m_start[s] - mdot[s] (t - t_start[s]); thrust direction per ``boost``.
    """
    k_n, n_n = kicks.shape[0], t_nodes.shape[0]
    r = np.empty((k_n, n_n, 3))
    v = np.empty((k_n, n_n, 3))
    for k in range(k_n):
        x, y, z = r0[k, 0], r0[k, 1], r0[k, 2]
        vx, vy, vz = v0[k, 0], v0[k, 1], v0[k, 2]
        r[k, 0, 0], r[k, 0, 1], r[k, 0, 2] = x, y, z
        v[k, 0, 0], v[k, 0, 1], v[k, 0, 2] = vx, vy, vz
        kick = kicks[k]
        ch, sh = math.sin(kick), math.cos(kick)
        for j in range(n_n - 1):
            s = stage[j]
            t = t_nodes[j]
            h = t_nodes[j + 1] - t
            hh = 0.5 * h
            th = thrust[s]
            m1 = m_start[s] - mdot[s] * (t - t_start[s])
            m2 = m1 - mdot[s] * hh
            m4 = m1 - mdot[s] * h
            a1x, a1y, a1z = _boost_accel(t, x, y, z, vx, vy, vz, kick, ch, sh, th, m1, cda, up, dr, tv, tpo)
            x2, y2, z2 = x + hh * vx, y + hh * vy, z + hh * vz
            u2, v2, w2 = vx + hh * a1x, vy + hh * a1y, vz + hh * a1z
            a2x, a2y, a2z = _boost_accel(t + hh, x2, y2, z2, u2, v2, w2, kick, ch, sh, th, m2, cda, up, dr, tv, tpo)
            x3, y3, z3 = x + hh * u2, y + hh * v2, z + hh * w2
            u3, v3, w3 = vx + hh * a2x, vy + hh * a2y, vz + hh * a2z
            a3x, a3y, a3z = _boost_accel(t + hh, x3, y3, z3, u3, v3, w3, kick, ch, sh, th, m2, cda, up, dr, tv, tpo)
            x4, y4, z4 = x + h * u3, y + h * v3, z + h * w3
            u4, v4, w4 = vx + h * a3x, vy + h * a3y, vz + h * a3z
            a4x, a4y, a4z = _boost_accel(t + h, x4, y4, z4, u4, v4, w4, kick, ch, sh, th, m4, cda, up, dr, tv, tpo)
            c = h / 6.0
            x, y, z = (
                x + c * (vx + 2 * u2 + 2 * u3 + u4),
                y + c * (vy + 2 * v2 + 2 * v3 + v4),
                z + c * (vz + 2 * w2 + 2 * w3 + w4),
            )
            vx, vy, vz = (
                vx + c * (a1x + 2 * a2x + 2 * a3x + a4x),
                vy + c * (a1y + 2 * a2y + 2 * a3y + a4y),
                vz + c * (a1z + 2 * a2z + 2 * a3z + a4z),
            )
            r[k, j + 1, 0], r[k, j + 1, 1], r[k, j + 1, 2] = x, y, z
            v[k, j + 1, 0], v[k, j + 1, 1], v[k, j + 1, 2] = vx, vy, vz
    return r, v
