"""A table of boost trajectories over pitch kicks, and exact free-flight outcomes read from it.

Designing a flight means choosing two numbers of the pitch programme, the kick
angle and the thrust cut-off time (engine shut-down, or the energy-management
manoeuvre that solid motors fly), so the missile peaks and lands where asked.
Integrating the boost for each trial would be slow, so we integrate it once for a
grid of kicks (one vectorised run) and keep every node:

- the state at any kick is a cubic spline across the grid (smooth in the kick);
- the state at any cut-off time is one partial RK4 step from the node before it;
- where that state then peaks and lands is closed-form Kepler (``kepler_kernel``).

``BoostTable.outcome`` gives the apogee, ground range (signed, ``signed_range``; on
the mean sphere, see ``kepler_kernel``) and bearing of the impact for one (kick,
cut-off); ``scan`` gives the same for cut-off at every node, to bracket roots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from triwatch.physics.boost import LaunchFrame, integrate_boost, run_boost
from triwatch.physics.dynamics import approx_height_m
from triwatch.physics.kepler_kernel import outcomes
from triwatch.physics.vehicles import Vehicle

# Kicks from 0.01 deg (nearly vertical, lofted) to 88 deg (very flat); denser at small kicks, where
# the trajectory is most sensitive to them.
KICK_GRID_RAD = np.radians(88.0) * np.linspace(0.0, 1.0, 61)[1:] ** 2


@dataclass(frozen=True)
class Outcome:
    """Where a coasting flight from one cut-off goes (closed-form, no J2 or drag)."""

    apogee_m: float
    range_m: float  # signed, on the mean sphere: negative when the impact lies behind the launch azimuth
    impact_azimuth_rad: float
    impact_lat_rad: float
    impact_lon_rad: float
    impact_t_s: float


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
        self._memo_kick: float | None = None
        self._memo: tuple[np.ndarray, np.ndarray, np.ndarray] = (hist.r[0], hist.v[0], hist.t_s)
        self.scan_range, self.scan_apogee = self._scan(hist.r, hist.v)

    def _scan(self, r: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Signed range and apogee (..., N) for cut-off at every node; NaN where not flyable."""
        h = approx_height_m(r)
        flown = np.logical_and.accumulate(h[..., 1:] > -1.0, axis=-1)
        flown = np.concatenate([np.ones(flown.shape[:-1] + (1,), bool), flown], axis=-1)
        t = np.broadcast_to(self.t, h.shape)
        out = outcomes(
            np.ascontiguousarray(r.reshape(-1, 3)),
            np.ascontiguousarray(v.reshape(-1, 3)),
            np.ascontiguousarray(t.reshape(-1)),
            self.lat,
            self.lon,
            self.azimuth,
        )
        apogee = np.maximum(out[0].reshape(h.shape), np.maximum.accumulate(h, axis=-1))
        rng = out[1].reshape(h.shape)
        ok = flown & (self.t >= self.t_min) & np.isfinite(rng)
        return np.where(ok, rng, np.nan), np.where(ok, apogee, np.nan)

    def node_states(self, kick: float) -> tuple[np.ndarray, np.ndarray]:
        """States (N, 3) at every node for an arbitrary kick (spline across the grid), memoised."""
        if self._memo_kick != kick:
            self._memo_kick = kick
            r, v = self._spline_r(kick), self._spline_v(kick)
            self._memo = (r, v, np.maximum.accumulate(approx_height_m(r)))
        return self._memo[0], self._memo[1]

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
        """Greatest height of the boost up to t_cut (nodes only; the cut-off state is counted by the caller)."""
        self.node_states(kick)
        j = int(np.clip(np.searchsorted(self.t, t_cut, side="right") - 1, 0, len(self.t) - 1))
        return float(self._memo[2][j])

    def outcome(self, kick: float, t_cut: float) -> Outcome:
        """Closed-form apogee and impact (signed spherical range) after cut-off at t_cut with this kick."""
        r, v = self.state(kick, t_cut)
        o = outcomes(r[None], v[None], np.array([t_cut]), self.lat, self.lon, self.azimuth)[:, 0]
        apogee = max(float(o[0]), self.max_boost_height(kick, t_cut), float(approx_height_m(r)))
        return Outcome(apogee, float(o[1]), float(o[2]), float(o[3]), float(o[4]), float(o[5]))
