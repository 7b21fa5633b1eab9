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
three reports still has a loose velocity. A path point where that allowance is wider than the
shortlist radius (``separation_radius_m``) tells nothing: any object born that close would pass.
A track confirmed by reports of one instant (three sensors at once) has no velocity at all, its
allowance is hundreds of km after seconds, and judged then a salvo's second missile "separated"
from the first and reported the first one's launch point. So the decision waits, update by
update, until some path point can discriminate, and is given up (no parent) after ``LOOKBACK_S``.

Which of the two is the payload: the parent track should go on with the payload (a warning is
about the warhead; the spent stage is the separated object), but at separation both objects are
at the same place and the association may keep the parent track on either. They part by drag:
a warhead is built dense to get through the air (ballistic coefficient beta ~ 5000 kg/m^2), a
spent stage is an empty tank (beta ~ 500), and drag takes energy at the rate
dE/dt = -|v|^3 rho / (2 beta). So after separation the payload is the one that keeps more
energy, measured by the Jacobi integral of the rotating frame,

    E = |v|^2 / 2 - GM / |r| - omega^2 (x^2 + y^2) / 2,

which ballistic flight conserves (J2 aside, the same for two objects metres apart), so it needs
no common time. A thrusting stack gains energy, so the rule also keeps the parent on the stack
that still burns when a lower stage drops. Faster than the energy, the IMM says which of the two
still burns: when a lower stage drops from a burning stack, within two or three scans the track
on the stack holds the thrust model (probability >= ``THRUST_SURE``) and the track on the empty
stage the coast model (<= 1 - ``THRUST_SURE``), while the two are still a few hundred metres
apart. That is the evidence of which object continued the pre-separation track when the energy
cannot yet tell; a decisive energy (or ln beta) difference votes first, because the thrust model
also explains a deceleration: a light stage dropped in the air on a depressed flight (the salvo's
S2, 40 km up) slows by drag, its track's thrust model takes the drag, and by modes alone the stage
"burned" while the RV coasted ahead with more energy.
Thrust decides only at a *staging*: the parent burned within ``BURNING_BEFORE_S`` before the
child's birth (``parent_burning``) and the child is at most ``STAGING_S`` old, for a spent stage
coasts from the moment it drops. Two tracks that both burn on for longer, or a burning "child" of a
coasting parent, are a salvo's next missile that the lineage test took for a separated object (on
the salvo, R2 born beside R1, both burning until R1's burn-out 13 s later: the thrust vote then
exchanged their ids in USA's tracker), and thrust and the energy it adds say nothing there about
which is the payload. Outside a staging only ln beta votes, and the energy with both coasting
if the child never burned after the staging window (``burned``): the energy of two missiles
differs from the start, and its sign flips as the younger one burns on (R2 again: first "R1 is
the payload", then, both coasting, "R2 is"), while a dropped object's only changes by drag.
Except after a *seen drop* (``dropped``): when within the staging window the modes once showed one
of the two sure burning and the other sure coasting, the pair is a stage and its stack, not two
missiles (R1 and R2 both burned through R2's window), and the energy votes on whatever the modes
say, for the upper stage burns on for tens of seconds, gaining energy, while the spent stage only
loses it. Then a vote too unsure to tell (0) does not break the run either: it is no evidence
either way. Both matter when the new track took the burning stack and its velocity was just found:
on the flagship with faults, KOR's track, found again 2 s before the first stage dropped, went on
with the stage; the new track's thrust probability swung 0.1-1.0, so the modes voted twice, then
an unsure vote reset the run, then, the stack burning after the window, the child "burned" and the
energy (already 5-60 sigma for the stack) was never heard: the ids were never exchanged and KOR's
picture renumbered the warhead and its stage (2 id switches).
When the child has held the payload side (by more than ``PAYLOAD_SIGMAS`` sigma of energy, or
by the modes) for ``PAYLOAD_VOTES`` votes in a row (after a seen drop: with no contrary vote
between), the two tracks exchange ids: the parent id
goes on with the payload and the child id (with parent_id) with the stage. Votes are at least
``VOTE_SPACING_S`` apart: reports of one instant from several sensors are one piece of evidence
(at birth a child updated three times at once holds a velocity that is only a guess, and its
energy then "proved" the wrong side in three votes). Above the air, with both coasting (an
ICBM's upper stage and its RV), the energies stay equal and nothing is exchanged.

A warhead and the stage it left with no push fly metres apart through all of midcourse, where no
sensor tells them apart and either track may hold either object; only the air does, in re-entry.
So the vote does not close: after ``LOOKBACK_S`` a pair still flying within the separation radius
keeps voting, and when drag shows the child is the denser object (its estimated ln beta, the
tracker's 7th state, above the parent's by PAYLOAD_SIGMAS sigma; the energy is slower to tell
there, its sigma swollen by the re-entry noise) the ids are exchanged then. Every nation's tracker thus ends with its
parent id on the warhead, and the allied picture's system track of the parents follows it (on the
SLBM and the ICBMs, before, which nation's track went with which object was a coin toss, and the
system tracks' members split between the two).
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.energy import jacobi_energy
from triwatch.tracking import imm
from triwatch.tracking.store import TrackRecord, TrackStore
from triwatch.tracking.unscented import fly

LOOKBACK_S = 120.0  # a separation is judged within two minutes of the child's confirmation
PATH_SPACING_S = 2.0  # the parent's path is kept at this spacing
MIN_MISS_M = 3e3
PAYLOAD_SIGMAS = 4.0
PAYLOAD_VOTES = 3
THRUST_SURE = 0.9  # an IMM thrust probability this sure (or 1 - this) tells a burning stack from a spent stage
BURNING_BEFORE_S = 10.0  # a parent that burned this shortly before a child's birth dropped a stage from a burning stack
STAGING_S = 10.0  # at a staging one of the two coasts from the drop on: the modes tell within seconds
VOTE_SPACING_S = 1.0
MODE_SETTLE_S = 2.0


def record_path(rec: TrackRecord, t: float, position: np.ndarray, thrusting: bool = False) -> None:
    """Append a confirmed track's position (and whether it burned) to its recent path (thinned, last LOOKBACK_S only)."""
    if rec.path and t - rec.path[-1][0] < PATH_SPACING_S:
        return
    rec.path.append((t, position.copy(), thrusting))
    while rec.path and t - rec.path[0][0] > LOOKBACK_S:
        rec.path.pop(0)


def shortlist(parent_ids: list[str], parent_pos: np.ndarray, position: np.ndarray, radius_m: float) -> list[str]:
    """Confirmed tracks (ids) whose predicted positions (K, 3) lie within radius_m of a new track's position."""
    if not parent_ids:
        return []
    dist = np.linalg.norm(parent_pos - position, axis=1)
    return [parent_ids[k] for k in np.argsort(dist) if dist[k] < radius_m]


def separated_from(
    x: np.ndarray, P: np.ndarray, t: float, candidates: list[TrackRecord], radius_m: float = np.inf
) -> tuple[str | None, bool]:
    """(id of the candidate whose recent path the coasting state x (6,), P (6, 6) at time t meets, or None; informative).

    Only path points where the allowed miss is below radius_m count (see the module docstring);
    informative is False when no candidate had such a point: the state cannot tell yet.
    """
    best, best_ratio, informative = None, 1.0, False
    tr_rr, tr_vv = np.trace(P[:3, :3]), np.trace(P[3:6, 3:6])
    for cand in candidates:
        times = np.array([p[0] for p in cand.path if p[0] <= t])
        if times.size == 0:
            continue
        where = np.array([p[1] for p in cand.path if p[0] <= t])
        allowed = np.maximum(MIN_MISS_M, 3.0 * np.sqrt(tr_rr + (t - times) ** 2 * tr_vv))
        telling = allowed < radius_m
        if not telling.any():
            continue
        informative = True
        back = fly(np.repeat(x[None], int(telling.sum()), axis=0), times[telling] - t)[:, :3]
        miss = np.linalg.norm(back - where[telling], axis=1)
        ratio = float(np.min(miss / allowed[telling]))
        if ratio < best_ratio:
            best, best_ratio = cand.track_id, ratio
    return best, informative


def settle_payloads(store: TrackStore, x: np.ndarray, P: np.ndarray, rows: np.ndarray, radius_m: float) -> None:
    """Vote, for children just updated (rows, combined states x, P), whether they carry the payload; exchange ids.

    A child votes while its parent is live and was updated within PATH_SPACING_S of it: during
    LOOKBACK_S after its birth, and later while the two still fly within radius_m of each other
    (see the module docstring).
    """
    index = {rec.track_id: i for i, rec in enumerate(store.records)}
    for j, i in enumerate(rows):
        child, t = store.records[i], float(store.t[i])
        if child.parent_id is None or child.payload_votes is None:
            continue
        k = index.get(child.parent_id)
        if k is None:
            child.payload_votes = None  # the parent is gone
            continue
        if abs(store.t[k] - t) > PATH_SPACING_S:
            continue
        here = store.x[k, imm.COAST, :3] + store.x[k, imm.COAST, 3:6] * (t - store.t[k])  # parent, at the child's time
        if t - child.born_s > LOOKBACK_S and np.linalg.norm(here - x[j, :3]) > radius_m:
            continue  # long after the separation only a pair still flying together votes (re-entry)
        if t - child.payload_vote_s < VOTE_SPACING_S:
            continue
        child.payload_vote_s = t
        age = t - child.born_s
        staging = child.parent_burning and age <= STAGING_S  # a stage just dropped from a burning stack
        modes = 0
        if staging and age >= MODE_SETTLE_S:  # before, a child's mode is its prior
            modes = _thrust_vote(store.mu[i, imm.THRUST], store.mu[k, imm.THRUST])
            child.dropped = child.dropped or modes != 0  # one burns, the other coasts: a stage dropped
        if age > STAGING_S and store.mu[i, imm.THRUST] >= 0.5 and not child.dropped:
            child.burned = True  # burning after any staging: a missile of its own, not a dropped object
        coasting = (store.mu[[i, k], imm.THRUST] < 0.5).all()
        xp, Pp = imm.combine(store.x[k : k + 1], store.P[k : k + 1], store.mu[k : k + 1])
        energy = staging or child.dropped or (coasting and not child.burned)
        vote = _drag_vote(x[j], P[j], xp[0], Pp[0], energy=energy)
        if vote == 0:
            vote = modes
        if vote == 0 and child.dropped:
            pass  # after a seen drop an unsure sample is no evidence either way: the run goes on
        elif vote == 0 or np.sign(child.payload_votes) != vote:
            child.payload_votes = vote
        else:
            child.payload_votes += vote
        if child.payload_votes >= PAYLOAD_VOTES:
            _exchange_ids(child, store.records[k])
        elif child.payload_votes <= -PAYLOAD_VOTES:
            child.payload_votes = -PAYLOAD_VOTES  # the parent holds the payload, as it should; keep watching


def _drag_vote(xc: np.ndarray, Pc: np.ndarray, xp: np.ndarray, Pp: np.ndarray, energy: bool = True) -> int:
    """+1 when the child (state xc (7,), Pc (7, 7)) is the denser object, -1 when the parent (xp, Pp) is, 0 unsure.

    First the estimated ln beta (the 7th state, drag.py): it leaves its prior only in the air,
    where it is the direct measure of which object is the warhead. Else the Jacobi energy, which
    a thrusting stack gains and drag takes (module docstring). Each must differ by more than
    PAYLOAD_SIGMAS sigma of the difference.
    """
    diff = xc[6] - xp[6]
    if abs(diff) > PAYLOAD_SIGMAS * np.sqrt(Pc[6, 6] + Pp[6, 6]):
        return int(np.sign(diff))
    if not energy:
        return 0
    e, sd = jacobi_energy(np.stack([xc, xp]), np.stack([Pc, Pp]))
    diff = e[0] - e[1]
    return int(np.sign(diff)) if abs(diff) > PAYLOAD_SIGMAS * float(np.hypot(sd[0], sd[1])) else 0


def _thrust_vote(child_thrust: float, parent_thrust: float) -> int:
    """+1 when the child burns and the parent coasts (the child is on the continuing stack), -1 the
    reverse, 0 when the IMM modes do not tell (both alike, or either unsure)."""
    sure, spent = THRUST_SURE, 1.0 - THRUST_SURE
    if child_thrust >= sure and parent_thrust <= spent:
        return 1
    if parent_thrust >= sure and child_thrust <= spent:
        return -1
    return 0


def _exchange_ids(child: TrackRecord, parent: TrackRecord) -> None:
    """The child carries the payload: it takes the parent's identity, and the parent's state becomes the child."""
    child.track_id, parent.track_id = parent.track_id, child.track_id
    child.born_s, parent.born_s = parent.born_s, child.born_s
    parent.parent_id, child.parent_id = child.track_id, parent.parent_id
    parent.payload_votes = 0  # the parent's old record, now the child, votes on from nothing
    child.payload_votes = 0 if child.parent_id is not None else None


def parent_candidates(store: TrackStore, x: np.ndarray, P: np.ndarray, c: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Ids and predicted positions (K, 3) of the confirmed tracks (IMM predictions x, P, c at a scan): possible parents."""
    confirmed = [i for i, r in enumerate(store.records) if r.status == "confirmed"]
    if not confirmed:
        return [], np.zeros((0, 3))
    xc, _ = imm.combine(x[confirmed], P[confirmed], c[confirmed])
    return [store.records[i].track_id for i in confirmed], xc[:, :3]


def decide_parent(store: TrackStore, rec: TrackRecord, x: np.ndarray, P: np.ndarray, t: float, radius_m: float) -> None:
    """From rec's confirmation on (state x, P at t): did it separate from one of its shortlisted parents?

    Undecided (candidates kept, asked again at the next update) while the state cannot tell
    (separated_from not informative), until LOOKBACK_S after the birth.
    """
    by_id = {r.track_id: r for r in store.records}
    cands = [by_id[c] for c in rec.parent_candidates if c in by_id]
    parent_id, informative = separated_from(x[:6], P[:6, :6], t, cands, radius_m)
    if not informative and cands and t - rec.born_s <= LOOKBACK_S:
        return
    rec.parent_id = parent_id
    rec.parent_candidates = []
    if rec.parent_id is not None:  # a separated object shares its parent's launch
        rec.payload_votes = 0  # and may yet prove to be the payload (settle_payloads)
        parent = by_id[rec.parent_id]
        rec.parent_burning = any(p[2] for p in parent.path if rec.born_s - BURNING_BEFORE_S <= p[0] <= rec.born_s)
        rec.launch, rec.launch_trace_m2 = parent.launch, parent.launch_trace_m2
