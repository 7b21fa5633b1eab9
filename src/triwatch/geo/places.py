"""Named public places used as launch sites and reference points.

Coordinates of military sites are not published; each entry is the approximate
public place (town, airport or cape) named in open reporting, in degrees.
"""

from __future__ import annotations

# name: (lat_deg, lon_deg, note)
PLACES: dict[str, tuple[float, float, str]] = {
    "tongchang-ri": (39.66, 124.70, "Sohae satellite launching station area, North Pyongan"),
    "sunan": (39.22, 125.67, "Pyongyang Sunan airport (public facts)"),
    "kusong": (39.98, 125.25, "Kusong, North Pyongan"),
    "pyongsong": (39.25, 125.87, "Pyongsong, South Pyongan"),
    "sukchon": (39.41, 125.63, "Sukchon, South Pyongan"),
    "hamhung": (39.92, 127.54, "Hamhung, South Hamgyong"),
    "wonsan": (39.15, 127.44, "Wonsan, Kangwon (DPRK) east coast"),
    "sinpo": (40.03, 128.19, "Sinpo shipyard area, east coast (SLBM)"),
    "jangyon": (38.25, 125.11, "Jangyon, South Hwanghae (west)"),
    "uiju": (40.20, 124.53, "Uiju, North Pyongan (rail-launched SRBM area)"),
    "oshima-oshima": (41.51, 139.37, "Oshima-Oshima island (public facts)"),
    "okushiri": (42.15, 139.48, "Okushiri island (public facts)"),
    "cape-erimo": (41.93, 143.25, "Cape Erimo, Hokkaido (public facts)"),
    "aomori": (40.82, 140.74, "Aomori city (public facts)"),
}


def place(name: str) -> tuple[float, float]:
    """(lat_deg, lon_deg) of a named public place; KeyError names the known places."""
    key = name.strip().lower()
    if key not in PLACES:
        raise KeyError(f"unknown place {name!r}; known places: {', '.join(sorted(PLACES))}")
    lat, lon, _ = PLACES[key]
    return lat, lon
