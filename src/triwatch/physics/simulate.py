"""Fly a designed boost plan with full dynamics: staged boost, separations, then J2 + drag to the ground.

The RV is born at launch and carries the stack through the boost (thrusting).
When a stage burns out (or the engine is cut off) it separates (except the last
stage of a missile that flies in one piece, ``Vehicle.rv_separates``): the spent stage
becomes its own object with exactly the stack's state at that instant (no
separation impulse), then falls with its own ballistic coefficient. Stages never
lit (cut-off before them) stay with the payload. Every object then coasts under
J2 gravity, Earth rotation and drag (``coast``) until it hits the ground.
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.boost import LaunchFrame, boost_schedule, run_boost
from triwatch.physics.coast import coast_to_ground
from triwatch.physics.design import BoostPlan
from triwatch.physics.trajectory import ObjectTrajectory
from triwatch.physics.vehicles import Vehicle


def fly_boost(vehicle: Vehicle, frame: LaunchFrame, plan: BoostPlan, dt_s: float):
    """Boost samples (t, r, v) up to cut-off, and the separation (t, r, v) of each stage that burned."""
    t_nodes, stage = boost_schedule(vehicle, dt_s, plan.cutoff_s)
    r, v = run_boost(vehicle, frame, np.array([plan.kick_rad]), t_nodes, stage)
    r, v = r[0], v[0]
    # A stage separates at the last node it burns on: its own burnout, or the cut-off.
    last_of_stage = np.flatnonzero(np.diff(np.append(stage, -1)) != 0) + 1
    separations = [(t_nodes[j], r[j].copy(), v[j].copy()) for j in last_of_stage]
    return t_nodes, r, v, separations


def fly_plan(vehicle: Vehicle, frame: LaunchFrame, plan: BoostPlan, dt_s: float) -> list[ObjectTrajectory]:
    """All objects of the flight: RV first, then S1, S2, ... in order of separation."""
    tb, rb, vb, seps = fly_boost(vehicle, frame, plan, dt_s)
    if not vehicle.rv_separates:
        seps = seps[:-1]  # the last stage flies on with the payload, as one body
    t_cut, r_cut, v_cut = tb[-1], rb[-1], vb[-1]
    r0 = np.array([r_cut] + [s[1] for s in seps])
    v0 = np.array([v_cut] + [s[2] for s in seps])
    t0 = np.array([t_cut] + [s[0] for s in seps])
    beta = np.array([vehicle.rv_beta_kg_m2] + [vehicle.stage_beta_kg_m2] * len(seps))
    lift = np.array([vehicle.rv_lift_to_drag] + [0.0] * len(seps))
    coast = coast_to_ground(r0, v0, t0, beta, dt_s=dt_s, max_time_s=20000.0, lift_to_drag=lift)
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
