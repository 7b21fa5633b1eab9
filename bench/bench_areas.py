"""How fast is area_at? Prints figures; not a test.

PYTHONPATH=src python bench/bench_areas.py
"""

from __future__ import annotations

import time

import numpy as np

from triwatch.geo.areas import area_at, area_codes_at, subregion_at


def best_of(fn, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    n = 100_000
    t0 = time.perf_counter()
    area_at(0.7, 2.4)  # first call loads the shipped rasters
    print(f"first call (loads areas.npz): {1e3 * (time.perf_counter() - t0):.0f} ms")
    for label, lat_deg, lon_deg in (
        ("in grid (30-55 N, 120-160 E)", rng.uniform(30, 55, n), rng.uniform(120, 160, n)),
        (
            "whole globe (mixes in world raster)",
            np.degrees(np.arcsin(rng.uniform(-1, 1, n))),
            rng.uniform(-180, 180, n),
        ),
    ):
        lat, lon = np.radians(lat_deg), np.radians(lon_deg)
        print(f"{label}, {n} points:")
        print(f"  area_codes_at {1e3 * best_of(lambda lat=lat, lon=lon: area_codes_at(lat, lon)):.1f} ms")
        print(f"  area_at       {1e3 * best_of(lambda lat=lat, lon=lon: area_at(lat, lon)):.1f} ms")
        print(f"  subregion_at  {1e3 * best_of(lambda lat=lat, lon=lon: subregion_at(lat, lon)):.1f} ms")
    one = best_of(lambda: area_at(0.7, 2.4), repeats=200)
    print(f"one scalar point: {1e6 * one:.0f} us")


if __name__ == "__main__":
    main()
