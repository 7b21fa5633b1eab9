"""GeoJSON polygons the way RFC 7946 wants them: closed rings, exterior counter-clockwise,
holes clockwise, coordinates rounded (0.001 deg ~ 100 m, below the source's accuracy).
"""

from __future__ import annotations

import numpy as np


def signed_area(ring: np.ndarray) -> float:
    """Shoelace area in lon/lat degrees^2: positive when the ring runs counter-clockwise."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def polygon_coordinates(rings: list[np.ndarray], decimals: int = 3) -> list[list[list[float]]]:
    """One GeoJSON Polygon's coordinates from [exterior, *holes] (N, 2) lon/lat rings."""
    out = []
    for k, ring in enumerate(rings):
        ring = np.round(np.asarray(ring, dtype=float), decimals)
        if not np.array_equal(ring[0], ring[-1]):
            ring = np.vstack([ring, ring[:1]])
        ccw = signed_area(ring) > 0
        if ccw != (k == 0):  # exterior must be CCW, holes CW
            ring = ring[::-1]
        out.append(ring.tolist())
    return out


def feature(nation: str, polygons: list[list[np.ndarray]]) -> dict:
    """A Feature holding one nation's MultiPolygon, properties {nation}."""
    return {
        "type": "Feature",
        "properties": {"nation": nation},
        "geometry": {"type": "MultiPolygon", "coordinates": [polygon_coordinates(p) for p in polygons]},
    }
