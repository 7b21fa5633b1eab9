"""CZML (Cesium's JSON packet stream) of a run: tracks flying in time, impact ellipses, areas.

A CZML document is a JSON list of packets whose first packet is the document packet
(`id: "document"`, `version: "1.0"`, and the clock over the run). Then:

- one packet per track, its position time-tagged in Earth-fixed Cartesian metres, which is CZML's
  `FIXED` frame and exactly our ECEF: `{"epoch": <UTC of the first state>, "referenceFrame":
  "FIXED", "cartesian": [dt0, x0, y0, z0, dt1, ...]}` with dt in seconds after that epoch, shown
  with a point, a label and its trailing path over its `availability` interval;
- one packet per warning revision with a predicted impact: the 95 % ellipse as a ground polygon
  (`cartographicDegrees` ring from `geometry.ellipse_ring_deg`), or a point, available from its
  delivery until the next revision of the same warning;
- one packet per threatened area: a polygon per part of its outline when the geography is
  installed, else a packet with name and description only (listed, not drawn).
Plain dicts, not PyPI `czml3`: the few packet kinds used here are the format itself, and a test
checks them against the CZML structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from triwatch.warning.outputs.areas import ThreatenedArea
from triwatch.warning.outputs.cap_text import area_name
from triwatch.warning.outputs.clock import iso_z
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geojson import displayed_impacts
from triwatch.warning.outputs.geometry import ellipse_ring_deg
from triwatch.warning.outputs.run_view import DeliveredWarning, TrackPath

RED = [230, 30, 30, 255]  # national tracks
ORANGE = [255, 140, 0, 255]  # allied system tracks
_IMPACT_RGBA = {"threat": [230, 30, 30, 90], "correction": [255, 140, 0, 90], "overflight": [255, 220, 0, 90]}


def _solid(rgba: list[int]) -> dict:
    return {"solidColor": {"color": {"rgba": rgba}}}


def document_packet(name: str, epoch: datetime, start_s: float, end_s: float) -> dict:
    """The first packet: document id, CZML version and the clock over the run."""
    start, end = iso_z(epoch, start_s), iso_z(epoch, max(end_s, start_s + 1.0))
    return {
        "id": "document",
        "name": name,
        "version": "1.0",
        "clock": {
            "interval": f"{start}/{end}",
            "currentTime": start,
            "multiplier": 10,
            "range": "LOOP_STOP",
            "step": "SYSTEM_CLOCK_MULTIPLIER",
        },
    }


def track_packet(path: TrackPath, epoch: datetime) -> dict:
    """A track's packet: FIXED-frame Cartesian positions tagged with seconds after its first state."""
    if not np.all(np.isfinite(path.states[:, :3])):
        raise OutputError(f"track {path.nation}/{path.track_id}: path has non-finite coordinates")
    t0 = float(path.times_s[0])
    samples: list[float] = []
    for t, r in zip(path.times_s, path.states[:, :3], strict=True):
        samples += [round(float(t) - t0, 3), *(round(float(v), 1) for v in r)]
    name = path.title
    colour = ORANGE if path.kind == "system" else RED
    return {
        "id": f"track/{path.key}",
        "name": name,
        "description": f"category {path.category or 'unknown'}; last status {path.statuses[-1]}",
        "availability": f"{iso_z(epoch, t0)}/{iso_z(epoch, path.times_s[-1])}",
        "position": {
            "epoch": iso_z(epoch, t0),
            "referenceFrame": "FIXED",
            "cartesian": samples,
            "interpolationAlgorithm": "LINEAR",
        },
        "point": {"pixelSize": 8, "color": {"rgba": colour}},
        "label": {"text": name, "font": "12pt sans-serif", "pixelOffset": {"cartesian2": [12, 0]}},
        "path": {"material": _solid(colour), "width": 2, "leadTime": 0, "trailTime": 1.0e9, "resolution": 5},
    }


