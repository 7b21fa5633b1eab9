"""The warnings a nation's COP shows, with their acknowledgement state, from that nation's events.

The rule (c2.acknowledgement): every warning revision delivered to a nation
must be acknowledged by its designated centre before a deadline, else it
escalates. So the unit here is the revision, keyed (warning_id, revision, issuer)
— in a partition the owner and its stand-in may both issue revision k of one
warning (`triwatch.warning.takeover`); they are two revisions, each acknowledged
on its own, and the owner's counts as the later one:

    pending       delivered, not yet acknowledged
    escalated     delivered, past its deadline, not yet acknowledged
    acknowledged  this nation's centre acknowledged it (an `ack` event)

A warning is *active* while its newest revision is not a withdrawal, an
all-clear or an impact report; the areas named by active warnings (other than
`high-seas`) are the threatened areas the map highlights.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from triwatch.server.event_shapes import (
    AckEvent,
    AckReceivedEvent,
    EscalationEvent,
    WarningDeliveredEvent,
    ellipse_dict,
    shape_of,
)
from triwatch.warning.takeover import revision_order

CLOSING_KINDS = frozenset({"withdrawal", "all-clear", "impact"})
WARNING_TYPES = frozenset({"warning-delivered", "ack", "ack-received", "escalation"})
Update = AckEvent | AckReceivedEvent | EscalationEvent


def _revision(ev: WarningDeliveredEvent) -> dict[str, Any]:
    return {
        "warning_id": ev.warning_id,
        "revision": ev.revision,
        "kind": ev.kind,
        "issuer": ev.issuer,
        "areas": ev.areas,
        "subregions": ev.subregions,
        "impact": None if ev.impact is None else {"lat": ev.impact[0], "lon": ev.impact[1]},
        "ellipse": ellipse_dict(ev.impact_ellipse),
        "text": ev.text,
        "delivered_s": ev.t_s,
        "state": "pending",
        "acknowledged_s": None,
        "centre": None,
        "escalated_s": None,
        "escalation": None,
        "partner_acks": [],
    }


def warnings_view(events: Iterable[dict[str, Any]], until_s: float | None = None) -> dict[str, Any]:
    """Every delivered warning revision with its state, newest first, as of `until_s`."""
    revisions: dict[tuple[str, int, str], dict[str, Any]] = {}
    early: dict[tuple[str, int], list[Update]] = {}  # acks seen before their delivery event
    for e in events:
        if until_s is not None and e["t_s"] > until_s:
            break
        if e["type"] not in WARNING_TYPES:
            continue
        ev = shape_of(e)
        if ev is None:
            continue  # a malformed record names no revision; the event log itself keeps it for audit
        key = (ev.warning_id, ev.revision)
        if isinstance(ev, WarningDeliveredEvent):
            rev = revisions[(*key, ev.issuer)] = _revision(ev)
            for later in early.get(key, []):
                if _names(later, rev):
                    _apply(rev, later)
            continue
        matching = [r for k, r in revisions.items() if k[:2] == key and _names(ev, r)]
        for rev in matching:
            _apply(rev, ev)
        if not matching:
            early.setdefault(key, []).append(ev)
    newest: dict[str, dict[str, Any]] = {}
    for rev in revisions.values():
        cur = newest.get(rev["warning_id"])
        if cur is None or _order(rev) > _order(cur):
            newest[rev["warning_id"]] = rev
    threatened: set[str] = set()
    for rev in revisions.values():
        rev["current"] = newest[rev["warning_id"]] is rev
        rev["active"] = newest[rev["warning_id"]]["kind"] not in CLOSING_KINDS
        if rev["current"] and rev["active"]:
            threatened.update(a for a in rev["areas"] if a != "high-seas")
    listing = sorted(revisions.values(), key=lambda r: (r["delivered_s"], r["warning_id"], r["revision"]), reverse=True)
    return {
        "t_s": until_s,
        "warnings": listing,
        "threatened_areas": sorted(threatened),
        "pending": sum(r["state"] != "acknowledged" for r in listing),
    }


def _order(rev: dict[str, Any]) -> tuple[int, bool, str]:
    return revision_order(rev["warning_id"], rev["revision"], rev["issuer"])


def _names(ev: Update, rev: dict[str, Any]) -> bool:
    """Whether an ack/escalation is about this revision: an update without an issuer (older runs,
    where no two nations issued one revision) names every revision of that number."""
    return ev.issuer is None or ev.issuer == rev["issuer"]


def _apply(rev: dict[str, Any], ev: Update) -> None:
    if isinstance(ev, AckEvent):
        rev.update(state="acknowledged", acknowledged_s=ev.t_s, centre=ev.centre)
    elif isinstance(ev, EscalationEvent):
        rev.update(escalated_s=ev.t_s, escalation=ev.detail)
        if rev["state"] != "acknowledged":
            rev["state"] = "escalated"
    else:
        rev["partner_acks"].append({"origin": ev.origin, "centre": ev.centre, "t_s": ev.t_s})


def find_revisions(
    view: dict[str, Any], warning_id: str, revision: int, issuer: str | None = None
) -> list[dict[str, Any]]:
    """The delivered revisions named (warning_id, revision[, issuer]): more than one only when two
    nations issued that revision number and no issuer was named."""
    return [
        rev
        for rev in view["warnings"]
        if rev["warning_id"] == warning_id and rev["revision"] == revision and issuer in (None, rev["issuer"])
    ]
