"""Which nation's land or EEZ a point is in: offline, vectorised look-up for truth and warnings.

A point is classified from a raster shipped with the package (0.02 deg cells, ~2 km, over
12-62 N, 110 E-170 W), built by tools/build_geography.py from Natural Earth coastlines:

* ``<NATION>-land``: most of the point's cell is the nation's land (Natural Earth 1:10m admin-0).
* ``<NATION>-EEZ``: at sea, within 200 nautical miles of the nation's coast, and that coast is
  the nearest coast of all nations (equidistance; no negotiated boundaries, see the data README).
* ``high-seas``: anything else.

Outside that grid only land is known (a 0.1 deg world raster of the same nations, ~10 km), so a
point there is ``<NATION>-land`` or ``high-seas``. Angles are radians, as everywhere inside
triwatch; scalars give scalars, arrays give arrays of the broadcast shape.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from triwatch.geo import geodata

NATIONS: tuple[str, ...] = ("JPN", "KOR", "PRK", "CHN", "RUS", "TWN", "USA", "PHL", "VNM", "MHL", "FSM", "MNG")
_LANDLOCKED = frozenset({"MNG"})
AREAS: tuple[str, ...] = (
    *(name for n in NATIONS for name in (f"{n}-land", f"{n}-EEZ") if not (n in _LANDLOCKED and name.endswith("EEZ"))),
    "high-seas",
)
HIGH_SEAS = "high-seas"
_AREA_ARRAY = np.array(AREAS)


@cache
def _tables() -> tuple[geodata.AreaGrid, np.ndarray]:
    """The shipped rasters, checked against AREAS, and world-land nation -> area code."""
    grid = geodata.area_grid()
    if grid.areas != AREAS:
        raise RuntimeError(f"triwatch/geo/data/areas.npz lists areas {grid.areas}, code expects {AREAS}; rebuild it")
    land_code = np.array([AREAS.index(HIGH_SEAS)] + [AREAS.index(f"{n}-land") for n in grid.nations], dtype=np.uint8)
    return grid, land_code


def _degrees(lat_rad, lon_rad) -> tuple[np.ndarray, np.ndarray, bool]:
    """Validated, broadcast lat/lon in degrees, and whether the input was scalar.

    Raises ValueError naming the first bad element: non-numeric, NaN/inf, or |lat| > pi/2
    (a latitude in degrees passed by mistake usually shows up here).
    """
    arrays = []
    for name, value in (("lat_rad", lat_rad), ("lon_rad", lon_rad)):
        try:
            arr = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name}: not a number or array of numbers ({value!r})") from exc
        bad = ~np.isfinite(arr)
        if bad.any():
            where = tuple(int(k) for k in np.argwhere(bad)[0])
            raise ValueError(f"{name}{list(where) if where else ''}: not finite ({arr[where]})")
        arrays.append(arr)
    lat, lon = arrays
    out_of_range = np.abs(lat) > np.pi / 2 + 1e-12
    if out_of_range.any():
        where = tuple(int(k) for k in np.argwhere(out_of_range)[0])
        raise ValueError(
            f"lat_rad{list(where) if where else ''}: {lat[where]} is outside [-pi/2, pi/2] (degrees passed as radians?)"
        )
    try:
        lat, lon = np.broadcast_arrays(lat, lon)
    except ValueError as exc:
        raise ValueError(f"lat_rad shape {lat.shape} and lon_rad shape {lon.shape} do not broadcast") from exc
    scalar = lat.ndim == 0
    return np.degrees(lat), np.degrees(lon), scalar


def _cells(
    grid: geodata.AreaGrid, lat_deg: np.ndarray, lon_deg: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row, column and inside-mask of each point on the regional grid (columns wrap in longitude)."""
    n_lat, n_lon = grid.area_code.shape
    i = np.floor((lat_deg - grid.lat0_deg) / grid.res_deg).astype(np.int64)
    j = np.floor(np.mod(lon_deg - grid.lon0_deg, 360.0) / grid.res_deg).astype(np.int64)
    inside = (i >= 0) & (i < n_lat) & (j < n_lon)
    return np.where(inside, i, 0), np.where(inside, j, 0), inside


