"""Rasterise lon/lat polygons onto a regular lat/lon grid with Pillow's scanline filler.

Grid convention (shared with triwatch.geo.areas): cell (i, j) covers
lat in [lat0 + i*res, lat0 + (i+1)*res) and lon in [lon0 + j*res, lon0 + (j+1)*res);
longitudes run continuously east of 180 (lon0 + width may exceed 180) so the grid can
straddle the antimeridian. Pillow fills a pixel when its centre is inside the polygon,
so a coast is placed to within half a cell; islands narrower than a cell may vanish
from the land raster (they still count as coast for the EEZ, which uses the vertices).
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


def rasterise(grid: Grid, layers: list[tuple[int, list[list[np.ndarray]]]]) -> np.ndarray:
    """uint8 raster: each (code, polygons) layer painted in order; holes painted back to 0.

    Every ring is drawn at lon, lon - 360 and lon + 360 so polygons split at the
    antimeridian (Natural Earth splits Russia and the Aleutians there) land on the
    continuous-longitude grid.
    """
    img = Image.new("L", (grid.n_lon, grid.n_lat), 0)
    draw = ImageDraw.Draw(img)

    def pixels(ring: np.ndarray, shift: float) -> list[tuple[float, float]]:
        x = (ring[:, 0] + shift - grid.lon0) / grid.res - 0.5
        y = (ring[:, 1] - grid.lat0) / grid.res - 0.5
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
    return np.array(img, dtype=np.uint8)  # a writable copy
