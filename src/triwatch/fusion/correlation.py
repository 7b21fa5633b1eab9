"""Which system track a national track's first report belongs to: live, dormant, or none.

Candidates. A system track is a candidate for a report of nation N when N has no *fresh*
member in it (heard within `superseded_s`: N tracks that object already, so a second track of N
is a second object), and it is either

- live: a member heard within `stale_s`; or
- dormant: silent for longer, but no longer than `dormant_s`, held by one nation over an arc of
  at least `DORMANT_MIN_ARC_S` (20 s: a velocity worth flying over minutes; a false track born
  of one report is not), and not on the ground where its fused state, flown over the silence,
  now is. A coverage gap (a lofted ICBM above every radar for
  1000-3000 s) or a node restart ends every nation's reports of an object for a while; each
  tracker then picks the object up again under a new track id. Correlated against live system
  tracks only, that new track started a new system number and the watch officers lost the
  object's number (seven of twelve id switches of the lofted ICBM of 12 Jul 2023). A dormant
  system track is the standing number of an object whose flight we can still predict, so it is
  offered like a live one (track-to-track association with the dormant track's prediction).

Gate (3 degrees of freedom, positions): d^2 = d^T (P_rep + P_sys(t) + B)^-1 d, with the system
track flown to the report's time by `fusion.predict.predict_many` (its white acceleration of
q = 1 m^2/s^3 swells the covariance by q dt^3 / 3 over a gap: ~30 km after 1500 s) and B the
gate allowance (`fusion.gating`). The nearest candidate inside the gate wins (nearest neighbour:
one report at a time).

Shadows. When the nearest system track inside the gate was refused only because the nation
already holds a fresh track in it, the new track is either a second object right next to the
first (a separation, a warhead and its stage) or a duplicate its tracker holds beside the
original. Its new system track is a *shadow* of that one: it is not shown (`AlliedPicture.active`)
until it proves to be another object: a second nation reports it, or its fused state is outside
the merge gate (6-D) of the one it shadows on `merge_after` updates in a row (a separated object's
velocity differs by metres per second within seconds; a stale duplicate whose tracker found it again
from a poor prediction is off once or twice, then agrees). A duplicate agrees with its original, stays unshown, and merges into it or dies
(the flagship's KOR duplicate of 8 s; on hs17 JPN held three tracks of the warhead and the stage
flying metres apart for 250 s, concurrently, and the third made a false system track). The price: a
separated object seen by one nation only appears a few seconds later, and an object that flies
metres from another and is seen by one nation only (a warhead and its stage in midcourse) is not
shown apart from it until the air parts them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.fusion.predict import predict_many
from triwatch.tracking.earth import height_of


@dataclass
class Candidate:
    """A system track offered to a report: its number, and whether the nation's fresh member barred it."""

    number: str
    barred: bool  # the origin nation holds a fresh member in it: only a shadow may start beside it


def gate_distances(
    x: np.ndarray, P: np.ndarray, time_s: float, tracks: list, allowance: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """d^2 of a report (x (6,), P (6, 6) at time_s) against system tracks flown to time_s, and their heights.

    tracks: objects with x, P, time_s and inv_beta (SystemTrack). Returns (d2 (n,), height of the
    predicted position (n,) in m).
    """
    if not tracks:
        return np.zeros(0), np.zeros(0)
    xs, Ps = predict_many(
        np.array([st.x for st in tracks]),
        np.array([st.P for st in tracks]),
        np.array([time_s - st.time_s for st in tracks]),
        inv_beta=np.array([st.inv_beta for st in tracks]),
    )
    d = x[:3] - xs[:, :3]
    S = P[:3, :3] + Ps[:, :3, :3] + allowance[:3, :3]
    d2 = np.einsum("ni,ni->n", d, np.linalg.solve(S, d[..., None])[..., 0])
    return d2, height_of(xs[:, :3])


def nearest_in_gate(
    x: np.ndarray,
    P: np.ndarray,
    time_s: float,
    candidates: list[Candidate],
    tracks: dict,
    allowance: np.ndarray,
    gate: float,
) -> Candidate | None:
    """The candidate whose system track, flown to time_s and still above the ground, is nearest inside the gate."""
    if not candidates:
        return None
    d2, height = gate_distances(x, P, time_s, [tracks[c.number] for c in candidates], allowance)
    d2 = np.where(height > 0.0, d2, np.inf)  # a system track predicted under the ground has landed
    i = int(np.argmin(d2))
    return candidates[i] if d2[i] < gate else None
