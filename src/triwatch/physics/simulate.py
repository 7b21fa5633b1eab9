"""Fly a designed boost plan with full dynamics: staged boost, separations, then J2 + drag to the ground.

The RV is born at launch and carries the stack through the boost (thrusting).
When a stage burns out (or the engine is cut off) it separates: the spent stage
becomes its own object with exactly the stack's state at that instant (no
separation impulse), then falls with its own ballistic coefficient. Stages never
lit (cut-off before them) stay with the payload. Every object then coasts under
J2 gravity, Earth rotation and drag (``coast``) until it hits the ground.
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.boost import LaunchFrame, boost_step, stage_times
from triwatch.physics.coast import coast_to_ground
from triwatch.physics.design import BoostPlan
from triwatch.physics.trajectory import ObjectTrajectory
from triwatch.physics.vehicles import Vehicle


def fly_boost(vehicle: Vehicle, frame: LaunchFrame, plan: BoostPlan, dt_s: float):
    """Boost samples (t, r, v) up to cut-off, and the separation (t, r, v) of each stage that burned."""
    kick = np.array([plan.kick_rad])
    starts = stage_times(vehicle)
    r = frame.site_ecef[None].copy()
    v = np.zeros((1, 3))
    ts, rs, vs, separations = [0.0], [r[0]], [v[0]], []
    for i in range(len(vehicle.stages)):
        t0, t1 = starts[i], min(starts[i + 1], plan.cutoff_s)
        if t0 >= plan.cutoff_s - 1e-9:
            break
        n = max(1, int(np.ceil((t1 - t0) / dt_s - 1e-9)))
        h = (t1 - t0) / n
        for m in range(n):
            r, v = boost_step(vehicle, frame, i, t0 + m * h, h, r, v, kick)
            ts.append(t0 + (m + 1) * h)
            rs.append(r[0])
            vs.append(v[0])
        separations.append((t1, r[0].copy(), v[0].copy()))
    return np.array(ts), np.array(rs), np.array(vs), separations


def fly_plan(vehicle: Vehicle, frame: LaunchFrame, plan: BoostPlan, dt_s: float) -> list[ObjectTrajectory]:
    """All objects of the flight: RV first, then S1, S2, ... in order of separation."""
    tb, rb, vb, seps = fly_boost(vehicle, frame, plan, dt_s)
    t_cut, r_cut, v_cut = tb[-1], rb[-1], vb[-1]
    r0 = np.array([r_cut] + [s[1] for s in seps])
    v0 = np.array([v_cut] + [s[2] for s in seps])
    t0 = np.array([t_cut] + [s[0] for s in seps])
    beta = np.array([vehicle.rv_beta_kg_m2] + [vehicle.stage_beta_kg_m2] * len(seps))
    coast = coast_to_ground(r0, v0, t0, beta, dt_s=dt_s, max_time_s=20000.0)
    if not coast.landed.all():
        raise RuntimeError(f"{vehicle.name}: an object did not come down within 20000 s (orbit?)")
    rv = ObjectTrajectory(
        "RV",
        "rv",
        np.concatenate([tb, coast.t_s[0][1:]]),
        np.concatenate([rb, coast.r[0][1:]]),
        np.concatenate([vb, coast.v[0][1:]]),
        np.concatenate([np.ones(len(tb) - 1, bool), np.zeros(len(coast.t_s[0]), bool)]),
    )
    objects = [rv]
    for k in range(1, len(t0)):
        n = len(coast.t_s[k])
        objects.append(ObjectTrajectory(f"S{k}", "stage", coast.t_s[k], coast.r[k], coast.v[k], np.zeros(n, bool)))
    return objects
