"""Generated satellite orbits propagated with SGP4, and the TEME -> ECEF rotation.

A LEO tracking layer is a Walker-delta constellation i:T/P/F: P planes of S = T/P
satellites in circular orbits of inclination i; plane p has right ascension of
the ascending node 360 p/P deg, and satellite s of plane p the mean anomaly
360 s/S + 360 F p/T deg (the phasing F staggers neighbouring planes).

The elements are handed to the `sgp4` package (Satrec.sgp4init, WGS72
constants, as SGP4 expects) with the scenario epoch as element epoch; SGP4 gives
positions in the TEME frame (true equator, mean equinox). ECEF follows by a
rotation about z by the Greenwich mean sidereal time theta (IAU-82, sgp4's
gstime; UT1 taken as UTC and polar motion ignored, both well under a kilometre):

    r_ecef = R3(theta) r_teme,   v_ecef = R3(theta) v_teme - w x r_ecef.

We use the package because SGP4 is the standard the space-surveillance world
agrees on, and its vectorised SatrecArray propagates the whole layer in one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray, jday
from sgp4.propagation import gstime

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S

SGP4_EPOCH0 = datetime(1949, 12, 31, tzinfo=UTC)  # sgp4init counts element epochs in days from here


@dataclass(frozen=True)
class WalkerDelta:
    """A Walker-delta constellation i:T/P/F at one circular altitude."""

    planes: int
    sats_per_plane: int
    altitude_m: float
    inclination_rad: float
    phasing: int = 1

    @property
    def total(self) -> int:
        return self.planes * self.sats_per_plane

    def elements(self) -> np.ndarray:
        """(T, 3) array of (RAAN, mean anomaly, inclination) in radians, plane-major order."""
        p = np.repeat(np.arange(self.planes), self.sats_per_plane)
        s = np.tile(np.arange(self.sats_per_plane), self.planes)
        raan = 2.0 * np.pi * p / self.planes
        anomaly = 2.0 * np.pi * (s / self.sats_per_plane + self.phasing * p / self.total)
        return np.column_stack(
            [np.mod(raan, 2 * np.pi), np.mod(anomaly, 2 * np.pi), np.full(p.size, self.inclination_rad)]
        )


def as_utc(epoch: datetime) -> datetime:
    """The epoch as an aware UTC datetime (a naive one is taken to be UTC)."""
    return epoch.replace(tzinfo=UTC) if epoch.tzinfo is None else epoch.astimezone(UTC)


def julian_date(epoch: datetime) -> tuple[float, float]:
    """(jd, fraction) of a UTC datetime, split as sgp4 likes it for precision."""
    e = as_utc(epoch)
    return jday(e.year, e.month, e.day, e.hour, e.minute, e.second + e.microsecond * 1e-6)


def teme_to_ecef(r_teme: np.ndarray, v_teme: np.ndarray, gmst_rad: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate TEME positions/velocities (..., 3) into ECEF at Greenwich mean sidereal time gmst_rad."""
    c, s = np.cos(gmst_rad), np.sin(gmst_rad)
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])
    r = r_teme @ rot.T
    v = v_teme @ rot.T
    v = v - np.stack([-OMEGA_RAD_S * r[..., 1], OMEGA_RAD_S * r[..., 0], np.zeros_like(r[..., 0])], axis=-1)
    return r, v


class Constellation:
    """SGP4-propagated satellites generated from a Walker pattern; ECEF states for all at once, cached per time."""

    def __init__(self, pattern: WalkerDelta, epoch: datetime) -> None:
        self.pattern = pattern
        self.epoch = as_utc(epoch)
        self._jd, self._fr = julian_date(self.epoch)
        epoch_days = (self.epoch - SGP4_EPOCH0).total_seconds() / 86400.0
        a_m = 6378135.0 + pattern.altitude_m  # WGS72 equatorial radius, as SGP4 uses
        mean_motion_rad_min = np.sqrt(GM_M3_S2 / a_m**3) * 60.0
        sats = []
        for i, (raan, anomaly, incl) in enumerate(pattern.elements()):
            sat = Satrec()
            # bstar, ndot, nddot = 0: no drag at ~1,000 km over an exercise; near-circular ecco
            sat.sgp4init(
                WGS72, "i", i + 1, epoch_days, 0.0, 0.0, 0.0, 1e-4, 0.0, incl, anomaly, mean_motion_rad_min, raan
            )
            sats.append(sat)
        self._array_sats = sats
        self._array = SatrecArray(sats)
        self._cache_t: float | None = None
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def size(self) -> int:
        return self.pattern.total

    def states_ecef(self, t_s: float) -> tuple[np.ndarray, np.ndarray]:
        """ECEF positions and velocities (T, 3) in m and m/s of every satellite at scenario time t_s."""
        if self._cache_t == t_s and self._cache is not None:
            return self._cache
        fr = np.array([self._fr + t_s / 86400.0])
        jd = np.array([self._jd])
        err, r_km, v_km_s = self._array.sgp4(jd, fr)
        if np.any(err):
            bad = np.flatnonzero(err[:, 0])
            raise RuntimeError(f"SGP4 failed for satellites {bad.tolist()} at t={t_s} s (codes {err[bad, 0].tolist()})")
        gmst = gstime(jd[0] + fr[0])
        r, v = teme_to_ecef(r_km[:, 0, :] * 1e3, v_km_s[:, 0, :] * 1e3, gmst)
        self._cache_t, self._cache = t_s, (r, v)
        return r, v
