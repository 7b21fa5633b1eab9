"""Partners' live alerts as this node has heard them, and when a stand-in takes one over.

A warning is issued once, by its owner (`triwatch.warning.authority`); every other
node keeps its own alert of that launch and scope silent. But an owner that goes
down *after* issuing leaves its warning standing with nobody to correct it or to
give its all-clear. So each node keeps, for every partner alert it has heard, the
state that alert stands at (revision, standing areas, impact said, closed), and

- **takes over** when its own silent alert about the same launch says something
  that alert does not (other areas, impact, all-clear) and every nation ahead of it
  in the scope's chain (the owner, then the hub, ...) has been silent, no message
  of any kind reaching this node, for rank x grace_s. It issues the difference as
  the next revisions *of the partner's warning id*, with itself as issuer: the
  public sees one warning, corrected, and who corrected it.
- **hands back** by itself: once the owner is heard again (a node up again
  publishes its tracks every tick) the stand-in is no longer silent-ahead and stops.
  The owner, on hearing revisions of its own warning by a stand-in, adopts them
  (their revision number and areas) and carries on from there, so revisions go on
  numbering without a gap or a repeat.
- **orders revisions by (revision, issuer)**: during a partition the owner and its stand-in
  may both issue revision k of one warning id, each unheard by the other. A revision is
  therefore named by its number *and* its issuer (CAP identifiers, C2 acknowledgements), and
  ordered by (revision, owner last, issuer): of two revisions k the owner's counts as the
  later one, so every node, once it has heard both, holds the owner's state, and the next
  revision anyone issues is k + 1 (`revision_order`).

Silence is the only sign of a failed node a partner has: the fabric carries no
heartbeat, but a node that tracks anything publishes every tick, and a node's
centre acknowledges every warning revision. A link cut looks the same as a node
down, and the stand-in then warns for a partner it cannot hear, which is what a
partner cut off needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

from triwatch.messages import WarningReport
from triwatch.warning.authority import Authority, numbered_by
from triwatch.warning.launch_alert import Cause, PublicAlert, advance
from triwatch.warning.lifecycle import Alert


@dataclass
class HeardAlert:
    """Where a partner's alert stands, from the revisions heard of it."""

    warning_id: str
    scope: str
    tracks: set[str] = field(default_factory=set)
    revision: int = 0
    standing: set[str] = field(default_factory=set)
    impacted: bool = False
    closed: bool = False
    issuer: str = ""  # who issued the revision it stands at


def revision_order(warning_id: str, revision: int, issuer: str) -> tuple[int, bool, str]:
    """The order of a warning's revisions: by number, then the owner's after a stand-in's, then by issuer.

    A stand-in cut off from the owner numbers its revision k+1 as the owner may do at the same
    time; both are revisions of the warning (distinct: CAP identifiers and C2 acknowledgements
    name the issuer), and this order makes every node settle on the same one, the owner's.
    """
    return (revision, issuer == numbered_by(warning_id), issuer)


def apply(alert: HeardAlert, w: WarningReport) -> None:
    """Bring a heard alert to revision w (earlier or repeated revisions change nothing)."""
    if w.warning_id != alert.warning_id:
        raise ValueError(f"apply: revision {w.revision} of {w.warning_id!r} is not a revision of {alert.warning_id!r}")
    alert.tracks |= set(w.tracks)
    here = revision_order(alert.warning_id, alert.revision, alert.issuer) if alert.revision else (0, False, "")
    if revision_order(w.warning_id, w.revision, w.issuer) <= here:
        return
    alert.revision, alert.issuer = w.revision, w.issuer
    if w.kind in ("threat", "overflight", "correction"):
        alert.standing = set(w.areas)
        alert.closed = False  # a launch's later object can name an area again after a passed-over all-clear
    elif w.kind == "withdrawal":
        alert.standing = set()
        alert.closed = alert.closed or w.text.startswith("Superseded")
    elif w.kind == "all-clear":
        alert.standing -= set(w.areas)
        # An all-clear that leaves nothing standing ends the alert: a passed-over all-clear that
        # empties it says the same to the public as the closing one.
        alert.closed = not alert.standing
    elif w.kind == "impact":
        alert.impacted = True


def adopt(alert: PublicAlert, w: WarningReport) -> None:
    """This node's own alert goes on from a revision of it that another node issued."""
    state = HeardAlert(alert.warning_id, alert.scope, set(), alert.revision, set(alert.standing), alert.impacted)
    state.closed, state.issuer = alert.closed, alert.issuer
    apply(state, w)
    alert.revision, alert.standing, alert.impacted = state.revision, state.standing, state.impacted
    alert.closed, alert.issuer = state.closed, state.issuer


class PartnerAlerts:
    """Every partner alert heard by one node, and when each partner was last heard from."""

    def __init__(self) -> None:
        self.alerts: dict[str, HeardAlert] = {}
        self.last_heard_s: dict[str, float] = {}
        self._differs_since: dict[tuple[str, str], float] = {}  # (own id, partner's id) -> since when

    def contact(self, nation: str, t_s: float) -> None:
        """Something (a track, a warning, an acknowledgement) arrived from nation at t_s."""
        self.last_heard_s[nation] = max(t_s, self.last_heard_s.get(nation, t_s))

    def heard(self, w: WarningReport) -> HeardAlert:
        alert = self.alerts.setdefault(w.warning_id, HeardAlert(w.warning_id, w.scope))
        apply(alert, w)
        return alert

    def silent(self, nations: list[str], t_s: float, for_s: float) -> bool:
        """Nothing has arrived from any of nations for at least for_s seconds (never heard: silent)."""
        return all(t_s - self.last_heard_s.get(n, -float("inf")) >= for_s for n in nations)

    def covering(self, scope: str, tracks: list[str]) -> list[HeardAlert]:
        """Open partner alerts of a scope about any of these national tracks, oldest id first."""
        mine = set(tracks)
        found = [a for a in self.alerts.values() if a.scope == scope and not a.closed and a.tracks & mine]
        return sorted(found, key=lambda a: a.warning_id)

    def carry(
        self, alert: PublicAlert, objects: list[Alert], tracks: list[str], first_track: str, auth: Authority, t_s: float
    ) -> list[WarningReport]:
        """The revisions by which this node takes over the partner alerts covering its silent `alert`, if due.

        A difference between this node's objects and a partner's alert must have stood for
        max(rank, 1) x grace_s (the issuer, if up, makes the same revision within that time: at
        the end of a flight every node falls silent, and each says impact and all-clear itself),
        and the nations ahead of this node must have been silent for rank x grace_s.
        """
        rank = auth.rank(alert.scope)
        ahead = auth.chain(alert.scope)[:rank]
        out: list[WarningReport] = []
        for theirs in self.covering(alert.scope, tracks):
            state = PublicAlert(alert.scope, alert.event, theirs.warning_id, theirs.revision, issuer=theirs.issuer)
            state.standing, state.impacted = set(theirs.standing), theirs.impacted
            msgs = advance(state, objects, Cause(t_s, first_track), auth.nation, lambda wid=theirs.warning_id: wid)
            key = (alert.warning_id, theirs.warning_id)
            if not msgs:
                self._differs_since.pop(key, None)
                continue
            since = self._differs_since.setdefault(key, t_s)
            if t_s - since < max(rank, 1) * auth.grace_s or not self.silent(ahead, t_s, rank * auth.grace_s):
                continue
            del self._differs_since[key]
            keys = sorted(theirs.tracks | set(tracks))
            for m in msgs:
                m = msgspec.structs.replace(m, tracks=keys)
                self.heard(m)
                out.append(m)
        return out
