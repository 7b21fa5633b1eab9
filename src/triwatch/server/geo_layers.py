"""Coastlines, land and EEZ outlines for the map, served as GeoJSON from the bundled geography.

They come from `triwatch.geo.areas` (bundled offline data, built on its own
branch). Until that module is present the layers are empty FeatureCollections
and the map shows only its graticule, so the COP still works.
"""

from __future__ import annotations

from functools import cache
from typing import Any

EMPTY: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def _areas():
    try:
        from triwatch.geo import areas
    except ImportError:
        return None
    return areas


@cache
def land_geojson() -> dict[str, Any]:
    """Land (national territories) as a GeoJSON FeatureCollection, or an empty one."""
    areas = _areas()
    fn = getattr(areas, "land_geojson", None) if areas else None
    return fn() if fn else EMPTY


@cache
def eez_geojson() -> dict[str, Any]:
    """Exclusive economic zones as a GeoJSON FeatureCollection, or an empty one."""
    areas = _areas()
    fn = getattr(areas, "eez_geojson", None) if areas else None
    return fn() if fn else EMPTY


def layers_available() -> dict[str, bool]:
    return {"land": bool(land_geojson()["features"]), "eez": bool(eez_geojson()["features"])}
