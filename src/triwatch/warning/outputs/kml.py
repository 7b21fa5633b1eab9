"""KML (OGC 2.2) of a run for Google Earth and GIS tools, written with PyPI `simplekml`.

Folders: "Tracks" (each national track's flown path as an absolute-altitude LineString, red, with
a TimeSpan over its life so the time slider plays it), "Allied picture (system tracks)" (orange,
when the view node's picture is in the log), "Predicted impact (95 %)" (each warning revision's
ellipse as a Polygon, or a Point when only the point is known, shown from its delivery until the
next revision of the same warning), and "Threatened areas" (a Placemark per area named in three
languages, with its outline when the geography is installed).
simplekml is chosen over hand-written ElementTree because it writes styles, TimeSpans and
MultiGeometry correctly with no KML namespace bookkeeping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import simplekml

from triwatch.warning.outputs.areas import ThreatenedArea
from triwatch.warning.outputs.cap_text import CANCELS, area_name
from triwatch.warning.outputs.clock import iso_z
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geojson import impact_geometry, track_geometry
from triwatch.warning.outputs.run_view import DeliveredWarning, TrackPath

_KIND_COLOURS = {  # aabbggrr via simplekml.Color
    "threat": simplekml.Color.red,
    "correction": simplekml.Color.orange,
    "overflight": simplekml.Color.yellow,
    "impact": simplekml.Color.gray,
    "launch": simplekml.Color.white,
}


def _lines(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return geometry["coordinates"]
    return []


def _add_tracks(folder, tracks: Sequence[TrackPath], epoch: datetime, skipped: list[str] | None) -> None:
    for path in tracks:
        try:
            geometry = track_geometry(path)
        except OutputError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
            continue
        name = path.title
        parent = folder.newmultigeometry(name=name) if geometry["type"] == "MultiLineString" else None
        shapes = []
        if geometry["type"] == "Point":
            shapes.append(folder.newpoint(name=name, coords=[tuple(geometry["coordinates"])]))
        for line in _lines(geometry):
            coords = [tuple(c) for c in line]
            shapes.append(
                parent.newlinestring(coords=coords) if parent else folder.newlinestring(name=name, coords=coords)
            )
        for shape in [parent] if parent else shapes:
            shape.timespan.begin = iso_z(epoch, path.times_s[0])
            shape.timespan.end = iso_z(epoch, path.times_s[-1])
            shape.description = f"category {path.category or 'unknown'}; last status {path.statuses[-1]}"
            shape.style.linestyle.color = simplekml.Color.orange if path.kind == "system" else simplekml.Color.red
            shape.style.linestyle.width = 3
        for shape in shapes:
            shape.altitudemode = simplekml.AltitudeMode.absolute


def _add_impacts(
    folder, warnings: Sequence[DeliveredWarning], epoch: datetime, end_s: float, skipped: list[str] | None
) -> None:
    ends: dict[tuple[str, str], list[float]] = {}
    for dw in warnings:
        ends.setdefault((dw.report.issuer, dw.report.warning_id), []).append(dw.delivered_s)
    for dw in warnings:
        w = dw.report
        try:
            geometry = impact_geometry(dw)
        except OutputError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
            continue
        if geometry is None or w.kind in CANCELS:  # a cancel ends the last prediction's display
            continue
        later = [t for t in ends[(w.issuer, w.warning_id)] if t > dw.delivered_s]
        name = f"{w.issuer} {w.warning_id} r{w.revision} {w.kind}"
        if geometry["type"] in ("Polygon", "MultiPolygon"):
            rings = (
                [geometry["coordinates"][0]]
                if geometry["type"] == "Polygon"
                else [p[0] for p in geometry["coordinates"]]
            )
            shape = folder.newmultigeometry(name=name)
            for ring in rings:
                shape.newpolygon(outerboundaryis=[tuple(c) for c in ring])
            colour = _KIND_COLOURS.get(w.kind, simplekml.Color.red)
            shape.style.polystyle.color = simplekml.Color.changealphaint(90, colour)
            shape.style.linestyle.color = colour
        else:
            shape = folder.newpoint(name=name, coords=[tuple(geometry["coordinates"])])
        shape.timespan.begin = iso_z(epoch, dw.delivered_s)
        shape.timespan.end = iso_z(epoch, min(later) if later else end_s)
        shape.description = f"areas: {', '.join(w.areas) or 'none'}"


def _add_areas(folder, areas: Sequence[ThreatenedArea], outlines: dict[str, dict]) -> None:
    for a in areas:
        label = f"{area_name(a.area, 'en-US')} / {area_name(a.area, 'ja-JP')} / {area_name(a.area, 'ko-KR')}"
        geometry = outlines.get(a.area)
        polygons = []
        if geometry and geometry["type"] == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry and geometry["type"] == "MultiPolygon":
            polygons = geometry["coordinates"]
        if not polygons:
            folder.newpoint(name=label).description = f"{a.area}: warned by {', '.join(a.warnings)} (no outline)"
            continue
        multi = folder.newmultigeometry(name=label)
        multi.description = f"{a.area}: warned by {', '.join(a.warnings)}"
        for rings in polygons:
            multi.newpolygon(
                outerboundaryis=[tuple(c) for c in rings[0]], innerboundaryis=[[tuple(c) for c in r] for r in rings[1:]]
            )
        multi.style.polystyle.color = simplekml.Color.changealphaint(60, simplekml.Color.orange)


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
    kml = simplekml.Kml(name=name)
    _add_tracks(kml.newfolder(name="Tracks"), [p for p in tracks if p.kind != "system"], epoch, skipped)
    systems = [p for p in tracks if p.kind == "system"]
    if systems:
        _add_tracks(kml.newfolder(name="Allied picture (system tracks)"), systems, epoch, skipped)
    _add_impacts(kml.newfolder(name="Predicted impact (95 %)"), warnings, epoch, end_s, skipped)
    _add_areas(kml.newfolder(name="Threatened areas"), areas, outlines)
    return kml.kml()
