"""The shipped geography: read from inside the package, consistent, and the right size."""

from importlib.resources import files
from pathlib import Path

import numpy as np

import triwatch
from triwatch.geo import geodata
from triwatch.geo.areas import AREAS, NATIONS, area_at, coastline_polylines, eez_geojson, land_geojson


def test_data_lives_inside_the_package_and_is_small():
    data = files("triwatch.geo").joinpath("data")
    package_dir = Path(triwatch.__file__).parent
    total = 0
    for name in ("areas.npz", "coastlines.npz", "land.geojson.gz", "eez.geojson.gz"):
        path = Path(str(data.joinpath(name)))
        assert path.is_file() and package_dir in path.parents
        total += path.stat().st_size
    assert total < 8 * 1024 * 1024


def test_grid_covers_the_required_region():
    grid = geodata.area_grid()
    n_lat, n_lon = grid.area_code.shape
    assert grid.lat0_deg <= 15.0 and grid.lat0_deg + n_lat * grid.res_deg >= 60.0
    assert grid.lon0_deg <= 110.0 and grid.lon0_deg + n_lon * grid.res_deg >= 180.0
    assert grid.res_deg <= 0.02 + 1e-12
    assert grid.areas == AREAS and grid.nations == NATIONS
    assert len(grid.prefectures) == 47
    # prefectures only on Japanese land
    jpn = grid.area_code == AREAS.index("JPN-land")
    assert not (grid.prefecture[~jpn] > 0).any() and (grid.prefecture[jpn] > 0).all()


def test_coastlines_are_lonlat_degrees_near_the_allies():
    lines = coastline_polylines()
    assert len(lines) > 50 and all(line.ndim == 2 and line.shape[1] == 2 for line in lines)
    pts = np.vstack(lines)
    assert np.all(np.abs(pts[:, 0]) <= 180.0) and np.all(np.abs(pts[:, 1]) <= 90.0)
    # some coast point within ~5 km of Oshima-Oshima and of Busan
    for lat, lon in ((41.51, 139.37), (35.10, 129.04)):
        d = np.hypot((pts[:, 0] - lon) * np.cos(np.radians(lat)), pts[:, 1] - lat)
        assert d.min() < 0.05
    lines[0][0, 0] = 999.0  # callers get copies
    assert coastline_polylines()[0][0, 0] != 999.0


def test_land_geojson_features_are_nations_and_contain_their_capitals():
    fc = land_geojson()
    assert fc["type"] == "FeatureCollection"
    nations = [f["properties"]["nation"] for f in fc["features"]]
    assert set(nations) == set(NATIONS)
    for f in fc["features"]:
        assert f["geometry"]["type"] == "MultiPolygon" and f["geometry"]["coordinates"]
    fc["features"].clear()  # callers get their own copy
    assert land_geojson()["features"]


def test_eez_geojson_outlines_agree_with_area_at():
    fc = eez_geojson()
    by_nation = {f["properties"]["nation"]: f for f in fc["features"]}
    assert {"JPN", "KOR", "PRK", "CHN", "RUS"} <= set(by_nation)
    # every vertex of Japan's outer outline lies on the border of a JPN-EEZ cell: within one
    # cell (0.02 deg) some point classifies as JPN-EEZ
    outer = np.array(max(by_nation["JPN"]["geometry"]["coordinates"], key=lambda p: len(p[0]))[0])
    sample = outer[:: max(1, len(outer) // 200)]
    offsets = np.array([[dx, dy] for dx in (-0.011, 0.0, 0.011) for dy in (-0.011, 0.0, 0.011)])
    pts = sample[:, None, :] + offsets[None, :, :]
    areas = area_at(np.radians(pts[..., 1]), np.radians(pts[..., 0]))
    assert (areas == "JPN-EEZ").any(axis=1).all()


def _signed_area(ring) -> float:
    r = np.asarray(ring)
    return 0.5 * float(np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1]))


def test_geojson_rings_follow_rfc7946():
    # closed rings, exteriors counter-clockwise, holes clockwise, longitudes in [-180, 180]
    for fc in (land_geojson(), eez_geojson()):
        for f in fc["features"]:
            for polygon in f["geometry"]["coordinates"]:
                for k, ring in enumerate(polygon):
                    assert ring[0] == ring[-1] and len(ring) >= 4
                    assert all(-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0 for lon, lat in ring)
                    area = _signed_area(ring)
                    assert (area > 0) if k == 0 else (area < 0), (f["properties"], k)
