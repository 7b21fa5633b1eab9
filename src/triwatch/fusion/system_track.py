"""A system track of the allied picture and its members (one per national track)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.messages import TrackReport


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
    shadow_of: str | None = None  # started beside this system track's fresh member of its nation (fusion.correlation)
    apart: int = 0  # a shadow's updates in a row outside its source's merge gate

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
