"""Which truth object an estimate is about: the nearest live truth object within a gate.

Scoring only. A fused state at time t is associated with the truth object whose
position at t is nearest, if within `gate_m`; otherwise it is about nothing
(a false track).
"""

from __future__ import annotations

import numpy as np

from triwatch.scenario.truth import TruthWorld


def nearest_truth(world: TruthWorld, t_s: float, r_ecef, gate_m: float = 50e3) -> str | None:
    """Truth id ('LAUNCH/OBJECT') nearest to r_ecef at t_s, or None beyond the gate."""
    scene = world.scene_at(t_s)
    if not scene.object_ids:
        return None
    d = np.linalg.norm(scene.r_ecef - np.asarray(r_ecef, float)[:3], axis=1)
    i = int(np.argmin(d))
    return scene.object_ids[i] if d[i] <= gate_m else None


def launch_of(truth_id: str | None) -> str | None:
    return None if truth_id is None else truth_id.split("/", 1)[0]
