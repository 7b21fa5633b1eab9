"""The truth of one launch: each object's sampled trajectory, and the flight's summary.

``ObjectTrajectory.state_at`` interpolates between samples with the cubic Hermite
polynomial that matches position and velocity at both ends of the interval
(s = (t - t_i) / h):

    r(s) = (2s^3 - 3s^2 + 1) r_i + (s^3 - 2s^2 + s) h v_i + (-2s^3 + 3s^2) r_i+1 + (s^3 - s^2) h v_i+1

and its time derivative for the velocity. On a ballistic arc sampled every 10 s this
is good to millimetres in position and millimetres per second in velocity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class ObjectTrajectory:
    """One object's flight: "RV" (payload, born at launch) or a spent stage "S1", "S2", ... (born at separation)."""

    object_id: str
    role: str
    t_s: np.ndarray
    r_ecef_m: np.ndarray
    v_ecef_m_s: np.ndarray
    thrusting: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        if n < 2 or np.any(np.diff(self.t_s) <= 0.0):
            raise ValueError(f"ObjectTrajectory {self.object_id}: t_s needs >= 2 strictly increasing samples")
        if self.r_ecef_m.shape != (n, 3) or self.v_ecef_m_s.shape != (n, 3) or self.thrusting.shape != (n,):
            raise ValueError(f"ObjectTrajectory {self.object_id}: r, v must be ({n}, 3) and thrusting ({n},)")

    @property
    def birth_s(self) -> float:
        return float(self.t_s[0])

    @property
    def impact_s(self) -> float:
        return float(self.t_s[-1])

    def state_at(self, t_s: float | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(r (...,3), v (...,3), thrusting (...,), alive (...,)) by cubic Hermite interpolation; NaN r/v where not alive (before birth or after impact)."""
        tq = np.asarray(t_s, float)
        t = self.t_s
        alive = (tq >= t[0]) & (tq <= t[-1])
        i = np.clip(np.searchsorted(t, tq, side="right") - 1, 0, len(t) - 2)
        h = t[i + 1] - t[i]
        s = ((tq - t[i]) / h)[..., None]
        hh = h[..., None]
        r0, r1 = self.r_ecef_m[i], self.r_ecef_m[i + 1]
        v0, v1 = self.v_ecef_m_s[i], self.v_ecef_m_s[i + 1]
        s2, s3 = s * s, s * s * s
        r = (2 * s3 - 3 * s2 + 1) * r0 + (s3 - 2 * s2 + s) * hh * v0 + (-2 * s3 + 3 * s2) * r1 + (s3 - s2) * hh * v1
        v = (6 * s2 - 6 * s) * (r0 - r1) / hh + (3 * s2 - 4 * s + 1) * v0 + (3 * s2 - 2 * s) * v1
        thrusting = self.thrusting[i] & alive
        r = np.where(alive[..., None], r, np.nan)
        v = np.where(alive[..., None], v, np.nan)
        return r, v, thrusting, alive


@dataclass
class FlightSummary:
    """What a launch report would say about a flight (angles rad, lengths m, times s since launch)."""

    vehicle: str
    profile: str
    launch_lat_rad: float
    launch_lon_rad: float
    impact_lat_rad: float
    impact_lon_rad: float
    impact_time_s: float
    apogee_m: float
    range_m: float
    flight_time_s: float
    burnout_time_s: float
    burnout_r_ecef_m: np.ndarray
    burnout_v_ecef_m_s: np.ndarray

    def to_json(self) -> dict:
        """Plain-JSON summary in report units (km, degrees, seconds)."""
        return {
            "vehicle": self.vehicle,
            "profile": self.profile,
            "launch": {"lat": float(np.degrees(self.launch_lat_rad)), "lon": float(np.degrees(self.launch_lon_rad))},
            "impact": {"lat": float(np.degrees(self.impact_lat_rad)), "lon": float(np.degrees(self.impact_lon_rad))},
            "apogee_km": float(self.apogee_m / 1e3),
            "range_km": float(self.range_m / 1e3),
            "flight_time_s": float(self.flight_time_s),
            "burnout_time_s": float(self.burnout_time_s),
            "burnout_speed_m_s": float(np.linalg.norm(self.burnout_v_ecef_m_s)),
        }


@dataclass
class Flight:
    """Truth of one launch: objects[0] is the RV, then the spent stages in order of separation."""

    vehicle: str
    objects: list[ObjectTrajectory]
    summary: FlightSummary
