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

MAX_PATH_POINTS = 60
TRACK_TYPES = frozenset({"track", "track-received", "picture", "warning-issued"})
ELLIPSE_KEYS = ("lat_deg", "lon_deg", "semi_major_m", "semi_minor_m", "orientation_deg")


def _is_xyz(p: Any) -> bool:
    return isinstance(p, list) and len(p) == 3 and all(isinstance(c, (int, float)) for c in p)


def ellipse_of(event: dict[str, Any]) -> dict[str, float] | None:
    """The 95 % impact ellipse an event carries (`impact_ellipse`, the messages.Ellipse fields), if any."""
    e = event.get("impact_ellipse")
    if isinstance(e, dict) and all(isinstance(e.get(k), (int, float)) for k in ELLIPSE_KEYS):
        return {k: float(e[k]) for k in ELLIPSE_KEYS}
    return None


def _impact(event: dict[str, Any]) -> dict[str, Any] | None:
    point = event.get("impact")
    if not (isinstance(point, list) and len(point) == 2 and all(isinstance(c, (int, float)) for c in point)):
        return None
    return {"lat": float(point[0]), "lon": float(point[1]), "ellipse": ellipse_of(event), "t_s": event["t_s"]}


def _positions(points: list, owners: list) -> np.ndarray:
    """(N, 3) float array of the batch; malformed positions (a bad replay line) are dropped with their owners."""
    try:
        arr = np.asarray(points, float)
        if arr.ndim == 2 and arr.shape[1] == 3:
            return arr
    except (TypeError, ValueError):
        pass
    keep = [i for i, p in enumerate(points) if _is_xyz(p)]  # slow path, only for bad data
    owners[:] = [owners[i] for i in keep]
    return np.asarray([points[i] for i in keep], float).reshape(-1, 3)


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
            kind = e["type"]
            if kind not in TRACK_TYPES:
                continue
            if kind == "track":
                x = e.get("x")
                if not (isinstance(x, list) and len(x) == 6):
                    continue
                tr = self.local.get(e["track_id"])
                if tr is None:
                    tr = self.local[e["track_id"]] = {"id": e["track_id"], "first_s": e["t_s"], "geo": [], "updates": 0}
                tr["last"] = e
                tr["updates"] += 1
                owners.append((tr["geo"], e["t_s"]))
                points.append(x[:3])
            elif kind == "picture":
                numbers = e.get("numbers") or []
                for number, pos, ped in zip(numbers, e.get("positions") or [], e.get("pedigree") or [], strict=False):
                    st = self._system(number, e["t_s"])
                    st["t_s"], st["pedigree"] = e["t_s"], ped
                    owners.append((st["geo"], e["t_s"]))
                    points.append(pos)
                live = set(numbers)
                for number, st in self.system.items():
                    st["active"] = number in live
            elif kind == "track-received":
                st = self._system(e["system_track"], e["t_s"])
                p = st["partners"].get((e["origin"], e["track_id"]))
                if p is None:
                    p = st["partners"][(e["origin"], e["track_id"])] = {
                        "origin": e["origin"], "track_id": e["track_id"], "first_s": e["t_s"], "updates": 0,
                    }  # fmt: skip
                p["last_s"] = e["t_s"]
                p["updates"] += 1
            elif kind == "warning-issued" and e.get("system_track") is not None:
                st = self._system(e["system_track"], e["t_s"])
                impact = _impact(e)
                if impact is not None or e.get("kind") in ("withdrawal", "all-clear"):
                    st["impact"] = impact
                if e.get("warning_id") not in st["warnings"]:
                    st["warnings"].append(e.get("warning_id"))
        if points:
            lat, lon, h = ecef_to_geodetic(_positions(points, owners))
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
            e = tr["last"]
            x = e["x"]
            out = {
                "id": tr["id"], "first_s": tr["first_s"], "t_s": e["t_s"], "updates": tr["updates"],
                "status": e.get("status"), "category": e.get("category"),
                "apogee_km": None if e.get("apogee_m") is None else e["apogee_m"] / 1e3,
                "speed_m_s": math.hypot(x[3], x[4], x[5]),
                "sent_to": e.get("sent_to", []), "withheld_from": e.get("withheld_from", []),
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
