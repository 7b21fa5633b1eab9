"""What truly happened to each launch, in the units of the run summary (degrees, km, s)."""

from __future__ import annotations

import numpy as np

from triwatch.geo.areas import area_at, nation_of_area
from triwatch.geo.frames import ecef_to_geodetic
from triwatch.scenario.truth import TruthWorld


def truth_of_launch(world: TruthWorld, launch_id: str) -> dict:
    s = world.flights[launch_id].summary
    return {
        "launch_lat": round(float(np.degrees(s.launch_lat_rad)), 4),
        "launch_lon": round(float(np.degrees(s.launch_lon_rad)), 4),
        "impact_lat": round(float(np.degrees(s.impact_lat_rad)), 4),
        "impact_lon": round(float(np.degrees(s.impact_lon_rad)), 4),
        "apogee_km": round(s.apogee_m / 1e3, 1),
        "range_km": round(s.range_m / 1e3, 1),
        "flight_time_s": round(s.flight_time_s, 1),
        "impact_area": str(area_at(s.impact_lat_rad, s.impact_lon_rad)),
    }


def threatened_areas(world: TruthWorld, launch_id: str, protected: set[str]) -> set[str]:
    """Protected areas truly threatened by a launch's payload: where it lands, and land it flies over."""
    rv = world.flights[launch_id].objects[0]
    s = world.flights[launch_id].summary
    areas = {str(area_at(s.impact_lat_rad, s.impact_lon_rad))}
    lat, lon, h = ecef_to_geodetic(rv.r_ecef_m)
    over = np.atleast_1d(area_at(lat[h > 0], lon[h > 0])).tolist()
    areas |= {a for a in over if a.endswith("-land")}
    return {a for a in areas if nation_of_area(a) in protected}
