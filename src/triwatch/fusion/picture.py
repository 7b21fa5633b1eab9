"""The allied picture one node holds: system tracks fused from its own and partners' tracks.

Rule of correlation: a reported track (origin nation, track id) keeps the system
track it was first assigned to. A new one joins the nearest system track when
its position passes a chi-square gate (3 degrees of freedom) against the system
track predicted to the report's time,

    d^2 = (r_rep - r_sys)^T (P_rep,rr + P_sys,rr + B_rr)^-1 (r_rep - r_sys) < gate,

(B allows for what the nations' covariances leave out, registration and
over-confidence; `triwatch.fusion.gating`; every gate below has it too), and
that system track has no *fresh* member from the same nation (a nation's two
tracks are two objects, e.g. a warhead and its spent stage). Otherwise it starts
a new system track.

Rule of fragments: a tracker that lost an object and found it again reports a new
track id for the same object. A nation's two tracks are two objects when they were
*concurrent* (each reported after the other's first report,
`national_tracks.NationalTracks.concurrent`), however irregularly each is updated;
a track that started after another of its nation fell silent, and gates, is a
fragment of the same object. It joins that system track and, once the old member
has been silent for `superseded_s` (about three revisits, 10 s) relative to it,
replaces it. Dormant system tracks (no member for longer than `stale_s`) are
offered to new tracks too, flown over the silence (`fusion.correlation`), so an
object's number survives coverage gaps and node restarts; a new track next to a
fresh track of its own nation starts a hidden *shadow* system track until a
second nation reports it or it leaves the track it shadows (`fusion.correlation`,
"Shadows").

Objects that fly together at first (a warhead and its stages just after
separation) can be correlated wrongly and drift apart later, so an assignment is
re-checked on every update: when a member's report fails the same gate against
the fusion of the *other* members for `split_after` updates in a row, it leaves
that system track and is correlated anew.

Correlation happens once per national track, so a track that started far off (a
poor first estimate) or two system tracks started by fragments of one object
would stay apart for good; the merge rule (`triwatch.fusion.merge`) joins two
system tracks whose fused states agree for `merge_after` updates in a row, into
the older number, unless a nation denies it: it holds a fresh track in both, or
two concurrent live tracks, one in each (it sees two objects there). System track numbers are this node's own ("JPN-S001"), stable
for the life of the system track; a number merged away ends, and `merged` maps
it to the number that carries on. Pedigree lists the nations that contributed.
"""

from __future__ import annotations

import numpy as np

from triwatch.fusion import shadows, swaps
from triwatch.fusion.calibration import NationCalibration
from triwatch.fusion.combine import fuse_system_track
from triwatch.fusion.correlation import Candidate, nearest_in_gate
from triwatch.fusion.covariance_intersection import covariance_intersection
from triwatch.fusion.gating import BIAS_SIGMA_M, BIAS_SIGMA_MPS, gate_allowance
from triwatch.fusion.merge import GATE_CHI2_6DOF, MERGE_GATE_CHI2_3DOF, state_distances
from triwatch.fusion.national_tracks import NationalTracks
from triwatch.fusion.predict import predict_members
from triwatch.fusion.system_track import Member, SystemTrack, sharpest_inv_beta
from triwatch.messages import TrackReport

__all__ = ["AlliedPicture", "Member", "SystemTrack", "sharpest_inv_beta"]

GATE_CHI2_3DOF = 16.27  # 99.9 % of chi-square with 3 degrees of freedom
DORMANT_S = 4500.0  # the longest ballistic flights (lofted ICBMs) last ~4200 s
DORMANT_MIN_ARC_S = 20.0  # a system track offered after a silence was held that long by one nation (fusion.correlation)


