"""The alert life cycle of one node's warning engine, one alert per system track.

launch  -> the first time a system track is seen: "a launch is in progress".
threat / overflight -> when protected areas are predicted *consistently*: an area
        is added only after it is predicted in `confirm_n` consecutive
        assessments, and dropped only after it is absent from `clear_n`
        consecutive ones (hysteresis, so a jittering ellipse edge does not make
        an area flap on and off a public warning).
correction -> the standing areas change; withdrawal -> no area stands any more
        (explicit, so a wrong-area warning never stays up silently).
passed  -> an overflown area the object has already flown over (it was under the
        object at an assessment) is released with an all-clear naming it, not a
        withdrawal: the warning was right, the danger has moved on.
impact  -> the predicted impact time has passed; all-clear -> the track has
        ended after its impact.
Every message carries the alert's stable warning_id and a growing revision.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triwatch.messages import GroundPoint, WarningReport
from triwatch.warning.assessment import Assessment


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

    def __init__(self, issuer: str, *, confirm_n: int = 2, clear_n: int = 3, impact_grace_s: float = 5.0) -> None:
        self.issuer = issuer
        self.confirm_n = confirm_n
        self.clear_n = clear_n
        self.impact_grace_s = impact_grace_s
        self.alerts: dict[str, Alert] = {}

    def _message(
        self, alert: Alert, kind: str, t_s: float, text: str, areas: set[str] | None = None, **extra
    ) -> WarningReport:
        alert.revision += 1
        last = alert.last
        return WarningReport(
            warning_id=alert.warning_id,
            revision=alert.revision,
            kind=kind,
            issuer=self.issuer,
            system_track=alert.system_track,
            time_s=t_s,
            areas=sorted(alert.standing if areas is None else areas),
            subregions=list(last.subregions) if last else [],
            impact=last.ellipse if last else None,
            impact_time_s=last.impact_time_s if last else None,
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
    ) -> list[WarningReport]:
        """Feed the latest assessment of a live system track; return the messages it causes."""
        out: list[WarningReport] = []
        alert = self.alerts.get(system_track)
        if alert is None:
            alert = Alert(f"{self.issuer}-W{len(self.alerts) + 1:03d}", system_track)
            self.alerts[system_track] = alert
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
        if alert.closed or assessment is None:
            return out
        alert.last = assessment
        alert.overflown |= set(assessment.over_now) & alert.standing
        predicted = set(assessment.areas)
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
        if not alert.impacted and t_s >= assessment.impact_time_s + self.impact_grace_s:
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
        alert.closed = True
        named = set(alert.standing)
        alert.standing = set()
        return [self._message(alert, "withdrawal", t_s, f"Superseded by {keeper.warning_id}", named)]

    def lost(self, system_track: str, t_s: float) -> list[WarningReport]:
        """The system track has ended; close its alert with an all-clear."""
        alert = self.alerts.get(system_track)
        if alert is None or alert.closed:
            return []
        alert.closed = True
        cleared = sorted(alert.standing)
        alert.standing = set()
        text = f"All clear for {', '.join(cleared)}" if cleared else "All clear"
        return [self._message(alert, "all-clear", t_s, text, set(cleared))]
