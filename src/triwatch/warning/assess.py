"""Threat assessment of one fused track: where it will land, and what it will fly over.

Rules:
- impact threat: the protected areas (a partner nation's land or EEZ) in which the predicted
  impact distribution (Gaussian in East/North) puts at least MIN_AREA_MASS (5 %) of its
  probability (`warning.impact_mass`, where the threshold is argued from what a missed and a
  false warning cost); the 95 % ellipse is still reported, for maps and messages, but no longer
  decides: an ellipse that only grazes an area names it no more;
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
from triwatch.warning.ellipse import ellipse_axes
from triwatch.warning.impact_mass import MIN_AREA_MASS, impact_area_masses, threatened_areas
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
    min_mass: float = MIN_AREA_MASS,
) -> Assessment:
    """Assess a track state x at time t_s with its predicted impact point and covariance.

    An area is an impact area when the impact Gaussian puts at least min_mass in it.
    """
    a, b, theta = ellipse_axes(impact_cov_en_m2)
    ellipse = Ellipse(
        lat_deg=float(np.degrees(impact_lat_rad)),
        lon_deg=float(np.degrees(impact_lon_rad)),
        semi_major_m=a,
        semi_minor_m=b,
        orientation_deg=float(np.degrees(theta)),
    )
    masses = impact_area_masses(impact_lat_rad, impact_lon_rad, impact_cov_en_m2)
    masses = {a: p for a, p in masses.items() if nation_of_area(a) in protected_nations}
    impact_areas = threatened_areas(masses, min_mass)
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
        impact_mass=masses,
        overflight_areas=over,
        subregions=sorted({s for subs in subregions_of.values() for s in subs}),
        over_now=over_now,
        subregions_of=subregions_of,
    )
