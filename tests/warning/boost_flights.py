"""Flights the boost-phase tests share: the flagship's IRBM and the April 2023 lofted ICBM, and a
thrusting track's state at time tau as the boost-phase assessments take it (the true state with an
early national track's covariance: 300 m, 30 m/s 1-sigma)."""

from __future__ import annotations

import math

import numpy as np

from triwatch.physics.flight import Flight, design_flight

PROTECTED = {"USA", "JPN", "KOR"}
MUPYONG = (math.radians(40.6), math.radians(126.4))
SUNAN = (math.radians(39.22), math.radians(125.67))
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)


def flagship_irbm() -> Flight:
    """The flagship's IRBM over Aomori: a standard flight."""
    return design_flight(*MUPYONG, "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3)


def april_icbm() -> Flight:
    """The April 2023 ICBM: lofted, cut off at 217 of 270 s, down in the Sea of Japan; burnt to its end it
    crosses Hokkaido."""
    return design_flight(*SUNAN, "icbm", azimuth_rad=math.radians(85.0), apogee_m=1500e3, range_m=800e3)


def boost_args(flight: Flight, tau: float, launch_sigma_s: float) -> tuple:
    """(x, P, t, launch lat, launch lon, launch time 0, its sigma) of the flight's first object at tau."""
    r, v, *_ = flight.objects[0].state_at(np.array([float(tau)]))
    s = flight.summary
    return np.concatenate([r[0], v[0]]), P_BOOST, float(tau), s.launch_lat_rad, s.launch_lon_rad, 0.0, launch_sigma_s
