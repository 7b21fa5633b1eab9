"""KML (OGC KML 2.2) of a run for Google Earth and GIS tools, written with lxml.

Folders: "Tracks" (each national track's flown path as an absolute-altitude LineString, red, with
a TimeSpan over its life so the time slider plays it), "Allied picture (system tracks)" (orange,
when the view node's picture is in the log), "Predicted impact (95 %)" (each warning revision's
ellipse as Polygons, or a Point when only the point is known, shown from its delivery until the
next revision of the same warning; a withdrawal or all-clear ends it), and "Threatened areas" (a
Placemark per area named in three languages, with its outline when the geography is installed).

Written with lxml rather than PyPI `simplekml`: simplekml numbers its ids from a process-wide
counter ("1", "2", ...), which is not a valid xs:ID (the OGC schema refuses the document) and
makes the same run give different files. Here styles are inline, so no ids are needed; the
output validates against the OGC KML 2.2 schema (checked in the tests with the copy PyPI `pykml`
ships). Colours are KML's aabbggrr.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from lxml import etree
from lxml.builder import ElementMaker

from triwatch.warning.outputs.areas import ThreatenedArea
from triwatch.warning.outputs.cap_text import area_name
from triwatch.warning.outputs.clock import iso_z
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geojson import displayed_impacts, track_geometry
from triwatch.warning.outputs.run_view import DeliveredWarning, TrackPath

KML_NS = "http://www.opengis.net/kml/2.2"
_K = ElementMaker(namespace=KML_NS, nsmap={None: KML_NS})
RED, ORANGE, YELLOW, GREY, WHITE = "ff1e1ee6", "ff008cff", "ff00dcff", "ffa0a0a0", "ffffffff"
_KIND_COLOURS = {"threat": RED, "correction": ORANGE, "overflight": YELLOW, "impact": GREY, "launch": WHITE}


def _coords(points: Sequence[Sequence[float]]) -> str:
    return " ".join(",".join(f"{v:.6f}" if i < 2 else f"{v:.1f}" for i, v in enumerate(p)) for p in points)


def _span(epoch: datetime, begin_s: float, end_s: float):
    return _K.TimeSpan(_K.begin(iso_z(epoch, begin_s)), _K.end(iso_z(epoch, max(end_s, begin_s))))


def _style(line: str, fill: str | None = None, width: float = 2.0):
    parts = [_K.LineStyle(_K.color(line), _K.width(f"{width:g}"))]
    if fill is not None:
        parts.append(_K.PolyStyle(_K.color(fill)))
    return _K.Style(*parts)


def _placemark(name: str, description: str, *rest):
    return _K.Placemark(_K.name(name), _K.description(description), *rest)


def _polygon(rings: Sequence[Sequence[Sequence[float]]]):
    outer, inner = rings[0], rings[1:]
    parts = [_K.outerBoundaryIs(_K.LinearRing(_K.coordinates(_coords(outer))))]
    parts += [_K.innerBoundaryIs(_K.LinearRing(_K.coordinates(_coords(r)))) for r in inner]
    return _K.Polygon(*parts)


def _track_placemark(path: TrackPath, epoch: datetime):
    geometry = track_geometry(path)
    if geometry["type"] == "Point":
        shape = _K.Point(_K.altitudeMode("absolute"), _K.coordinates(_coords([geometry["coordinates"]])))
    else:
        lines = [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
        parts = [_K.LineString(_K.altitudeMode("absolute"), _K.coordinates(_coords(line))) for line in lines]
        shape = parts[0] if len(parts) == 1 else _K.MultiGeometry(*parts)
    colour = ORANGE if path.kind == "system" else RED
    about = f"allied system track from {', '.join(path.pedigree) or '?'}" if path.kind == "system" else (
        f"category {path.category or 'unknown'}; last status {path.statuses[-1]}")  # fmt: skip
    return _placemark(
        path.title, about, _span(epoch, path.times_s[0], path.times_s[-1]), _style(colour, width=3), shape
    )


def _impact_placemarks(warnings: Sequence[DeliveredWarning], epoch: datetime, end_s: float, skipped) -> list:
    out = []
    for dw, geometry, until_s in displayed_impacts(warnings, end_s, skipped):
        w = dw.report
        colour = _KIND_COLOURS.get(w.kind, RED)
        if geometry["type"] == "Point":
            shape = _K.Point(_K.coordinates(_coords([geometry["coordinates"]])))
        else:
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            parts = [_polygon(p) for p in polygons]
            shape = parts[0] if len(parts) == 1 else _K.MultiGeometry(*parts)
        span = _span(epoch, dw.delivered_s, until_s)
        out.append(_placemark(f"{w.issuer} {w.warning_id} r{w.revision} {w.kind}",
                              f"areas: {', '.join(w.areas) or 'none'}", span, _style(colour, "5a" + colour[2:]), shape))  # fmt: skip
    return out


def _area_placemark(a: ThreatenedArea, outlines: dict[str, dict]):
    label = f"{area_name(a.area, 'en-US')} / {area_name(a.area, 'ja-JP')} / {area_name(a.area, 'ko-KR')}"
    about = f"{a.area}: warned by {', '.join(a.warnings)}"
    geometry = outlines.get(a.area)
    polygons = []
    if geometry and geometry["type"] == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry and geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
    if not polygons:
        return _placemark(label, about + " (no outline)")
    return _placemark(label, about, _style(ORANGE, "3c008cff", 1.0), _K.MultiGeometry(*(_polygon(p) for p in polygons)))


def run_kml(
    tracks: Sequence[TrackPath],
    warnings: Sequence[DeliveredWarning],
    areas: Sequence[ThreatenedArea],
    outlines: dict[str, dict],
    epoch: datetime,
    *,
    name: str = "triwatch run",
    end_s: float = 0.0,
    skipped: list[str] | None = None,
) -> str:
    """The KML document (text) of a run's tracks, predicted impacts and threatened areas."""
    folders = []
    for title, kind in (("Tracks", "national"), ("Allied picture (system tracks)", "system")):
        marks = []
        for path in (p for p in tracks if p.kind == kind):
            try:
                marks.append(_track_placemark(path, epoch))
            except OutputError as exc:
                if skipped is None:
                    raise
                skipped.append(str(exc))
        if kind == "national" or marks:
            folders.append(_K.Folder(_K.name(title), *marks))
    folders.append(_K.Folder(_K.name("Predicted impact (95 %)"), *_impact_placemarks(warnings, epoch, end_s, skipped)))
    folders.append(_K.Folder(_K.name("Threatened areas"), *(_area_placemark(a, outlines) for a in areas)))
    doc = _K.kml(_K.Document(_K.name(name), *folders))
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
