"""What one node saw of a run, read from its events: the tracks it held and the warnings it got.

The public outputs of a run are written from ONE node's point of view (by default the hub,
`USA`), because what a nation may see is exactly the events whose `node` is that nation
(docs/events.md). For the view node V:

- tracks: V's own national tracks (`track` events with node V) and the partners' tracks that
  were released to V (a partner's `track` event whose `sent_to` names V: the same state V
  received, with its system track number from V's `track-received` event);
- system tracks: V's allied picture, from its `picture` snapshots (every 10 s: numbers, ECEF
  positions, pedigree); the velocity, which a snapshot lacks, is the finite difference of the
  positions over time (np.gradient, second order inside, first order at the ends);
- warnings: every warning revision delivered to V's command centre (`warning-delivered` events
  with node V), its own and its partners', each once, in delivery order. Its time is when the
  issuer issued it (the issuer's `warning-issued` event), else when V got it. For V's own
  warnings, the warned system track's position from V's `warning-issued` event is kept too, so an
  alert without a predicted impact can still be drawn where the missile is.

A `warning-delivered` event names the impact as a point; when the event also carries `ellipse`
(an `Ellipse` payload) or `report` (the whole `WarningReport` payload), that is used instead, so
CAP and GeoJSON can draw the 95 % ellipse. A track event may carry `P` (6x6) for CoT errors.

Rules for bad entries (documented so nothing is silently lost): an event that is not an object
with `type`, `node` and `t_s` is an error naming its index; a track state with a non-finite
number is left out of the path and listed in `skipped`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from triwatch.messages import PayloadError, WarningReport, from_payload
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geometry import ecef_to_lat_lon_alt_deg

HUB = "USA"


def qualified(nation: str, ident: str) -> str:
    """`<nation>-<ident>`, unless the id already starts with its nation (`JPN-W001`, `KOR-0016`)."""
    return ident if ident.startswith(f"{nation}-") else f"{nation}-{ident}"


@dataclass
class TrackPath:
    """One national track as the view node held it: its states over time."""

    nation: str
    track_id: str
    times_s: np.ndarray  # (N,) scenario s
    states: np.ndarray  # (N, 6) ECEF m, m/s
    covariances: list[np.ndarray | None]  # N entries, (6, 6) or None
    statuses: list[str]
    category: str | None = None
    apogee_m: float | None = None
    system_track: str | None = None
    kind: str = "national"  # or "system": a track of the node's allied picture
    pedigree: list[str] = field(default_factory=list)  # nations whose tracks made a system track

    @property
    def key(self) -> str:
        """A stable id: "<nation>/<track_id>" for a national track, "system/<number>" for a system track."""
        return f"system/{self.track_id}" if self.kind == "system" else f"{self.nation}/{self.track_id}"

    @property
    def title(self) -> str:
        """How the track is named on a map or a TAK client."""
        if self.kind == "system":
            return f"{self.track_id} (allied: {', '.join(self.pedigree) or 'unknown'})"
        return qualified(self.nation, self.track_id) + (f" ({self.system_track})" if self.system_track else "")


@dataclass(frozen=True)
class DeliveredWarning:
    """One warning revision as delivered to the view node, with when it arrived."""

    report: WarningReport
    delivered_s: float
    impact_point: tuple[float, float] | None = None  # (lat, lon) deg when only the point is known
    track_point: tuple[float, float, float] | None = None  # (lat, lon deg, h m) of the warned track, own warnings


@dataclass
class RunView:
    node: str
    tracks: list[TrackPath]
    warnings: list[DeliveredWarning]
    skipped: list[str] = field(default_factory=list)
    systems: list[TrackPath] = field(default_factory=list)

    @property
    def start_s(self) -> float:
        times = [p.times_s[0] for p in self.tracks] + [w.delivered_s for w in self.warnings]
        return float(min(times, default=0.0))

    @property
    def end_s(self) -> float:
        times = [p.times_s[-1] for p in self.tracks] + [w.delivered_s for w in self.warnings]
        return float(max(times, default=0.0))


def _check_events(events: Sequence[Any]) -> None:
    for i, e in enumerate(events):
        if not isinstance(e, dict):
            raise OutputError(f"events[{i}]: must be an object, got {type(e).__name__}")
        for key in ("type", "node", "t_s"):
            if key not in e:
                raise OutputError(f"events[{i}]: missing {key!r}")


def choose_view(events: Sequence[dict], node: str | None) -> str:
    """The view node: the one asked for, else the hub USA if present, else the first node by name."""
    nodes = sorted({e["node"] for e in events})
    if node is not None:
        if node not in nodes:
            raise OutputError(f"view node {node!r}: no events from it; nodes in the run: {', '.join(nodes) or 'none'}")
        return node
    if not nodes:
        raise OutputError("events: empty; a finished run has at least one node's events")
    return HUB if HUB in nodes else nodes[0]


def _tracks(events: Sequence[dict], view: str, skipped: list[str]) -> list[TrackPath]:
    numbers = {(e.get("origin"), e.get("track_id")): e.get("system_track") for e in events
               if e["type"] == "track-received" and e["node"] == view}  # fmt: skip
    paths: dict[tuple[str, str], dict] = {}
    for i, e in enumerate(events):
        if e["type"] != "track" or not (e["node"] == view or view in (e.get("sent_to") or [])):
            continue
        x = np.asarray(e.get("x", []), float)
        if x.shape != (6,) or not np.all(np.isfinite(x)):
            skipped.append(f"events[{i}].x: track {e['node']}/{e.get('track_id')} state must be 6 finite numbers")
            continue
        P = e.get("P")
        P = np.asarray(P, float) if P is not None else None
        if P is not None and P.shape != (6, 6):
            skipped.append(f"events[{i}].P: must be 6x6, got shape {P.shape}; error left unknown")
            P = None
        key = (e["node"], str(e.get("track_id")))
        p = paths.setdefault(key, {"t": [], "x": [], "P": [], "status": [], "category": None, "apogee": None})
        p["t"].append(float(e["t_s"]))
        p["x"].append(x)
        p["P"].append(P)
        p["status"].append(str(e.get("status", "")))
        p["category"] = e.get("category") or p["category"]
        p["apogee"] = e.get("apogee_m") if e.get("apogee_m") is not None else p["apogee"]
    out = []
    for (nation, track_id), p in paths.items():
        order = np.argsort(p["t"], kind="stable")
        out.append(
            TrackPath(
                nation=nation,
                track_id=track_id,
                times_s=np.asarray(p["t"])[order],
                states=np.asarray(p["x"])[order],
                covariances=[p["P"][k] for k in order],
                statuses=[p["status"][k] for k in order],
                category=p["category"],
                apogee_m=p["apogee"],
                system_track=numbers.get((nation, track_id)),
            )
        )
    return out


def _systems(events: Sequence[dict], view: str, skipped: list[str]) -> list[TrackPath]:
    seen: dict[str, dict] = {}
    for i, e in enumerate(events):
        if e["type"] != "picture" or e["node"] != view:
            continue
        numbers, positions = e.get("numbers") or [], e.get("positions") or []
        pedigrees = e.get("pedigree") or [[] for _ in numbers]
        if not (len(numbers) == len(positions) == len(pedigrees)):
            skipped.append(f"events[{i}]: picture numbers, positions and pedigree differ in length")
            continue
        for number, r, pedigree in zip(numbers, positions, pedigrees, strict=True):
            r = np.asarray(r, float)
            if r.shape != (3,) or not np.all(np.isfinite(r)):
                skipped.append(f"events[{i}].positions: system track {number} must be 3 finite numbers")
                continue
            s = seen.setdefault(str(number), {"t": [], "r": [], "pedigree": []})
            s["t"].append(float(e["t_s"]))
            s["r"].append(r)
            s["pedigree"] = sorted({str(n) for n in pedigree})
    out = []
    for number, s in seen.items():
        t, r = np.asarray(s["t"]), np.asarray(s["r"])
        keep = np.r_[True, np.diff(t) > 0]  # one state per snapshot time
        t, r = t[keep], r[keep]
        v = np.gradient(r, t, axis=0) if len(t) > 1 else np.zeros_like(r)
        out.append(TrackPath(nation=view, track_id=number, times_s=t, states=np.hstack([r, v]),
                             covariances=[None] * len(t), statuses=["system"] * len(t), system_track=number,
                             kind="system", pedigree=s["pedigree"]))  # fmt: skip
    return out


def _warning(e: dict, i: int, issued: dict) -> DeliveredWarning:
    where = f"events[{i}]"
    if isinstance(e.get("report"), dict):
        try:
            return DeliveredWarning(from_payload(e["report"], WarningReport), float(e["t_s"]))
        except PayloadError as exc:
            raise OutputError(f"{where}.report: {exc}") from None
    key = (e.get("issuer"), e.get("warning_id"), e.get("revision"))
    source = issued.get(key, {})
    ellipse = e.get("impact_ellipse") or source.get("impact_ellipse")
    fields = {
        "warning_id": e.get("warning_id"),
        "revision": e.get("revision"),
        "kind": e.get("kind"),
        "issuer": e.get("issuer"),
        "system_track": str(source.get("system_track", "")),
        "time_s": float(source.get("t_s", e["t_s"])),
        "areas": e.get("areas") or [],
        "subregions": e.get("subregions") or [],
        "impact": ellipse,
        "basis": e.get("basis") or "",  # runs written before the field existed have none
    }
    try:
        report = from_payload(fields, WarningReport)
    except PayloadError as exc:
        raise OutputError(f"{where}: {exc}") from None
    point = e.get("impact")
    impact_point = None
    if point is not None and report.impact is None:
        if len(point) != 2 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in point):
            raise OutputError(f"{where}.impact: must be [lat, lon] finite degrees or null, got {point!r}")
        impact_point = (float(point[0]), float(point[1]))
    return DeliveredWarning(report, float(e["t_s"]), impact_point, _own_track_point(e, source))


def _own_track_point(delivered: dict, issued: dict) -> tuple[float, float, float] | None:
    """Where the warned track was, from the view node's own warning-issued event (own warnings only)."""
    if delivered["node"] != delivered.get("issuer") or issued.get("node") != delivered["node"]:
        return None
    x = np.asarray(issued.get("x") or [], float)
    if x.shape != (6,) or not np.all(np.isfinite(x)) or np.linalg.norm(x[:3]) < 6.0e6:
        return None
    lat, lon, h = ecef_to_lat_lon_alt_deg(x[:3])[0]
    return float(lat), float(lon), float(h)


def _warnings(events: Sequence[dict], view: str, skipped: list[str]) -> list[DeliveredWarning]:
    issued = {(e["node"], e.get("warning_id"), e.get("revision")): e for e in events if e["type"] == "warning-issued"}
    seen, out = set(), []
    for i, e in enumerate(events):
        if e["type"] != "warning-delivered" or e["node"] != view:
            continue
        key = (e.get("issuer"), e.get("warning_id"), e.get("revision"))
        if key in seen:
            continue
        seen.add(key)
        try:
            out.append(_warning(e, i, issued))
        except OutputError as exc:
            skipped.append(str(exc))
    return out


def run_view(events: Sequence[dict], node: str | None = None) -> RunView:
    """The tracks and warnings of one node's view of a run (see the module doc for the rules)."""
    _check_events(events)
    view = choose_view(events, node)
    skipped: list[str] = []
    return RunView(
        view,
        _tracks(events, view, skipped),
        _warnings(events, view, skipped),
        skipped,
        _systems(events, view, skipped),
    )
