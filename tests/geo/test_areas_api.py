"""area_at / subregion_at / nation_of_area: shapes, types, wrapping and bad input."""

import numpy as np
import pytest

from triwatch.geo.areas import (
    AREAS,
    HIGH_SEAS,
    NATIONS,
    area_at,
    area_codes_at,
    areas_crossed,
    is_land,
    nation_of_area,
    subregion_at,
)

AOMORI = (np.radians(40.82), np.radians(140.74))
MID_PACIFIC = (np.radians(40.0), np.radians(175.0))


def test_areas_vocabulary():
    assert AREAS[-1] == HIGH_SEAS and len(set(AREAS)) == len(AREAS)
    for nation in ("JPN", "KOR", "PRK", "CHN", "RUS"):
        assert f"{nation}-land" in AREAS and f"{nation}-EEZ" in AREAS
    assert set(NATIONS) == {nation_of_area(a) for a in AREAS if a != HIGH_SEAS}


def test_scalar_in_scalar_out():
    area = area_at(*AOMORI)
    assert isinstance(area, str) and area == "JPN-land"
    assert isinstance(area_at(float(AOMORI[0]), 3), str)  # plain Python numbers too
    assert subregion_at(*AOMORI) == "Aomori"
    assert subregion_at(*MID_PACIFIC) is None


def test_arrays_keep_shape_and_broadcast():
    lat = np.array([[AOMORI[0], MID_PACIFIC[0]], [AOMORI[0], MID_PACIFIC[0]]])
    lon = np.array([[AOMORI[1], MID_PACIFIC[1]], [AOMORI[1], MID_PACIFIC[1]]])
    out = area_at(lat, lon)
    assert out.shape == (2, 2) and out.tolist() == [["JPN-land", "high-seas"]] * 2
    sub = subregion_at(lat, lon)
    assert sub.shape == (2, 2) and sub.dtype == object and sub.tolist() == [["Aomori", None]] * 2
    # one latitude against many longitudes broadcasts
    row = area_at(AOMORI[0], np.array([AOMORI[1], np.radians(175.0)]))
    assert row.tolist() == ["JPN-land", "high-seas"]
    assert area_at(np.array([]), np.array([])).shape == (0,)


def test_codes_match_names():
    rng = np.random.default_rng(3)
    lat = np.radians(rng.uniform(10, 65, 5000))
    lon = np.radians(rng.uniform(100, 200, 5000))
    codes = area_codes_at(lat, lon)
    assert np.array_equal(np.array(AREAS)[codes], area_at(lat, lon))


def test_longitude_wraps():
    # 140.74 E == -219.26 E == 500.74 E; the Aleutians at 175 W == 185 E.
    assert area_at(AOMORI[0], AOMORI[1] - 2 * np.pi) == "JPN-land"
    assert area_at(AOMORI[0], AOMORI[1] + 2 * np.pi) == "JPN-land"
    attu = np.radians(52.9), np.radians(172.9)  # Attu island
    assert area_at(*attu) == "USA-land"
    adak_sea = np.radians(51.0), np.radians(-177.0)  # south of Adak, across the antimeridian
    assert area_at(*adak_sea) == "USA-EEZ"


def test_outside_grid_uses_world_land():
    # Outside 12-62 N / 110 E-170 W: nations' land is still named, all sea is high seas.
    assert area_at(np.radians(55.75), np.radians(37.62)) == "RUS-land"  # Moscow
    assert area_at(np.radians(30.66), np.radians(104.07)) == "CHN-land"  # Chengdu
    assert area_at(np.radians(38.9), np.radians(-77.04)) == "USA-land"  # Washington
    assert area_at(np.radians(48.86), np.radians(2.35)) == HIGH_SEAS  # Paris: not a known nation
    assert area_at(np.radians(-30.0), np.radians(-140.0)) == HIGH_SEAS  # South Pacific
    assert area_at(np.pi / 2, 0.0) == HIGH_SEAS and area_at(-np.pi / 2, 0.0) == HIGH_SEAS


def test_nation_of_area_and_is_land():
    assert nation_of_area("JPN-EEZ") == "JPN"
    assert nation_of_area("KOR-land") == "KOR"
    assert nation_of_area(HIGH_SEAS) is None
    assert is_land("PRK-land") and not is_land("PRK-EEZ") and not is_land(HIGH_SEAS)
    with pytest.raises(ValueError, match=r"area: unknown area 'JPN-sea'; known: JPN-land"):
        nation_of_area("JPN-sea")


def test_areas_crossed_orders_first_entries():
    lat = np.radians([40.82, 40.82, 40.0, 40.82])
    lon = np.radians([140.74, 140.74, 175.0, 140.74])
    assert areas_crossed(lat, lon) == ("JPN-land", "high-seas")


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (np.nan, 0.0, r"lat_rad: not finite \(nan\)"),
        (0.0, np.inf, r"lon_rad: not finite \(inf\)"),
        (np.array([0.1, 0.2, np.nan]), 0.0, r"lat_rad\[2\]: not finite"),
        (
            np.array([0.7, 40.8]),
            np.array([2.4, 140.7]),
            r"lat_rad\[1\]: 40.8 is outside \[-pi/2, pi/2\] \(degrees passed as radians\?\)",
        ),
        (-1.6, 0.0, r"lat_rad: -1.6 is outside"),
        ("north", 0.0, r"lat_rad: not a number"),
        (np.zeros(3), np.zeros(4), r"lat_rad shape \(3,\) and lon_rad shape \(4,\) do not broadcast"),
    ],
)
def test_bad_input_is_named(lat, lon, message):
    with pytest.raises(ValueError, match=message):
        area_at(lat, lon)
    with pytest.raises(ValueError, match=message):
        subregion_at(lat, lon)
