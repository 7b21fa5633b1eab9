"""How fast is area_at? Prints figures; not a test.

PYTHONPATH=src python bench/bench_areas.py
"""

from __future__ import annotations

import time

import numpy as np

from triwatch.geo.areas import area_at, area_codes_at, subregion_at
from triwatch.warning.ellipse import ellipse_points
from triwatch.warning.impact_mass import UNIT_CELLS, area_masses, impact_area_masses


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
    impact_rule(rng)


def impact_rule(rng: np.random.Generator) -> None:
    """The warning's area rule per assessment: mass of the impact Gaussian (warning.impact_mass) against
    the rule before it (25 points of the 95 % ellipse classified), for one track and for many at once."""
    lat, lon, cov = np.radians(40.0), np.radians(136.0), np.diag([80e3**2, 30e3**2])
    old = best_of(lambda: area_at(*ellipse_points(lat, lon, cov)), repeats=200)
    new = best_of(lambda: impact_area_masses(lat, lon, cov), repeats=200)
    print(
        f"impact areas of one track: ellipse contact {1e6 * old:.0f} us, mass over {len(UNIT_CELLS)} cells {1e6 * new:.0f} us"
    )
    k = 50
    lats, lons = np.radians(rng.uniform(33, 43, k)), np.radians(rng.uniform(128, 142, k))
    covs = np.stack([np.diag(rng.uniform(1e3, 200e3, 2) ** 2) for _ in range(k)])
    many = best_of(lambda: area_masses(lats, lons, covs), repeats=20)
    print(f"impact masses of {k} tracks in one call: {1e3 * many:.1f} ms ({1e6 * many / k:.0f} us per track)")


if __name__ == "__main__":
    main()
