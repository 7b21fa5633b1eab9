"""Which system tracks are one launch: grouping a node's picture into launch events by track lineage.

A launch becomes several objects (warhead, spent stages, a separated part, re-entry
fragments) and the allied picture rightly holds them as several system tracks. A
watch officer must still get one launch alert per launch, and each threatened nation
one warning per launch. This module says which system tracks belong to one launch.

The evidence is the lineage the national trackers put on their tracks: a track born
from another (`TrackReport.parent_id`, `triwatch.tracking.lineage`: flown back, it
passed through its parent's path, so it separated from it). Lineage is per nation
(track ids are), so each nation's tracks form lineage families (union-find over
"track -> parent"); two national tracks of one family are one launch.

Rule. A system track S belongs to the launch event E when more nations *tie* S to E
than *deny* the tie:

- a nation ties them when one of its tracks in S is of the same lineage family as one
  of its tracks in E (now or before);
- a nation denies it when it holds a *live* track in S and one in E (reported within the
  picture's stale window), of different families, that its tracker watched apart
  (`lineage_families.Families.watched`): it tracks both objects and says neither separated
  from the other. A member left behind by a node that went down or behind a cut link says
  nothing about now; tracks a node re-acquired together carry no lineage either way.

Before the votes, physics (`launch_state.StateTies`): objects seen burning apart are two
launches; a coasting object whose path flown back meets another's is one launch with it.

Two missiles of a salvo fired seconds apart from one site: one nation's tracker may tie
the second to the first (the separation test passes a just-confirmed, still loose
track), the others track both and deny it (measured: srbm-salvo-crossing, R2 tied to R1
by USA only). A nation back from an outage re-acquires a warhead and its stage without
lineage (its tracker never saw them part): it denies alone against the two nations that
tie them. A tie between one claim and one denial is no link: a separate launch alert is
the safer error than a launch never announced.

An object first seen *falling* (descending, nothing thrusting) cannot be a new launch: a
launch is seen rising. It joins the launch one nation ties it to (a nation that re-acquires
an object in re-entry has no lineage to give, so its silence denies nothing), else the
launch in the air if there is exactly one (measured: slbm-2019-10-02, the second stage
re-acquired in re-entry with no lineage at all, 550 s after it was last tracked).

Otherwise S is a launch event of its own. The rule is re-evaluated whenever the
members of S change: S joins a linked event when the link appears, and leaves it (to
an event of its own) when the denials catch up. Common launch points are *not* used:
the library's launch estimates of two salvo missiles fired 20 s apart from one site
differ by 1.5-2 sigma (launch-time sigmas of 6-30 s; a tracker even hands a child its
parent's estimate), so a gate on them would join two launches.

No truth is used: lineage, members and fused states are what the nations' tracks carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from triwatch.warning.launch_state import ObjectState, StateTies, credible, payload_of
from triwatch.warning.lineage_families import Families, Key


@dataclass
class LaunchEvent:
    """A launch as this node's picture holds it: the system tracks of its objects."""

    name: str
    serial: int
    tracks: list[str] = field(default_factory=list)  # system track numbers, in order of joining


