"""Compiled closed-form free flight and the solver's outcome measure, one state at a time.

The same Kepler algebra as ``kepler.free_flight`` (the readable NumPy reference, which
the tests compare against), in a Numba loop: the trajectory solver evaluates it
thousands of times per design, where NumPy's per-call overhead on one state dominates.

``outcomes`` also turns the impact point into what the solver compares with a request:
geodetic latitude and longitude (Heikkinen's closed form, exact; our own because
pymap3d cannot be called from compiled code), ground range and
initial bearing from the site on the mean sphere (haversine). The sphere differs from
the WGS84 geodesic by up to ~0.5 %; the designer measures the finished flight with
geographiclib and re-aims by the difference, so the solver only needs a smooth,
consistent range, not an exact one.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from triwatch.geo.wgs84 import A_M, B_M, E2, GM_M3_S2, MEAN_RADIUS_M, OMEGA_RAD_S

_EP2 = (A_M * A_M - B_M * B_M) / (B_M * B_M)


@njit(cache=True)
def ellipsoid_radius(sin_lat_c: float) -> float:
    return B_M / math.sqrt(1.0 - E2 * (1.0 - sin_lat_c * sin_lat_c))


@njit(cache=True)
def geodetic(x: float, y: float, z: float):
    """(lat, lon, h) of an ECEF point: Heikkinen's exact closed form."""
    p2 = x * x + y * y
    p = math.sqrt(p2)
    f = 54.0 * B_M * B_M * z * z
    g = p2 + (1.0 - E2) * z * z - E2 * (A_M * A_M - B_M * B_M)
    c = E2 * E2 * f * p2 / (g * g * g)
    s = (1.0 + c + math.sqrt(c * c + 2.0 * c)) ** (1.0 / 3.0)
    k = s + 1.0 + 1.0 / s
    pp = f / (3.0 * k * k * g * g)
    q = math.sqrt(1.0 + 2.0 * E2 * E2 * pp)
    r0 = -pp * E2 * p / (1.0 + q) + math.sqrt(
        max(0.5 * A_M * A_M * (1.0 + 1.0 / q) - pp * (1.0 - E2) * z * z / (q * (1.0 + q)) - 0.5 * pp * p2, 0.0)
    )
    u = math.sqrt((p - E2 * r0) ** 2 + z * z)
    v = math.sqrt((p - E2 * r0) ** 2 + (1.0 - E2) * z * z)
    z0 = B_M * B_M * z / (A_M * v)
    return math.atan2(z + _EP2 * z0, p), math.atan2(y, x), u * (1.0 - B_M * B_M / (A_M * v))


