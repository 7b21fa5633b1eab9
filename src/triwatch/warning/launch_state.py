"""What the objects' states say about which launch they belong to, where lineage is silent or wrong.

`launch_events` groups system tracks into launches by the national trackers' lineage. Two
physical tests on the picture's own fused states decide where lineage cannot:

1. **Burned apart** (two launches, whatever lineage says). The objects of one launch do not
   burn at once apart from one another: a stage drops when it has burnt out, and an upper
   stage lights where the lower one drops. Two objects both under thrust at the same moment,
   further apart than `BURN_GATE_M` plus three sigma of their positions, are two missiles. A
   salvo's second missile, tied to the first by one nation's tracker while it is still loose
   (srbm-salvo-crossing: R2 tied to R1 by USA), is thrusting at 4-5 km height while the first
   still burns at 17 km: two launches from R2's first thrusting states.
2. **Path meets** (one launch, whatever a re-acquiring nation says). An object that separated
   from another was where the other was, when it separated, and has coasted since; an object
   re-acquired after a gap (a node back from an outage, a link healed) was where its old track
   was. So a coasting state flown back (ballistically, J2) over the last `LOOKBACK_S` passes
   through a recorded position of that object, within max(`MIN_MISS_M`, 3 sigma) where sigma
   combines the state's position and velocity uncertainty carried back (sqrt(tr P_rr + a^2
   tr P_vv) after a seconds) and the recorded position's. A point whose allowance exceeds
   `MAX_ALLOWANCE_M` tells nothing (any object would pass) and is not used; a later missile of a
   salvo was at the same place seconds later, not at the same time, and misses by tens of km.

The same rule as the tracker's separation test (`triwatch.tracking.lineage`), applied to the
allied picture: a nation that was not watching when two objects parted (its node down, its link
cut) re-acquires them as unrelated tracks, and its silence must not split the launch.

No truth is used: the states are the picture's fused system tracks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.physics.energy import jacobi_energy
from triwatch.physics.propagate import rk4_step

LOOKBACK_S = 180.0  # paths are kept, and flown back to, this far
PATH_SPACING_S = 4.0  # a path keeps a position at most this often (a node assesses every 4 s)
MIN_MISS_M = 3e3  # at separation two objects are metres apart; tracks of them are not
MAX_ALLOWANCE_M = 30e3  # a looser test tells nothing (a salvo's next missile misses by tens of km)
BURN_GATE_M = 5e3  # two objects of one launch are within this when both burn (hot staging)
BURN_SYNC_S = 2.0  # two thrusting states are compared only this close in time
STEP_S = 5.0  # RK4 step flying back (as `physics.propagate`)
MAX_SPEED_MPS = 8000.0  # faster than any ballistic missile (orbital speed is 7.9 km/s)
MAX_SIGMA_V_MPS = 10000.0  # a velocity known worse than this (wider than every missile speed) tells nothing
PAYLOAD_SIGMAS = 4.0  # an object is the payload by energy only when it holds this much more (as the tracker)
FRESH_S = 30.0  # a thrusting state older than this (against the launch's newest) is a stopped track's


@dataclass(frozen=True)
class ObjectState:
    """A system track's fused state: time (s), ECEF x (6,) m and m/s, covariance P (6, 6), thrusting."""

    time_s: float
    x: np.ndarray
    P: np.ndarray
    thrusting: bool = False

    def __post_init__(self) -> None:
        x, P = np.asarray(self.x, float), np.asarray(self.P, float)
        if x.ndim != 1 or x.size < 6:  # a state may carry more after (r, v), e.g. ln beta: only (r, v) count
            raise ValueError(f"ObjectState.x: expected shape (6,), got {x.shape}")
        if P.ndim != 2 or P.shape[0] < 6 or P.shape[1] < 6:
            raise ValueError(f"ObjectState.P: expected shape (6, 6), got {P.shape}")
        x, P = x[:6], P[:6, :6]
        if not (np.isfinite(self.time_s) and np.all(np.isfinite(x)) and np.all(np.isfinite(P))):
            raise ValueError(f"ObjectState at t={self.time_s}: time, state and covariance must be finite")
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "P", P)

    @property
    def position_var_m2(self) -> float:
        return float(np.trace(self.P[:3, :3]))


