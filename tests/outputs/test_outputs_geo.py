"""GeoJSON, KML and CZML: valid structure, the right geometry, bad items handled by the stated rule."""

from __future__ import annotations

import json
import math
import sys
import types

import geojson
import numpy as np
import pytest
from lxml import etree
from outputs_events import kml_schema
from shapely.geometry import LinearRing, shape

from triwatch.messages import Ellipse, WarningReport
from triwatch.warning.outputs.areas import _all_outlines, area_outlines, threatened_areas
from triwatch.warning.outputs.czml import run_czml
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geojson import areas_geojson, impacts_geojson, tracks_geojson
from triwatch.warning.outputs.geometry import ecef_to_lat_lon_alt_deg, split_at_antimeridian
from triwatch.warning.outputs.kml import run_kml
from triwatch.warning.outputs.run_view import DeliveredWarning, run_view

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(autouse=True)
def fresh_outlines():
    """Outlines are parsed once per process; tests that swap the geography must not leak theirs."""
    _all_outlines.cache_clear()
    yield
    _all_outlines.cache_clear()


def valid(doc: dict) -> bool:
    obj = geojson.loads(json.dumps(doc))
    return obj.is_valid and all(geojson.loads(json.dumps(f)).is_valid for f in doc["features"])


def test_tracks_are_valid_linestrings_of_the_flown_path(events, epoch):
    view = run_view(events)
    fc = tracks_geojson(view.tracks, epoch)
    assert valid(fc)
    by_id = {f["id"]: f for f in fc["features"]}
    assert set(by_id) == {"KOR/T1", "USA/T1"}  # JPN/T9 was not released to USA
    kor = by_id["KOR/T1"]
    assert kor["geometry"]["type"] == "LineString" and kor["properties"]["system_track"] == "USA-S001"
    path = view.tracks[[p.nation for p in view.tracks].index("KOR")]
    lla = ecef_to_lat_lon_alt_deg(path.states[:, :3])
    coords = np.array(kor["geometry"]["coordinates"])
    assert np.allclose(coords[:, 0], lla[:, 1], atol=1e-6) and np.allclose(coords[:, 1], lla[:, 0], atol=1e-6)
    assert np.allclose(coords[:, 2], lla[:, 2], atol=0.1)
    assert kor["properties"]["first_utc"] == "2022-10-03T22:23:00Z"


def test_impacts_are_valid_anticlockwise_polygons_or_points(events, epoch):
    view = run_view(events)
    fc = impacts_geojson(view.warnings, epoch)
    assert valid(fc)
    kinds = {f["id"]: f["geometry"]["type"] for f in fc["features"]}
    assert kinds["JPN/JPN-W001/r2"] == "Polygon"  # carried its ellipse
    assert kinds["JPN/JPN-W001/r3"] == "Point"  # only the point was logged
    assert "JPN/JPN-W001/r1" not in kinds  # a launch warning predicts no impact yet
    poly = next(f for f in fc["features"] if f["id"] == "JPN/JPN-W001/r2")
    assert shape(poly["geometry"]).is_valid
    assert LinearRing(poly["geometry"]["coordinates"][0]).is_ccw  # RFC 7946 exterior ring
    assert poly["properties"]["semi_major_km"] == 80.0 and poly["properties"]["subregions"] == ["Aomori"]


def test_bad_impact_is_skipped_with_its_reason_or_raises(epoch):
    bad = Ellipse(40.0, math.inf, 1e3, 1e3, 0.0)
    dw = DeliveredWarning(WarningReport("JPN-W9", 2, "threat", "JPN", "S", 1.0, areas=["JPN-EEZ"], impact=bad), 1.0)
    skipped: list[str] = []
    assert impacts_geojson([dw], epoch, skipped=skipped)["features"] == []
    assert skipped == ["warning JPN/JPN-W9 revision 2 (threat).impact.lon_deg: must be a finite number, got inf"]
    with pytest.raises(OutputError, match="lon_deg"):
        impacts_geojson([dw], epoch)


