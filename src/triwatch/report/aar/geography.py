"""Offline geography for the map: coastlines and the outlines of named areas, from `triwatch.geo.areas`.

Areas are the warning vocabulary (`JPN-land`, `KOR-EEZ`, `high-seas`): a `-land` area is the
nation's land polygons, an `-EEZ` area its derived EEZ polygons (traced from the area raster:
they cover the nation's land too, so the map draws EEZs under land). Rings follow RFC 7946
(exterior counter-clockwise, holes clockwise), so a matplotlib Path filled by the nonzero
winding rule leaves any hole empty.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from matplotlib.path import Path as MplPath

from triwatch.geo.areas import coastline_polylines, eez_geojson, land_geojson


def coastlines() -> list[np.ndarray]:
    """Coastlines near the region, each (N, 2) lon, lat degrees."""
    return coastline_polylines()


@cache
def _features() -> dict[str, list]:
    """Area name -> MultiPolygon coordinates, for every nation's land and EEZ."""
    out: dict[str, list] = {}
    for suffix, collection in (("land", land_geojson()), ("EEZ", eez_geojson())):
        for feature in collection["features"]:
            geom = feature["geometry"]
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            out[f"{feature['properties']['nation']}-{suffix}"] = polys
    return out


def area_path(area: str) -> MplPath | None:
    """One compound path (lon, lat degrees) of an area's polygons with their holes; None for areas
    without an outline (high seas, or a name the bundled geography does not hold)."""
    polys = _features().get(area)
    if not polys:
        return None
    verts, codes = [], []
    for poly in polys:
        for ring in poly:
            ring = np.asarray(ring, float)
            if ring.shape[0] < 3:
                continue
            verts.append(ring)
            codes.append(np.r_[MplPath.MOVETO, np.full(ring.shape[0] - 2, MplPath.LINETO), MplPath.CLOSEPOLY])
    if not verts:
        return None
    return MplPath(np.concatenate(verts), np.concatenate(codes).astype(MplPath.code_type))
