"""The alert life cycle of one node's warning engine, one alert per system track and scope.

A book has a scope (`triwatch.warning.authority`): LAUNCH books announce launches
and never name an area; a nation's book names only that nation's areas and says
nothing until it has an area to name; a book without a scope does both, for
every protected nation (one alert per system track, as a lone node would).

launch  -> the first time a system track is seen: "a launch is in progress".
settled -> only a track's *settled* predictions name areas: the track's longest
        member arc (how long one nation has filtered the object) must reach
        `mature_s`. A new or re-acquired track starts from a few measurements and
        its velocity is off by tens to hundreds of m/s for its first seconds, so its
        impact prediction moves by tens of km while it converges; counting those
        predictions towards an area is how a separated part or a re-acquired
        re-entering object came to name a wrong area (measured on the ICBM library
        scenarios: re-acquisition tracks predicted JPN-EEZ for 12-24 s before
        settling ~40 km outside it; a second track of the spent stage, 700 m/s
        uncertain, named four areas from a 480 km ellipse).
threat / overflight -> when protected areas are predicted *consistently*: an area
        is added only after it is predicted in `confirm_n` consecutive
        assessments, and dropped only after it is absent from `clear_n`
        consecutive ones (hysteresis, so a jittering ellipse edge does not make
        an area flap on and off a public warning). An impact area is predicted when
        the impact distribution puts MIN_AREA_MASS (5 %) in it (`warning.impact_mass`);
        one already standing stays predicted while it keeps KEEP_AREA_MASS (2 %), so
        a mass hovering at the threshold does not flap it either.
correction -> the standing areas change; withdrawal -> no area stands any more
        (explicit, so a wrong-area warning never stays up silently).
passed  -> an overflown area the object has already flown over (it was under the
        object at an assessment) is released with an all-clear naming it, not a
        withdrawal: the warning was right, the danger has moved on.
impact  -> the predicted impact time has passed; all-clear -> the track has
        ended after its impact. A track that ends *before* its predicted impact
        time (a lofted missile out of every radar's reach, or between hand-overs)
        has been lost, not ended: the alert stands, with what it names, until the
        predicted impact time has passed, and only then closes with its all-clear.
Every message carries the alert's stable warning_id and a growing revision.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from triwatch.messages import GroundPoint, WarningReport
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import LAUNCH
from triwatch.warning.impact_mass import KEEP_AREA_MASS

# Measured on the library's re-acquisition tracks: velocity uncertainty falls from km/s to
# ~10 m/s over the first 25-30 s of a track, and the impact prediction settles with it.
MATURE_S = 30.0


@dataclass
class Alert:
    warning_id: str
    system_track: str
    revision: int = 0
    standing: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)
    absent: dict[str, int] = field(default_factory=dict)
    last: Assessment | None = None
    overflown: set[str] = field(default_factory=set)
    impacted: bool = False
    closed: bool = False


class AlertBook:
    """Turns a stream of assessments per system track into warning messages."""

    def __init__(
        self,
        issuer: str,
        *,
        confirm_n: int = 2,
        clear_n: int = 3,
        impact_grace_s: float = 5.0,
        mature_s: float = MATURE_S,
        scope: str | None = None,
        numbering: Iterator[int] | None = None,
    ) -> None:
        for name, value in (("confirm_n", confirm_n), ("clear_n", clear_n)):
            if value < 1:
                raise ValueError(f"AlertBook({issuer!r}).{name}: must be >= 1, got {value!r}")
        for name, value in (("impact_grace_s", impact_grace_s), ("mature_s", mature_s)):
            if not value >= 0:
                raise ValueError(f"AlertBook({issuer!r}).{name}: must be >= 0, got {value!r}")
        self.issuer = issuer
        self.confirm_n = confirm_n
        self.clear_n = clear_n
        self.impact_grace_s = impact_grace_s
        self.mature_s = mature_s
        self.scope = scope
        self.alerts: dict[str, Alert] = {}
        # Warning ids are never reused (not even after an alert leaves `alerts` in a merge), and
        # books of one issuer share their numbering so that their ids never collide.
        self._numbers = numbering if numbering is not None else itertools.count(1)

    # A book used alone as a node's desk issues everything itself, for every system track: it has
    # no partners' alerts to follow and nothing held back (`triwatch.warning.desk` does both).
    def follow(self, system_track: str, members, parents=None, falling=False, live=None, state=None) -> None:
        """Nothing to record: a lone book does not match partners' alerts."""

    def heard(self, w: WarningReport) -> None:
        """A partner's alert changes nothing for a lone book."""

    def contact(self, nation: str, t_s: float) -> None:
        """A lone book does not stand in for anyone."""

    def release_due(self, t_s: float) -> list[WarningReport]:
        """A lone book holds nothing back."""
        return []

    @property
    def announces_launch(self) -> bool:
        return self.scope is None or self.scope == LAUNCH

    def _scoped(self, assessment: Assessment) -> Assessment:
        if self.scope is None:
            return assessment
        return assessment.for_nation("" if self.scope == LAUNCH else self.scope)

    @staticmethod
    def _spoken(alert: Alert) -> bool:
        return alert.revision > 0

    def _message(
        self, alert: Alert, kind: str, t_s: float, text: str, areas: set[str] | None = None, **extra
    ) -> WarningReport:
        if not alert.warning_id:  # numbered when it first speaks: ids run on without gaps for silent alerts
            alert.warning_id = f"{self.issuer}-W{next(self._numbers):03d}"
        alert.revision += 1
        last = alert.last
        return WarningReport(
            warning_id=alert.warning_id,
            revision=alert.revision,
            kind=kind,
            issuer=self.issuer,
            scope=self.scope or "",
            system_track=alert.system_track,
            time_s=t_s,
            areas=sorted(alert.standing if areas is None else areas),
            subregions=list(last.subregions) if last else [],
            impact=last.ellipse if last else None,
            impact_time_s=last.impact_time_s if last else None,
            basis=last.basis if last and kind != "launch" else "",
            text=text,
            **extra,
        )

    def observe(
        self,
        system_track: str,
        t_s: float,
        assessment: Assessment | None,
        *,
        launch: GroundPoint | None = None,
        category: str | None = None,
        cause_wall_ns: int = 0,
        arc_s: float = np.inf,
    ) -> list[WarningReport]:
        """Feed the latest assessment of a live system track; return the messages it causes.

        arc_s is the track's longest member arc (`SystemTrack.arc_s`); below `mature_s` the
        assessment is not yet settled and changes no area (the alert holds what it has).
        """
        out: list[WarningReport] = []
        alert = self.alerts.get(system_track)
        if alert is None:
            alert = Alert("", system_track)
            self.alerts[system_track] = alert
        if self.announces_launch and not self._spoken(alert):
            out.append(
                self._message(
                    alert,
                    "launch",
                    t_s,
                    "Missile launch detected",
                    launch=launch,
                    category=category,
                    cause_wall_ns=cause_wall_ns,
                )
            )
        if alert.closed or assessment is None or arc_s < self.mature_s:
            return out
        assessment = self._scoped(assessment)
        alert.last = assessment
        alert.overflown |= set(assessment.over_now) & alert.standing
        kept = {a for a in alert.standing if assessment.impact_mass.get(a, 0.0) >= KEEP_AREA_MASS}
        predicted = set(assessment.areas) | kept
        for area in predicted:
            alert.seen[area] = alert.seen.get(area, 0) + 1
            alert.absent[area] = 0
        for area in set(alert.seen) - predicted:
            alert.seen[area] = 0
            alert.absent[area] = alert.absent.get(area, 0) + 1
        add = {a for a in predicted if alert.seen[a] >= self.confirm_n} - alert.standing
        drop = {a for a in alert.standing if alert.absent.get(a, 0) >= self.clear_n}
        passed = drop & alert.overflown
        if passed:
            alert.standing -= passed
            drop -= passed
            out.append(
                self._message(
                    alert,
                    "all-clear",
                    t_s,
                    f"Missile has passed over {', '.join(sorted(passed))}",
                    set(passed),
                    category=category,
                    cause_wall_ns=cause_wall_ns,
                )
            )
        if add or drop:
            before = set(alert.standing)
            alert.standing = (alert.standing | add) - drop
            if not alert.standing:
                kind, text = "withdrawal", f"Warning withdrawn for {', '.join(sorted(before))}"
            elif not before:
                impact = set(assessment.impact_areas) & alert.standing
                kind = "threat" if impact else "overflight"
                text = f"Missile threat: {', '.join(sorted(alert.standing))}"
            else:
                kind, text = "correction", f"Corrected areas: {', '.join(sorted(alert.standing))}"
            named = before if kind == "withdrawal" else None
            out.append(
                self._message(
                    alert, kind, t_s, text, named, launch=launch, category=category, cause_wall_ns=cause_wall_ns
                )
            )
        if self._spoken(alert) and not alert.impacted and t_s >= assessment.impact_time_s + self.impact_grace_s:
            alert.impacted = True
            out.append(self._message(alert, "impact", t_s, "Predicted impact time has passed", category=category))
        return out

    def merged(self, old_track: str, survivor: str, t_s: float) -> list[WarningReport]:
        """Fusion merged old_track into survivor: the alert follows the surviving track.

        If the survivor has no alert yet, the old alert simply carries on under the survivor
        (same warning id, nothing to announce). If both had alerts, the old one is withdrawn
        explicitly, naming the alert that supersedes it, so no duplicate stays up.
        """
        alert = self.alerts.pop(old_track, None)
        if alert is None or alert.closed:
            return []
        if survivor not in self.alerts:
            alert.system_track = survivor
            self.alerts[survivor] = alert
            return []
        keeper = self.alerts[survivor]
        if not self._spoken(keeper):  # the survivor's alert has said nothing yet: the old one carries on
            alert.system_track = survivor
            self.alerts[survivor] = alert
            return []
        alert.closed = True
        if not self._spoken(alert):
            return []
        named = set(alert.standing)
        alert.standing = set()
        return [self._message(alert, "withdrawal", t_s, f"Superseded by {keeper.warning_id}", named)]

    def lost(self, system_track: str, t_s: float) -> list[WarningReport]:
        """The system track is no longer held: close its alert with an all-clear once its predicted impact time is past.

        Until then the track is lost, not ended, and the alert stands (called again on later
        assessments). An alert that never said anything closes silently.
        """
        alert = self.alerts.get(system_track)
        if alert is None or alert.closed:
            return []
        if alert.last is not None and t_s < alert.last.impact_time_s + self.impact_grace_s:
            return []
        alert.closed = True
        if not self._spoken(alert):
            return []
        cleared = sorted(alert.standing)
        alert.standing = set()
        text = f"All clear for {', '.join(cleared)}" if cleared else "All clear"
        return [self._message(alert, "all-clear", t_s, text, set(cleared))]
