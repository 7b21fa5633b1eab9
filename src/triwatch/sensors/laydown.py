"""The built-in public-knowledge laydown (`use: default-laydown`) and the named sensor sites.

Coordinates of military sites are not published. Every site below is the
approximate public place (town, cape, mountain, province) named in open reporting
(/work/shared/data/public-facts.md), rounded to ~0.05 deg; ships are on
illustrative sea stations, not real patrol areas. Boresights of fixed-face
radars point roughly at the Korean peninsula (the bearing to ~39N 126.5E).

The entries have the same form as a scenario file's `sensors:` entries, so the
factory builds them by the same path (and validates them the same way).
"""

from __future__ import annotations

# name: (lat_deg, lon_deg, note) -- approximate public places, not surveyed positions
SENSOR_SITES: dict[str, tuple[float, float, str]] = {
    "shariki": (40.89, 140.33, "Shariki, Tsugaru city, Aomori (US AN/TPY-2), approximate"),
    "kyogamisaki": (35.77, 135.22, "Cape Kyoga, Kyotango, Kyoto (US AN/TPY-2), approximate"),
    "seongju": (35.95, 128.18, "Seongju county, North Gyeongsang (US THAAD), approximate"),
    "chungcheong-north": (36.95, 127.55, "North Chungcheong province (ROK Green Pine), approximate"),
    "chungcheong-south": (36.45, 126.85, "South Chungcheong province (ROK Green Pine), approximate"),
    "busan-area": (35.35, 129.05, "near Busan (ROK Green Pine, 2022), approximate"),
    "shimokoshiki": (31.65, 129.70, "Shimokoshiki island, Kagoshima (JASDF FPS-5), approximate"),
    "sado": (38.20, 138.40, "Sado island, Niigata (JASDF FPS-5), approximate"),
    "ominato": (41.30, 141.10, "Ominato, Mutsu, Aomori (JASDF FPS-5), approximate"),
    "yozadake": (26.15, 127.70, "Mount Yoza, Okinawa (JASDF FPS-5), approximate"),
    "sea-of-japan-north": (40.00, 135.50, "illustrative Aegis sea station, central Sea of Japan"),
    "sea-of-japan-west": (38.00, 133.00, "illustrative Aegis sea station, western Sea of Japan"),
    "east-sea-korea": (37.60, 130.20, "illustrative Aegis sea station, East Sea off Korea"),
    "east-china-sea": (31.00, 127.50, "illustrative Aegis sea station, East China Sea"),
}

DEFAULT_LAYDOWN: list[dict] = [
    # United States
    {
        "id": "usa-tpy2-shariki",
        "nation": "USA",
        "kind": "radar",
        "preset": "an-tpy-2-fbm",
        "site": "shariki",
        "boresight_az_deg": 264,
    },
    {
        "id": "usa-tpy2-kyogamisaki",
        "nation": "USA",
        "kind": "radar",
        "preset": "an-tpy-2-fbm",
        "site": "kyogamisaki",
        "boresight_az_deg": 297,
    },
    {
        "id": "usa-thaad-seongju",
        "nation": "USA",
        "kind": "radar",
        "preset": "an-tpy-2-tm",
        "site": "seongju",
        "boresight_az_deg": 337,
    },
    {
        "id": "usa-aegis-1",
        "nation": "USA",
        "kind": "radar",
        "preset": "spy-1d",
        "site": "sea-of-japan-north",
        "platform": "ship",
    },
    {"id": "usa-sbirs-geo-1", "nation": "USA", "kind": "ir-geo", "preset": "sbirs-geo"},
    {"id": "usa-leo-trk", "nation": "USA", "kind": "ir-leo", "preset": "leo-tracking"},
    # Republic of Korea: two Green Pine in Chungcheong (Block C, reported >500 km), one near Busan (~800 km)
    {
        "id": "kor-greenpine-1",
        "nation": "KOR",
        "kind": "radar",
        "preset": "green-pine",
        "site": "chungcheong-north",
        "boresight_az_deg": 338,
        "max_range_km": 600,
        "r50_1m2_km": 900,
    },
    {
        "id": "kor-greenpine-2",
        "nation": "KOR",
        "kind": "radar",
        "preset": "green-pine",
        "site": "chungcheong-south",
        "boresight_az_deg": 354,
        "max_range_km": 600,
        "r50_1m2_km": 900,
    },
    {
        "id": "kor-greenpine-3",
        "nation": "KOR",
        "kind": "radar",
        "preset": "green-pine",
        "site": "busan-area",
        "boresight_az_deg": 332,
    },
    {
        "id": "kor-aegis-1",
        "nation": "KOR",
        "kind": "radar",
        "preset": "spy-1d",
        "site": "east-sea-korea",
        "platform": "ship",
    },
    # Japan: four FPS-5 and two of its eight Aegis destroyers on station
    {"id": "jpn-fps5-shimokoshiki", "nation": "JPN", "kind": "radar", "preset": "fps-5", "site": "shimokoshiki"},
    {"id": "jpn-fps5-sado", "nation": "JPN", "kind": "radar", "preset": "fps-5", "site": "sado"},
    {"id": "jpn-fps5-ominato", "nation": "JPN", "kind": "radar", "preset": "fps-5", "site": "ominato"},
    {"id": "jpn-fps5-yozadake", "nation": "JPN", "kind": "radar", "preset": "fps-5", "site": "yozadake"},
    {
        "id": "jpn-aegis-1",
        "nation": "JPN",
        "kind": "radar",
        "preset": "spy-1d",
        "site": "sea-of-japan-west",
        "platform": "ship",
    },
    {
        "id": "jpn-aegis-2",
        "nation": "JPN",
        "kind": "radar",
        "preset": "spy-1d",
        "site": "east-china-sea",
        "platform": "ship",
    },
]


def default_laydown(nations: list[str]) -> list[dict]:
    """The laydown entries of the listed nations (copies, safe to modify)."""
    wanted = set(nations)
    return [dict(e) for e in DEFAULT_LAYDOWN if e["nation"] in wanted]
