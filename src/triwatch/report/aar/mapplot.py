"""The map: truth ground tracks, national track positions, predicted impact points and ellipses.

Equirectangular (plate carree) with the aspect set to 1 / cos(mid latitude), so
distances east-west and north-south look alike in the middle of the map: the region
spans some 30 degrees of latitude, where the distortion that remains stays small for
reading an exercise. Longitudes are drawn in 0..360 when the data cross the antimeridian.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.geo.wgs84 import A_M
from triwatch.report.aar.accuracy import impact_latlon
from triwatch.report.aar.figures import nation_colour, new_figure, plain, to_data_uri
from triwatch.report.aar.geography import area_path, coastlines
from triwatch.report.aar.truthgeo import ground_track_deg, impact_point_deg
from triwatch.report.aar.validate import TruthTrack

MIN_SPAN_DEG = 6.0  # a single short-range shot still shows its surroundings
LAUNCH_COLOURS = ("#111111", "#b9770e", "#6c3483", "#1a5276", "#7b241c", "#0e6251")


@dataclass
class MapLayers:
    """What the map draws, already in degrees: lines and points are (lat, lon) arrays."""

    truth_lines: list[tuple[str, np.ndarray, np.ndarray]] = field(default_factory=list)  # (object id, lat, lon)
    launches: list[tuple[str, float, float, float, float]] = field(default_factory=list)  # id, launch, impact
    tracks: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # nation -> lat, lon
    impacts: dict[str, list[tuple[float, float, dict | None]]] = field(default_factory=dict)  # issuer -> points
    coastlines: list[np.ndarray] = field(default_factory=list)  # each (N, 2) lon, lat
    areas: list[str] = field(default_factory=list)  # areas named in warnings, filled on the map
    stage_landings: list[tuple[float, float]] = field(default_factory=list)  # where spent stages came down


def ellipse_outline_deg(
    lat: float, lon: float, a_m: float, b_m: float, orient_deg: float, n: int = 72
) -> tuple[np.ndarray, np.ndarray]:
    """Outline of a ground ellipse (semi-axes in m, major axis orient_deg clockwise from North),
    in degrees, laid out in the local East/North plane: dN = R dlat, dE = R cos(lat) dlon."""
    th = np.linspace(0.0, 2 * np.pi, n)
    u, v = a_m * np.cos(th), b_m * np.sin(th)  # along the major axis, along the minor axis
    az = np.radians(orient_deg)
    east = u * np.sin(az) + v * np.cos(az)
    north = u * np.cos(az) - v * np.sin(az)
    return lat + np.degrees(north / A_M), lon + np.degrees(east / (A_M * np.cos(np.radians(lat))))


def gather_layers(summary: dict, events: list[dict], truth: list[TruthTrack] | None, nations: list[str]) -> MapLayers:
    """Collect every map layer from the summary, the events and (when given) truth."""
    layers = MapLayers(coastlines=coastlines())
    named = {
        str(a) for e in events if e["type"] in ("warning-issued", "warning-delivered") for a in e.get("areas") or []
    }
    layers.areas = sorted(named, key=lambda a: (a.endswith("-land"), a))  # EEZs first: land is drawn over them
    for launch in summary.get("launches", []):
        tr = launch.get("truth") or {}
        keys = ("launch_lat", "launch_lon", "impact_lat", "impact_lon")
        if all(isinstance(tr.get(k), int | float) for k in keys):
            layers.launches.append((str(launch["id"]), *(float(tr[k]) for k in keys)))
    for obj in truth or []:
        lat, lon = ground_track_deg(obj)
        layers.truth_lines.append((obj.object_id, lat, lon))
        if not obj.object_id.endswith("/RV"):
            layers.stage_landings.append(impact_point_deg(obj))
    # The issuing node's own delivery of a revision carries its 95 % impact ellipse (docs/events.md).
    own_ellipses = {
        (e["node"], e.get("warning_id"), e.get("revision")): e["impact_ellipse"]
        for e in events
        if e["type"] == "warning-delivered" and e.get("issuer") == e["node"] and e.get("impact_ellipse")
    }
    for n in nations:
        xs = [e["x"][:3] for e in events if e["node"] == n and e["type"] == "track" and e.get("x") is not None]
        if xs:
            lat, lon, _ = ecef_to_geodetic(np.asarray(xs, float))
            layers.tracks[n] = (np.degrees(lat), np.degrees(lon))
        pts = []
        for e in events:
            if e["node"] == n and e["type"] == "warning-issued" and e.get("impact"):
                lat, lon = impact_latlon(e["impact"])
                ell = e.get("impact_ellipse") or own_ellipses.get((n, e.get("warning_id"), e.get("revision")))
                if ell is None and isinstance(e["impact"], dict) and "semi_major_m" in e["impact"]:
                    ell = e["impact"]
                pts.append((lat, lon, ell))
        if pts:
            layers.impacts[n] = pts
    return layers


def _span(lo: float, hi: float, min_span: float) -> tuple[float, float]:
    """lo..hi padded by 1.5 degrees and widened about its middle to at least min_span."""
    lo, hi = lo - 1.5, hi + 1.5
    if hi - lo < min_span:
        mid = 0.5 * (lo + hi)
        lo, hi = mid - min_span / 2, mid + min_span / 2
    return lo, hi


def _unwrap(lon: np.ndarray, wrap: bool) -> np.ndarray:
    return np.mod(lon, 360.0) if wrap else lon


def _draw_geography(ax, layers: MapLayers, wrap: bool, extent: tuple[float, float, float, float]) -> None:
    """Areas named in warnings (EEZ light, land darker) and coastlines, as two collections:
    one artist each rather than hundreds keeps the map fast, and autolim=False spares matplotlib
    walking every vertex of Japan's EEZ to find limits the map sets itself."""
    lon0, lon1, lat0, lat1 = extent
    patches = []
    for area in layers.areas:
        path = area_path(area)
        if path is None:
            continue
        if wrap:
            path = MplPath(np.column_stack([np.mod(path.vertices[:, 0], 360.0), path.vertices[:, 1]]), path.codes)
        land = area.endswith("-land")
        patches.append(
            PathPatch(
                path,
                facecolor="#f5b041" if land else "#fad7a0",
                edgecolor="#ca6f1e",
                lw=0.6,
                alpha=0.55 if land else 0.4,
            )
        )
    if patches:
        ax.add_collection(PatchCollection(patches, match_original=True, zorder=0), autolim=False)
        ax.add_patch(
            Rectangle(
                (0, 0), 0, 0, facecolor="#f5b041", alpha=0.55, edgecolor="#ca6f1e", label="areas named in warnings"
            )
        )
    lines = []
    for line in layers.coastlines:
        lon = _unwrap(line[:, 0], wrap)
        if lon.max() >= lon0 and lon.min() <= lon1 and line[:, 1].max() >= lat0 and line[:, 1].min() <= lat1:
            lines.append(np.column_stack([lon, line[:, 1]]))
    if lines:
        ax.add_collection(LineCollection(lines, colors="#7f8c8d", linewidths=0.6, zorder=1), autolim=False)


