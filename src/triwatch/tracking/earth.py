"""Geodetic coordinates of ECEF arrays with their shape kept, and the local vertical.

triwatch.geo.frames.ecef_to_geodetic hands back pymap3d's arrays, and pymap3d squeezes the
latitude when the leading axis has length one (a (1, 12, 3) input gives lat (12,) but lon
(1, 12)). The tracker batches over tracks, where one track is the common case, so it reshapes.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic


def geodetic_of(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, h), each of shape r.shape[:-1], of ECEF positions r (..., 3)."""
    r = np.asarray(r, float)
    shape = r.shape[:-1]
    lat, lon, h = ecef_to_geodetic(r)
    return np.reshape(lat, shape), np.reshape(lon, shape), np.reshape(h, shape)


def height_of(r: np.ndarray) -> np.ndarray:
    """Geodetic height (...) of ECEF positions r (..., 3)."""
    return geodetic_of(r)[2]


def up_of(r: np.ndarray) -> np.ndarray:
    """Unit local vertical (normal to the ellipsoid) (..., 3) at ECEF positions r (..., 3)."""
    lat, lon, _ = geodetic_of(r)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
