"""The `truth` argument of `write_report`, sampled from a run's TruthWorld.

Per truth object id `LAUNCH/OBJECT` (the ids `TruthWorld.scene_at` gives): `t_s`, the
scenario clock every `step_s` from the object's birth to its impact, with the impact time
itself as the last sample (so the report finds where it truly came down), and `r_ecef`
(N, 3) in metres from the flight's own interpolation (`ObjectTrajectory.state_at`).
This is the only hand-off of truth to the report; nothing upstream of scoring calls it.
"""

from __future__ import annotations

import numpy as np


def truth_samples(world, step_s: float = 1.0) -> dict[str, dict[str, np.ndarray]]:
    """{'L1/RV': {'t_s': (N,), 'r_ecef': (N, 3)}, ...} for every object of every launch of a TruthWorld."""
    if not step_s > 0:
        raise ValueError(f"truth_samples: step_s must be > 0, got {step_s}")
    out: dict[str, dict[str, np.ndarray]] = {}
    for launch in world.scenario.launches:
        for obj in world.flights[launch.id].objects:
            birth, impact = float(obj.birth_s), float(obj.impact_s)
            dt = np.arange(birth, impact, step_s)
            dt = np.append(dt, impact) if dt.size == 0 or dt[-1] < impact else dt
            r, _, _, alive = obj.state_at(dt)
            out[f"{launch.id}/{obj.object_id}"] = {"t_s": launch.time_s + dt[alive], "r_ecef": np.asarray(r)[alive]}
    return out
