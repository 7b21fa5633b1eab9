"""A coasting object's flight for the launch-grouping tests (states from the physics' own propagation)."""

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.physics.propagate import propagate

P_TIGHT = np.diag([200.0**2] * 3 + [2.0**2] * 3)


def coasting_path(times, kick_at=None, kick=np.zeros(3)):
    """Positions and states of an IRBM-like coasting object (100 km up, 3 km/s east-north-east and up);
    with kick_at, a part that left it at that time with a velocity difference `kick` (m/s)."""
    r0 = np.asarray(geodetic_to_ecef(np.radians(40.0), np.radians(127.0), 100e3), float)
    up = r0 / np.linalg.norm(r0)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    v0 = 2800.0 * east + 1500.0 * up
    states = []
    r, v, t = r0[None], v0[None], 0.0
    for ti in times:
        if kick_at is not None and t < kick_at <= ti:
            r, v = propagate(r, v, kick_at - t)
            v, t = v + kick, kick_at
        r, v = propagate(r, v, ti - t)
        t = ti
        states.append(np.concatenate([r[0], v[0]]))
    return np.array(states)
