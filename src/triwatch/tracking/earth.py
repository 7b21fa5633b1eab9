"""Geodetic height and the local vertical of ECEF arrays, as the tracker needs them on every scan.

A thin layer over triwatch.geo.frames.ecef_to_geodetic, which is closed-form (Heikkinen) and
keeps the input's shape (the tracker batches over tracks, where one track is the common case).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic


def geodetic_of(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat rad, lon rad, h m), each of shape r.shape[:-1], of ECEF positions r (..., 3)."""
    r = np.asarray(r, float)
    lat, lon, h = ecef_to_geodetic(r)
    shape = r.shape[:-1]
    return np.reshape(lat, shape), np.reshape(lon, shape), np.reshape(h, shape)


def height_of(r: np.ndarray) -> np.ndarray:
    """Geodetic height (...) of ECEF positions r (..., 3)."""
    return geodetic_of(r)[2]


def up_of(r: np.ndarray) -> np.ndarray:
    """Unit local vertical (normal to the ellipsoid) (..., 3) at ECEF positions r (..., 3)."""
    lat, lon, _ = geodetic_of(r)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