def area_codes_at(lat_rad, lon_rad) -> np.ndarray:
    """Index into AREAS for each point (int array of the broadcast shape; 0-d for scalars).

    The integer form of area_at, for callers that compare or count areas in bulk.
    """
    lat, lon, _ = _degrees(lat_rad, lon_rad)
    grid, land_code = _tables()
    i, j, inside = _cells(grid, lat, lon)
    codes = np.where(inside, grid.area_code[i, j], AREAS.index(HIGH_SEAS)).astype(np.intp)
    if not inside.all():
        # Outside the regional grid only land is known: the coarse world raster.
        n_lat, n_lon = grid.world_land.shape
        wi = np.clip(np.floor((lat - grid.world_lat0_deg) / grid.world_res_deg).astype(np.int64), 0, n_lat - 1)
        wj = np.floor(np.mod(lon - grid.world_lon0_deg, 360.0) / grid.world_res_deg).astype(np.int64) % n_lon
        codes = np.where(inside, codes, land_code[grid.world_land[wi, wj]])
    return codes


def area_at(lat_rad, lon_rad) -> str | np.ndarray:
    """Area name (one of AREAS) at each point: str for scalars, else a str array of the broadcast shape."""
    codes = area_codes_at(lat_rad, lon_rad)
    names = _AREA_ARRAY[codes]
    return str(names) if names.ndim == 0 else names


def nation_of_area(area: str) -> str | None:
    """The nation an area belongs to ("JPN-EEZ" -> "JPN"); None for high seas."""
    if area not in AREAS:
        raise ValueError(f"area: unknown area {area!r}; known: {', '.join(AREAS)}")
    return None if area == HIGH_SEAS else area.split("-", 1)[0]


def is_land(area: str) -> bool:
    """True for a nation's land territory ("JPN-land"), False for an EEZ or high seas."""
    nation_of_area(area)  # validates the name
    return area.endswith("-land")


def subregion_at(lat_rad, lon_rad) -> str | None | np.ndarray:
    """Prefecture (Japan) on land where the shipped data has one, else None.

    Scalars give str or None; arrays give an object array of the broadcast shape. Korean
    provinces are not available (no well-kept offline source was found), so ROK/DPRK land gives None.
    """
    lat, lon, scalar = _degrees(lat_rad, lon_rad)
    grid, _ = _tables()
    i, j, inside = _cells(grid, lat, lon)
    pref = np.where(inside, grid.prefecture[i, j], 0)
    table = np.array((None, *grid.prefectures), dtype=object)
    return table[int(pref)] if scalar else table[pref]


def areas_crossed(lat_rad, lon_rad) -> tuple[str, ...]:
    """Distinct areas along a path of points (e.g. a trajectory's ground track), in order of first entry."""
    codes = np.ravel(area_codes_at(lat_rad, lon_rad))
    _, first = np.unique(codes, return_index=True)
    return tuple(AREAS[c] for c in codes[np.sort(first)])


def coastline_polylines() -> list[np.ndarray]:
    """Coastlines of NATIONS near the region (Natural Earth 1:10m), each (N, 2) lon, lat in DEGREES, for maps.

    Lines are Natural Earth arcs with sea on one side that reach into lat -5..80 N, lon 90 E..145 W;
    longitudes in [-180, 180].
    """
    lonlat, offsets = geodata.coastline_arrays()
    return [lonlat[a:b].astype(float) for a, b in zip(offsets[:-1], offsets[1:], strict=True)]


def land_geojson() -> dict:
    """GeoJSON FeatureCollection of NATIONS' land (1:50m), one MultiPolygon each, properties {nation}."""
    return geodata.geojson("land.geojson.gz")


def eez_geojson() -> dict:
    """GeoJSON FeatureCollection of the derived EEZ outlines, properties {nation}.

    Traced from the 0.02 deg raster (so their edges step by one cell). Longitudes are in
    [-180, 180] (RFC 7946): zones crossing the antimeridian are split there into two polygons.
    """
    return geodata.geojson("eez.geojson.gz")
