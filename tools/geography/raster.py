"""Rasterise lon/lat polygons onto a regular lat/lon grid with Pillow's scanline filler.

Grid convention (shared with triwatch.geo.areas): cell (i, j) covers
lat in [lat0 + i*res, lat0 + (i+1)*res) and lon in [lon0 + j*res, lon0 + (j+1)*res);
longitudes run continuously east of 180 (lon0 + width may exceed 180) so the grid can
straddle the antimeridian.

Pillow fills every pixel a polygon touches, which would grow land by up to a pixel on every
coast. So we draw at `supersample` (k) times the resolution and give each cell the majority of
its sub-pixels (the most common non-zero code when at least half are non-zero): a cell is land
when most of it is, with the outward growth cut to about half a sub-pixel, 1/(2 k) of a cell
(~0.35 km for k = 3 at 0.02 deg; tests/geo checks the rule on a square). Islets covering less than half a cell vanish from the raster
(they still count as coast for the EEZ, which uses the vertices).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw


@dataclass(frozen=True)
class Grid:
    """A regular lat/lon grid in degrees; shape is (n_lat, n_lon)."""

    lat0: float
    lon0: float
    res: float
    n_lat: int
    n_lon: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_lat, self.n_lon)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """1-D arrays of cell-centre latitudes and longitudes (deg)."""
        lat = self.lat0 + (np.arange(self.n_lat) + 0.5) * self.res
        lon = self.lon0 + (np.arange(self.n_lon) + 0.5) * self.res
        return lat, lon


def rasterise(grid: Grid, layers: list[tuple[int, list[list[np.ndarray]]]], supersample: int = 3) -> np.ndarray:
    """uint8 raster: each (code, polygons) layer painted in order; holes painted back to 0.

    Drawn on a grid `supersample` times finer, then reduced by majority (see module doc).

    Every ring is drawn at lon, lon - 360 and lon + 360 so polygons split at the
    antimeridian (Natural Earth splits Russia and the Aleutians there) land on the
    continuous-longitude grid.
    """
    k = supersample
    fine = Grid(grid.lat0, grid.lon0, grid.res / k, grid.n_lat * k, grid.n_lon * k)
    img = Image.new("L", (fine.n_lon, fine.n_lat), 0)
    draw = ImageDraw.Draw(img)

    def pixels(ring: np.ndarray, shift: float) -> list[tuple[float, float]]:
        # Sub-pixel p spans [p, p + 1) in these units (as Pillow sees it): Pillow fills every
        # pixel the polygon touches, floor(x_min) <= p <= floor(x_max).
        x = (ring[:, 0] + shift - fine.lon0) / fine.res
        y = (ring[:, 1] - fine.lat0) / fine.res
        return list(zip(x.tolist(), y.tolist(), strict=True))

    for code, polygons in layers:
        for rings in polygons:
            for shift in (-360.0, 0.0, 360.0):
                lon = rings[0][:, 0] + shift
                if lon.max() < grid.lon0 or lon.min() > grid.lon0 + grid.n_lon * grid.res:
                    continue
                draw.polygon(pixels(rings[0], shift), fill=code)
                for hole in rings[1:]:
                    draw.polygon(pixels(hole, shift), fill=0)
    return _majority(np.asarray(img, dtype=np.uint8), k, max(code for code, _ in layers))


def _majority(fine: np.ndarray, k: int, max_code: int) -> np.ndarray:
    """Reduce k x k blocks: the most common non-zero code where at least half the block is non-zero."""
    n_lat, n_lon = fine.shape[0] // k, fine.shape[1] // k
    blocks = fine.reshape(n_lat, k, n_lon, k)
    best = np.zeros((n_lat, n_lon), dtype=np.uint8)
    best_count = np.zeros((n_lat, n_lon), dtype=np.uint8)
    for code in range(1, max_code + 1):
        count = (blocks == code).sum(axis=(1, 3), dtype=np.uint8)
        better = count > best_count
        best[better], best_count[better] = code, count[better]
    filled = (blocks != 0).sum(axis=(1, 3)) * 2 >= k * k
    return np.where(filled, best, 0).astype(np.uint8)
