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

Rule of fragments: a nation's member not updated for longer than `superseded_s`
(about three revisits, 10 s) no longer blocks that nation's new track, though it
is still live (`stale_s`, 30 s): a tracker that lost an object and found it again
reports a new track id for the same object. When the new track gates, it joins
and replaces the old member in that system track (`merge.superseded_keys`).

Objects that fly together at first (a warhead and its stages just after
separation) can be correlated wrongly and drift apart later, so an assignment is
re-checked on every update: when a member's report fails the same gate against
the fusion of the *other* members for `split_after` updates in a row, it leaves
that system track and is correlated anew.

Correlation happens once per national track, so a track that started far off (a
poor first estimate) or two system tracks started by fragments of one object
would stay apart for good; the merge rule (`triwatch.fusion.merge`) joins two
system tracks whose fused states agree for `merge_after` updates in a row, into
the older number. System track numbers are this node's own ("JPN-S001"), stable
for the life of the system track; a number merged away ends, and `merged` maps
it to the number that carries on. Pedigree lists the nations that contributed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.fusion.calibration import NationCalibration
from triwatch.fusion.covariance_intersection import covariance_intersection, fuse_members
from triwatch.fusion.gating import BIAS_SIGMA_M, BIAS_SIGMA_MPS, gate_allowance
from triwatch.fusion.merge import GATE_CHI2_6DOF, MERGE_GATE_CHI2_3DOF, fresh_nations, state_distances, superseded_keys
from triwatch.fusion.predict import predict_many, predict_members
from triwatch.messages import TrackReport

GATE_CHI2_3DOF = 16.27  # 99.9 % of chi-square with 3 degrees of freedom


@dataclass
class Member:
    origin: str
    report: TrackReport
    x: np.ndarray
    P: np.ndarray
    since_s: float = 0.0  # time of the national track's first report in this picture

    @property
    def arc_s(self) -> float:
        """How long the nation has tracked this object: the span of its track's reports so far."""
        return self.report.time_s - self.since_s

    @property
    def inv_beta(self) -> float:
        """1/beta of the object as its nation estimated it (0: not estimated, flown in vacuum); see fusion.predict."""
        beta = self.report.beta_kg_m2
        return 1.0 / beta if beta is not None and beta > 0 else 0.0


def sharpest_inv_beta(members) -> float:
    """1/beta of the member whose nation knows the ballistic coefficient best (smallest sigma of ln beta); 0 if none."""
    known = [m for m in members if m.report.beta_kg_m2 is not None and m.report.log_beta_sigma is not None]
    return min(known, key=lambda m: m.report.log_beta_sigma).inv_beta if known else 0.0


