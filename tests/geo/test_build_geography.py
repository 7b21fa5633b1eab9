"""The build helpers of tools/build_geography.py on small hand-made data."""

import sys
from pathlib import Path

import numpy as np
import pytest
from pymap3d.vincenty import vreckon

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from geography.eez import EEZ_LIMIT_M, chord_for_arc, densify, eez_owner  # noqa: E402
from geography.raster import Grid, rasterise  # noqa: E402
from geography.topojson import coast_arcs, countries, decode_arcs  # noqa: E402

# Two unit squares side by side sharing the arc x=1: A = [0,1]x[0,1], B = [1,2]x[0,1].
# Quantised: scale 0.5, translate (10, 20); arcs are delta-encoded.
TOPO = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
    "arcs": [
        [[2, 0], [0, 2]],  # 0: shared edge (11,20)->(11,21)
        [[2, 2], [-2, 0], [0, -2], [2, 0]],  # 1: rest of A (11,21)->(10,21)->(10,20)->(11,20)
        [[2, 0], [2, 0], [0, 2], [-2, 0]],  # 2: rest of B (11,20)->(12,20)->(12,21)->(11,21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "id": "001", "properties": {"name": "A"}, "arcs": [[0, 1]]},
                {"type": "MultiPolygon", "id": "002", "properties": {"name": "B"}, "arcs": [[[2, -1]]]},
                {"type": None, "properties": {"name": "empty"}},
            ],
        }
    },
}


def test_decode_arcs_undoes_quantisation_and_deltas():
    arcs = decode_arcs(TOPO)
    assert np.allclose(arcs[0], [[11, 20], [11, 21]])
    assert np.allclose(arcs[1], [[11, 21], [10, 21], [10, 20], [11, 20]])


def test_rings_stitch_reversed_arcs_and_close():
    result, usage = countries(TOPO)
    a, b, empty = result
    assert (a.name, b.name, empty.polygons) == ("A", "B", [])
    ring_a = a.polygons[0][0]
    assert np.allclose(ring_a, [[11, 20], [11, 21], [10, 21], [10, 20], [11, 20]])
    ring_b = b.polygons[0][0]  # arc 2 then arc 0 reversed (~0 == -1)
    assert np.allclose(ring_b[0], ring_b[-1]) and np.allclose(ring_b[-2], [11, 21])
    assert usage[0] == 2 and usage[1] == 1 and usage[2] == 1


def test_coast_is_arcs_used_once():
    result, usage = countries(TOPO)
    coast = coast_arcs(TOPO, result[:2], usage)
    assert sorted(c.name for c, _ in coast) == ["A", "B"]
    assert all(len(line) == 4 for _, line in coast)  # the shared 2-point edge is not coast


def test_densify_caps_step_and_keeps_ends():
    line = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.35]])
    dense = densify(line, 0.1)
    assert np.allclose(dense[0], line[0]) and np.allclose(dense[-1], line[-1])
    assert np.abs(np.diff(dense, axis=0)).max() <= 0.1 + 1e-12
    assert len(dense) == 10 + 4 + 1


def test_rasterise_majority_has_no_outward_bias():
    grid = Grid(lat0=0.0, lon0=0.0, res=1.0, n_lat=10, n_lon=10)
    # square from 2.4 to 6.6 deg: the edge cells 2 and 6 are 60 % inside: land
    square = np.array([[2.4, 2.4], [6.6, 2.4], [6.6, 6.6], [2.4, 6.6], [2.4, 2.4]])
    r = rasterise(grid, [(7, [[square]])])
    assert np.array_equal(np.nonzero(r[4])[0], [2, 3, 4, 5, 6])
    assert np.array_equal(np.nonzero(r[:, 4])[0], [2, 3, 4, 5, 6])
    # from 2.75 to 6.25 the edge cells are 25 % inside (+ 1/6 of Pillow's touch rule): not land
    square = np.array([[2.75, 2.75], [6.25, 2.75], [6.25, 6.25], [2.75, 6.25], [2.75, 2.75]])
    r = rasterise(grid, [(7, [[square]])])
    assert np.array_equal(np.nonzero(r[4])[0], [3, 4, 5]) and set(np.unique(r)) == {0, 7}
    assert np.array_equal(np.nonzero(r[:, 4])[0], [3, 4, 5])


def test_rasterise_holes_later_layers_and_antimeridian():
    grid = Grid(lat0=0.0, lon0=170.0, res=1.0, n_lat=10, n_lon=20)  # 170 E .. 170 W
    outer = np.array([[172.0, 1.0], [179.0, 1.0], [179.0, 8.0], [172.0, 8.0], [172.0, 1.0]])
    hole = np.array([[174.0, 3.0], [177.0, 3.0], [177.0, 6.0], [174.0, 6.0], [174.0, 3.0]])
    west = np.array([[-178.0, 2.0], [-175.0, 2.0], [-175.0, 5.0], [-178.0, 5.0], [-178.0, 2.0]])  # 182..185 E
    r = rasterise(grid, [(1, [[outer, hole]]), (2, [[west]])])
    assert r[2, 3] == 1 and r[4, 5] == 0  # in the ring, in the hole
    assert r[3, 13] == 2 and r[3, 11] == 0  # 183.5 E drawn on the continuous grid


def test_eez_equidistance_and_limit():
    # two coast points on the equator 6 deg apart: nation 0 at 0 E, nation 1 at 6 E
    coast = np.array([[0.0, 0.0], [6.0, 0.0]])
    nation = np.array([0, 1])
    lon = np.array([1.0, 2.9, 3.1, 5.0, 10.0])
    owner, dist = eez_owner(np.zeros_like(lon), lon, coast, nation, workers=1)
    assert owner.tolist() == [0, 0, 1, 1, -1]  # median at 3 E; 4 deg (445 km) > 200 nmi
    assert dist[0] == pytest.approx(111_319.5, rel=5e-3)  # 1 deg of equator
    assert np.isinf(dist[-1])


@pytest.mark.parametrize("lat0", [0.0, 35.0, 60.0])
@pytest.mark.parametrize("azimuth", [0.0, 45.0, 90.0])
def test_eez_distance_is_the_wgs84_geodesic(lat0, azimuth):
    # points exactly 200 nmi -/+ 100 m from a coast point along a WGS84 geodesic (Vincenty)
    dist = np.array([EEZ_LIMIT_M - 100.0, EEZ_LIMIT_M + 100.0])
    lat, lon = vreckon(lat0, 140.0, dist, np.full(2, azimuth))
    coast = np.array([[140.0, lat0]])
    owner, d = eez_owner(np.asarray(lat), np.asarray(lon), coast, np.array([3]), workers=1)
    assert owner.tolist() == [3, -1]
    assert d[0] == pytest.approx(dist[0], abs=5.0)


def test_chord_is_slightly_shorter_than_arc():
    assert chord_for_arc(EEZ_LIMIT_M) == pytest.approx(EEZ_LIMIT_M - 52.1, abs=1.0)
