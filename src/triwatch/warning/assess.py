"""Threat assessment of one fused track: where it will land, and what it will fly over.

Rules:
- impact threat: the protected areas (a partner nation's land or EEZ) that the
  95 % impact ellipse touches, tested at the ellipse's centre and boundary;
- overflight: the protected *land* areas under the predicted remaining path
  while the object is still above the ground, with the prefectures/provinces
  where the geography knows them.
An area belongs to a nation through its prefix ("JPN-EEZ" -> JPN).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.areas import area_at, nation_of_area, subregion_at
from triwatch.messages import Ellipse
from triwatch.warning.assessment import Assessment
from triwatch.warning.ellipse import ellipse_axes, ellipse_points
from triwatch.warning.path import remaining_path


def _protected(areas, nations: set[str]) -> list[str]:
    return sorted({a for a in np.atleast_1d(areas).tolist() if nation_of_area(a) in nations})


def assess(
    x: np.ndarray,
    t_s: float,
    impact_lat_rad: float,
    impact_lon_rad: float,
    impact_time_s: float,
    impact_cov_en_m2: np.ndarray,
    protected_nations: set[str],
) -> Assessment:
    """Assess a track state x at time t_s with its predicted impact point and covariance."""
    a, b, theta = ellipse_axes(impact_cov_en_m2)
    ellipse = Ellipse(
        lat_deg=float(np.degrees(impact_lat_rad)),
        lon_deg=float(np.degrees(impact_lon_rad)),
        semi_major_m=a,
        semi_minor_m=b,
        orientation_deg=float(np.degrees(theta)),
    )
    lats, lons = ellipse_points(impact_lat_rad, impact_lon_rad, impact_cov_en_m2)
    impact_areas = _protected(area_at(lats, lons), protected_nations)
    _, plat, plon, ph = remaining_path(x)
    aloft = ph > 0.0
    path_areas = np.atleast_1d(area_at(plat[aloft], plon[aloft])) if aloft.any() else np.array([], dtype=object)
    over = [a for a in _protected(path_areas, protected_nations) if a.endswith("-land")]
    over_now = [a for a in _protected(area_at(plat[:1], plon[:1]), protected_nations) if a.endswith("-land")]
    subregions_of: dict[str, list[str]] = {}
    if over:
        subs = np.atleast_1d(subregion_at(plat[aloft], plon[aloft]))
        for area in over:
            here = subs[path_areas == area].tolist()
            subregions_of[area] = sorted({s for s in here if s})
    return Assessment(
        time_s=t_s,
        impact_lat_rad=impact_lat_rad,
        impact_lon_rad=impact_lon_rad,
        impact_time_s=impact_time_s,
        ellipse=ellipse,
        impact_areas=impact_areas,
        overflight_areas=over,
        subregions=sorted({s for subs in subregions_of.values() for s in subs}),
        over_now=over_now,
        subregions_of=subregions_of,
    )