def impact_packets(
    warnings: Sequence[DeliveredWarning], epoch: datetime, end_s: float, skipped: list[str] | None = None
) -> list[dict]:
    """Packets of the predicted impacts, each available until the next revision of its warning."""
    out = []
    for dw, geometry, until_s in displayed_impacts(warnings, end_s, skipped):
        w = dw.report
        packet = {
            "id": f"impact/{w.issuer}/{w.warning_id}/r{w.revision}",
            "name": f"{w.issuer} {w.warning_id} r{w.revision} {w.kind}",
            "description": f"areas: {', '.join(w.areas) or 'none'}",
            "availability": f"{iso_z(epoch, dw.delivered_s)}/{iso_z(epoch, until_s)}",
        }
        rgba = _IMPACT_RGBA.get(w.kind, [160, 160, 160, 90])
        if w.impact is not None and geometry["type"] != "Point":
            # One continuous ring even across 180 deg: Cesium works in Cartesian, so needs no cut.
            lat, lon = ellipse_ring_deg(w.impact)
            ring = [(round(float(o), 6), round(float(a), 6)) for o, a in zip(lon[:-1], lat[:-1], strict=True)]
            packet["polygon"] = {
                "positions": {"cartographicDegrees": [v for lon, lat in ring for v in (lon, lat, 0.0)]},
                "material": _solid(rgba),
                "outline": True,
                "outlineColor": {"rgba": rgba[:3] + [255]},
                "height": 0,
            }
        else:
            lon, lat = geometry["coordinates"][:2]
            packet["position"] = {"cartographicDegrees": [lon, lat, 0.0]}
            packet["point"] = {"pixelSize": 10, "color": {"rgba": rgba[:3] + [255]}}
        out.append(packet)
    return out


def _rings_degrees(ring: list[list[float]]) -> list[float]:
    return [v for c in ring[:-1] for v in (c[0], c[1], 0.0)]


def area_packets(
    areas: Sequence[ThreatenedArea], outlines: dict[str, dict], epoch: datetime, end_s: float
) -> list[dict]:
    """Packets of the threatened areas: outline polygons when known, else a listed, undrawn entity."""
    out = []
    for a in areas:
        name = f"{area_name(a.area, 'en-US')} / {area_name(a.area, 'ja-JP')} / {area_name(a.area, 'ko-KR')}"
        base = {
            "name": name,
            "description": f"{a.area}: warned by {', '.join(a.warnings)}",
            "availability": f"{iso_z(epoch, a.first_s)}/{iso_z(epoch, max(end_s, a.first_s + 1.0))}",
        }
        geometry = outlines.get(a.area)
        parts = []
        if geometry and geometry["type"] == "Polygon":
            parts = [geometry["coordinates"]]
        elif geometry and geometry["type"] == "MultiPolygon":
            parts = geometry["coordinates"]
        if not parts:
            out.append({"id": f"area/{a.area}", **base})
        for k, rings in enumerate(parts):
            polygon = {
                "positions": {"cartographicDegrees": _rings_degrees(rings[0])},
                "material": _solid([255, 140, 0, 60]),
                "height": 0,
            }
            if len(rings) > 1:
                polygon["holes"] = {"cartographicDegrees": [_rings_degrees(r) for r in rings[1:]]}
            out.append({"id": f"area/{a.area}/{k}", **base, "polygon": polygon})
    return out


def run_czml(
    tracks: Sequence[TrackPath],
    warnings: Sequence[DeliveredWarning],
    areas: Sequence[ThreatenedArea],
    outlines: dict[str, dict],
    epoch: datetime,
    *,
    name: str = "triwatch run",
    start_s: float = 0.0,
    end_s: float = 0.0,
    skipped: list[str] | None = None,
) -> list[dict]:
    """The CZML packet list of a run, document packet first."""
    packets = [document_packet(name, epoch, start_s, end_s)]
    for path in tracks:
        try:
            packets.append(track_packet(path, epoch))
        except OutputError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
    packets += impact_packets(warnings, epoch, end_s, skipped)
    packets += area_packets(areas, outlines, epoch, end_s)
    return packets
