"""The predicted remaining path of a coasting object, as ground points with heights.

Used to find which land a missile will fly over before it comes down. The path
is flown with the same J2 + rotating-frame dynamics as everything else
(triwatch.physics.propagate.rk4_step) and sampled every step.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.propagate import rk4_step


def remaining_path(x: np.ndarray, *, step_s: float = 5.0, max_time_s: float = 5000.0):
    """(t_s (N,), lat (N,), lon (N,), h (N,)) from now until the height first goes below zero."""
    r = np.asarray(x[:3], float)[None, :]
    v = np.asarray(x[3:], float)[None, :]
    ts, rs = [0.0], [r[0].copy()]
    t = 0.0
    while t < max_time_s:
        r, v = rk4_step(r, v, step_s)
        t += step_s
        ts.append(t)
        rs.append(r[0].copy())
        if np.linalg.norm(r[0]) < 6.40e6 and ecef_to_geodetic(r[0])[2] < 0.0:
            break
    lat, lon, h = ecef_to_geodetic(np.array(rs))
    return np.array(ts), lat, lon, h
