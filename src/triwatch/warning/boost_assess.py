"""Threat assessment of a missile still under thrust: name only what every possible flight agrees on.

The candidate flights (``boost_candidates``) span what the track allows: the state anywhere in
its confidence ellipsoid (95 % by default), any library vehicle that can be where it is, and
any cut-off from now to that vehicle's full burn-out. The truth is one of them (to the stated
confidence, as long as the track's covariance is honest and the threat is no more energetic
than the library), so:

- overflight: a protected nation's *land* is named when every candidate's path crosses it
  while still above the ground (or lands on it). The shortest candidate, cut off now, decides
  this in practice: once even it reaches the land, so does every longer flight along the same
  azimuth. Before that moment the land cannot honestly be named: the engine may stop at any
  second, and then the missile falls short.
- impact: a protected area is named as the impact area only when every candidate lands in it
  (late in the burn of a short-range missile, for example); the warning then carries the 95 %
  ellipse of the candidates' impact points. Otherwise the impact point is unknown and the
  warning carries no ellipse; its impact time is the earliest any candidate comes down.

Everything named here is a subset of what the true flight threatens (when the truth is among
the candidates), so the ballistic assessment that takes over at burn-out only adds areas or
confirms them; the alert book's hysteresis, correction and withdrawal handle any change.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.areas import AREAS, area_codes_at, nation_of_area, subregion_at
from triwatch.geo.wgs84 import MEAN_RADIUS_M
from triwatch.messages import Ellipse
from triwatch.warning.assessment import Assessment
from triwatch.warning.boost_candidates import CandidatePaths, candidate_paths
from triwatch.warning.ellipse import ellipse_axes

_AREA_NAMES = np.array(AREAS)


def _protected_codes(protected_nations: set[str], land_only: bool) -> np.ndarray:
    codes = [
        i
        for i, a in enumerate(AREAS)
        if nation_of_area(a) in protected_nations and (a.endswith("-land") or not land_only)
    ]
    return np.array(codes, dtype=int)


def overflight_support(c: CandidatePaths, protected_nations: set[str]) -> dict[str, float]:
    """Fraction of the candidates whose path crosses each protected land area aloft (or lands on it)."""
    aloft_or_end = c.h > -1.0
    out = {}
    for code in _protected_codes(protected_nations, land_only=True):
        hit = np.zeros(c.count, bool)
        hit[c.path[(c.area_code == code) & aloft_or_end]] = True
        out[str(_AREA_NAMES[code])] = float(hit.mean())
    return out


def impact_support(c: CandidatePaths, protected_nations: set[str]) -> dict[str, float]:
    """Fraction of the candidates that land in each protected area (one still flying lands nowhere)."""
    codes = np.asarray(area_codes_at(c.impact_lat, c.impact_lon), int)
    codes = np.where(c.landed, codes, -1)
    return {str(_AREA_NAMES[k]): float(np.mean(codes == k)) for k in _protected_codes(protected_nations, False)}


def common_overflown_land(c: CandidatePaths, protected_nations: set[str]) -> list[str]:
    """Protected land areas that every candidate path crosses above the ground or lands on."""
    return [a for a, f in overflight_support(c, protected_nations).items() if f == 1.0]


def common_impact_area(c: CandidatePaths, protected_nations: set[str]) -> list[str]:
    """The protected area every candidate lands in, as a one-element list, or [] if they disagree."""
    return [a for a, f in impact_support(c, protected_nations).items() if f == 1.0]


def impact_spread_ellipse(c: CandidatePaths) -> tuple[Ellipse, float, float]:
    """95 % ellipse of the candidates' impact points (their East/North scatter about the mean)."""
    lat0, lon0 = float(np.mean(c.impact_lat)), float(np.mean(c.impact_lon))
    east = (np.mod(c.impact_lon - lon0 + np.pi, 2 * np.pi) - np.pi) * MEAN_RADIUS_M * np.cos(lat0)
    north = (c.impact_lat - lat0) * MEAN_RADIUS_M
    cov = np.cov(np.vstack([east, north])) if c.count > 1 else np.zeros((2, 2))
    a, b, theta = ellipse_axes(np.atleast_2d(cov))
    ell = Ellipse(float(np.degrees(lat0)), float(np.degrees(lon0)), a, b, float(np.degrees(theta)))
    return ell, lat0, lon0


def assess_boost(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    protected_nations: set[str],
    *,
    confidence: float = 0.95,
) -> Assessment | None:
    """Assess a thrusting track (state x, P at t_s, launched at the given point and time).

    None when no library vehicle can be burning where and how fast the track is (nothing can
    be said); otherwise an Assessment whose areas all candidates agree on (possibly none).
    """
    args = (x, P, t_s, launch_lat_rad, launch_lon_rad, launch_time_s, launch_time_sigma_s)
    # Growing candidate sets, cheapest first: the cut-off now alone, then also every vehicle's
    # full burn (and stage ends), then every cut-off on a 10 s grid. An area one set does not
    # all name, no larger set names either, so a larger set is flown only while something stands.
    c = None
    for step in (None, np.inf, 10.0):
        c = candidate_paths(*args, confidence=confidence, cutoff_step_s=step)
        if c is None:
            return None
        over = common_overflown_land(c, protected_nations)
        impact = common_impact_area(c, protected_nations)
        if not (over or impact):
            break
    ellipse, ilat, ilon = (None, float("nan"), float("nan"))
    if impact:
        ellipse, ilat, ilon = impact_spread_ellipse(c)
    subregions: set[str] = set()
    if over:
        named = np.isin(c.area_code, [AREAS.index(a) for a in over]) & (c.h > -1.0)
        subregions = {s for s in np.atleast_1d(subregion_at(c.lat[named], c.lon[named])).tolist() if s}
    x = np.asarray(x, float)
    now = c.area_code[c.path == 0][:1]
    over_now = [str(_AREA_NAMES[k]) for k in now.tolist() if str(_AREA_NAMES[k]) in over]
    # The earliest the missile could come down (the cut-off-now flights land first): the danger
    # can start then. It lies minutes ahead during boost, so the alert book's "impact" message
    # never falls due before the ballistic assessment takes over and states the real one.
    landed = c.impact_t[c.landed]
    impact_time = float(np.min(landed)) if landed.size else float(t_s + 5000.0)
    return Assessment(
        time_s=t_s,
        impact_lat_rad=ilat,
        impact_lon_rad=ilon,
        impact_time_s=impact_time,
        ellipse=ellipse,
        impact_areas=impact,
        overflight_areas=over,
        subregions=sorted(subregions),
        over_now=over_now,
        basis="boost-bound",
    )
