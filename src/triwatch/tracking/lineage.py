"""Which track a new object separated from: a stage, a payload, debris, told apart from a new missile.

Two tests, one at birth and one at confirmation:

1. Birth: a new track born within ``separation_radius_m`` of a confirmed track's predicted
   position names that track as a candidate parent. Cheap, and it only shortlists: a missile
   of the same salvo launched seconds later from the same site is born that close too.
2. Confirmation: an object that separated from the parent was at the parent's position when it
   separated, and has coasted since (a spent stage or a released payload does not thrust). So
   the child's confirmed state is flown backwards (ballistically) to the times of the parent's
   recorded path; if at some time within ``LOOKBACK_S`` it passes within the miss distance of
   where the parent was, it separated from it. A later missile of a salvo was at the same place
   seconds later, not at the same time, and it is still thrusting: flown back ballistically it
   misses the parent's path by tens of km.

The miss distance allowed is the larger of ``MIN_MISS_M`` and three times the child's position
uncertainty carried back (sqrt(tr P_rr + a^2 tr P_vv) after a seconds): a child confirmed after
three reports still has a loose velocity.
"""

from __future__ import annotations

import numpy as np

from triwatch.tracking.store import TrackRecord
from triwatch.tracking.unscented import fly

LOOKBACK_S = 120.0  # a separation is judged within two minutes of the child's confirmation
PATH_SPACING_S = 2.0  # the parent's path is kept at this spacing
MIN_MISS_M = 3e3


def record_path(rec: TrackRecord, t: float, position: np.ndarray) -> None:
    """Append a confirmed track's position to its recent path (thinned, last LOOKBACK_S only)."""
    if rec.path and t - rec.path[-1][0] < PATH_SPACING_S:
        return
    rec.path.append((t, position.copy()))
    while rec.path and t - rec.path[0][0] > LOOKBACK_S:
        rec.path.pop(0)


def shortlist(parent_ids: list[str], parent_pos: np.ndarray, position: np.ndarray, radius_m: float) -> list[str]:
    """Confirmed tracks (ids) whose predicted positions (K, 3) lie within radius_m of a new track's position."""
    if not parent_ids:
        return []
    dist = np.linalg.norm(parent_pos - position, axis=1)
    return [parent_ids[k] for k in np.argsort(dist) if dist[k] < radius_m]


def separated_from(x: np.ndarray, P: np.ndarray, t: float, candidates: list[TrackRecord]) -> str | None:
    """Id of the candidate whose recent path the coasting state x (6,), P (6, 6) at time t meets, or None."""
    best, best_ratio = None, 1.0
    tr_rr, tr_vv = np.trace(P[:3, :3]), np.trace(P[3:, 3:])
    for cand in candidates:
        times = np.array([p[0] for p in cand.path if p[0] <= t])
        if times.size == 0:
            continue
        where = np.array([p[1] for p in cand.path if p[0] <= t])
        back = fly(np.repeat(x[None], times.size, axis=0), times - t)[:, :3]
        miss = np.linalg.norm(back - where, axis=1)
        allowed = np.maximum(MIN_MISS_M, 3.0 * np.sqrt(tr_rr + (t - times) ** 2 * tr_vv))
        ratio = float(np.min(miss / allowed))
        if ratio < best_ratio:
            best, best_ratio = cand.track_id, ratio
    return best
