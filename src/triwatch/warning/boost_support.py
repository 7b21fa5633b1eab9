"""How likely a missile still under thrust is to threaten each protected area: support under a stated prior.

``boost_hypothesis`` names land only when *every* full-burn candidate overflies it (support 1).
This module measures the *support* itself: the probability, under an explicit prior over what
the track cannot tell yet, that the flight overflies or lands in each protected area. The prior
(kinematics and public knowledge only, never the scenario's truth):

- vehicle and pitch programme: the library vehicles still consistent with the track
  (``vehicle_match`` gate plus the track's launch-time history, ``launch_consistency``) and their
  consistent kicks (up to KICKS_PER_VEHICLE flown, extremes included), weighed by ``weighting``:
  * ``"equal"``: every consistent vehicle 1 / V, its flown kicks equally;
  * ``"likelihood"``: prior uniform over (vehicle, kick of the grid), times the likelihood of the
    track's state under it, exp(-chi2 / 2) with the matcher's own chi-square (features and
    launch-time prior; its smallest over tau): w(v, k) ∝ exp(-chi2_vk / 2). A flown kick carries
    the likelihood of every consistent kick nearest to it. Only the current state's likelihood is
    used: the track's successive states share their errors, so multiplying them would count
    the same evidence many times; the history enters through the launch-time consistency;
- where in its burn it is: the earliest and latest matching time since launch, equally likely;
- state: the 13 sigma states of the track's 95 % ellipsoid, equally likely (a deliberately wide
  spread: it reaches the ellipsoid's edge along every axis);
- cut-off, one of two priors named by ``cutoff``:
  * ``"full-burn"``: the engine burns to the profile's burn-out (all weight on one cut-off);
  * ``"uniform"``: the cut-off time is uniform between now and the full burn-out (every cut-off
    node on a CUTOFF_STEP_S grid weighs the burn time it stands for). This is the honest prior
    when nothing says how far the launcher meant to fly: a lofted test is flown by cutting the
    engine early as often as by pitching up (the April 2023 ICBM cut off at 217 s of 270 s).

The support of an area A is  S(A) = sum over candidates c of w_c [c overflies A aloft or lands in A],
with sum w_c = 1; overflight counts only land (the scorer's and the public's notion of an
overflight threat), impact counts land and EEZ. S(nation) is the weight of candidates that do
either to any of the nation's areas: "Japan is threatened in some way".

Lofted flights (``lofting``): a candidate is lofted when its vehicle and pitch kick, flown from the
pad to full burn, peak above half their ground range. `overflight_standard` is the overflight
support counted over candidates that are *not* lofted, P(the flight is a standard one and overflies
A): Japan issues no public alert for a lofted flight expected to fall in the sea.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.geo.areas import AREAS, area_codes_at, nation_of_area
from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.boost import LaunchFrame, run_boost
from triwatch.warning.boost_candidates import CandidatePaths, coast_cutoffs, cutoff_nodes, sigma_states
from triwatch.warning.boost_hypothesis import BURN_STEP_S, KICKS_PER_VEHICLE, _spread
from triwatch.warning.lofting import lofted_kicks
from triwatch.warning.vehicle_match import VehicleMatch, bearing_rad

CUTOFFS = ("full-burn", "uniform")
WEIGHTINGS = ("equal", "likelihood")
CUTOFF_STEP_S = 10.0  # spacing of the cut-off nodes under the uniform prior (a few km of range each)


@dataclass(frozen=True)
class ThreatSupport:
    """Support of each protected area (and nation) under the stated prior."""

    overflight: dict[str, float]  # protected land area -> P(flown over aloft, or landed on)
    impact: dict[str, float]  # protected area (land or EEZ) -> P(lands in it)
    nation: dict[str, float]  # protected nation -> P(any of its land overflown or any of its areas hit)
    overflight_standard: dict[str, float]  # protected land area -> P(not lofted and flown over aloft / landed on)
    lofted: float  # P(the flight is lofted)
    cutoff: str
    count: int

    def area(self, name: str) -> float:
        """P(the area is overflown or hit): overflight for land, impact for an EEZ."""
        return max(self.overflight.get(name, 0.0), self.impact.get(name, 0.0))


def _check(cutoff: str, weighting: str, matches: list[VehicleMatch], x: np.ndarray, P: np.ndarray) -> None:
    if cutoff not in CUTOFFS:
        raise ValueError(f"boost_support: cutoff must be one of {CUTOFFS}, got {cutoff!r}")
    if weighting not in WEIGHTINGS:
        raise ValueError(f"boost_support: weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    if weighting == "likelihood" and any(m.kick_chi2 is None for m in matches):
        raise ValueError("boost_support: likelihood weighting needs each match's kick_chi2 (from match_vehicles)")
    if not matches:
        raise ValueError("boost_support: no consistent vehicle (match_vehicles found none): nothing to weigh")
    if x.shape != (6,) or P.shape != (6, 6) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(P))):
        raise ValueError(f"boost_support: need a finite state (6,) and covariance (6, 6), got {x.shape}, {P.shape}")


def weighted_candidates(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    matches: list[VehicleMatch],
    cutoff: str = "full-burn",
    *,
    weighting: str = "equal",
    confidence: float = 0.95,
    max_time_s: float = 5000.0,
) -> tuple[CandidatePaths, np.ndarray, np.ndarray]:
    """Candidate flights of the consistent vehicles under the cut-off prior, their prior weights (sum 1), and
    whether each flies a lofted programme (``lofting``)."""
    x, P = np.asarray(x, float), np.asarray(P, float)
    _check(cutoff, weighting, matches, x, P)
    sig = sigma_states(x, P, confidence)
    lat, lon, _ = ecef_to_geodetic(x[None, :3])
    az = bearing_rad(launch_lat_rad, launch_lon_rad, float(lat[0]), float(lon[0]))
    frame = LaunchFrame.at(launch_lat_rad, launch_lon_rad, az)
    starts, beta, lift, cut_t, weight, lofted = [], [], [], [], [], []
    chi2_min = min(float(np.min(m.kick_chi2)) if m.kick_chi2 is not None else 0.0 for m in matches)
    for m in matches:
        veh = m.vehicle
        kicks = _spread(m.kicks_rad, KICKS_PER_VEHICLE)
        kick_w = _kick_weights(m, kicks, weighting, chi2_min, len(matches))
        taus = sorted({m.tau_lo_s, m.tau_hi_s})
        for tau in taus:
            t_nodes, stage = cutoff_nodes(veh, tau, BURN_STEP_S)
            r0 = np.repeat(sig[:, :3], kicks.size, axis=0)
            v0 = np.repeat(sig[:, 3:], kicks.size, axis=0)
            if t_nodes.size < 2:
                r, v, t_nodes = r0[:, None], v0[:, None], t_nodes[:1]
            else:
                r, v = run_boost(veh, frame, np.tile(kicks, len(sig)), t_nodes, stage, r0.copy(), v0.copy())
            pick, w_node = _cutoff_weights(t_nodes, cutoff)
            s = np.concatenate([r[:, pick], v[:, pick]], axis=2).reshape(-1, 6)  # (paths x cut-offs, 6)
            starts.append(s)
            n = len(s)
            beta.append(np.full(n, veh.rv_beta_kg_m2))
            lift.append(np.full(n, veh.rv_lift_to_drag))
            cut_t.append(np.tile(t_s + (t_nodes[pick] - tau), r.shape[0]))
            row_w = np.tile(kick_w, len(sig)) / len(sig) / len(taus)  # rows: (sigma state, kick), kick fastest
            weight.append((row_w[:, None] * w_node[None, :]).reshape(-1))
            # rows are (sigma state, kick) pairs, kick fastest; each row holds its cut-offs in turn
            flags = np.tile(lofted_kicks(veh, launch_lat_rad, launch_lon_rad, az, kicks), len(sig))
            lofted.append(np.repeat(flags, pick.size))
    c = coast_cutoffs(starts, cut_t, beta, lift, tuple(m.vehicle.name for m in matches), max_time_s)
    w = np.concatenate(weight)
    return c, w / w.sum(), np.concatenate(lofted)


def _kick_weights(m: VehicleMatch, kicks: np.ndarray, weighting: str, chi2_min: float, n_vehicles: int) -> np.ndarray:
    """Prior x likelihood mass of each flown kick of a vehicle (see the module docstring); unnormalised."""
    if weighting == "equal":
        return np.full(kicks.size, 1.0 / kicks.size / n_vehicles)
    like = np.exp(-0.5 * (np.asarray(m.kick_chi2, float) - chi2_min))
    nearest = np.abs(m.kicks_rad[:, None] - kicks[None, :]).argmin(axis=1)
    return np.bincount(nearest, weights=like, minlength=kicks.size)


def _cutoff_weights(t_nodes: np.ndarray, cutoff: str) -> tuple[np.ndarray, np.ndarray]:
    """Which burn nodes are cut-off candidates, and each one's share of the prior (sum 1)."""
    if cutoff == "full-burn" or t_nodes.size < 2:
        return np.array([t_nodes.size - 1]), np.ones(1)
    grid = np.arange(t_nodes[0], t_nodes[-1], CUTOFF_STEP_S)
    pick = np.unique(np.append(np.searchsorted(t_nodes, grid), t_nodes.size - 1))
    tp = t_nodes[pick]
    # Each node stands for the burn time half-way to its neighbours (trapezoid weights of a uniform density).
    edges = np.concatenate([[tp[0]], 0.5 * (tp[1:] + tp[:-1]), [tp[-1]]])
    w = np.diff(edges)
    return pick, (w / w.sum()) if w.sum() > 0 else np.full(tp.size, 1.0 / tp.size)