def map_figure(layers: MapLayers, nations: list[str]) -> str:
    """Draw the layers; returns a data URI."""
    lats, lons = [], []
    for _, lat, lon in layers.truth_lines:
        lats.append(lat)
        lons.append(lon)
    for _, la, lo, ia, io in layers.launches:
        lats.append(np.array([la, ia]))
        lons.append(np.array([lo, io]))
    for lat, lon in layers.tracks.values():
        lats.append(lat)
        lons.append(lon)
    for pts in layers.impacts.values():
        lats.append(np.array([p[0] for p in pts]))
        lons.append(np.array([p[1] for p in pts]))
    for nation in sorted({a.split("-", 1)[0] for a in layers.areas}):
        # Show the land of every nation a warning named, so the planner sees what was threatened.
        path = area_path(f"{nation}-land")
        if path is not None:
            (lo0, la0), (lo1, la1) = path.get_extents().get_points()
            lats.append(np.array([la0, la1]))
            lons.append(np.array([lo0, lo1]))
    all_lat = np.concatenate(lats) if lats else np.array([30.0, 45.0])
    all_lon = np.concatenate(lons) if lons else np.array([120.0, 145.0])
    wrap = bool(np.ptp(all_lon) > 180.0)
    all_lon = _unwrap(all_lon, wrap)
    lat0, lat1 = _span(float(all_lat.min()), float(all_lat.max()), MIN_SPAN_DEG)
    lon0, lon1 = _span(float(all_lon.min()), float(all_lon.max()), MIN_SPAN_DEG)
    aspect = 1.0 / np.cos(np.radians(0.5 * (lat0 + lat1)))
    # Size the figure to the map so the page holds no empty band above and below it.
    height = float(np.clip(9.0 * (lat1 - lat0) * aspect / (lon1 - lon0), 3.5, 9.5)) + 1.0
    fig = new_figure(10, height)
    ax = fig.subplots()
    _draw_geography(ax, layers, wrap, (lon0, lon1, lat0, lat1))
    launch_ids = [lid for lid, *_ in layers.launches] or sorted({o.split("/")[0] for o, _, _ in layers.truth_lines})
    labelled: set[bool] = set()
    for obj_id, lat, lon in layers.truth_lines:
        lid = obj_id.split("/", 1)[0]
        c = LAUNCH_COLOURS[launch_ids.index(lid) % len(LAUNCH_COLOURS)] if lid in launch_ids else "#333"
        payload = obj_id.endswith("/RV")
        label = None if payload in labelled else ("true path, payload" if payload else "true path, spent stage")
        labelled.add(payload)
        # Drawn over the track dots (zorder) so the truth stays visible where tracks follow it.
        ax.plot(
            _unwrap(lon, wrap),
            lat,
            "-" if payload else "--",
            color=c,
            lw=1.3 if payload else 0.9,
            alpha=0.9,
            zorder=4,
            label=label,
        )
    if layers.stage_landings:
        la, lo = np.array(layers.stage_landings).T
        ax.plot(_unwrap(lo, wrap), la, "x", color="#333", ms=6, mew=1.2, zorder=5, label="true landing, spent stage")
    for i, (lid, la, lo, ia, io) in enumerate(layers.launches):
        c = LAUNCH_COLOURS[i % len(LAUNCH_COLOURS)]
        ax.plot(_unwrap(np.array([lo]), wrap), [la], "^", color=c, ms=9, mec="white")
        ax.plot(_unwrap(np.array([io]), wrap), [ia], "X", color=c, ms=10, mec="white")
        ax.annotate(
            plain(f"{lid} launch"),
            (_unwrap(np.array([lo]), wrap)[0], la),
            xytext=(5, 5),
            textcoords="offset points",
            fontsize=8,
        )
        ax.annotate(
            plain(f"{lid} true impact"),
            (_unwrap(np.array([io]), wrap)[0], ia),
            xytext=(5, -12),
            textcoords="offset points",
            fontsize=8,
        )
    for n, (lat, lon) in layers.tracks.items():
        ax.plot(
            _unwrap(lon, wrap),
            lat,
            ".",
            ms=2.5,
            color=nation_colour(n, nations),
            alpha=0.5,
            label=plain(f"{n} track positions"),
        )
    for n, pts in layers.impacts.items():
        c = nation_colour(n, nations)
        ax.plot(
            _unwrap(np.array([p[1] for p in pts]), wrap),
            [p[0] for p in pts],
            "+",
            color=c,
            ms=8,
            mew=1.5,
            label=plain(f"{n} predicted impacts"),
        )
        for lat, lon, ell in pts:
            if ell:
                elat, elon = ellipse_outline_deg(
                    lat,
                    lon,
                    float(ell["semi_major_m"]),
                    float(ell["semi_minor_m"]),
                    float(ell.get("orientation_deg", 0.0)),
                )
                ax.plot(_unwrap(elon, wrap), elat, "-", color=c, lw=0.8, alpha=0.7)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(max(lat0, -90.0), min(lat1, 90.0))
    ax.set_aspect(aspect)
    ax.set_xlabel("longitude (deg E)")
    ax.set_ylabel("latitude (deg N)")
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="best")
    return to_data_uri(fig)
