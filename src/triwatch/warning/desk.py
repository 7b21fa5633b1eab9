"""A node's warning desk: one alert book per scope, and the authority rule deciding what it issues.

The desk has the interface of a single `AlertBook` (observe / merged / lost per
system track) so a node drives it the same way, but behind it sit a LAUNCH book
and one book per protected nation, and every message a book produces passes the
issuing rule of `triwatch.warning.authority` before it leaves:

- the owner of a scope (the threatened nation; the hub for LAUNCH) issues at once;
- a stand-in holds its alert, unpublished, until it has had something to say for
  rank x grace_s; then, unless a partner's alert of that scope about the same
  threat has arrived meanwhile, it issues everything it held, in order, and
  carries the alert from then on;
- any node that has heard a partner's alert of a scope about a threat keeps its
  own alert of that scope about that threat silent for good (never a second).

A held alert that has fallen silent again (its areas withdrawn before the grace
ran out) is dropped without a word: there is nothing standing to warn of.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import msgspec

from triwatch.messages import GroundPoint, WarningReport
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import LAUNCH, Authority, track_keys
from triwatch.warning.lifecycle import Alert, AlertBook


class AlertDesk:
    """Warning books per scope behind one node's issuing rule."""

    def __init__(self, authority: Authority, **book_settings) -> None:
        self.authority: Authority | None = authority
        numbering = itertools.count(1)
        scopes = (LAUNCH, *authority.nations)
        self.books = {s: AlertBook(authority.nation, scope=s, numbering=numbering, **book_settings) for s in scopes}
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
        desk._init_state()
        return desk

    def _init_state(self) -> None:
        self._members: dict[str, list[str]] = {}  # system track -> its national tracks ("NATION/id")
        self._heard: set[tuple[str, str]] = set()  # (scope, national track) a partner's alert was about
        self._released: set[str] = set()  # warning ids this node has issued
        self._silenced: set[str] = set()  # warning ids a partner's alert covers
        self._held: dict[str, list[WarningReport]] = {}  # a stand-in's unpublished messages per warning id
        self._held_since: dict[str, float] = {}

    @property
    def alerts(self) -> dict[str, list[Alert]]:
        """System track number -> its alerts (one per scope that has one)."""
        out: dict[str, list[Alert]] = {}
        for book in self.books.values():
            for number, alert in book.alerts.items():
                out.setdefault(number, []).append(alert)
        return out

    # -- what partners said -----------------------------------------------------------------
    def follow(self, system_track: str, members: Iterable[tuple[str, str]]) -> None:
        """Record which national tracks make up a system track (keys (nation, track id))."""
        self._members[system_track] = track_keys(members)

    def heard(self, w: WarningReport) -> None:
        """A partner's warning reached this node: its scope and threat are covered here from now on."""
        if self.authority is None or w.issuer == self.authority.nation or not w.scope:
            return
        self._heard.update((w.scope, key) for key in w.tracks)

    def _covered(self, scope: str, system_track: str) -> bool:
        return any((scope, key) in self._heard for key in self._members.get(system_track, ()))

    # -- what the books say, through the rule -----------------------------------------------
    def _release(self, scope: str, alert: Alert | None, msgs: list[WarningReport], t_s: float) -> list[WarningReport]:
        if alert is None or not msgs:
            return []
        msgs = [msgspec.structs.replace(m, tracks=self._members.get(alert.system_track, [])) for m in msgs]
        if self.authority is None:
            return msgs
        wid = alert.warning_id
        if wid in self._released:
            return msgs
        if wid in self._silenced or self._covered(scope, alert.system_track):
            self._silenced.add(wid)
            self._held.pop(wid, None)
            return []
        held = self._held.setdefault(wid, [])
        held.extend(msgs)
        self._held_since.setdefault(wid, t_s)
        return self._try_release(scope, alert, t_s)

    def _try_release(self, scope: str, alert: Alert, t_s: float) -> list[WarningReport]:
        wid = alert.warning_id
        held_for_s = t_s - self._held_since[wid]
        if not self.authority.may_issue(scope, held_for_s, covered=False):  # covered was checked by the caller
            return []
        held = self._held.pop(wid, [])
        self._held_since.pop(wid, None)
        if alert.closed or (scope != LAUNCH and not alert.standing):
            return []  # it has nothing standing to warn of any more: drop it unsaid
        self._released.add(wid)
        # What it held is issued now, as of now: the stand-in's alert starts at its release.
        return [msgspec.structs.replace(m, time_s=t_s) for m in held]

    def _pending(self, t_s: float) -> list[WarningReport]:
        """Held alerts whose grace has run out without a partner's alert: issue them now."""
        out: list[WarningReport] = []
        for scope, book in self.books.items():
            for alert in book.alerts.values():
                wid = alert.warning_id
                if wid not in self._held:
                    continue
                if self._covered(scope, alert.system_track):
                    self._silenced.add(wid)
                    self._held.pop(wid)
                    self._held_since.pop(wid, None)
                    continue
                out += self._try_release(scope, alert, t_s)
        return out

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
        out: list[WarningReport] = []
        for scope, book in self.books.items():
            msgs = book.observe(
                system_track,
                t_s,
                assessment,
                launch=launch,
                category=category,
                cause_wall_ns=cause_wall_ns,
                arc_s=arc_s,
            )
            out += self._release(scope, book.alerts.get(system_track), msgs, t_s)
        return out

    def release_due(self, t_s: float) -> list[WarningReport]:
        """Stand-in alerts whose grace ran out since the last assessment (call once per assessment)."""
        return self._pending(t_s)

    def merged(self, old_track: str, survivor: str, t_s: float) -> list[WarningReport]:
        out: list[WarningReport] = []
        for scope, book in self.books.items():
            alert = book.alerts.get(old_track)
            msgs = book.merged(old_track, survivor, t_s)
            out += self._release(scope, alert, msgs, t_s)
        if old_track in self._members:
            self._members[survivor] = sorted(set(self._members.get(survivor, [])) | set(self._members[old_track]))
        return out

    def lost(self, system_track: str, t_s: float) -> list[WarningReport]:
        out: list[WarningReport] = []
        for scope, book in self.books.items():
            alert = book.alerts.get(system_track)
            out += self._release(scope, alert, book.lost(system_track, t_s), t_s)
        return out