def threat_support(
    c: CandidatePaths,
    weights: np.ndarray,
    protected_nations: set[str],
    cutoff: str,
    lofted: np.ndarray | None = None,
) -> ThreatSupport:
    """The support of every protected area and nation among weighted candidates (see the module docstring).

    lofted (K,) bool: which candidates fly a lofted programme (from ``weighted_candidates``); None: none.
    """
    weights = np.asarray(weights, float)
    if weights.shape != (c.count,) or not np.all(weights >= 0.0) or not np.isclose(weights.sum(), 1.0):
        raise ValueError(f"threat_support: need {c.count} non-negative weights summing to 1, got shape {weights.shape}")
    lofted = np.zeros(c.count, bool) if lofted is None else np.asarray(lofted)
    if lofted.shape != (c.count,) or lofted.dtype != bool:
        raise ValueError(f"threat_support: lofted must be a bool array of shape ({c.count},), got {lofted.shape}")
    aloft = c.h > -1.0
    standard = ~lofted
    overflight_standard = {}
    hit_code = np.where(c.landed, np.asarray(area_codes_at(c.impact_lat, c.impact_lon), int), -1)
    overflight, impact, nation = {}, {}, {}
    threatened = {n: np.zeros(c.count, bool) for n in protected_nations}
    for code, area in enumerate(AREAS):
        owner = nation_of_area(area)
        if owner not in protected_nations:
            continue
        hit = hit_code == code
        impact[str(area)] = float(weights[hit].sum())
        any_of = hit.copy()
        if str(area).endswith("-land"):
            over = np.zeros(c.count, bool)
            over[c.path[(c.area_code == code) & aloft]] = True
            overflight[str(area)] = float(weights[over].sum())
            overflight_standard[str(area)] = float(weights[over & standard].sum())
            any_of |= over
        threatened[owner] |= any_of
    nation = {n: float(weights[t].sum()) for n, t in threatened.items()}
    lofted = float(weights[~standard].sum())
    return ThreatSupport(overflight, impact, nation, overflight_standard, lofted, cutoff, c.count)