class LaunchEvents:
    """A node's launch events, kept up to date from its system tracks' members and their lineage."""

    def __init__(self) -> None:
        self._families = Families()
        self.events: dict[str, LaunchEvent] = {}
        self._event_of: dict[str, str] = {}  # system track -> event name
        self._current: dict[str, list[Key]] = {}  # system track -> its members now
        self._live: dict[str, set[Key]] = {}  # system track -> its members reported within the stale window
        self._history: dict[str, set[Key]] = {}  # system track -> every member it has had
        self._falling: dict[str, bool] = {}  # system track -> first seen falling (never a new launch)
        self._separated: set[Key] = set()  # national tracks their tracker says separated from another
        self.ties = StateTies()  # what the fused states say (`launch_state`): burned apart, paths met
        self._credible: set[str] = set()  # system tracks whose state has once been a missile's (`credible`)
        self._next = 1

    # -- queries ----------------------------------------------------------------------------
    def event_of(self, system_track: str) -> str | None:
        return self._event_of.get(system_track)

    def payload_first(self, event: str) -> list[str]:
        """The event's system tracks, the payload's first: by energy where the states tell, else by lineage.

        Lineage: the tracker keeps the parent track on the payload when objects part and gives the
        separated object (a stage) the child track (`triwatch.tracking.lineage`), so a system
        track of parent tracks only is the launch's payload, as far as lineage tells; ties keep
        the order of joining (the first-seen track first). But a tracker may keep the parent id on
        the stage (measured: irbm-2022-10-04-faults, every nation's track of the warhead was a
        child, and the launch alert carried the stage's impact, 2,250 km short): the states decide
        where they can (`launch_state.payload_of`: lineage's payload if it burns now, else the
        coasting object holding clearly the most energy).
        """
        tracks = self.events[event].tracks
        separated = [sum(k in self._separated for k in self._current.get(st, [])) for st in tracks]
        order = [st for _, _, st in sorted(zip(separated, range(len(tracks)), tracks, strict=True))]
        lead = payload_of(self.ties.paths.latest, order)
        order.remove(lead)
        return [lead, *order]

    def seen(self, event: str) -> bool | None:
        """Whether any object of the launch has had a credible state (`launch_state.credible`; None: no state known)."""
        tracks = self.events[event].tracks
        if not any(st in self.ties.paths.latest for st in tracks):
            return None
        return any(st in self._credible for st in tracks)

    def keys_of(self, event: str) -> list[str]:
        """Every national track any system track of the event has held, as "NATION/track-id", sorted."""
        keys = set().union(*(self._history.get(st, set()) for st in self.events[event].tracks))
        return sorted(f"{n}/{i}" for n, i in keys)

    # -- updates ----------------------------------------------------------------------------
    def update(
        self,
        system_track: str,
        members: Iterable[Key],
        parents: Mapping[Key, str | None],
        falling: bool = False,
        live: Mapping[Key, float] | None = None,
        state: ObjectState | None = None,
    ) -> str:
        """Record a system track's members (parents: member -> its parent track id); return its event's name.

        falling: the system track is descending and nothing thrusts (only its first update counts).
        live: the members reported within the picture's stale window, each with the start of its
        current arc (s; `fusion.picture.Member.since_s`); None: all live, arcs unknown. Only live
        members deny a tie (see WATCH_S).
        state: the system track's fused state, for the physical tests of `launch_state`.
        """
        current = sorted(members)
        for k in current:
            if not (isinstance(k, tuple) and len(k) == 2 and all(isinstance(p, str) and p for p in k)):
                raise ValueError(
                    f"LaunchEvents.update({system_track!r}): member {k!r} is not a (nation, track id) pair"
                )
        fresh = set(current) if live is None else set(live)
        if live is not None:
            self._families.started(live)
        if not fresh <= set(current):
            raise ValueError(
                f"LaunchEvents.update({system_track!r}): live members {sorted(fresh - set(current))} are not members"
            )
        self._live[system_track] = fresh
        for origin, track_id in current:
            parent = parents.get((origin, track_id))
            if parent:
                self._families.join((origin, track_id), (origin, parent))
                self._separated.add((origin, track_id))
        self._current[system_track] = current
        self._history.setdefault(system_track, set()).update(current)
        self._falling.setdefault(system_track, falling)
        if state is not None:
            self.ties.observe(system_track, state)
            if credible(state):
                self._credible.add(system_track)
        here = self._event_of.get(system_track)
        target = self._linked_event(system_track)
        if target is None and state is not None:
            # Lineage links it to no other launch: does its path, flown back, meet another launch's object?
            others = [st for e in self.events.values() if e.name != here for st in e.tracks]
            if others and self.ties.look_back(system_track, others):
                target = self._linked_event(system_track)
        if target is None and here is None and self._falling[system_track]:
            target = self._sole_live_event(system_track)
        if target is None and here is not None and self._stays(system_track, here):
            target = here
        if target is not None and target != here:
            if here is not None and self._founded_by(here, system_track):
                # Its own event (with what joined it) and the linked one are one launch: the
                # younger event joins the older, whichever track found the link.
                younger, older = sorted((here, target), key=lambda e: self.events[e].serial, reverse=True)
                self._absorb(younger, older)
            else:
                self._move(system_track, target)
        elif target is None and (here is None or not self._founded_by(here, system_track)):
            self._move(system_track, self._new_event())  # new, or contradicted in the event it had joined
        return self._event_of[system_track]

    def merged(self, old_track: str, survivor: str) -> tuple[str, str] | None:
        """The picture merged old_track into survivor: one object, so one launch.

        Returns (absorbed event, keeping event) when that joined two events, else None.
        """
        old_event = self._event_of.pop(old_track, None)
        history = self._history.pop(old_track, set())
        if old_track in self._credible:
            self._credible.add(survivor)
        self._current.pop(old_track, None)
        self._live.pop(old_track, None)
        self.ties.merged(old_track, survivor)
        if old_event is None:
            return None
        self.events[old_event].tracks.remove(old_track)
        self._history.setdefault(survivor, set()).update(history)
        keep = self._event_of.get(survivor)
        if keep is None:
            self._event_of[survivor] = old_event
            self.events[old_event].tracks.append(survivor)
            return None
        if keep == old_event:
            return None
        older, younger = sorted((keep, old_event), key=lambda e: self.events[e].serial)
        self._absorb(younger, older)
        return younger, older

    def retire(self, system_track: str) -> None:
        """The system track has left the picture: its members no longer contradict, nor take in, new objects."""
        self._current[system_track] = []
        self._live[system_track] = set()

    # -- the rule -----------------------------------------------------------------------------
    def _linked_event(self, system_track: str) -> str | None:
        """The oldest other event that this track is linked to: by its path meeting one of the event's
        objects, or by lineage to an event with a track still in the picture."""
        candidates = []
        for event in self.events.values():
            others = [st for st in event.tracks if st != system_track]
            if not others:
                continue
            met = bool(self.ties.met.get(system_track, set()) & set(others))
            if (met or any(self._current.get(st) for st in others)) and self._linked(system_track, others):
                candidates.append(event)
        return min(candidates, key=lambda e: e.serial).name if candidates else None

    def _stays(self, system_track: str, event: str) -> bool:
        """A track stays in the launch it joined while the link holds, even once the rest has left the picture.

        A track first seen falling always stays: it cannot be a launch of its own.
        """
        others = [st for st in self.events[event].tracks if st != system_track]
        return not others or self._falling[system_track] or self._linked(system_track, others)

    def _linked(self, system_track: str, others: list[str]) -> bool:
        """Physics first, then lineage: never linked to an object it burned apart from; linked to one
        whose path it met; else more nations tie it to the others by lineage than hold live tracks in
        both untied.

        For a track first seen falling one tie is enough: a nation that re-acquires an object in
        re-entry has no lineage to give, so its silence denies nothing.
        """
        if self.ties.apart.get(system_track, set()) & set(others):
            return False
        if self.ties.met.get(system_track, set()) & set(others):
            return True
        theirs = {self._families.find(k) for st in others for k in self._history[st]}
        claims = {k[0] for k in self._history[system_track] if self._families.find(k) in theirs}
        if self._falling[system_track]:
            return bool(claims)
        theirs_live = [k for st in others for k in self._live.get(st, ())]
        denials = {
            k[0] for k in self._live[system_track] if any(self._families.watched(k, e) for e in theirs_live)
        } - claims
        return bool(claims) and len(claims) > len(denials)

    def _sole_live_event(self, system_track: str) -> str | None:
        """The launch in the air, if there is exactly one: a new object first seen falling is part of it."""
        live = [e.name for e in self.events.values() if any(self._current.get(st) for st in e.tracks)]
        return live[0] if len(live) == 1 else None

    def _founded_by(self, event: str, system_track: str) -> bool:
        tracks = self.events[event].tracks
        return bool(tracks) and tracks[0] == system_track

    def _new_event(self) -> str:
        name = f"E{self._next}"
        self.events[name] = LaunchEvent(name, self._next)
        self._next += 1
        return name

    def _move(self, system_track: str, target: str) -> None:
        here = self._event_of.get(system_track)
        if here is not None:
            self.events[here].tracks.remove(system_track)
            if not self.events[here].tracks:
                del self.events[here]
        self.events[target].tracks.append(system_track)
        self._event_of[system_track] = target

    def _absorb(self, younger: str, older: str) -> None:
        for st in self.events[younger].tracks:
            self._event_of[st] = older
            self.events[older].tracks.append(st)
        del self.events[younger]
