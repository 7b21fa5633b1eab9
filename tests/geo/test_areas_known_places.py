"""Known places and published cases classify as the public record says."""

import numpy as np
import pytest
from pymap3d.vincenty import vreckon

from triwatch.geo.areas import area_at, areas_crossed, subregion_at
from triwatch.geo.places import place


def at_deg(lat: float, lon: float) -> str:
    return area_at(np.radians(lat), np.radians(lon))


@pytest.mark.parametrize(
    ("lat", "lon", "expected"),
    [
        (40.82, 140.74, "JPN-land"),  # Aomori city
        (35.68, 139.76, "JPN-land"),  # Tokyo
        (37.57, 126.98, "KOR-land"),  # Seoul
        (39.04, 125.76, "PRK-land"),  # Pyongyang
        (39.90, 116.41, "CHN-land"),  # Beijing
        (43.12, 131.89, "RUS-land"),  # Vladivostok
        (25.03, 121.56, "TWN-land"),  # Taipei
        (13.45, 144.78, "USA-land"),  # Guam
        (40.0, 175.0, "high-seas"),  # mid North Pacific
        (39.5, 129.0, "PRK-EEZ"),  # Sea of Japan off the DPRK east coast
        (36.5, 123.0, "CHN-EEZ"),  # Yellow Sea, Chinese side of the median line
        (36.5, 125.3, "KOR-EEZ"),  # Yellow Sea, Korean side
    ],
)
def test_known_places(lat, lon, expected):
    assert at_deg(lat, lon) == expected


def test_aomori_prefecture():
    lat, lon = place("aomori")
    assert subregion_at(np.radians(lat), np.radians(lon)) == "Aomori"


def test_nov_2022_hwasong17_fell_in_japans_eez():
    # 18 Nov 2022: fell ~200 km west of Oshima-Oshima, inside Japan's EEZ (MOD Japan).
    lat, lon = place("oshima-oshima")
    lat2, lon2 = vreckon(lat, lon, 200e3, 270.0)
    assert at_deg(lat2, lon2) == "JPN-EEZ"
    assert at_deg(41.5, 137.0) == "JPN-EEZ"


def test_far_east_of_japan_is_high_seas():
    lat2, lon2 = vreckon(38.0, 141.5, 3200e3, 90.0)
    assert at_deg(lat2, lon2) == "high-seas"


def test_sea_of_japan_near_dprk_coast_is_not_japanese():
    # 30-150 km off Wonsan and Hamhung: DPRK side of the equidistance line.
    for site in ("wonsan", "hamhung", "sinpo"):
        lat, lon = place(site)
        for dist_km in (30, 80, 150):
            lat2, lon2 = vreckon(lat, lon, dist_km * 1e3, 100.0)
            area = at_deg(lat2, lon2)
            assert area != "JPN-EEZ", (site, dist_km, area)
            assert area == "PRK-EEZ", (site, dist_km, area)


def test_busan_towards_tsushima_crosses_the_median_line():
    # Busan -> Tsushima: Korean land, Korean EEZ, then Japanese EEZ and Tsushima (Nagasaki) itself.
    lat0, lon0 = 35.16, 129.04  # Busan, ~5 km inland
    dists = np.linspace(0, 100e3, 201)
    lat, lon = vreckon(lat0, lon0, dists, np.full(dists.shape, 160.0))
    lat, lon = np.radians(np.asarray(lat)), np.radians(np.asarray(lon))
    crossed = areas_crossed(lat, lon)
    assert crossed[:2] == ("KOR-land", "KOR-EEZ")
    assert "JPN-EEZ" in crossed and "JPN-land" in crossed
    assert crossed.index("JPN-EEZ") > crossed.index("KOR-EEZ")
    area = area_at(lat, lon)
    assert area[20] == "KOR-EEZ"  # 10 km out
    assert area[-1] in ("JPN-land", "JPN-EEZ")  # 100 km out: at Tsushima


def test_tsushima_and_remote_islands_prefectures():
    cases = {
        (34.40, 129.33): "Nagasaki",  # Tsushima
        (33.10, 139.80): "Tokyo",  # Hachijojima
        (27.07, 142.23): "Tokyo",  # Chichijima, Ogasawara
        (38.05, 138.40): "Niigata",  # Sado
        (24.34, 124.16): "Okinawa",  # Ishigaki
        (28.37, 129.49): "Kagoshima",  # Amami Oshima
    }
    for (lat, lon), pref in cases.items():
        assert subregion_at(np.radians(lat), np.radians(lon)) == pref, (lat, lon)
