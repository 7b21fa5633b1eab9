"""The tracks a nation's COP shows, derived from that nation's events only.

Two kinds, as the node holds them:

- **system tracks** (the allied picture): from the periodic `picture` events
  (numbers, ECEF positions, pedigree as nation lists), the partners' tracks
  correlated into each (`track-received`), and the predicted impact of the
  node's own warnings about it (`warning-issued`);
- **local tracks** (the nation's own tracker): from `track` events, with the
  full ECEF state, status, and to whom each update was released or withheld.

Every position is converted to geodetic in one vectorised call over all
points (a replay holds tens of thousands). Paths are thinned to at most
`MAX_PATH_POINTS` evenly spaced points (always keeping the newest) so a page
update stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic

MAX_PATH_POINTS = 120
TRACK_TYPES = frozenset({"track", "track-received", "picture", "warning-issued"})


def _geodetic_deg(points: list[list[float]]) -> np.ndarray:
    """(N, 3) ECEF m -> (N, 3) lat deg, lon deg, height km."""
    if not points:
        return np.zeros((0, 3))
    lat, lon, h = ecef_to_geodetic(np.asarray(points, float).reshape(-1, 3))
    return np.column_stack([np.degrees(lat), np.degrees(lon), h / 1e3])


def _thin(indices: list[int]) -> list[int]:
    if len(indices) <= MAX_PATH_POINTS:
        return indices
    pick = np.linspace(0, len(indices) - 1, MAX_PATH_POINTS).round().astype(int)
    return [indices[i] for i in pick]


def _ellipse(event: dict[str, Any]) -> dict[str, float] | None:
    """The 95 % impact ellipse an event carries, if the run recorded one (see docs in the report)."""
    e = event.get("impact_ellipse")
    keys = ("lat_deg", "lon_deg", "semi_major_m", "semi_minor_m", "orientation_deg")
    if isinstance(e, dict) and all(isinstance(e.get(k), (int, float)) for k in keys):
        return {k: float(e[k]) for k in keys}
    return None


def _impact(event: dict[str, Any]) -> dict[str, Any] | None:
    point = event.get("impact")
    if not (isinstance(point, list) and len(point) == 2):
        return None
    return {"lat": float(point[0]), "lon": float(point[1]), "ellipse": _ellipse(event), "t_s": event["t_s"]}


def tracks_view(events: Iterable[dict[str, Any]], until_s: float | None = None) -> dict[str, Any]:
    """System and local tracks as of scenario time `until_s` (all events when None)."""
    points: list[list[float]] = []  # every ECEF position, converted at once at the end
    local: dict[str, dict[str, Any]] = {}
    system: dict[str, dict[str, Any]] = {}
    for e in events:
        if e["type"] not in TRACK_TYPES:
            continue
        if until_s is not None and e["t_s"] > until_s:
            break
        kind = e["type"]
        if kind == "track" and isinstance(e.get("x"), list) and len(e["x"]) == 6:
            tr = local.setdefault(e["track_id"], {"id": e["track_id"], "first_s": e["t_s"], "path": []})
            tr.update(
                t_s=e["t_s"],
                status=e.get("status"),
                category=e.get("category"),
                apogee_km=None if e.get("apogee_m") is None else e["apogee_m"] / 1e3,
                speed_m_s=float(np.linalg.norm(e["x"][3:])),
                sent_to=e.get("sent_to", []),
                withheld_from=e.get("withheld_from", []),
                updates=tr.get("updates", 0) + 1,
            )
            tr["path"].append((len(points), e["t_s"]))
            points.append(e["x"][:3])
        elif kind == "picture":
            live = set()
            for number, pos, ped in zip(
                e.get("numbers", []), e.get("positions", []), e.get("pedigree", []), strict=False
            ):
                st = system.setdefault(number, {"id": number, "first_s": e["t_s"], "path": [], "partners": {}})
                st.update(t_s=e["t_s"], pedigree=list(ped), impact=st.get("impact"))
                st["path"].append((len(points), e["t_s"]))
                points.append(pos)
                live.add(number)
            for number, st in system.items():
                st["active"] = number in live
        elif kind == "track-received":
            st = system.setdefault(
                e["system_track"], {"id": e["system_track"], "first_s": e["t_s"], "path": [], "partners": {}}
            )
            key = f"{e['origin']}/{e['track_id']}"
            p = st["partners"].setdefault(
                key, {"origin": e["origin"], "track_id": e["track_id"], "first_s": e["t_s"], "updates": 0}
            )
            p["last_s"] = e["t_s"]
            p["updates"] += 1
        elif kind == "warning-issued" and e.get("system_track") is not None:
            st = system.setdefault(
                e["system_track"], {"id": e["system_track"], "first_s": e["t_s"], "path": [], "partners": {}}
            )
            impact = _impact(e)
            if impact is not None or e.get("kind") in ("withdrawal", "all-clear"):
                st["impact"] = impact
            st.setdefault("warnings", [])
            if e["warning_id"] not in st["warnings"]:
                st["warnings"].append(e["warning_id"])
    geo = _geodetic_deg(points)

    def finish(tr: dict[str, Any]) -> dict[str, Any]:
        path = tr.pop("path")
        keep = _thin(list(range(len(path))))
        tr["path"] = [[*geo[path[i][0]].round(4).tolist(), path[i][1]] for i in keep]
        if tr["path"]:
            tr["lat"], tr["lon"], tr["alt_km"] = tr["path"][-1][:3]
        return tr

    systems = []
    for st in system.values():
        st["partners"] = sorted(st["partners"].values(), key=lambda p: (p["origin"], p["track_id"]))
        st.setdefault("pedigree", sorted({p["origin"] for p in st["partners"]}))
        st.setdefault("active", False)
        st.setdefault("impact", None)
        st.setdefault("warnings", [])
        systems.append(finish(st))
    return {
        "t_s": until_s,
        "system": sorted(systems, key=lambda s: s["id"]),
        "local": sorted((finish(t) for t in local.values()), key=lambda t: t["id"]),
    }
