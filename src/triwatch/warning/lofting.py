"""Is a pitch programme lofted? A property of the vehicle and its kick alone, decided once per launch.

A lofted flight is pitched up so steeply that it falls far short of what its energy allows: DPRK
tests fly ICBMs this way to keep the warhead in the Sea of Japan, and Japan issues no public alert
for a lofted flight expected to fall in the sea (shared/data/public-facts.md). Whether a flight is
lofted shows early: the flight-path angle the track holds tells which pitch kicks are still
consistent (``vehicle_match``), long before anybody knows when the engine will stop.

The test, per library vehicle v and kick k: fly v's full burn from the launch point along the
launch azimuth with kick k, coast to the ground, and call (v, k) *lofted* when

    apogee > LOFTED_APOGEE_PER_RANGE * ground range,   LOFTED_APOGEE_PER_RANGE = 1/2,

twice the minimum-energy ratio (apogee ~ range / 4 below ~3,000 km, less beyond). Judging the
programme from the pad, not from the flight still to come from a state late in the burn, keeps the
answer fixed through the boost: a lofted kick burnt on from its last seconds still has most of its
range ahead of it, and would look flat if judged on that remainder alone.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.geo.wgs84 import MEAN_RADIUS_M
from triwatch.physics.boost import LaunchFrame, integrate_boost
from triwatch.physics.coast import coast_to_ground
from triwatch.physics.vehicles import VEHICLES, Vehicle
from triwatch.warning.vehicle_match import KICK_GRID_RAD

LOFTED_APOGEE_PER_RANGE = 0.5


def ground_range_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance on the mean sphere (haversine; the ratio above needs no better than a per cent)."""
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _fly(vehicle: Vehicle, lat_deg: float, lon_deg: float, az_deg: float) -> np.ndarray:
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    frame = LaunchFrame.at(lat, lon, np.radians(az_deg))
    hist = integrate_boost(vehicle, frame, KICK_GRID_RAD, 2.0)
    res = coast_to_ground(
        hist.r[:, -1],
        hist.v[:, -1],
        np.full(KICK_GRID_RAD.size, hist.t_s[-1]),
        np.full(KICK_GRID_RAD.size, vehicle.rv_beta_kg_m2),
        dt_s=5.0,
        max_time_s=6000.0,
        lift_to_drag=vehicle.rv_lift_to_drag,
    )
    apogee = np.array([ecef_to_geodetic(r)[2].max() for r in res.r])
    ilat, ilon, _ = ecef_to_geodetic(np.array([r[-1] for r in res.r]))
    ground = ground_range_m(lat, lon, ilat, ilon)
    return np.asarray(res.landed, bool) & (apogee > LOFTED_APOGEE_PER_RANGE * ground)


@lru_cache(maxsize=64)
def _lofted_grid(name: str, lat_deg: float, lon_deg: float, az_deg: float) -> np.ndarray:
    return _fly(VEHICLES[name], lat_deg, lon_deg, az_deg)


def lofted_kicks(
    vehicle: Vehicle, launch_lat_rad: float, launch_lon_rad: float, azimuth_rad: float, kicks_rad: np.ndarray
) -> np.ndarray:
    """(len(kicks),) bool: each kick (one of vehicle_match.KICK_GRID_RAD) flies the vehicle lofted.

    Cached per library vehicle on the launch point and azimuth rounded to 0.1 deg and 1 deg: the
    ratio barely moves across that.
    """
    kicks = np.atleast_1d(np.asarray(kicks_rad, float))
    idx = np.abs(kicks[:, None] - KICK_GRID_RAD[None, :]).argmin(axis=1)
    if not np.allclose(KICK_GRID_RAD[idx], kicks, atol=1e-9):
        raise ValueError("lofted_kicks: kicks must be taken from vehicle_match.KICK_GRID_RAD")
    key = (
        round(float(np.degrees(launch_lat_rad)), 1),
        round(float(np.degrees(launch_lon_rad)), 1),
        float(round(float(np.degrees(azimuth_rad)))),
    )
    grid = _lofted_grid(vehicle.name, *key) if VEHICLES.get(vehicle.name) is vehicle else _fly(vehicle, *key)
    return grid[idx]
