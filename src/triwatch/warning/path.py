"""The predicted remaining path of a coasting object, as ground points with heights.

Used to find which land a missile will fly over before it comes down. The path
is flown with the same J2 + rotating-frame dynamics as everything else, by the
compiled coast kernel of triwatch.physics.coast, and sampled at every step.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.coast import coast_to_ground


def remaining_path(x: np.ndarray, *, step_s: float = 5.0, max_time_s: float = 5000.0):
    """(t_s (N,), lat (N,), lon (N,), h (N,)) from now until the object reaches the ground."""
    x = np.asarray(x, float)
    res = coast_to_ground(x[None, :3], x[None, 3:], np.zeros(1), np.full(1, np.inf), dt_s=step_s, max_time_s=max_time_s)
    lat, lon, h = ecef_to_geodetic(res.r[0])
    return res.t_s[0], lat, lon, h
