"""One public alert per launch and scope, from the alerts of the launch's objects.

The alert books (`triwatch.warning.lifecycle`) follow each system track — each object
of a launch — with their hysteresis, settling, overflight and lost-track rules. What
leaves the node is one alert per launch event (`triwatch.warning.launch_events`) and
scope. Its state is the union of its objects' alerts:

    standing = U_objects standing        (areas any object of the launch threatens now)
    passed   = U_objects overflown       (land an object has flown over while it stood)
    impacted = every object alert that spoke has impacted or closed, and one impacted
    closed   = every object alert has closed

and a revision is issued whenever that state changes:

- first areas -> `threat` (an area is an object's impact area) or `overflight`;
- areas added or dropped -> `correction`; none left -> `withdrawal` naming what stood;
- dropped areas that were flown over -> `all-clear` naming them (the danger moved on);
- impacted -> `impact`; closed -> `all-clear` naming what still stood.

So when a spent stage or a separated part becomes its own system track, the launch's
warning is updated (a new area is a correction of the same warning id), not
duplicated; an object that leaves the launch (its lineage contradicted) takes its
areas with it, and the launch's warning is corrected accordingly.

A LAUNCH-scope alert names no area: `launch` when the launch's first object is seen,
then `impact` and `all-clear`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from triwatch.messages import GroundPoint, WarningReport
from triwatch.warning.authority import LAUNCH
from triwatch.warning.lifecycle import Alert


@dataclass
class PublicAlert:
    """The alert of one launch event and scope as its issuer says it."""

    scope: str
    event: str
    warning_id: str = ""
    revision: int = 0
    standing: set[str] = field(default_factory=set)
    impacted: bool = False
    closed: bool = False
    said_s: float = float("inf")  # when its first revision was said (merges keep the alert said first)
    issuer: str = ""  # who issued the revision it stands at (`takeover.revision_order`)

    @property
    def spoken(self) -> bool:
        return self.revision > 0


@dataclass
class Cause:
    """What the node knows of the assessment behind a revision (goes on the message as is)."""

    t_s: float
    system_track: str
    launch: GroundPoint | None = None
    category: str | None = None
    cause_wall_ns: int = 0


def _carried(objects: list[Alert], cause: str) -> Alert | None:
    """The object whose assessment (impact ellipse, system track) a revision carries.

    The launch's first object once assessed (objects come payload first,
    `LaunchEvents.payload_first`: by energy where the states tell, else by lineage): a public
    warning's ellipse is where the warhead lands, whichever object's change caused the revision.
    Else the object that caused it, else the latest assessed.
    """
    first = objects[0] if objects else None
    if first is not None and first.last is not None:
        return first  # closed too: its last assessment is the payload's last prediction
    assessed = [o for o in objects if o.last is not None]
    for o in assessed:
        if o.system_track == cause:
            return o
    return max(assessed, key=lambda o: o.last.time_s, default=None)


def advance(
    alert: PublicAlert, objects: list[Alert], cause: Cause, issuer: str, number: Callable[[], str]
) -> list[WarningReport]:
    """Bring a launch's public alert to the union of its objects' alerts; return the revisions that takes."""
    if alert.closed or not objects:
        return []
    out: list[WarningReport] = []
    source = _carried(objects, cause.system_track)
    carrier = source.system_track if source is not None else cause.system_track

    def say(kind: str, text: str, areas: set[str], with_launch: bool = False) -> None:
        if not alert.warning_id:
            alert.warning_id = number()
        if not alert.spoken:
            alert.said_s = cause.t_s
        alert.revision += 1
        alert.issuer = issuer
        last = source.last if source is not None else None
        extra = {"launch": cause.launch, "cause_wall_ns": cause.cause_wall_ns} if with_launch else {}
        if cause.launch is not None:
            # Every revision carries the launch point once it is known: a launch alert said at
            # first sight (before any estimate) would otherwise never tell its users where from.
            extra["launch"] = cause.launch
        out.append(
            WarningReport(
                warning_id=alert.warning_id,
                revision=alert.revision,
                kind=kind,
                issuer=issuer,
                scope=alert.scope,
                system_track=carrier,
                time_s=cause.t_s,
                areas=sorted(areas),
                subregions=list(last.subregions) if last else [],
                impact=last.ellipse if last else None,
                impact_time_s=last.impact_time_s if last else None,
                basis=last.basis if last and kind != "launch" else "",  # what the areas rest on
                category=cause.category,
                text=text,
                **extra,
            )
        )

    live = [o for o in objects if not o.closed]
    standing = set().union(*(o.standing for o in live))
    # Areas whose danger is over: land an object flew over, and where a closed object's alert stood
    # (it closed after its impact): dropping them is an all-clear, not a withdrawal.
    passed = set().union(*(o.overflown for o in objects))
    passed |= set().union(*(o.last.areas for o in objects if o.closed and o.last and cause.t_s >= o.last.impact_time_s))
    spoke = [o for o in objects if o.revision > 0]
    impacted = any(o.impacted for o in spoke) and all(o.impacted or o.closed for o in spoke)
    closed = not live

    if alert.scope == LAUNCH:
        if not alert.spoken:
            say("launch", "Missile launch detected", set(), with_launch=True)
    elif standing != alert.standing:
        before = set(alert.standing)
        over = (before - standing) & passed
        if over and alert.spoken and not closed:
            say("all-clear", f"Danger has passed for {', '.join(sorted(over))}", over)
            before -= over
        # Closing: what still stands is named by the closing all-clear below.
        alert.standing = before if closed else standing
        if closed:
            pass
        elif not standing and before and alert.spoken:
            say("withdrawal", f"Warning withdrawn for {', '.join(sorted(before))}", before)
        elif standing and not before:
            impact_areas = set().union(*(o.last.impact_areas for o in live if o.last is not None))
            kind = "threat" if standing & impact_areas else "overflight"
            say(kind, f"Missile threat: {', '.join(sorted(standing))}", standing, with_launch=True)
        elif standing != before:
            say("correction", f"Corrected areas: {', '.join(sorted(standing))}", standing, with_launch=True)
    if alert.spoken and impacted and not alert.impacted:
        alert.impacted = True
        say("impact", "Predicted impact time has passed", alert.standing)
    if closed:
        alert.closed = True
        if alert.spoken:
            cleared = set(alert.standing)
            alert.standing = set()
            say("all-clear", f"All clear for {', '.join(sorted(cleared))}" if cleared else "All clear", cleared)
    return out


def merge(alerts: list[PublicAlert], event: str, cause: Cause, issuer: str) -> tuple[PublicAlert, list[WarningReport]]:
    """Launch events turned out to be one launch (`event`): one alert of a scope carries on, the others end.

    Rule: the open alert that was *said first* carries on, under its warning id, for the joined
    launch: a watch officer who acknowledged it keeps following the same warning, and its later
    revisions correct it to the joined launch's areas. Every other open alert that was said is
    withdrawn explicitly as a merge ("Superseded by <id>"); one never said ends silently. With
    none open and said, the first of `alerts` (the keeping event's) carries on.

    Why not "the older event's alert": an event's age is when this node first saw a track of it,
    not when its alert was said; after an outage a node's older event may have said nothing yet
    (measured: irbm-2022-10-04-faults, the launch alert said at 100 s was withdrawn at 392 s in
    favour of one said at 204 s).
    """
    if not alerts:
        raise ValueError(f"merge({event!r}): no alerts to merge")
    said = [a for a in alerts if a.spoken and not a.closed]
    keeper = min(said, key=lambda a: a.said_s) if said else alerts[0]
    keeper.event = event
    out: list[WarningReport] = []
    for gone in alerts:
        gone.event = event  # a withdrawal names the joined launch's tracks, so partners know which
        if gone is keeper or gone.closed:
            continue
        gone.closed = True
        if not gone.spoken:
            continue
        gone.revision += 1
        gone.issuer = issuer
        named, gone.standing = sorted(gone.standing), set()
        out.append(
            WarningReport(
                warning_id=gone.warning_id,
                revision=gone.revision,
                kind="withdrawal",
                issuer=issuer,
                scope=gone.scope,
                system_track=cause.system_track,
                time_s=cause.t_s,
                areas=named,
                text=f"Superseded by {keeper.warning_id}: the same launch",
            )
        )
    return keeper, out
