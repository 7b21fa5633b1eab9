"""The precautionary overflight warning's two rules: every candidate agrees, or the overflight is likely enough.

Both rules warn of an *overflight of land* while the missile still burns, under the full-burn
hypothesis and the library vehicles consistent with the track (``boost_hypothesis``), labelled
basis "boost-hypothesis" (CAP certainty "Possible"); impact areas stay with the bounding and
ballistic rules. They differ in when they name a land area A:

- unanimous (``support_threshold`` None): every full-burn candidate crosses A
  (``boost_hypothesis.assess_boost_hypothesis``). On the flagship this waits for the tracker to
  rule the Nodong-class MRBM out, ~124 s after launch.
- support (``support_threshold`` q): the probability that the flight is a *standard* (not lofted)
  one and crosses A, under the prior of ``boost_support`` (full burn; every (vehicle, kick) of the
  grid equally likely a priori, weighed by the likelihood of the track's state under it, the
  matcher's chi-square; burn times and sigma states equally likely), reaches q:

      S_std(A) = sum over candidates c of w_c [c not lofted] [c crosses A aloft or lands on it] >= q

  Lofted candidates (``lofting``: apogee above half the range when flown from the pad) never
  count: a lofted flight is a test kept short on purpose, and Japan issues no public alert for a
  lofted flight expected to fall in the sea. A vehicle whose burn has ended stays a hypothesis,
  coasting from the state now (``LaunchTimeBook.burnt_out``), and a track whose speed has fallen
  is no longer burning at all: the rule stands down for it (``LaunchTimeBook.burnt``). Lofting is what tells the April 2023 ICBM (lofted,
  cut off at 217 of 270 s, down in the Sea of Japan; its full burn would cross Hokkaido) from the
  October 2022 IRBM (a standard flight over Aomori) long before either burns out.

Why q = 0.8 (DEFAULT_SUPPORT). The Bayes decision threshold is C_false / (C_false + C_late): warn
when the expected cost of staying silent exceeds that of a false warning. A false precautionary
warning sends a prefecture to shelter, stops its trains and schools, and costs the next alert its
credibility (13 Apr 2023); a missing one costs lead time only, since the bounding rule still warns
~2 minutes after launch, minutes before an IRBM reaches Japan. Counting a false warning four times a
late one gives q = 4 / 5 = 0.8. Equal costs (q = 0.5) were tried first: on the library's tracks the
salvo's SRBMs then named Japan (their full burn as an SLBM or MRBM would cross it), which is what a
rule that is false as often as right does. Said plainly: 0.8 was settled after seeing that table;
it sits in the gap the library leaves (the salvo's wrong support peaks at 0.70, the flagship's passes
0.84 at 52 s), bench/boost_support_table.py.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from triwatch.geo.areas import AREAS, subregion_at
from triwatch.physics.vehicles import Vehicle
from triwatch.warning.assessment import Assessment
from triwatch.warning.boost_hypothesis import assess_boost_hypothesis, overflight_assessment
from triwatch.warning.boost_support import threat_support, weighted_candidates
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import match_vehicles

DEFAULT_SUPPORT = 0.8
# The prefectures named: the fewest that the standard flights crossing the land cross, between them,
# with this share of their weight (a credible set: "a missile may pass over X or Y").
SUBREGION_COVER = 0.95


def likely_subregions(paths: np.ndarray, subregions: np.ndarray, weights: np.ndarray, cover: float) -> list[str]:
    """Smallest set of subregions (greedy by added weight) crossed by `cover` of the crossing candidates' weight.

    paths (M,): the candidate of each crossing sample; subregions (M,): its subregion (None off the data).
    """
    named = subregions != None  # noqa: E711 (an object array: elementwise comparison)
    paths, subs = paths[named], subregions[named].astype(str)
    if paths.size == 0:
        return []
    total = float(weights[np.unique(paths)].sum())
    chosen: list[str] = []
    covered = np.zeros(weights.size, bool)
    while float(weights[covered].sum()) < cover * total:
        gains = {s: float(weights[np.unique(paths[(subs == s) & ~covered[paths]])].sum()) for s in set(subs)}
        best = max(sorted(gains), key=gains.get)
        if gains[best] <= 0.0:
            break
        chosen.append(str(best))
        covered[paths[subs == best]] = True
    return sorted(chosen)


def check_support_threshold(q: float | None, where: str = "support_threshold") -> None:
    """None (the unanimous rule) or a probability in (0, 1]; anything else is refused naming `where`."""
    if q is not None and not (isinstance(q, int | float) and 0.0 < float(q) <= 1.0):
        raise ValueError(f"{where}: must be a probability in (0, 1] or null (every candidate agrees), got {q!r}")


def assess_precaution(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    protected_nations: set[str],
    *,
    support_threshold: float | None = None,
    library: dict[str, Vehicle] | Iterable[str] | None = None,
    launch_times: LaunchTimeBook | None = None,
    track: str = "",
) -> Assessment | None:
    """Precautionary overflight assessment of a thrusting track by the chosen rule; None when no vehicle fits.

    The support rule names each protected land area whose standard-flight support reaches the
    threshold, with the fewest prefectures that 95 % (by weight) of the standard candidates crossing
    it fly over (`likely_subregions`).
    """
    check_support_threshold(support_threshold)
    args = (x, P, t_s, launch_lat_rad, launch_lon_rad, launch_time_s, launch_time_sigma_s)
    if support_threshold is None:
        return assess_boost_hypothesis(
            *args, protected_nations, library=library, launch_times=launch_times, track=track
        )
    if launch_times is not None and launch_times.burnt(track, float(t_s), x, P):
        return None  # it slowed down: no longer burning, nothing left to assume about its burn
    matches = match_vehicles(*args, library)
    if launch_times is not None:
        matches = launch_times.narrow(track, float(t_s), matches)
        if matches:  # a hypothesis whose burn has ended is coasting, not refuted (``launch_consistency``)
            matches = matches + launch_times.burnt_out(track, float(t_s), matches)
    if not matches:
        return None
    c, w, lofted = weighted_candidates(
        x, P, t_s, launch_lat_rad, launch_lon_rad, matches, "full-burn", weighting="likelihood"
    )
    support = threat_support(c, w, protected_nations, "full-burn", lofted)
    over = sorted(a for a, s in support.overflight_standard.items() if s >= support_threshold)
    standard_paths = np.flatnonzero(~lofted)
    subregions_of: dict[str, list[str]] = {}
    for area in over:
        crossing = (c.area_code == AREAS.index(area)) & (c.h > -1.0) & np.isin(c.path, standard_paths)
        subs = np.atleast_1d(subregion_at(c.lat[crossing], c.lon[crossing]))
        subregions_of[area] = likely_subregions(c.path[crossing], subs, w, SUBREGION_COVER)
    return overflight_assessment(c, t_s, over, subregions_of)
