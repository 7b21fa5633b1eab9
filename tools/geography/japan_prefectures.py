"""Prefecture outlines from the PyPI package ``japanmap`` (Apache-2.0).

japanmap's ``japan.json`` is ``[qp, qo]``: ``qp`` a list of ``[[lon, lat], n]`` boundary
points, ``qo`` per prefecture (JIS order 1..47) a list of ``[neighbour, [point ids]]``
boundary pieces whose concatenation is the outline of the part of the prefecture that
holds its capital. Outlying islands are not included; the build assigns them to the
nearest prefecture, with explicit overrides where "nearest" is wrong (below).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

# JIS X 0401 order, the order of japanmap's data.
PREFECTURES: tuple[str, ...] = (
    "Hokkaido", "Aomori", "Iwate", "Miyagi", "Akita", "Yamagata", "Fukushima", "Ibaraki",
    "Tochigi", "Gunma", "Saitama", "Chiba", "Tokyo", "Kanagawa", "Niigata", "Toyama",
    "Ishikawa", "Fukui", "Yamanashi", "Nagano", "Gifu", "Shizuoka", "Aichi", "Mie",
    "Shiga", "Kyoto", "Osaka", "Hyogo", "Nara", "Wakayama", "Tottori", "Shimane",
    "Okayama", "Hiroshima", "Yamaguchi", "Tokushima", "Kagawa", "Ehime", "Kochi", "Fukuoka",
    "Saga", "Nagasaki", "Kumamoto", "Oita", "Miyazaki", "Kagoshima", "Okinawa",
)  # fmt: skip

# Islands whose nearest japanmap outline is another prefecture's (lat_min, lat_max, lon_min, lon_max).
# Each box was checked to hold no other prefecture's land (tests/geo cover one island of each).
ISLAND_OVERRIDES: tuple[tuple[str, tuple[float, float, float, float]], ...] = (
    ("Tokyo", (32.0, 34.85, 139.2, 140.5)),  # Izu islands; Izu peninsula is west of 139.2 E
    ("Tokyo", (20.0, 32.0, 136.0, 154.5)),  # Ogasawara, Minamitorishima, Okinotorishima
    ("Nagasaki", (33.95, 34.8, 129.1, 129.6)),  # Tsushima (nearest outline: Saga)
    ("Nagasaki", (33.68, 33.9, 129.6, 129.85)),  # Iki
    ("Nagasaki", (32.5, 33.35, 128.5, 129.2)),  # Goto islands
    ("Kagoshima", (27.0, 28.6, 128.3, 130.1)),  # Amami islands (nearest outline: Okinawa)
    ("Shimane", (35.95, 36.4, 132.9, 133.45)),  # Oki islands (nearest outline: Tottori)
    ("Kumamoto", (32.25, 32.58, 129.95, 130.45)),  # Amakusa Kamishima/Shimoshima (nearest: Nagasaki)
    ("Kumamoto", (32.1, 32.25, 129.9, 130.08)),  # southern Shimoshima; Nagashima (Kagoshima) is east
    ("Hyogo", (34.15, 34.62, 134.65, 135.05)),  # Awaji
    ("Kagawa", (34.43, 34.56, 134.15, 134.38)),  # Shodoshima
)


def prefecture_rings(japanmap_dir: Path) -> list[np.ndarray]:
    """One (N, 2) lon/lat ring per prefecture, in PREFECTURES order."""
    with (japanmap_dir / "japan.json").open("rb") as fp:
        qp, qo = json.load(fp)
    if len(qo) != len(PREFECTURES):
        raise ValueError(f"{japanmap_dir / 'japan.json'}: expected {len(PREFECTURES)} prefectures, got {len(qo)}")
    return [np.array([qp[i][0] for _, ids in pieces for i in ids], dtype=float) for pieces in qo]
