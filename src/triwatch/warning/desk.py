"""A node's warning desk: one alert per launch and scope, and the authority rule deciding what it issues.

The desk has the interface of a single `AlertBook` (follow / observe / merged / lost per
system track) so a node drives it the same way. Behind it, three layers:

1. **objects**: a LAUNCH book and one book per protected nation follow every system
   track (`triwatch.warning.lifecycle`: settling, hysteresis, overflight, lost tracks);
   their alerts never leave the desk;
2. **launches**: system tracks are grouped into launch events by their lineage
   (`triwatch.warning.launch_events`), and each event has one public alert per scope,
   the union of its objects' alerts (`triwatch.warning.launch_alert`);
3. **authority**: every public revision passes the issuing rule of
   `triwatch.warning.authority` before it leaves:
   - the owner of a scope (the threatened nation; the hub for LAUNCH) issues at once;
   - a stand-in holds its alert, unpublished, until it has had something to say for
     rank x grace_s; then, unless a partner's alert of that scope about the same
     launch has arrived meanwhile, it issues everything it held, in order, and
     carries the alert from then on;
   - any node that has heard a partner's alert of a scope about a launch keeps its
     own alert of that scope about that launch silent for good (never a second).

A held alert fallen silent again (areas withdrawn within the grace) is dropped unsaid.

A launch is announced once one of its objects has had a credible state (`launch_state.credible`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping

import msgspec

from triwatch.messages import GroundPoint, WarningReport
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import LAUNCH, Authority, track_keys
from triwatch.warning.launch_alert import Cause, PublicAlert, advance, merge
from triwatch.warning.launch_events import LaunchEvents
from triwatch.warning.launch_state import ObjectState
from triwatch.warning.lifecycle import Alert, AlertBook
from triwatch.warning.takeover import PartnerAlerts, adopt


class AlertDesk:
    """Warning books per scope, grouped per launch, behind one node's issuing rule."""

    def __init__(self, authority: Authority, **book_settings) -> None:
        self.authority: Authority | None = authority
        objects = itertools.count(1)  # the object books' own ids: they never leave the desk
        self._numbering = itertools.count(1)
        self.scopes = (LAUNCH, *authority.nations)
        self.books = {s: AlertBook(authority.nation, scope=s, numbering=objects, **book_settings) for s in self.scopes}
        self.launches: LaunchEvents | None = LaunchEvents()
        self.public: dict[tuple[str, str], PublicAlert] = {}  # (scope, launch event) -> its alert
        self._init_state()

    @classmethod
    def standalone(cls, nation: str, **book_settings) -> AlertDesk:
        """A desk that issues everything itself, one alert per system track for every protected nation.

        What each node did before the alliance rule, and what a node alone on its fabric does;
        kept to measure the rule against (bench/alerts_per_launch.py).
        """
        desk = cls.__new__(cls)
        desk.authority = None
        desk.books = {"": AlertBook(nation, **book_settings)}
        desk.launches = None
        desk.public = {}
        desk._init_state()
        return desk

    def _init_state(self) -> None:
        self._members: dict[str, list[str]] = {}  # system track -> its national tracks ("NATION/id")
        self._origin: dict[str, tuple[GroundPoint, str | None]] = {}  # system track -> its last launch estimate
        self._heard: set[tuple[str, str]] = set()  # (scope, national track) a partner's alert was about
        self._released: set[str] = set()  # warning ids this node has issued
        self._silenced: set[str] = set()  # warning ids a partner's alert covers
        self._held: dict[str, list[WarningReport]] = {}  # a stand-in's unpublished messages per warning id
        self._held_since: dict[str, float] = {}
        self._dirty: set[str] = set()  # launch events whose objects changed outside an observation
        self._superseded: list[tuple[str, str]] = []  # (absorbed event, keeping event) not yet announced
        self.partners = PartnerAlerts()

    @property
    def alerts(self) -> dict[str, list[Alert]]:
        """System track number -> its object alerts (one per scope that has one)."""
        out: dict[str, list[Alert]] = {}
        for book in self.books.values():
            for number, alert in book.alerts.items():
                out.setdefault(number, []).append(alert)
        return out

    def _number(self) -> str:
        return f"{self.authority.nation}-W{next(self._numbering):03d}"

    # -- what the picture and the partners said ---------------------------------------------
    def follow(
        self,
        system_track: str,
        members: Iterable[tuple[str, str]],
        parents: Mapping[tuple[str, str], str | None] = {},
        falling: bool = False,
        live: Mapping[tuple[str, str], float] | None = None,
        state: ObjectState | None = None,
    ) -> None:
        """Record a system track's national tracks (keys (nation, track id)), their lineage parents, whether it
        falls (descending, nothing thrusting), its live members with their arc starts, its fused state (`launch_events`)."""
        members = list(members)
        self._members[system_track] = track_keys(members)
        if self.launches is None:
            return
        before = self.launches.event_of(system_track)
        events_before = set(self.launches.events)
        after = self.launches.update(system_track, members, parents, falling, live, state)
        for gone in events_before - set(self.launches.events):
            self._superseded.append((gone, after))
        if before is not None and before != after and before in self.launches.events:
            self._dirty.add(before)  # it left that launch: the launch's alert loses its areas

    def contact(self, nation: str, t_s: float) -> None:
        """Something arrived from nation at t_s: it is not silent (`triwatch.warning.takeover`)."""
        self.partners.contact(nation, t_s)

    def heard(self, w: WarningReport) -> None:
        """A partner's warning reached this node: its scope and launch are covered here from now on.

        A revision of one of this node's own warnings, issued by a stand-in while this node was
        down (or by the owner taking back a stand-in's warning), is adopted: this node's alert
        goes on from that revision. A stand-in that hears a nation ranked before it issue its
        warning hands the warning over and falls silent.
        """
        if self.authority is None or w.issuer == self.authority.nation or not w.scope:
            return
        mine = next((a for a in self.public.values() if a.warning_id == w.warning_id), None)
        if mine is not None:
            self._adopt(mine, w)
            return
        self._heard.update((w.scope, key) for key in w.tracks)
        self.partners.heard(w)

    def _adopt(self, alert: PublicAlert, w: WarningReport) -> None:
        adopt(alert, w)
        # What the stand-in cleared is cleared for this node's objects too: a node back from an
        # outage holds a stale picture for a few assessments and would otherwise put it back.
        if alert.event in self.launches.events:
            book = self.books[alert.scope]
            for st in self.launches.events[alert.event].tracks:
                if st in book.alerts:
                    book.alerts[st].standing &= alert.standing
        chain = self.authority.chain(alert.scope)
        if w.issuer in chain and chain.index(w.issuer) < self.authority.rank(alert.scope):
            self._released.discard(alert.warning_id)  # handed over to a nation ranked before this one
            self._silenced.add(alert.warning_id)
            self._heard.update((w.scope, key) for key in w.tracks)
        if alert.warning_id in self._silenced:  # followed as a partner's from now on (`takeover`)
            self.partners.heard(w)

    def _tracks_of(self, event: str) -> list[str]:
        return self.launches.keys_of(event) if event in self.launches.events else []

    def _covered(self, scope: str, event: str) -> bool:
        return any((scope, key) in self._heard for key in self._tracks_of(event))

    # -- what the launch alerts say, through the rule ---------------------------------------
    def _release(self, alert: PublicAlert, msgs: list[WarningReport], t_s: float) -> list[WarningReport]:
        if not msgs:
            return []
        tracks = self._tracks_of(alert.event)
        msgs = [msgspec.structs.replace(m, tracks=tracks) for m in msgs]
        wid = alert.warning_id
        if wid in self._released:
            return msgs
        if wid in self._silenced or self._covered(alert.scope, alert.event):
            self._silenced.add(wid)
            self._held.pop(wid, None)
            return []
        self._held.setdefault(wid, []).extend(msgs)
        self._held_since.setdefault(wid, t_s)
        return self._try_release(alert, t_s)

    def _try_release(self, alert: PublicAlert, t_s: float) -> list[WarningReport]:
        wid = alert.warning_id
        held_for_s = t_s - self._held_since[wid]
        if not self.authority.may_issue(alert.scope, held_for_s, covered=False):  # the caller checked covered
            return []
        held = self._held.pop(wid, [])
        self._held_since.pop(wid, None)
        if alert.closed or (alert.scope != LAUNCH and not alert.standing):
            return []  # it has nothing standing to warn of any more: drop it unsaid
        self._released.add(wid)
        # What it held is issued now, as of now: the stand-in's alert starts at its release.
        return [msgspec.structs.replace(m, time_s=t_s) for m in held]

    def release_due(self, t_s: float) -> list[WarningReport]:
        """Stand-in alerts whose grace ran out since the last assessment (call once per assessment)."""
        if self.authority is None:
            return []
        out: list[WarningReport] = []
        for alert in self.public.values():
            wid = alert.warning_id
            if wid not in self._held:
                continue
            if self._covered(alert.scope, alert.event):
                self._silenced.add(wid)
                self._held.pop(wid)
                self._held_since.pop(wid, None)
                continue
            out += self._try_release(alert, t_s)
        return out + self._take_over(t_s)

    def _take_over(self, t_s: float) -> list[WarningReport]:
        """Carry partners' live warnings whose issuers ahead of this node have fallen silent (`takeover`)."""
        out: list[WarningReport] = []
        for alert in list(self.public.values()):
            if alert.warning_id not in self._silenced or alert.event not in self.launches.events:
                continue
            tracks = self.launches.payload_first(alert.event)
            book = self.books[alert.scope]
            objects = [book.alerts[st] for st in tracks if st in book.alerts]
            out += self.partners.carry(alert, objects, self._tracks_of(alert.event), tracks[0], self.authority, t_s)
        return out

    def _settle(self, events: set[str], cause: Cause) -> list[WarningReport]:
        """Announce merged launches, then bring each given launch's public alerts up to its objects."""
        out: list[WarningReport] = []
        for (gone, keep), scope in itertools.product(self._superseded, self.scopes):
            if (scope, gone) not in self.public:
                continue
            alerts = [self._public(scope, keep), self.public.pop((scope, gone))]
            self.public[(scope, keep)], msgs = merge(alerts, keep, cause, self.authority.nation)
            for a in alerts:
                out += self._release(a, [m for m in msgs if m.warning_id == a.warning_id], cause.t_s)
        self._superseded.clear()
        for event in sorted((events | self._dirty) & set(self.launches.events)):
            tracks = self.launches.payload_first(event)
            here = self._with_origin(cause if cause.system_track in tracks else Cause(cause.t_s, tracks[0]), tracks)
            for scope, book in self.books.items():
                objects = [book.alerts[st] for st in tracks if st in book.alerts]
                alert = self._public(scope, event)
                if scope == LAUNCH and not alert.spoken and self.launches.seen(event) is False:
                    continue  # no object of it has had a credible state yet (no states given: None)
                msgs = advance(alert, objects, here, self.authority.nation, self._number)
                out += self._release(alert, msgs, cause.t_s)
        self._dirty.clear()
        return out

    def _with_origin(self, cause: Cause, tracks: list[str]) -> Cause:
        """The cause with its launch's latest launch estimate (payload first) when it brings none itself.

        A revision caused by a merge or a lost track carries no assessment, yet every revision must
        carry the launch point once it is known (`launch_alert.advance`).
        """
        if cause.launch is not None:
            return cause
        known = next((self._origin[st] for st in tracks if st in self._origin), None)
        return (
            cause if known is None else dataclasses.replace(cause, launch=known[0], category=cause.category or known[1])
        )

    def _public(self, scope: str, event: str) -> PublicAlert:  # the alert of a launch and scope
        return self.public.setdefault((scope, event), PublicAlert(scope, event))

    def _event(self, system_track: str) -> set[str]:
        return {e for e in [self.launches.event_of(system_track)] if e is not None}

    def _loose(self, msgs: list[WarningReport], system_track: str) -> list[WarningReport]:
        """A standalone desk's messages as they are, with the system track's members."""
        return [msgspec.structs.replace(m, tracks=self._members.get(system_track, [])) for m in msgs]

    def observe(
        self,
        system_track: str,
        t_s: float,
        assessment: Assessment | None,
        *,
        launch: GroundPoint | None = None,
        category: str | None = None,
        cause_wall_ns: int = 0,
        arc_s: float = float("inf"),
    ) -> list[WarningReport]:
        """Feed one system track's assessment to every book; return what this node issues now."""
        msgs: list[WarningReport] = []
        for book in self.books.values():
            msgs += book.observe(
                system_track,
                t_s,
                assessment,
                launch=launch,
                category=category,
                cause_wall_ns=cause_wall_ns,
                arc_s=arc_s,
            )
        if self.launches is None:
            return self._loose(msgs, system_track)
        if self.launches.event_of(system_track) is None:  # not followed: a launch of its own
            self.follow(system_track, [])
        if launch is not None:
            self._origin[system_track] = (launch, category)
        cause = Cause(t_s, system_track, launch, category, cause_wall_ns)
        return self._settle(self._event(system_track), cause)

    def merged(self, old_track: str, survivor: str, t_s: float) -> list[WarningReport]:
        """The picture merged old_track into survivor: the object alerts follow, and their launches join."""
        msgs: list[WarningReport] = []
        for book in self.books.values():
            msgs += book.merged(old_track, survivor, t_s)
        if old_track in self._members:
            self._members[survivor] = sorted(set(self._members.get(survivor, [])) | set(self._members[old_track]))
        if self.launches is None:
            return self._loose(msgs, old_track)
        joined = self.launches.merged(old_track, survivor)
        if joined is not None:
            self._superseded.append(joined)
        return self._settle(self._event(survivor), Cause(t_s, survivor))

    def lost(self, system_track: str, t_s: float) -> list[WarningReport]:
        """The system track is no longer in the picture: its object alerts close when their time comes."""
        msgs: list[WarningReport] = []
        for book in self.books.values():
            msgs += book.lost(system_track, t_s)
        if self.launches is None:
            return self._loose(msgs, system_track)
        self.launches.retire(system_track)
        return self._settle(self._event(system_track), Cause(t_s, system_track))
