"""GeoJSON (RFC 7946) of a run: flown paths, predicted impact ellipses, threatened areas.

- tracks: one Feature per track (national tracks, and the view node's allied system tracks with
  `kind: "system"` and their pedigree), a LineString of [lon, lat, height m] from its ECEF states
  (a MultiLineString when the path crosses the antimeridian, cut there as RFC 7946 3.1.9 asks;
  a Point for a track seen once);
- impacts: one Feature per warning revision that predicted an impact: the 95 % ellipse as a
  Polygon (anticlockwise exterior ring, 36 vertices on the ellipsoid; a MultiPolygon cut at the
  antimeridian when it straddles 180 deg), or a Point when only the predicted point is known;
- areas: one Feature per threatened area with its name in three languages (the label) and its
  outline when the geography is installed (`areas.area_outlines`), else a null geometry.

Bad items: with `skipped` given, an item that cannot be drawn is left out and its reason appended;
without it, the first such item raises OutputError.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import numpy as np

from triwatch.warning.outputs.areas import ThreatenedArea
from triwatch.warning.outputs.cap_text import CANCELS, LANGUAGES, area_name
from triwatch.warning.outputs.clock import iso_z
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geometry import (
    check_ellipse,
    ecef_to_lat_lon_alt_deg,
    ellipse_polygons_lonlat,
    split_at_antimeridian,
)
from triwatch.warning.outputs.run_view import DeliveredWarning, TrackPath


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _handle(exc: OutputError, skipped: list[str] | None) -> None:
    if skipped is None:
        raise exc
    skipped.append(str(exc))


def _round(rows: np.ndarray) -> list[list[float]]:
    return [[round(float(v), 6) for v in row[:2]] + [round(float(v), 1) for v in row[2:]] for row in rows]


def track_geometry(path: TrackPath) -> dict:
    """LineString / MultiLineString / Point of a track's flown path, [lon, lat, h]."""
    lla = ecef_to_lat_lon_alt_deg(path.states[:, :3])
    lon_lat_h = lla[:, [1, 0, 2]]
    if not np.all(np.isfinite(lon_lat_h)):
        raise OutputError(f"track {path.nation}/{path.track_id}: path has non-finite coordinates")
    if len(lon_lat_h) == 1:
        return {"type": "Point", "coordinates": _round(lon_lat_h)[0]}
    pieces = split_at_antimeridian(lon_lat_h)
    if len(pieces) == 1:
        return {"type": "LineString", "coordinates": _round(pieces[0])}
    return {"type": "MultiLineString", "coordinates": [_round(p) for p in pieces]}


def tracks_geojson(tracks: Sequence[TrackPath], epoch: datetime, *, skipped: list[str] | None = None) -> dict:
    """FeatureCollection of the flown paths of tracks."""
    features = []
    for path in tracks:
        try:
            geometry = track_geometry(path)
        except OutputError as exc:
            _handle(exc, skipped)
            continue
        heights = ecef_to_lat_lon_alt_deg(path.states[:, :3])[:, 2]
        props = {
            "kind": path.kind,
            "pedigree": list(path.pedigree),
            "nation": path.nation,
            "track_id": path.track_id,
            "system_track": path.system_track,
            "category": path.category,
            "apogee_km": None if path.apogee_m is None else round(path.apogee_m / 1e3, 1),
            "max_height_km": round(float(heights.max()) / 1e3, 1),
            "first_utc": iso_z(epoch, path.times_s[0]),
            "last_utc": iso_z(epoch, path.times_s[-1]),
            "updates": len(path.times_s),
            "last_status": path.statuses[-1],
        }
        features.append({"type": "Feature", "id": path.key, "geometry": geometry,
                         "properties": props})  # fmt: skip
    return _collection(features)


