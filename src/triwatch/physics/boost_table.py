"""A table of boost trajectories over pitch kicks, and exact free-flight outcomes read from it.

Designing a flight means choosing two numbers of the pitch programme, the kick
angle and the thrust cut-off time (engine shut-down, or the energy-management
manoeuvre that solid motors fly), so the missile peaks and lands where asked.
Integrating the boost for each trial would be slow, so we integrate it once for a
grid of kicks (one vectorised run) and keep every node:

- the state at any kick is a cubic spline across the grid (smooth in the kick);
- the state at any cut-off time is one partial RK4 step from the node before it;
- where that state then peaks and lands is closed-form Kepler (``kepler``).

``BoostTable.outcome`` gives the exact (to the closed form) apogee, ground range
and azimuth of the impact, with the range on the WGS84 ellipsoid (geographiclib),
signed (``signed_range``).
``scan`` gives the same, vectorised over nodes, with a spherical range: only used
to bracket roots before the exact function refines them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from geographiclib.geodesic import Geodesic
from scipy.interpolate import CubicSpline

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.geo.wgs84 import MEAN_RADIUS_M
from triwatch.physics.boost import LaunchFrame, integrate_boost, run_boost
from triwatch.physics.dynamics import approx_height_m
from triwatch.physics.kepler import free_flight
from triwatch.physics.vehicles import Vehicle

# Kicks from 0.01 deg (nearly vertical, lofted) to 88 deg (very flat); denser at small kicks, where
# the trajectory is most sensitive to them.
KICK_GRID_RAD = np.radians(88.0) * np.linspace(0.0, 1.0, 61)[1:] ** 2


@dataclass(frozen=True)
class Outcome:
    """Where a coasting flight from one cut-off goes (closed-form, no J2 or drag)."""

    apogee_m: float
    range_m: float  # signed: negative when the impact lies behind the launch azimuth
    impact_azimuth_rad: float
    impact_lat_rad: float
    impact_lon_rad: float
    impact_t_s: float


def great_circle_m(lat1, lon1, lat2, lon2) -> tuple[np.ndarray, np.ndarray]:
    """Haversine distance on the mean sphere and initial bearing, vectorised (bracketing only)."""
    dlon = lon2 - lon1
    s = np.sin(0.5 * (lat2 - lat1)) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(0.5 * dlon) ** 2
    bearing = np.arctan2(
        np.sin(dlon) * np.cos(lat2), np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(dlon)
    )
    return 2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(np.clip(s, 0.0, 1.0))), bearing


def signed_range(range_m, impact_azimuth_rad, launch_azimuth_rad):
    """Ground range counted negative when the impact lies behind the launch direction.

    A near-vertical shot lands a long way west of the pad as the Earth turns under
    it; signing the range keeps "further down-range" monotonic in kick and energy.
    """
    return range_m * np.sign(np.cos(impact_azimuth_rad - launch_azimuth_rad) + 1e-12)


class BoostTable:
    """Boost histories of one vehicle from one site along one azimuth, for every kick of the grid."""

    def __init__(self, vehicle: Vehicle, lat_rad: float, lon_rad: float, azimuth_rad: float, dt_s: float):
        self.vehicle = vehicle
        self.lat, self.lon, self.azimuth = lat_rad, lon_rad, azimuth_rad
        self.frame = LaunchFrame.at(lat_rad, lon_rad, azimuth_rad)
        self.kicks = KICK_GRID_RAD
        hist = integrate_boost(vehicle, self.frame, self.kicks, dt_s)
        self.hist = hist
        self.t = hist.t_s
        self.t_min = vehicle.vertical_rise_s + vehicle.pitchover_s
        self._spline_r = CubicSpline(self.kicks, hist.r, axis=0)
        self._spline_v = CubicSpline(self.kicks, hist.v, axis=0)
        self.scan_range, self.scan_apogee = self._scan(hist.r, hist.v)

    def _scan(self, r: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Approximate range and apogee (..., N) for cut-off at every node; NaN where not flyable."""
        h = approx_height_m(r)
        flown = np.logical_and.accumulate(h[..., 1:] > -1.0, axis=-1)
        flown = np.concatenate([np.ones(flown.shape[:-1] + (1,), bool), flown], axis=-1)
        ff = free_flight(r, v, np.broadcast_to(self.t, h.shape))
        apogee = np.maximum(ff["apogee_h_m"], np.maximum.accumulate(h, axis=-1))
        lat, lon, _ = ecef_to_geodetic(ff["impact_ecef"])
        rng, bearing = great_circle_m(self.lat, self.lon, lat, lon)
        rng = signed_range(rng, bearing, self.azimuth)
        ok = flown & (self.t >= self.t_min) & np.isfinite(rng)
        return np.where(ok, rng, np.nan), np.where(ok, apogee, np.nan)

    def node_states(self, kick: float) -> tuple[np.ndarray, np.ndarray]:
        """States (N, 3) at every node for an arbitrary kick (spline across the grid)."""
        return self._spline_r(kick), self._spline_v(kick)

    def scan(self, kick: float) -> tuple[np.ndarray, np.ndarray]:
        """Approximate range and apogee (N,) for cut-off at each node, for an arbitrary kick."""
        r, v = self.node_states(kick)
        return self._scan(r, v)

    def state(self, kick: float, t_cut: float) -> tuple[np.ndarray, np.ndarray]:
        """ECEF state (3,), (3,) at cut-off time t_cut for the given kick."""
        r_nodes, v_nodes = self.node_states(kick)
        j = int(np.clip(np.searchsorted(self.t, t_cut, side="right") - 1, 0, len(self.t) - 1))
        h = t_cut - self.t[j]
        if h <= 1e-9:
            return r_nodes[j], v_nodes[j]
        stage = np.array([self.hist.stage[j]], np.int64)
        r, v = run_boost(
            self.vehicle,
            self.frame,
            np.array([kick]),
            np.array([self.t[j], t_cut]),
            stage,
            r_nodes[j][None],
            v_nodes[j][None],
        )
        return r[0, -1], v[0, -1]

    def max_boost_height(self, kick: float, t_cut: float) -> float:
        r_nodes, _ = self.node_states(kick)
        return float(np.max(approx_height_m(r_nodes[self.t <= t_cut])))

    def outcome(self, kick: float, t_cut: float) -> Outcome:
        """Closed-form apogee and impact (ellipsoidal range) after cut-off at t_cut with this kick."""
        r, v = self.state(kick, t_cut)
        ff = free_flight(r, v, np.float64(t_cut))
        imp = ff["impact_ecef"]
        if not np.all(np.isfinite(imp)):
            return Outcome(np.nan, np.nan, np.nan, np.nan, np.nan, np.nan)
        lat, lon, _ = ecef_to_geodetic(imp)
        g = Geodesic.WGS84.Inverse(
            np.degrees(self.lat), np.degrees(self.lon), float(np.degrees(lat)), float(np.degrees(lon))
        )
        apogee = max(float(ff["apogee_h_m"]), self.max_boost_height(kick, t_cut))
        az = np.radians(g["azi1"])
        rng = float(signed_range(g["s12"], az, self.azimuth))
        return Outcome(apogee, rng, az, float(lat), float(lon), float(ff["impact_t_s"]))
