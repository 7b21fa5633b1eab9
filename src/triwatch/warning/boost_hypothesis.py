"""Precautionary overflight warning: what a burning missile overflies if it burns to its end.

The bounding boost rule (``boost_assess``) names land only when even a cut-off *now* reaches it,
which for an IRBM over Japan is ~2 minutes after launch. Real warning practice does not wait:
J-Alert's first message comes from the launch and its direction ("a missile may pass over X"),
then is corrected. This module makes that message, under two stated hypotheses that come from
kinematics and public knowledge only (never the scenario's truth):

1. full burn: the engine burns to its profile's burn-out. DPRK tests fly full profiles; lofting
   is a pitch programme, not an early cut-off. So the early cut-offs the bounding rule keeps are
   dropped here, and only here.
2. vehicle discrimination (``vehicle_match``): only library vehicles whose full-burn profiles,
   flown from the estimated launch point along the track's azimuth, explain the track's speed,
   height and flight-path angle at a chi-square gate are kept, each with the pitch kicks
   (lofted ... minimum-energy ... depressed) still consistent; and, given the track's history
   (``launch_consistency``), only those that explain every state so far with one launch time.

Candidates: the 13 sigma states of the track's confidence ellipsoid x every consistent vehicle x
up to KICKS_PER_VEHICLE of its consistent kicks (the extremes included; the kick decides the rest
of the burn only while the path is still steeper than the attitude the kick holds) x the earliest
and latest time since launch at which that vehicle matches the track (how much burn it has left),
each burnt to full burn-out and coasted to the ground.

Rule: a protected nation's *land* is named when every candidate's path crosses it while still
above the ground (or lands on it); if the candidates disagree, nothing is named (no guessing).
Impact areas are never named here: they stay with the bounding and ballistic rules. The warning is
labelled everywhere with basis "boost-hypothesis" (CAP certainty "Possible"); when the flight
disagrees (the tracked flight's bounding or ballistic assessment no longer names the area), the
alert book corrects or withdraws it in the open.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from triwatch.geo.areas import AREAS, subregion_at
from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.boost import LaunchFrame, run_boost
from triwatch.physics.vehicles import Vehicle
from triwatch.warning.assessment import Assessment
from triwatch.warning.boost_assess import common_overflown_land
from triwatch.warning.boost_candidates import CandidatePaths, coast_cutoffs, cutoff_nodes, sigma_states
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import VehicleMatch, bearing_rad, match_vehicles

BASIS = "boost-hypothesis"
KICKS_PER_VEHICLE = 5
BURN_STEP_S = 2.0  # RK4 step of the remaining burn


def _spread(kicks: np.ndarray, n: int) -> np.ndarray:
    """Up to n of the (ascending) kicks, evenly spread, both extremes included."""
    if kicks.size <= n:
        return kicks
    return kicks[np.unique(np.round(np.linspace(0, kicks.size - 1, n)).astype(int))]


def burn_to_end(vehicle: Vehicle, frame: LaunchFrame, tau_s: float, states: np.ndarray, kicks: np.ndarray):
    """Burn-out states (K * M, 6) of the states (K, 6) at tau s after launch, thrusting on to full burn-out
    with each kick (M,) held while the path is steeper than it; and the burn-out time since launch."""
    t_nodes, stage = cutoff_nodes(vehicle, tau_s, BURN_STEP_S)
    k, m = states.shape[0], kicks.size
    r0 = np.repeat(states[:, :3], m, axis=0)
    v0 = np.repeat(states[:, 3:], m, axis=0)
    if t_nodes.size < 2:
        return np.hstack([r0, v0]), float(tau_s)
    r, v = run_boost(vehicle, frame, np.tile(kicks, k), t_nodes, stage, r0.copy(), v0.copy())
    return np.hstack([r[:, -1], v[:, -1]]), float(t_nodes[-1])


def full_burn_paths(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    matches: list[VehicleMatch],
    *,
    confidence: float = 0.95,
    max_time_s: float = 5000.0,
) -> CandidatePaths:
    """Ground paths of the full-burn candidates of the consistent vehicles (see the module docstring)."""
    if not matches:
        raise ValueError("full_burn_paths: no consistent vehicle to fly (match_vehicles found none)")
    x = np.asarray(x, float)
    sig = sigma_states(x, np.asarray(P, float), confidence)
    lat, lon, _ = ecef_to_geodetic(x[None, :3])
    frame = LaunchFrame.at(
        launch_lat_rad, launch_lon_rad, bearing_rad(launch_lat_rad, launch_lon_rad, float(lat[0]), float(lon[0]))
    )
    starts, beta, lift, cut_t = [], [], [], []
    for m in matches:
        veh = m.vehicle
        kicks = _spread(m.kicks_rad, KICKS_PER_VEHICLE)
        for tau_v in sorted({m.tau_lo_s, m.tau_hi_s}):
            s, t_bo = burn_to_end(veh, frame, tau_v, sig, kicks)
            starts.append(s)
            beta.append(np.full(len(s), veh.rv_beta_kg_m2))
            lift.append(np.full(len(s), veh.rv_lift_to_drag))
            cut_t.append(np.full(len(s), t_s + (t_bo - tau_v)))
    return coast_cutoffs(starts, cut_t, beta, lift, tuple(m.vehicle.name for m in matches), max_time_s)


def assess_boost_hypothesis(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    protected_nations: set[str],
    *,
    library: dict[str, Vehicle] | Iterable[str] | None = None,
    confidence: float = 0.95,
    launch_times: LaunchTimeBook | None = None,
    track: str = "",
) -> Assessment | None:
    """Precautionary overflight assessment of a thrusting track; None when no library vehicle is consistent.

    The Assessment (basis "boost-hypothesis") names only protected land every full-burn candidate
    overflies, with the prefectures/provinces any candidate crosses there; no impact area, no ellipse.
    With launch_times (and the track's key), a vehicle is also dropped once the launch times the
    track's successive states need under it no longer overlap (``launch_consistency``).
    """
    args = (x, P, t_s, launch_lat_rad, launch_lon_rad, launch_time_s, launch_time_sigma_s)
    matches = match_vehicles(*args, library)
    if launch_times is not None:
        matches = launch_times.narrow(track, float(t_s), matches)
    if not matches:
        return None
    c = full_burn_paths(*args, matches, confidence=confidence)
    over = common_overflown_land(c, protected_nations)
    subregions_of: dict[str, list[str]] = {}
    for area in over:
        named = (c.area_code == AREAS.index(area)) & (c.h > -1.0)
        subs = np.atleast_1d(subregion_at(c.lat[named], c.lon[named])).tolist()
        subregions_of[area] = sorted({s for s in subs if s})
    return overflight_assessment(c, t_s, over, subregions_of)


def overflight_assessment(
    c: CandidatePaths, t_s: float, over: list[str], subregions_of: dict[str, list[str]]
) -> Assessment:
    """A precautionary assessment naming overflown land only (no impact area, no ellipse): the land
    `over` with its prefectures, whether the missile is above it now (its own path, candidate 0),
    and the earliest time any candidate comes down."""
    now = [str(AREAS[k]) for k in c.area_code[c.path == 0][:1].tolist()]
    landed = c.impact_t[c.landed]
    return Assessment(
        time_s=float(t_s),
        impact_lat_rad=float("nan"),
        impact_lon_rad=float("nan"),
        impact_time_s=float(np.min(landed)) if landed.size else float(t_s + 5000.0),
        ellipse=None,
        overflight_areas=over,
        subregions=sorted({s for subs in subregions_of.values() for s in subs}),
        over_now=[a for a in now if a in over],
        subregions_of=subregions_of,
        basis=BASIS,
    )