def test_areas_are_labels_without_geography(events, epoch, monkeypatch):
    monkeypatch.setitem(sys.modules, "triwatch.geo.areas", None)  # as if the geography were not installed
    view = run_view(events)
    areas = threatened_areas(view.warnings)
    assert [a.area for a in areas] == ["JPN-EEZ", "JPN-land"]
    fc = areas_geojson(areas, epoch, area_outlines())
    assert valid(fc)
    eez = fc["features"][0]
    assert eez["geometry"] is None and eez["properties"]["label"] == "Japan exclusive economic zone"
    assert eez["properties"]["names"]["ko-KR"] == "일본 배타적 경제수역"
    assert eez["properties"]["warnings"] == ["JPN/JPN-W001"]


def _fake_geography() -> types.ModuleType:
    square = {"type": "Polygon", "coordinates": [[[139, 35], [141, 35], [141, 41], [139, 41], [139, 35]]]}
    module = types.ModuleType("triwatch.geo.areas")
    module.land_geojson = lambda: {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nation": "JPN"}, "geometry": square}]}  # fmt: skip
    module.eez_geojson = lambda: {"type": "FeatureCollection", "features": []}
    return module


def test_areas_take_the_outline_from_the_geography(events, epoch, monkeypatch):
    monkeypatch.setitem(sys.modules, "triwatch.geo.areas", _fake_geography())
    outlines = area_outlines()
    assert set(outlines) == {"JPN-land"}
    fc = areas_geojson(threatened_areas(run_view(events).warnings), epoch, outlines)
    land = next(f for f in fc["features"] if f["id"] == "JPN-land")
    assert land["geometry"]["type"] == "Polygon" and land["properties"]["outline"] is True
    assert valid(fc)


def test_path_is_cut_at_the_antimeridian():
    path = np.array([[178.0, 50.0, 1000.0], [179.0, 50.0, 1000.0], [-179.0, 52.0, 3000.0], [-178.0, 52.0, 3000.0]])
    a, b = split_at_antimeridian(path)
    assert a[-1].tolist() == [180.0, 51.0, 2000.0] and b[0].tolist() == [-180.0, 51.0, 2000.0]
    assert len(a) == 3 and len(b) == 3
    assert len(split_at_antimeridian(path[:2])) == 1


def test_czml_document_packet_first_and_positions_time_tagged(events, epoch):
    view = run_view(events)
    areas = threatened_areas(view.warnings)
    packets = run_czml(view.tracks, view.warnings, areas, {}, epoch, start_s=view.start_s, end_s=view.end_s)
    json.dumps(packets)  # plain JSON
    doc = packets[0]
    assert doc["id"] == "document" and doc["version"] == "1.0"
    assert doc["clock"]["interval"] == "2022-10-03T22:23:00Z/2022-10-03T22:32:40Z"
    assert all(p["id"] != "document" for p in packets[1:])
    tracks = [p for p in packets if p["id"].startswith("track/")]
    assert {p["id"] for p in tracks} == {"track/KOR/T1", "track/USA/T1"}
    for p in tracks:
        pos = p["position"]
        assert pos["referenceFrame"] == "FIXED" and len(pos["cartesian"]) % 4 == 0
        times = pos["cartesian"][::4]
        assert times[0] == 0.0 and all(np.diff(times) > 0)
        r = np.array(pos["cartesian"]).reshape(-1, 4)[:, 1:]
        assert np.all(np.linalg.norm(r, axis=1) > 6.3e6)  # Earth-fixed metres, not degrees
    impact = next(p for p in packets if p["id"] == "impact/JPN/JPN-W001/r2")
    assert impact["availability"] == "2022-10-03T22:24:30Z/2022-10-03T22:25:20Z"  # until revision 3
    assert len(impact["polygon"]["positions"]["cartographicDegrees"]) == 36 * 3
    ids = {p["id"] for p in packets}
    assert "impact/JPN/JPN-W001/r4" not in ids  # the withdrawal ends revision 3's display at 260 s
    r3 = next(p for p in packets if p["id"] == "impact/JPN/JPN-W001/r3")
    assert r3["availability"] == "2022-10-03T22:25:20Z/2022-10-03T22:26:20Z"
    assert {p["id"] for p in packets if p["id"].startswith("area/")} == {"area/JPN-EEZ", "area/JPN-land"}


def test_kml_has_three_folders_with_placemarks(events, epoch):
    view = run_view(events)
    areas = threatened_areas(view.warnings)
    text = run_kml(view.tracks, view.warnings, areas, {}, epoch, end_s=view.end_s)
    doc = etree.fromstring(text.encode())
    folders = doc.findall(".//k:Folder", KML_NS)
    assert [f.findtext("k:name", namespaces=KML_NS) for f in folders] == [
        "Tracks",
        "Predicted impact (95 %)",
        "Threatened areas",
    ]
    tracks, impacts, area_marks = (f.findall("k:Placemark", KML_NS) for f in folders)
    assert len(tracks) == 2 and all(p.find(".//k:LineString", KML_NS) is not None for p in tracks)
    assert tracks[0].findtext(".//k:altitudeMode", namespaces=KML_NS) == "absolute"
    first = tracks[0].findtext(".//k:coordinates", namespaces=KML_NS).split()[0].split(",")
    assert len(first) == 3 and 120 < float(first[0]) < 150
    assert len(impacts) == 3  # JPN r2 (polygon), JPN r3 and USA r2 (points); r4 withdraws, so draws nothing
    assert impacts[0].find(".//k:Polygon", KML_NS) is not None
    assert len(area_marks) == 2


def test_czml_packets_validate_against_czml3_models(events, epoch, monkeypatch):
    from czml3 import Packet

    monkeypatch.setitem(sys.modules, "triwatch.geo.areas", _fake_geography())  # an outline packet too
    view = run_view(events)
    areas = threatened_areas(view.warnings)
    packets = run_czml(view.tracks, view.warnings, areas, area_outlines(), epoch, end_s=view.end_s)
    assert any("polygon" in p and p["id"].startswith("area/") for p in packets)
    for p in packets:
        Packet(**p)  # raises pydantic.ValidationError on a malformed packet
    with pytest.raises(ValueError):
        Packet(**{**packets[-1], "availability": "not a time"})


def test_an_ellipse_straddling_the_antimeridian_is_cut_in_two(epoch):
    from triwatch.warning.outputs.cap import CAP_NS, cap_alert, validate_cap

    ellipse = Ellipse(41.0, 179.6, 100e3, 40e3, 80.0)  # an IRBM falling ~3,200 km east of Japan
    w = WarningReport("USA-W001", 1, "threat", "USA", "S1", 600.0, areas=["high-seas"], impact=ellipse)
    fc = impacts_geojson([DeliveredWarning(w, 600.0)], epoch)
    assert valid(fc)
    geometry = fc["features"][0]["geometry"]
    assert geometry["type"] == "MultiPolygon" and len(geometry["coordinates"]) == 2
    for (ring,) in geometry["coordinates"]:
        lons = [c[0] for c in ring]
        assert LinearRing(ring).is_ccw and min(lons) >= -180.0 and max(lons) <= 180.0
    assert shape(geometry).area == pytest.approx(math.pi * 100 * 40 / (111.2**2 * math.cos(math.radians(41))), 0.03)
    xml = cap_alert(w, epoch)
    assert validate_cap(xml) == []
    assert len(etree.fromstring(xml).findall(f".//{{{CAP_NS}}}polygon")) == 6  # 2 per language


def test_kml_is_valid_against_the_ogc_schema(events, epoch, monkeypatch):
    monkeypatch.setitem(sys.modules, "triwatch.geo.areas", _fake_geography())  # an outline polygon too
    view = run_view(events)
    areas = threatened_areas(view.warnings)
    text = run_kml(view.tracks + view.systems, view.warnings, areas, area_outlines(), epoch, end_s=view.end_s)
    schema = kml_schema()
    doc = etree.fromstring(text.encode())
    assert schema.validate(doc), [e.message for e in schema.error_log][:3]
    assert text == run_kml(view.tracks + view.systems, view.warnings, areas, area_outlines(), epoch, end_s=view.end_s)
    bad = etree.fromstring(text.encode())
    bad.find(".//k:Placemark", KML_NS).insert(0, etree.Element("{http://www.opengis.net/kml/2.2}Bogus"))
    assert not schema.validate(bad)
