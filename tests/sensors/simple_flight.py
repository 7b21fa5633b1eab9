"""A simple ballistic flight for sensor tests and benchmarks (not a physics model of boost).

The missile boosts from the pad with a constant thrust acceleration along a fixed
direction (elevation, azimuth) for `boost_s` seconds, then coasts (J2 gravity,
rotating frame) with triwatch.physics.propagate; boost is flagged as thrusting so
that infrared sensors see a plume.
During boost the object is the whole stack (stage-sized RCS); afterwards the RV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from triwatch.geo.frames import enu_to_ecef_vector, geodetic_to_ecef
from triwatch.physics.gravity import ballistic_acceleration_ecef
from triwatch.physics.propagate import propagate_to_impact, rk4_step
from triwatch.sensors.scene import Scene, scene_from_states


@dataclass(frozen=True)
class SimpleFlight:
    """States at 1 s steps from launch to impact."""

    t_s: np.ndarray  # (N,)
    r_ecef: np.ndarray  # (N, 3)
    v_ecef: np.ndarray  # (N, 3)
    boost_s: float

    def state(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        i = int(np.clip(round(t), 0, self.t_s.size - 1))
        return self.r_ecef[i], self.v_ecef[i]


def thrust_direction(lat_deg: float, lon_deg: float, gamma_deg: float, az_deg: float) -> np.ndarray:
    """ECEF unit vector at elevation gamma and azimuth az from the launch site."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    g, a = np.radians(gamma_deg), np.radians(az_deg)
    return enu_to_ecef_vector(np.array([np.cos(g) * np.sin(a), np.cos(g) * np.cos(a), np.sin(g)]), lat, lon)


def boost(lat_deg: float, lon_deg: float, accel_m_s2: float, gamma_deg: float, az_deg: float, boost_s: float):
    """States (boost_s + 1, 3) at 1 s steps of a constant thrust acceleration along a fixed direction, from the pad."""
    u = thrust_direction(lat_deg, lon_deg, gamma_deg, az_deg)

    def accel(r, v):
        return ballistic_acceleration_ecef(r, v) + accel_m_s2 * u

    n = int(boost_s) + 1
    r, v = np.empty((n, 3)), np.zeros((n, 3))
    r[0] = geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), 0.0)
    for i in range(1, n):
        r[i], v[i] = rk4_step(r[i - 1], v[i - 1], 1.0, accel)
    return r, v


def fly(lat_deg: float, lon_deg: float, accel_m_s2: float, gamma_deg: float, az_deg: float, boost_s: float = 150.0):
    """Boost, then coast at 1 s steps until the ground (time found by propagate_to_impact)."""
    rb, vb = boost(lat_deg, lon_deg, accel_m_s2, gamma_deg, az_deg, boost_s)
    _, t_hit = propagate_to_impact(rb[-1:], vb[-1:], dt_s=5.0)
    n_coast = int(np.floor(t_hit[0]))
    r, v = np.empty((rb.shape[0] + n_coast, 3)), np.empty((rb.shape[0] + n_coast, 3))
    r[: rb.shape[0]], v[: rb.shape[0]] = rb, vb
    for i in range(rb.shape[0], r.shape[0]):
        r[i], v[i] = rk4_step(r[i - 1], v[i - 1], 1.0)
    return SimpleFlight(np.arange(r.shape[0], dtype=float), r, v, boost_s)


def impact_of(
    lat_deg: float, lon_deg: float, accel_m_s2: float, gamma_deg: float, az_deg: float, boost_s: float = 150.0
):
    """(r_impact, t_impact) of the boosted flight, for shooting."""
    rb, vb = boost(lat_deg, lon_deg, accel_m_s2, gamma_deg, az_deg, boost_s)
    r_hit, t_hit = propagate_to_impact(rb[-1:], vb[-1:], dt_s=5.0)
    return r_hit[0], t_hit[0] + boost_s


def oct2022_like() -> SimpleFlight:
    """An IRBM from ~40.6N 126.4E flying ENE over northern Japan to ~40N 178E.

    Solved once by shooting on the impact point: apogee ~1,010 km, ~22 min (public: 970 km, ~22 min); the great circle
    crosses Japan over Hokkaido (~43N at the longitude of Aomori).
    """
    return fly(40.6, 126.4, *OCT2022_LAUNCH)


# thrust acceleration (m/s^2), thrust elevation (deg), azimuth (deg) found by least squares on the impact point
OCT2022_LAUNCH = (40.1989886, 44.0, 70.079374)


def scene_at(flights: dict[str, SimpleFlight], t: float) -> Scene:
    """The Scene of several flights at time t (each flight present from its t=0 until impact)."""
    ids, rs, vs, thrust, roles = [], [], [], [], []
    for name, f in flights.items():
        if 0 <= t <= f.t_s[-1]:
            r, v = f.state(t)
            ids.append(name)
            rs.append(r)
            vs.append(v)
            boosting = t < f.boost_s
            thrust.append(boosting)
            roles.append("stage" if boosting else "rv")
    return scene_from_states(t, ids, np.reshape(rs, (-1, 3)), np.reshape(vs, (-1, 3)), thrust, roles)


EPOCH = datetime(2022, 10, 3, 22, 22, tzinfo=UTC)  # scenario epoch of the Oct 2022-like flight