class AlliedPicture:
    """System tracks of one node, fed by local and partner TrackReports."""

    def __init__(
        self,
        nation: str,
        *,
        stale_s: float = 30.0,
        gate: float = GATE_CHI2_3DOF,
        split_after: int = 3,
        superseded_s: float = 10.0,
        dormant_s: float = DORMANT_S,
        merge_gate: float = GATE_CHI2_6DOF,
        merge_gate_pos: float = MERGE_GATE_CHI2_3DOF,
        merge_after: int = 3,
        bias_sigma_m: float = BIAS_SIGMA_M,
        bias_sigma_mps: float = BIAS_SIGMA_MPS,
        calibrate: bool = True,
    ) -> None:
        for name, value in (
            ("stale_s", stale_s),
            ("superseded_s", superseded_s),
            ("dormant_s", dormant_s),
            ("gate", gate),
            ("merge_gate", merge_gate),
            ("merge_gate_pos", merge_gate_pos),
        ):
            if not value > 0:
                raise ValueError(f"AlliedPicture({nation!r}).{name}: must be > 0, got {value!r}")
        for name, value in (("split_after", split_after), ("merge_after", merge_after)):
            if value < 1:
                raise ValueError(f"AlliedPicture({nation!r}).{name}: must be >= 1, got {value!r}")
        if superseded_s > stale_s:
            raise ValueError(
                f"AlliedPicture({nation!r}).superseded_s: {superseded_s} s is longer than stale_s {stale_s} s"
            )
        self.nation = nation
        self.stale_s = stale_s
        self.gate = gate
        self.split_after = split_after
        self.superseded_s = superseded_s
        self.dormant_s = dormant_s
        self.merge_gate = merge_gate
        self.merge_after = merge_after
        self.merge_gate_pos = merge_gate_pos
        self.allowance = gate_allowance(bias_sigma_m, bias_sigma_mps)
        self._misfits: dict[tuple[str, str], int] = {}
        self._agreements: dict[frozenset[str], int] = {}
        self.tracks: dict[str, SystemTrack] = {}
        self.merged: dict[str, str] = {}  # absorbed system track number -> the number it merged into
        self._assignment: dict[tuple[str, str], str] = {}
        self.heard = NationalTracks(stale_s)  # first/last report and current arc of every national track
        self._next = 1
        self.calibration = NationCalibration() if calibrate else None  # fusion.calibration: on by default

    def ingest(self, origin: str, report: TrackReport) -> SystemTrack:
        """Add a track report from a nation (this node's own or a partner's); return its system track."""
        key = (origin, report.track_id)
        x = np.asarray(report.x, float)
        P = np.asarray(report.P, float)
        arc_since = self.heard.heard(key, report.time_s)
        number = self._assignment.get(key)
        if number is not None and not self._still_fits(key, number, report, x, P):
            traded = swaps.trade(self, key, number, Member(origin, report, x, P, arc_since))  # None: no trade
            if traded is None:
                del self.tracks[number].members[key]
                if self.tracks[number].members:
                    self._fuse(self.tracks[number])
            number = traded
        if number is None:
            number = self._correlate(origin, report, x, P)
        st = self.tracks[number]
        st.members[key] = Member(origin, report, x, P, arc_since)
        self._assignment[key] = number
        self._retire_superseded(st)
        self._fuse(st)
        if st.shadow_of is not None:
            source = shadows.source_of(st, self.tracks, self.merged)
            shadows.prove(st, source, self.allowance, self.merge_gate, self.merge_after)
        return self._merge_converging(st, report.time_s)

    def _fresh_nations(self, st: SystemTrack, now_s: float) -> set[str]:
        """Nations with a member of st heard within superseded_s of now_s."""
        return {m.origin for m in st.members.values() if now_s - m.report.time_s <= self.superseded_s}

    def _retire_superseded(self, st: SystemTrack) -> None:
        """Drop members a newer fragment of the same nation replaced; their track ids correlate anew if heard again.

        A member is replaced by a same-nation member that started after it fell silent (not
        concurrent: `NationalTracks.succeeds`) and has been heard superseded_s later than it.
        """
        gone = []
        for key, m in st.members.items():
            for other, o in st.members.items():
                if (
                    o.origin == m.origin
                    and self.heard.succeeds(other, key)
                    and o.report.time_s - m.report.time_s > self.superseded_s
                ):
                    gone.append(key)
                    break
        for key in gone:
            del st.members[key]
            self._misfits.pop(key, None)
            if self._assignment.get(key) == st.number:
                del self._assignment[key]

    def _denied(self, a: SystemTrack, b: SystemTrack, now_s: float) -> bool:
        """Whether some nation says a and b are two objects: a fresh track in both, or concurrent live tracks, one in each."""
        if self._fresh_nations(a, now_s) & self._fresh_nations(b, now_s):
            return True
        live_a = [k for k, m in a.members.items() if now_s - m.report.time_s <= self.stale_s]
        live_b = [k for k, m in b.members.items() if now_s - m.report.time_s <= self.stale_s]
        return any(ka[0] == kb[0] and self.heard.concurrent(ka, kb) for ka in live_a for kb in live_b)

    def _merge_converging(self, st: SystemTrack, now_s: float) -> SystemTrack:
        """Count, for st and each other live system track, updates in a row that pass the merge rule; merge at merge_after.

        Returns the system track st's members now belong to (st, or the older one it merged into).
        """
        others = [o for o in self._live(now_s) if o is not st]
        d2, d2_pos = state_distances(st.x, st.P + self.allowance, st.time_s, others)
        ready: list[tuple[float, SystemTrack]] = []
        for other, d, d_pos in zip(others, d2, d2_pos, strict=True):
            pair = frozenset((st.number, other.number))
            if d < self.merge_gate and d_pos < self.merge_gate_pos and not self._denied(st, other, now_s):
                self._agreements[pair] = self._agreements.get(pair, 0) + 1
                if self._agreements[pair] >= self.merge_after:
                    ready.append((float(d), other))
            else:
                self._agreements.pop(pair, None)
        if not ready:
            return st
        _, other = min(ready, key=lambda pair: pair[0])
        return self._merge(st, other)

    def _merge(self, a: SystemTrack, b: SystemTrack) -> SystemTrack:
        """Move the younger system track's members into the older one; the younger number ends."""
        keep, gone = (a, b) if a.serial < b.serial else (b, a)
        for key, m in gone.members.items():
            keep.members[key] = m
            self._assignment[key] = keep.number
            self._misfits.pop(key, None)
        del self.tracks[gone.number]
        self._agreements = {p: n for p, n in self._agreements.items() if gone.number not in p}
        self.merged[gone.number] = keep.number
        if keep.shadow_of == gone.number:
            keep.shadow_of = None
        self._retire_superseded(keep)
        self._fuse(keep)
        return keep

    def _still_fits(self, key: tuple[str, str], number: str, report: TrackReport, x: np.ndarray, P: np.ndarray) -> bool:
        """Whether a member's new report still gates with the fusion of the system track's other members
        heard within superseded_s of it (before or after: a backlog after an outage arrives late).

        Only those vouch for where the object is now: a member 30 s old, flown ballistically across a
        boost, misses a thrusting object by tens of km and would split every report of a backlog off.
        """
        others = [
            m
            for k, m in self.tracks[number].members.items()
            if k != key and abs(report.time_s - m.report.time_s) <= self.superseded_s
        ]
        if not others:
            self._misfits.pop(key, None)
            return True
        xs, Ps = predict_members(others, report.time_s)
        xo, Po = covariance_intersection(xs, Ps)
        d = x[:3] - xo[:3]
        d2 = float(d @ np.linalg.solve(P[:3, :3] + Po[:3, :3] + self.allowance[:3, :3], d))
        if d2 < self.gate:
            self._misfits.pop(key, None)
            return True
        self._misfits[key] = self._misfits.get(key, 0) + 1
        if self._misfits[key] < self.split_after:
            return True
        self._misfits.pop(key, None)
        return False

    def _correlate(self, origin: str, report: TrackReport, x: np.ndarray, P: np.ndarray) -> str:
        """The live or dormant system track nearest inside the gate (`fusion.correlation`); else a new one.

        A new one beside a system track that the nation's own fresh member barred is its shadow.
        """
        t = report.time_s
        candidates = [
            Candidate(number, origin in self._fresh_nations(st, t))
            for number, st in self.tracks.items()
            if st.members and (t - st.last_update_s <= self.stale_s or self._may_revive(st, t))
        ]
        best = nearest_in_gate(x, P, t, candidates, self.tracks, self.allowance, self.gate)
        if best is not None and not best.barred:
            return best.number
        if best is None:  # the nearest may be barred while another, farther, is free: try the free ones alone
            shadow_of = None
        else:
            free = [c for c in candidates if not c.barred]
            other = nearest_in_gate(x, P, t, free, self.tracks, self.allowance, self.gate)
            if other is not None:
                return other.number
            shadow_of = best.number
        number = f"{self.nation}-S{self._next:03d}"
        self.tracks[number] = SystemTrack(number, serial=self._next, shadow_of=shadow_of)
        self._next += 1
        return number

    def _may_revive(self, st: SystemTrack, t_s: float) -> bool:
        """Whether a dormant system track is offered to a new report at t_s (`fusion.correlation`): silent no
        longer than dormant_s, and held by some nation for at least DORMANT_MIN_ARC_S (a flight to predict)."""
        if t_s - st.last_update_s > self.dormant_s:
            return False
        return max(m.report.time_s - self.heard.first_s(k) for k, m in st.members.items()) >= DORMANT_MIN_ARC_S

    def _fuse(self, st: SystemTrack) -> None:
        """The live members' combination (`fusion.combine`: age discount, agreeing set, calibration, CI)."""
        fuse_system_track(st, self.stale_s, self.allowance, self.gate, self.calibration)

    def _live(self, now_s: float) -> list[SystemTrack]:
        """System tracks with at least one member updated within the staleness window, shadows included."""
        return [st for st in self.tracks.values() if now_s - st.last_update_s <= self.stale_s]

    def _hidden(self, st: SystemTrack, now_s: float) -> bool:
        return shadows.hidden(st, shadows.source_of(st, self.tracks, self.merged), now_s, self.stale_s)

    def active(self, now_s: float) -> list[SystemTrack]:
        """System tracks with at least one member updated within the staleness window (hidden shadows left out)."""
        return [st for st in self._live(now_s) if not self._hidden(st, now_s)]