@dataclass
class SystemTrack:
    """A fused track: its number, members, fused state and who contributed."""

    number: str
    serial: int = 0  # order of creation in this picture: the lower, the older
    members: dict[tuple[str, str], Member] = field(default_factory=dict)
    time_s: float = 0.0
    x: np.ndarray = field(default_factory=lambda: np.zeros(6))
    P: np.ndarray = field(default_factory=lambda: np.eye(6))
    last_update_s: float = 0.0
    inv_beta: float = 0.0  # 1/beta the fused state is flown with (sharpest_inv_beta of its members)

    @property
    def pedigree(self) -> list[str]:
        return sorted({m.origin for m in self.members.values()})

    def live_members(self, now_s: float, stale_s: float) -> list[Member]:
        return [m for m in self.members.values() if now_s - m.report.time_s <= stale_s]

    def arc_s(self, now_s: float, stale_s: float) -> float:
        """The longest track arc among the live members (0 when none is live).

        A track filtered over a longer arc has a better-settled velocity: the first
        seconds of a newly initiated (or re-acquired) track carry velocity errors of
        tens to hundreds of m/s, which move its impact prediction by tens of km.
        """
        return max((m.arc_s for m in self.live_members(now_s, stale_s)), default=0.0)

    def latest(self) -> TrackReport:
        """The most recent member report (its launch/impact/category fields)."""
        return max(self.members.values(), key=lambda m: m.report.time_s).report


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
        merge_gate: float = GATE_CHI2_6DOF,
        merge_gate_pos: float = MERGE_GATE_CHI2_3DOF,
        merge_after: int = 3,
        bias_sigma_m: float = BIAS_SIGMA_M,
        bias_sigma_mps: float = BIAS_SIGMA_MPS,
        calibrate: bool = False,
    ) -> None:
        for name, value in (
            ("stale_s", stale_s),
            ("superseded_s", superseded_s),
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
        self.merge_gate = merge_gate
        self.merge_after = merge_after
        self.merge_gate_pos = merge_gate_pos
        self.allowance = gate_allowance(bias_sigma_m, bias_sigma_mps)
        self._misfits: dict[tuple[str, str], int] = {}
        self._agreements: dict[frozenset[str], int] = {}
        self.tracks: dict[str, SystemTrack] = {}
        self.merged: dict[str, str] = {}  # absorbed system track number -> the number it merged into
        self._assignment: dict[tuple[str, str], str] = {}
        self._arc_since: dict[tuple[str, str], float] = {}  # national track -> start of its current arc
        self._heard_at: dict[tuple[str, str], float] = {}  # national track -> time of its latest report
        self._next = 1
        self.calibration = NationCalibration() if calibrate else None  # fusion.calibration: off by default

    def ingest(self, origin: str, report: TrackReport) -> SystemTrack:
        """Add a track report from a nation (this node's own or a partner's); return its system track."""
        key = (origin, report.track_id)
        x = np.asarray(report.x, float)
        P = np.asarray(report.P, float)
        number = self._assignment.get(key)
        if number is not None and not self._still_fits(key, number, report, x, P):
            del self.tracks[number].members[key]
            if self.tracks[number].members:
                self._fuse(self.tracks[number])
            number = None
        if number is None:
            number = self._correlate(origin, report, x, P)
        st = self.tracks[number]
        st.members[key] = Member(origin, report, x, P, self._arc_start(key, report.time_s))
        self._assignment[key] = number
        self._retire_superseded(st)
        self._fuse(st)
        return self._merge_converging(st, report.time_s)

    def _arc_start(self, key: tuple[str, str], t_s: float) -> float:
        """Start of the national track's current arc: its first report, or the first after a silence longer than stale_s.

        A tracker that coasts a track through a long gap (a lofted missile above every radar)
        and then updates it again under the same id has, in effect, a new track: its
        velocity was found again from the new measurements alone.
        """
        last = self._heard_at.get(key)
        if last is None or t_s - last > self.stale_s:
            self._arc_since[key] = t_s
        self._heard_at[key] = max(t_s, last if last is not None else t_s)
        return self._arc_since[key]

    def _retire_superseded(self, st: SystemTrack) -> None:
        """Drop members a newer fragment of the same nation replaced; their track ids correlate anew if heard again."""
        for key in superseded_keys(st.members, self.superseded_s):
            del st.members[key]
            self._misfits.pop(key, None)
            if self._assignment.get(key) == st.number:
                del self._assignment[key]

    def _merge_converging(self, st: SystemTrack, now_s: float) -> SystemTrack:
        """Count, for st and each other active system track, updates in a row that pass the merge rule; merge at merge_after.

        Returns the system track st's members now belong to (st, or the older one it merged into).
        """
        others = [o for o in self.active(now_s) if o is not st]
        d2, d2_pos = state_distances(st.x, st.P + self.allowance, st.time_s, others)
        mine = fresh_nations(st.members.values(), now_s, self.superseded_s)
        ready: list[tuple[float, SystemTrack]] = []
        for other, d, d_pos in zip(others, d2, d2_pos, strict=True):
            pair = frozenset((st.number, other.number))
            theirs = fresh_nations(other.members.values(), now_s, self.superseded_s)
            if d < self.merge_gate and d_pos < self.merge_gate_pos and not mine & theirs:
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
        self._retire_superseded(keep)
        self._fuse(keep)
        return keep

    def _still_fits(self, key: tuple[str, str], number: str, report: TrackReport, x: np.ndarray, P: np.ndarray) -> bool:
        """Whether a member's new report still gates with the fusion of the system track's other live members."""
        others = [
            m
            for k, m in self.tracks[number].members.items()
            if k != key and report.time_s - m.report.time_s <= self.stale_s
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
        """The system track whose fused state, flown to the report's time, gates closest with it; a new one if none does."""
        best, best_d2 = None, self.gate
        candidates = []
        for number, st in self.tracks.items():
            live = st.live_members(report.time_s, self.stale_s)
            if live and origin not in fresh_nations(live, report.time_s, self.superseded_s):
                candidates.append((number, st))
        if candidates:
            sts = [st for _, st in candidates]
            xs, Ps = predict_many(
                np.array([st.x for st in sts]),
                np.array([st.P for st in sts]),
                np.array([report.time_s - st.time_s for st in sts]),
                inv_beta=np.array([st.inv_beta for st in sts]),
            )
            d = x[:3] - xs[:, :3]
            S = P[:3, :3] + Ps[:, :3, :3] + self.allowance[:3, :3]
            d2 = np.einsum("ni,ni->n", d, np.linalg.solve(S, d[..., None])[..., 0])
            i = int(np.argmin(d2))
            if d2[i] < best_d2:
                best = candidates[i][0]
        if best is None:
            best = f"{self.nation}-S{self._next:03d}"
            self.tracks[best] = SystemTrack(best, serial=self._next)
            self._next += 1
        return best

    def _fuse(self, st: SystemTrack) -> None:
        """Covariance intersection of the live members, each brought to the newest member's time and
        discounted by its age (`covariance_intersection.discount_by_age`)."""
        newest = max(m.report.time_s for m in st.members.values())
        live = st.live_members(newest, self.stale_s)
        xs, Ps = predict_members(live, newest)
        ages = newest - np.array([m.report.time_s for m in live])
        origins = [m.origin for m in live]
        thrusting = np.full(len(live), any(m.report.thrusting for m in live))  # an object under thrust: not calibrated
        scale = (
            np.ones(len(live))
            if self.calibration is None
            else np.where(thrusting, 1.0, self.calibration.scales(origins))
        )
        st.x, st.P, agree = fuse_members(xs, Ps * scale[:, None, None], ages, self.allowance[:3, :3], self.gate)
        if self.calibration is not None:  # each nation's over-confidence, from cross-nation residuals
            self.calibration.observe(origins, origins, xs, Ps, ages, agree & ~thrusting)
        st.inv_beta = sharpest_inv_beta([m for m, ok in zip(live, agree, strict=True) if ok])
        st.time_s = newest
        st.last_update_s = newest

    def active(self, now_s: float) -> list[SystemTrack]:
        """System tracks with at least one member updated within the staleness window."""
        return [st for st in self.tracks.values() if now_s - st.last_update_s <= self.stale_s]
