"""The warnings a nation's COP shows, with their acknowledgement state, from that nation's events.

The rule (c2.acknowledgement): every warning revision delivered to a nation
must be acknowledged by its designated centre before a deadline, else it
escalates. So the unit here is the revision, keyed (warning_id, revision):

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

from triwatch.server.track_view import ellipse_of

CLOSING_KINDS = frozenset({"withdrawal", "all-clear", "impact"})
WARNING_TYPES = frozenset({"warning-delivered", "ack", "ack-received", "escalation"})


def warnings_view(events: Iterable[dict[str, Any]], until_s: float | None = None) -> dict[str, Any]:
    """Every delivered warning revision with its state, newest first, as of `until_s`."""
    revisions: dict[tuple[str, int], dict[str, Any]] = {}
    early: dict[tuple[str, int], list[dict[str, Any]]] = {}  # acks seen before their delivery event
    for e in events:
        if e["type"] not in WARNING_TYPES:
            continue
        if until_s is not None and e["t_s"] > until_s:
            break
        wid, revision = e.get("warning_id"), e.get("revision")
        if not isinstance(wid, str) or isinstance(revision, bool) or not isinstance(revision, int):
            continue  # a malformed record names no revision; the event log itself keeps it for audit
        key = (wid, revision)
        if e["type"] == "warning-delivered":
            impact = e.get("impact")
            revisions[key] = {
                "warning_id": key[0],
                "revision": key[1],
                "kind": e.get("kind"),
                "issuer": e.get("issuer"),
                "areas": list(e.get("areas") or []),
                "subregions": list(e.get("subregions") or []),
                "impact": {"lat": impact[0], "lon": impact[1]}
                if isinstance(impact, list) and len(impact) == 2
                else None,
                "ellipse": ellipse_of(e),
                "text": e.get("text", ""),
                "delivered_s": e["t_s"],
                "state": "pending",
                "acknowledged_s": None,
                "centre": None,
                "escalated_s": None,
                "escalation": None,
                "partner_acks": [],
            }
            for later in early.pop(key, []):
                _apply(revisions[key], later)
        elif key in revisions:
            _apply(revisions[key], e)
        else:
            early.setdefault(key, []).append(e)
    newest: dict[str, dict[str, Any]] = {}
    for rev in revisions.values():
        cur = newest.get(rev["warning_id"])
        if cur is None or rev["revision"] > cur["revision"]:
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


def _apply(rev: dict[str, Any], e: dict[str, Any]) -> None:
    if e["type"] == "ack":
        rev.update(state="acknowledged", acknowledged_s=e["t_s"], centre=e.get("centre"))
    elif e["type"] == "escalation":
        rev.update(escalated_s=e["t_s"], escalation=e.get("detail"))
        if rev["state"] != "acknowledged":
            rev["state"] = "escalated"
    elif e["type"] == "ack-received":
        rev["partner_acks"].append({"origin": e.get("origin"), "centre": e.get("centre"), "t_s": e["t_s"]})


def find_revision(view: dict[str, Any], warning_id: str, revision: int) -> dict[str, Any] | None:
    for rev in view["warnings"]:
        if rev["warning_id"] == warning_id and rev["revision"] == revision:
            return rev
    return None