@njit(cache=True)
def free_flight_one(x, y, z, vx, vy, vz, t):
    """(apogee height, impact x, y, z, impact time); NaN impact when the path never lands."""
    nan = np.nan
    w = OMEGA_RAD_S
    c, s = math.cos(w * t), math.sin(w * t)
    # to the inertial frame aligned with ECEF at launch, adding the Earth's spin to the velocity
    ux, uy = vx - w * y, vy + w * x
    rx, ry, rz = c * x - s * y, s * x + c * y, z
    qx, qy, qz = c * ux - s * uy, s * ux + c * uy, vz
    rn = math.sqrt(rx * rx + ry * ry + rz * rz)
    hx, hy, hz = ry * qz - rz * qy, rz * qx - rx * qz, rx * qy - ry * qx
    h2 = hx * hx + hy * hy + hz * hz
    p = h2 / GM_M3_S2
    ex = (qy * hz - qz * hy) / GM_M3_S2 - rx / rn
    ey = (qz * hx - qx * hz) / GM_M3_S2 - ry / rn
    ez = (qx * hy - qy * hx) / GM_M3_S2 - rz / rn
    e = math.sqrt(ex * ex + ey * ey + ez * ez)
    energy = 0.5 * (qx * qx + qy * qy + qz * qz) - GM_M3_S2 / rn
    if not (energy < 0.0 and e > 1e-9):
        return nan, nan, nan, nan, nan
    a = -GM_M3_S2 / (2.0 * energy)
    rdotv = rx * qx + ry * qy + rz * qz
    apogee = p / (1.0 - e) - ellipsoid_radius(-ez / e) if rdotv > 0.0 else rn - ellipsoid_radius(rz / rn)
    cos_nu0 = min(max((p / rn - 1.0) / e, -1.0), 1.0)
    nu0 = math.acos(cos_nu0) if rdotv >= 0.0 else 2.0 * math.pi - math.acos(cos_nu0)
    hn = math.sqrt(h2)
    rhx, rhy, rhz = rx / rn, ry / rn, rz / rn
    sx = (hy * rhz - hz * rhy) / hn
    sy = (hz * rhx - hx * rhz) / hn
    sz = (hx * rhy - hy * rhx) / hn
    radius = ellipsoid_radius(rhz)
    nu_i = 0.0
    dx = dy = dz = 0.0
    for _ in range(3):
        cc = (p / radius - 1.0) / e
        if abs(cc) > 1.0:
            return apogee, nan, nan, nan, nan
        nu_i = 2.0 * math.pi - math.acos(cc)
        dnu = nu_i - nu0
        cd, sd = math.cos(dnu), math.sin(dnu)
        dx, dy, dz = cd * rhx + sd * sx, cd * rhy + sd * sy, cd * rhz + sd * sz
        radius = ellipsoid_radius(dz)
    if not nu_i > nu0:
        return apogee, nan, nan, nan, nan
    sq = math.sqrt(max(1.0 - e * e, 0.0))
    ecc0 = math.atan2(sq * math.sin(nu0), e + math.cos(nu0))
    ecc_i = math.atan2(sq * math.sin(nu_i), e + math.cos(nu_i))
    if ecc_i < ecc0:
        ecc_i += 2.0 * math.pi
    n = math.sqrt(GM_M3_S2 / (a * a * a))
    t_imp = t + ((ecc_i - e * math.sin(ecc_i)) - (ecc0 - e * math.sin(ecc0))) / n
    rad = p / (1.0 + e * math.cos(nu_i))
    ix, iy, iz = rad * dx, rad * dy, rad * dz
    c, s = math.cos(-w * t_imp), math.sin(-w * t_imp)
    return apogee, c * ix - s * iy, s * ix + c * iy, iz, t_imp


@njit(cache=True)
def outcomes(r, v, t, site_lat, site_lon, launch_az):
    """For M states (M, 3) at times t (M,): apogee, signed spherical range, bearing, impact lat, lon, time.

    Each output is (M,); NaN where the flight never lands. The range is negative when the
    impact lies behind the launch azimuth (see ``boost_table.signed_range``).
    """
    m = r.shape[0]
    out = np.full((6, m), np.nan)
    sl, cl = math.sin(site_lat), math.cos(site_lat)
    for i in range(m):
        apo, ix, iy, iz, ti = free_flight_one(r[i, 0], r[i, 1], r[i, 2], v[i, 0], v[i, 1], v[i, 2], t[i])
        out[0, i] = apo
        if math.isnan(ix):
            continue
        lat, lon, _ = geodetic(ix, iy, iz)
        dlon = lon - site_lon
        hav = math.sin(0.5 * (lat - site_lat)) ** 2 + cl * math.cos(lat) * math.sin(0.5 * dlon) ** 2
        dist = 2.0 * MEAN_RADIUS_M * math.asin(math.sqrt(min(max(hav, 0.0), 1.0)))
        bearing = math.atan2(math.sin(dlon) * math.cos(lat), cl * math.sin(lat) - sl * math.cos(lat) * math.cos(dlon))
        if math.cos(bearing - launch_az) < 0.0:
            dist = -dist
        out[1, i], out[2, i], out[3, i], out[4, i], out[5, i] = dist, bearing, lat, lon, ti
    return out