class ObjectPaths:
    """Each system track's recent fused positions and their variances (thinned, last LOOKBACK_S)."""

    def __init__(self) -> None:
        self._paths: dict[str, list[tuple[float, np.ndarray, float]]] = {}
        self.latest: dict[str, ObjectState] = {}

    def record(self, system_track: str, state: ObjectState) -> None:
        self.latest[system_track] = state
        path = self._paths.setdefault(system_track, [])
        if path and state.time_s - path[-1][0] < PATH_SPACING_S:
            return
        path.append((state.time_s, state.x[:3].copy(), state.position_var_m2))
        while path and state.time_s - path[0][0] > LOOKBACK_S:
            path.pop(0)

    def merged(self, old_track: str, survivor: str) -> None:
        """old_track's object is survivor's: its path is survivor's past."""
        old = self._paths.pop(old_track, [])
        self.latest.pop(old_track, None)
        if old:
            joined = sorted(old + self._paths.get(survivor, []), key=lambda p: p[0])
            self._paths[survivor] = joined

    def path(self, system_track: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times (K,), positions (K, 3), position variances (K,)) of a system track's recorded path."""
        path = self._paths.get(system_track, [])
        if not path:
            return np.zeros(0), np.zeros((0, 3)), np.zeros(0)
        return (
            np.array([p[0] for p in path]),
            np.array([p[1] for p in path]),
            np.array([p[2] for p in path]),
        )


def credible(state: ObjectState) -> bool:
    """Whether a state can be a missile's: its velocity known to MAX_SIGMA_V_MPS (sqrt tr P_vv) and slower than MAX_SPEED_MPS.

    A launch is announced once one of its objects has been credible (`warning.desk`): a track
    confirmed on clutter can hold a state no missile has (measured: hs17-2022-11-18, a KOR track
    of one report at 1,308 s, 64 km up at 70 +- 38 km/s, made a second launch alert).
    """
    sigma_v = float(np.sqrt(max(np.trace(state.P[3:6, 3:6]), 0.0)))
    return sigma_v <= MAX_SIGMA_V_MPS and float(np.linalg.norm(state.x[3:6])) <= MAX_SPEED_MPS


def _energy(state: ObjectState) -> tuple[float, float]:
    """Jacobi energy and its sigma of one fused state (`triwatch.physics.energy`)."""
    e, sd = jacobi_energy(state.x[None, :6], state.P[None, :6, :6])
    return float(e[0]), float(sd[0])


def payload_of(states: dict[str, ObjectState], order: list[str]) -> str:
    """Which of a launch's objects is its payload, from their latest states; order: lineage's order.

    - Lineage's payload (order[0]) burning now (its state within FRESH_S of the launch's newest)
      stays: it is the stack that carries the payload.
    - Otherwise the payload is the coasting object holding the most Jacobi energy: an upper stage
      that burnt on carried it higher, and drag takes more of an empty tank's. Only when it holds
      more than PAYLOAD_SIGMAS sigma above lineage's choice among the coasting objects; otherwise
      lineage's choice stays (at separation both objects have one state).
    A stale thrusting state (a track that stopped while burning: its node went down) says
    nothing: energy is not conserved under thrust.
    """
    if not order:
        raise ValueError("payload_of: no objects")
    known = [name for name in order if name in states]
    if not known:
        return order[0]
    newest = max(states[name].time_s for name in known)
    first = states.get(order[0])
    if first is not None and first.thrusting and newest - first.time_s <= FRESH_S:
        return order[0]
    coasting = {n: _energy(states[n]) for n in known if not states[n].thrusting}
    if not coasting:
        return order[0]
    lead = next(n for n in known if n in coasting)
    best = max(coasting, key=lambda n: coasting[n][0])
    (e_best, s_best), (e_lead, s_lead) = coasting[best], coasting[lead]
    return best if e_best - e_lead > PAYLOAD_SIGMAS * float(np.hypot(s_best, s_lead)) else lead


def burned_apart(a: ObjectState, b: ObjectState) -> bool:
    """Both under thrust within BURN_SYNC_S of each other, further apart than BURN_GATE_M + 3 sigma.

    The earlier state is moved to the later one's time along its velocity (over at most
    BURN_SYNC_S: thrust bends that by metres).
    """
    if not (a.thrusting and b.thrusting) or abs(a.time_s - b.time_s) > BURN_SYNC_S:
        return False
    t = max(a.time_s, b.time_s)
    ra = a.x[:3] + a.x[3:6] * (t - a.time_s)
    rb = b.x[:3] + b.x[3:6] * (t - b.time_s)
    allowance = BURN_GATE_M + 3.0 * np.sqrt(a.position_var_m2 + b.position_var_m2)
    return bool(np.linalg.norm(ra - rb) > allowance)


