"""Decode a TopoJSON topology (world-atlas / Natural Earth) into plain NumPy rings.

TopoJSON stores each boundary once as an *arc*; polygons list the arcs they use, with
``~i`` (i.e. ``-i - 1``) meaning arc ``i`` walked backwards. A quantised topology stores
arc points as integer deltas: absolute = cumsum(delta) * scale + translate.

Because every boundary is stored once, the topology also tells coast from land border:
an arc used by exactly one country polygon has sea (or no country) on its other side.
We rely on that to extract coastlines without any polygon overlay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Country:
    """One country of the topology: its polygons as lists of rings (exterior first, then holes)."""

    iso_numeric: str | None
    name: str
    polygons: list[list[np.ndarray]] = field(default_factory=list)  # rings are (N, 2) lon, lat deg
    arc_ids: list[int] = field(default_factory=list)  # every arc its rings use (non-negative ids)


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """All arcs of the topology as absolute (N, 2) lon/lat arrays in degrees."""
    transform = topology.get("transform")
    arcs = []
    for raw in topology["arcs"]:
        pts = np.asarray(raw, dtype=float)
        if transform is not None:
            pts = np.cumsum(pts, axis=0) * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        arcs.append(pts)
    return arcs


def _ring(arcs: list[np.ndarray], refs: list[int]) -> np.ndarray:
    """Stitch a ring from arc references; consecutive arcs share their end/start point."""
    parts = []
    for k, ref in enumerate(refs):
        pts = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        parts.append(pts if k == 0 else pts[1:])
    return np.concatenate(parts, axis=0)


def countries(topology: dict, object_name: str = "countries") -> tuple[list[Country], Counter]:
    """Countries of the topology and how many polygon rings use each arc (1 = coast)."""
    arcs = decode_arcs(topology)
    usage: Counter = Counter()
    result = []
    for geom in topology["objects"][object_name]["geometries"]:
        country = Country(geom.get("id"), geom.get("properties", {}).get("name", ""))
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:  # null geometry of a placeholder feature
            polys = []
        for poly in polys:
            country.polygons.append([_ring(arcs, refs) for refs in poly])
            for refs in poly:
                ids = [r if r >= 0 else ~r for r in refs]
                country.arc_ids.extend(ids)
                usage.update(ids)
        result.append(country)
    return result, usage


def coast_arcs(topology: dict, wanted: list[Country], usage: Counter) -> list[tuple[Country, np.ndarray]]:
    """Arcs of the wanted countries used once in the whole topology: their coastlines."""
    arcs = decode_arcs(topology)
    out = []
    for country in wanted:
        for arc_id in sorted(set(country.arc_ids)):
            if usage[arc_id] == 1:
                out.append((country, arcs[arc_id]))
    return out
