"""The tracks a nation's COP shows, derived from that nation's events only.

Two kinds, as the node holds them:

- **system tracks** (the allied picture): from the periodic `picture` events
  (numbers, ECEF positions, pedigree as nation lists), the partners' tracks
  correlated into each (`track-received`), and the predicted impact of the
  node's own warnings about it (`warning-issued`);
- **local tracks** (the nation's own tracker): from `track` events, with the
  full ECEF state, status, and to whom each update was released or withheld.

A `TrackBook` is built incrementally: a live COP feeds it only the events
since its last refresh, so a refresh costs the new events plus the answer,
not the whole run. The positions of each batch are converted to geodetic in
one vectorised call. Paths are thinned to at most `MAX_PATH_POINTS` evenly
spaced points (always keeping the newest) so a page update stays small.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.server.event_shapes import (
    PictureEvent,
    TrackEvent,
    TrackReceivedEvent,
    WarningIssuedEvent,
    ellipse_dict,
    shape_of,
)

MAX_PATH_POINTS = 60
TRACK_TYPES = frozenset({"track", "track-received", "picture", "warning-issued"})


def _impact(ev: WarningIssuedEvent) -> dict[str, Any] | None:
    if ev.impact is None:
        return None
    return {"lat": ev.impact[0], "lon": ev.impact[1], "ellipse": ellipse_dict(ev.impact_ellipse), "t_s": ev.t_s}


def _thinned(path: list[list[float]]) -> list[list[float]]:
    n = len(path)
    if n <= MAX_PATH_POINTS:
        return list(path)
    step = (n - 1) / (MAX_PATH_POINTS - 1)
    return [path[round(i * step)] for i in range(MAX_PATH_POINTS - 1)] + [path[-1]]


class TrackBook:
    """One nation's tracks, kept up to date by `ingest(events)`; `view()` is the API's answer."""

    def __init__(self) -> None:
        self.local: dict[str, dict[str, Any]] = {}
        self.system: dict[str, dict[str, Any]] = {}
        self.consumed = 0  # how many of the nation's events have been ingested

    def _system(self, number: str, t_s: float) -> dict[str, Any]:
        st = self.system.get(number)
        if st is None:
            st = self.system[number] = {
                "id": number, "first_s": t_s, "t_s": t_s, "geo": [], "partners": {},
                "pedigree": None, "impact": None, "warnings": [], "active": False,
            }  # fmt: skip
        return st

    def ingest(self, events: Iterable[dict[str, Any]], until_s: float | None = None) -> TrackBook:
        """Take in events in order (stopping at the first after `until_s`); returns self."""
        owners: list[tuple[list, float]] = []  # (path to extend, t) for each position, converted together
        points: list[list[float]] = []
        for e in events:
            if until_s is not None and e["t_s"] > until_s:
                break
            self.consumed += 1
            if e["type"] not in TRACK_TYPES:
                continue
            ev = shape_of(e)
            if isinstance(ev, TrackEvent):
                tr = self.local.get(ev.track_id)
                if tr is None:
                    tr = self.local[ev.track_id] = {"id": ev.track_id, "first_s": ev.t_s, "geo": [], "updates": 0}
                tr["last"] = ev
                tr["updates"] += 1
                owners.append((tr["geo"], ev.t_s))
                points.append(ev.x[:3])
            elif isinstance(ev, PictureEvent):
                for number, pos, ped in zip(ev.numbers, ev.positions, ev.pedigree, strict=False):
                    st = self._system(number, ev.t_s)
                    st["t_s"], st["pedigree"] = ev.t_s, ped
                    owners.append((st["geo"], ev.t_s))
                    points.append(pos)
                live = set(ev.numbers)
                for number, st in self.system.items():
                    st["active"] = number in live
            elif isinstance(ev, TrackReceivedEvent):
                st = self._system(ev.system_track, ev.t_s)
                p = st["partners"].get((ev.origin, ev.track_id))
                if p is None:
                    p = st["partners"][(ev.origin, ev.track_id)] = {
                        "origin": ev.origin, "track_id": ev.track_id, "first_s": ev.t_s, "updates": 0,
                    }  # fmt: skip
                p["last_s"] = ev.t_s
                p["updates"] += 1
            elif isinstance(ev, WarningIssuedEvent) and ev.system_track is not None:
                st = self._system(ev.system_track, ev.t_s)
                impact = _impact(ev)
                if impact is not None or ev.kind in ("withdrawal", "all-clear"):
                    st["impact"] = impact
                if ev.warning_id not in st["warnings"]:
                    st["warnings"].append(ev.warning_id)
        if points:
            lat, lon, h = ecef_to_geodetic(np.asarray(points, float))
            geo = np.column_stack([np.degrees(lat), np.degrees(lon), h / 1e3]).round(4).tolist()
            for (path, t_s), g in zip(owners, geo, strict=True):
                g.append(t_s)
                path.append(g)
        return self

    def view(self) -> dict[str, Any]:
        """System and local tracks with thinned paths, sorted by id (fresh dicts: safe to serialise)."""
        systems = []
        for st in self.system.values():
            out = {k: v for k, v in st.items() if k not in ("geo", "partners")}
            out["partners"] = sorted(st["partners"].values(), key=lambda p: (p["origin"], p["track_id"]))
            out["pedigree"] = list(st["pedigree"] or sorted({p["origin"] for p in out["partners"]}))
            systems.append(_placed(out, st["geo"]))
        locals_ = []
        for tr in self.local.values():
            ev: TrackEvent = tr["last"]
            out = {
                "id": tr["id"], "first_s": tr["first_s"], "t_s": ev.t_s, "updates": tr["updates"],
                "status": ev.status, "category": ev.category,
                "apogee_km": None if ev.apogee_m is None else ev.apogee_m / 1e3,
                "speed_m_s": math.hypot(*ev.x[3:]),
                "sent_to": ev.sent_to, "withheld_from": ev.withheld_from,
            }  # fmt: skip
            locals_.append(_placed(out, tr["geo"]))
        return {"system": sorted(systems, key=lambda s: s["id"]), "local": sorted(locals_, key=lambda t: t["id"])}


def _placed(out: dict[str, Any], geo: list[list[float]]) -> dict[str, Any]:
    out["path"] = _thinned(geo)
    if geo:
        out["lat"], out["lon"], out["alt_km"] = geo[-1][:3]
    return out


def tracks_view(events: Iterable[dict[str, Any]], until_s: float | None = None) -> dict[str, Any]:
    """System and local tracks as of scenario time `until_s` (all events when None), built afresh."""
    return {"t_s": until_s, **TrackBook().ingest(events, until_s).view()}