def fly_back(x: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Positions (K, 3) of one coasting state x (6,) flown by each dt (K,) (negative: back), in RK4 steps."""
    dt = np.asarray(dt, float)
    n = max(1, int(np.ceil(np.max(np.abs(dt), initial=0.0) / STEP_S)))
    h = dt / n
    r, v = np.repeat(x[None, :3], dt.size, axis=0), np.repeat(x[None, 3:6], dt.size, axis=0)
    for _ in range(n):
        r, v = rk4_step(r, v, h)
    return r


def met(state: ObjectState, paths: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[set[str], bool]:
    """(the objects whose recorded path a coasting state, flown back, passes through; whether any point told).

    paths: object -> (times (K,), positions (K, 3), position variances (K,)). Only path points no
    later than the state and within LOOKBACK_S, whose allowance is at most MAX_ALLOWANCE_M, count;
    all objects' points are flown in one batch. A thrusting state is not flown back (its thrust
    would be flown as coasting): it tells nothing.
    """
    if state.thrusting:
        return set(), False
    names, ages, where, allowed = [], [], [], []
    tr_rr, tr_vv = np.trace(state.P[:3, :3]), np.trace(state.P[3:6, 3:6])
    for name, (times, positions, var_m2) in paths.items():
        a = state.time_s - times
        allow = np.maximum(MIN_MISS_M, 3.0 * np.sqrt(tr_rr + a**2 * tr_vv + var_m2))
        use = (a >= 0.0) & (a <= LOOKBACK_S) & (allow <= MAX_ALLOWANCE_M)
        names += [name] * int(use.sum())
        ages.append(a[use])
        where.append(positions[use])
        allowed.append(allow[use])
    if not names:
        return set(), False
    ages_all = np.concatenate(ages)
    back = fly_back(state.x, -ages_all)
    miss = np.linalg.norm(back - np.concatenate(where), axis=0 if back.ndim == 1 else 1)
    hit = miss <= np.concatenate(allowed)
    return {n for n, h in zip(names, hit, strict=True) if h}, True


class StateTies:
    """The two physical tests between a node's system tracks, remembered: who burned apart, whose path met whose.

    Both relations are symmetric and permanent (a separation or a second missile does not
    un-happen); a merge hands the old track's relations to the survivor. Burned apart must be
    seen at `BURN_CONFIRM_N` pairs of states, each pair newer in both tracks than the last (a
    system track whose members have gone quiet keeps one stale state: measured on
    irbm-2022-10-04-faults, KOR's track coasted through its node's outage put the warhead 18 km
    off for one update after it, "apart" from the warhead's fresh track); the path
    test is run only when asked (`look_back`: lineage left a track without a launch) and, when it
    told something and found nothing, not again for `RETEST_S` for that track.
    """

    BURN_CONFIRM_N = 2
    RETEST_S = 12.0

    def __init__(self) -> None:
        self.paths = ObjectPaths()
        self.apart: dict[str, set[str]] = {}
        self.met: dict[str, set[str]] = {}
        self._burn_votes: dict[tuple[str, str], tuple[int, tuple]] = {}  # pair -> (votes, state times of the last)
        self._tested_s: dict[str, float] = {}

    def observe(self, system_track: str, state: ObjectState) -> None:
        """Record a system track's new state and check it against every other track's latest for burning apart."""
        self.paths.record(system_track, state)
        if not state.thrusting:
            return
        for other, theirs in self.paths.latest.items():
            if other == system_track or other in self.apart.get(system_track, ()):
                continue
            if burned_apart(state, theirs):
                # A vote counts only on new states of both tracks: a track whose state has stopped
                # (a node gone quiet, a cut link) would otherwise vote again and again on one picture.
                times = (state.time_s, theirs.time_s)
                key = (system_track, other) if system_track < other else (other, system_track)
                if system_track > other:
                    times = times[::-1]
                votes, last = self._burn_votes.get(key, (0, (None, None)))
                if times[0] == last[0] or times[1] == last[1]:
                    continue
                votes += 1
                self._burn_votes[key] = (votes, times)
                if votes >= self.BURN_CONFIRM_N:
                    self.apart.setdefault(system_track, set()).add(other)
                    self.apart.setdefault(other, set()).add(system_track)

    def look_back(self, system_track: str, candidates: list[str]) -> bool:
        """Fly the track's latest state back through the candidates' paths; True when a new path met it."""
        state = self.paths.latest.get(system_track)
        if state is None or state.thrusting:
            return False
        if state.time_s - self._tested_s.get(system_track, -float("inf")) < self.RETEST_S:
            return False
        known = self.met.get(system_track, set()) | self.apart.get(system_track, set())
        paths = {c: self.paths.path(c) for c in candidates if c != system_track and c not in known}
        found, told = met(state, paths)
        if told and not found:
            self._tested_s[system_track] = state.time_s
        for other in found:
            self.met.setdefault(system_track, set()).add(other)
            self.met.setdefault(other, set()).add(system_track)
        return bool(found)

    def merged(self, old_track: str, survivor: str) -> None:
        self.paths.merged(old_track, survivor)
        for relation in (self.apart, self.met):
            for other in relation.pop(old_track, set()):
                relation[other].discard(old_track)
                if other != survivor:
                    relation[other].add(survivor)
                    relation.setdefault(survivor, set()).add(other)