def impact_geometry(dw: DeliveredWarning) -> dict | None:
    """The predicted impact of a warning revision: Polygon of its ellipse, Point, or None."""
    w = dw.report
    where = f"warning {w.issuer}/{w.warning_id} revision {w.revision} ({w.kind})"
    if w.impact is not None:
        check_ellipse(w.impact, where)
        if w.impact.semi_major_m > 0.0:
            rings = [_round(r) for r in ellipse_polygons_lonlat(w.impact)]
            if len(rings) == 1:
                return {"type": "Polygon", "coordinates": rings}
            return {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}
        return {"type": "Point", "coordinates": [round(w.impact.lon_deg, 6), round(w.impact.lat_deg, 6)]}
    if dw.impact_point is not None:
        lat, lon = dw.impact_point
        if not (np.isfinite(lat) and np.isfinite(lon)):
            raise OutputError(f"{where}.impact: point must be finite, got {[lat, lon]}")
        return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    return None


def displayed_impacts(
    warnings: Sequence[DeliveredWarning], end_s: float, skipped: list[str] | None = None
) -> Iterator[tuple[DeliveredWarning, dict, float]]:
    """(warning, impact geometry, shown-until time) of every revision whose predicted impact is shown.

    A prediction is shown from its delivery until the next revision of the same warning (or end_s);
    a cancel ends the last prediction's display and shows nothing itself. A revision whose geometry
    cannot be made is left out with its reason in skipped (raised when skipped is None).
    """
    times: dict[tuple[str, str], list[float]] = {}
    for dw in warnings:
        times.setdefault((dw.report.issuer, dw.report.warning_id), []).append(dw.delivered_s)
    for dw in warnings:
        w = dw.report
        try:
            geometry = impact_geometry(dw)
        except OutputError as exc:
            if skipped is None:
                raise
            skipped.append(str(exc))
            continue
        if geometry is None or w.kind in CANCELS:
            continue
        later = [t for t in times[(w.issuer, w.warning_id)] if t > dw.delivered_s]
        yield dw, geometry, (min(later) if later else end_s)


def impacts_geojson(warnings: Sequence[DeliveredWarning], epoch: datetime, *, skipped: list[str] | None = None) -> dict:
    """FeatureCollection of predicted impacts, one per warning revision that has one."""
    features = []
    for dw in warnings:
        try:
            geometry = impact_geometry(dw)
        except OutputError as exc:
            _handle(exc, skipped)
            continue
        if geometry is None:
            continue
        w = dw.report
        props = {
            "issuer": w.issuer,
            "warning_id": w.warning_id,
            "revision": w.revision,
            "kind": w.kind,
            "areas": list(w.areas),
            "subregions": list(w.subregions),
            "issued_utc": iso_z(epoch, w.time_s),
            "delivered_utc": iso_z(epoch, dw.delivered_s),
            "confidence": 0.95 if w.impact is not None else None,
        }
        if w.impact is not None:
            props |= {
                "semi_major_km": round(w.impact.semi_major_m / 1e3, 2),
                "semi_minor_km": round(w.impact.semi_minor_m / 1e3, 2),
                "orientation_deg": round(w.impact.orientation_deg, 1),
            }
        if w.impact_time_s is not None:
            props["predicted_impact_utc"] = iso_z(epoch, w.impact_time_s)
        fid = f"{w.issuer}/{w.warning_id}/r{w.revision}"
        features.append({"type": "Feature", "id": fid, "geometry": geometry, "properties": props})
    return _collection(features)


def area_label(area: str) -> dict[str, str]:
    """The name of an area in each output language."""
    return {language: area_name(area, language) for language in LANGUAGES}


def areas_geojson(areas: Sequence[ThreatenedArea], epoch: datetime, outlines: dict[str, dict]) -> dict:
    """FeatureCollection of threatened areas: label properties, outline or null geometry."""
    features = []
    for a in areas:
        props = {
            "area": a.area,
            "nation": a.nation,
            "label": area_name(a.area, "en-US"),
            "names": area_label(a.area),
            "warnings": list(a.warnings),
            "kinds": list(a.kinds),
            "first_warned_utc": iso_z(epoch, a.first_s),
            "last_warned_utc": iso_z(epoch, a.last_s),
            "outline": a.area in outlines,
        }
        features.append({"type": "Feature", "id": a.area, "geometry": outlines.get(a.area), "properties": props})
    return _collection(features)
