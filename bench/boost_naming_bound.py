"""How early the boost-phase rule can name an area at best: truth states fed straight to the assessment.

    python bench/boost_naming_bound.py                  # every scenario in scenarios/
    python bench/boost_naming_bound.py irbm-2022-10-04

No sensors, tracker or fabric: for every launch, the true RV state every 2 s of its boost, with a
covariance like an early national track's (300 m, 30 m/s 1-sigma; the flagship's boost tracks
measure inside their 95 % ellipsoid 95-100 % of the time, bench/warning_timeline.py), and the
true launch point and time (2 s sigma), go to warning.boost_assess. Printed per launch:

- the areas the launch truly threatens (report.truth_facts), and its burn-out time;
- the first time after launch each area is named, and any area named that is not threatened;
- at 60 s after launch (the issue's target) the support of each threatened area: the fraction
  of candidate flights (95 % state ellipsoid x plausible library vehicles x cut-off on a 10 s
  grid, equal weights, i.e. a prior uniform in cut-off time) that overfly or land in it.
  The rule names an area at support 1; a support well below 1 at 60 s says how far the
  evidence then is from naming it.

- at 60 s, under the precautionary hypotheses (warning.boost_hypothesis: full burn, only library
  vehicles whose profiles match the state): which vehicles stay consistent (best chi-square and the
  times since launch at which they match), the support of each protected land area among the
  full-burn candidates, and what the precautionary rule names; once with a sharp launch time (2 s)
  and once with the sigma the tracker's boost-phase launch estimate states (12 s on the flagship).

- with the track's launch-time history (warning.launch_consistency) and the tracker's 12 s launch
  sigma, the first time the precautionary rule names each area during the boost, for the library's
  profile tolerance (6 % speed, 8 % height) and for tighter ones (3 %, 2 %): how well the vehicles
  would have to be known for a warning at 60 s.

The network adds its own latency on top of the first naming time (reorder window, assessment
period, the alert book's confirm count): bench/warning_timeline.py measures that part.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from triwatch.report.truth_facts import threatened_areas
from triwatch.scenario.loader import load_scenario
from triwatch.scenario.truth import TruthWorld
from triwatch.warning import vehicle_match
from triwatch.warning.boost_assess import assess_boost, impact_support, overflight_support
from triwatch.warning.boost_candidates import candidate_paths
from triwatch.warning.boost_hypothesis import assess_boost_hypothesis, full_burn_paths
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import match_vehicles

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)
TARGET_S = 60.0
LAUNCH_SIGMAS_S = (2.0, 12.0)  # a sharp launch time; what the tracker's boost estimate states
SPEED_TOLERANCES = (vehicle_match.SPEED_TOLERANCE, 0.03, 0.02)  # height tolerance scales with it (8/6)


def _state(flight, tau: float) -> np.ndarray:
    r, v, *_ = flight.objects[0].state_at(np.array([tau]))
    return np.concatenate([r[0], v[0]])


def main(names: list[str]) -> None:
    names = names or sorted(p.stem for p in LIBRARY.glob("*.yaml"))
    for name in names:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        world = TruthWorld.from_scenario(sc)
        protected = set(sc.nations)
        for launch in sc.launches:
            flight = world.flights[launch.id]
            s = flight.summary
            truly = threatened_areas(world, launch.id, protected)
            first: dict[str, float] = {}
            for tau in np.arange(10.0, s.burnout_time_s, 2.0):
                a = assess_boost(
                    _state(flight, tau), P_BOOST, tau, s.launch_lat_rad, s.launch_lon_rad, 0.0, 2.0, protected
                )
                for area in a.areas if a is not None else []:
                    first.setdefault(area, float(tau))
            wrong = sorted(set(first) - truly)
            named = ", ".join(f"{k} at {v:.0f} s{'' if k in truly else ' WRONG'}" for k, v in sorted(first.items()))
            named = named or "nothing"
            line = f"{name} {launch.id} ({s.vehicle}, burn-out {s.burnout_time_s:.0f} s): threatened {sorted(truly)}"
            print(f"{line}; named during boost: {named}; wrong: {wrong or 'none'}")
            if s.burnout_time_s > TARGET_S and truly:
                c = candidate_paths(
                    _state(flight, TARGET_S), P_BOOST, TARGET_S, s.launch_lat_rad, s.launch_lon_rad, 0.0, 2.0
                )
                if c is None:
                    print(f"  at {TARGET_S:.0f} s: no library vehicle fits the state")
                    continue
                over, lands = overflight_support(c, protected), impact_support(c, protected)
                support = {a: max(over.get(a, 0.0), lands.get(a, 0.0)) for a in truly}
                shown = ", ".join(f"{a} {support.get(a, 0.0):.0%}" for a in sorted(truly))
                print(f"  at {TARGET_S:.0f} s: {c.count} candidates ({', '.join(c.vehicles)}); support {shown}")
            if s.burnout_time_s > TARGET_S:
                for sigma in LAUNCH_SIGMAS_S:
                    print("  " + precautionary_at(flight, sigma, protected))
                print("  " + tolerance_sweep(flight, protected, truly))
            sys.stdout.flush()


def precautionary_at(flight, sigma_s: float, protected: set[str]) -> str:
    """Consistent vehicles and land support under the precautionary hypotheses at TARGET_S."""
    s = flight.summary
    args = (_state(flight, TARGET_S), P_BOOST, TARGET_S, s.launch_lat_rad, s.launch_lon_rad, 0.0, sigma_s)
    head = f"precautionary at {TARGET_S:.0f} s, launch time +-{sigma_s:.0f} s:"
    matches = match_vehicles(*args)
    if not matches:
        return f"{head} no library vehicle is consistent"
    vehicles = ", ".join(
        f"{m.vehicle.name} (chi2 {m.best_chi2:.1f}, {m.tau_lo_s:.0f}-{m.tau_hi_s:.0f} s)" for m in matches
    )
    support = overflight_support(full_burn_paths(*args, matches), protected)
    named = [a for a, f in support.items() if f == 1.0]
    shown = ", ".join(f"{a} {f:.0%}" for a, f in support.items() if f > 0) or "no protected land"
    return f"{head} consistent {vehicles}; support {shown}; names {named or 'nothing'}"


def tolerance_sweep(flight, protected: set[str], truly: set[str], sigma_s: float = 12.0) -> str:
    """First naming by the precautionary rule (with launch-time history) during the boost, per profile tolerance;
    an area the flight does not threaten is marked WRONG."""
    s = flight.summary
    saved = vehicle_match.SPEED_TOLERANCE, vehicle_match.HEIGHT_TOLERANCE
    out = []
    try:
        for tol in SPEED_TOLERANCES:
            vehicle_match.SPEED_TOLERANCE, vehicle_match.HEIGHT_TOLERANCE = tol, tol * 8.0 / 6.0
            book, first = LaunchTimeBook(), {}
            for tau in np.arange(44.0, s.burnout_time_s, 4.0):
                a = assess_boost_hypothesis(
                    _state(flight, tau),
                    P_BOOST,
                    tau,
                    s.launch_lat_rad,
                    s.launch_lon_rad,
                    0.0,
                    sigma_s,
                    protected,
                    launch_times=book,
                    track="S",
                )
                for area in a.areas if a is not None else []:
                    first.setdefault(area, float(tau))
            named = ", ".join(f"{k} at {v:.0f} s{'' if k in truly else ' WRONG'}" for k, v in sorted(first.items()))
            named = named or "nothing"
            out.append(f"{tol:.0%}: {named}")
    finally:
        vehicle_match.SPEED_TOLERANCE, vehicle_match.HEIGHT_TOLERANCE = saved
    return f"precautionary with history, launch time +-{sigma_s:.0f} s, by speed tolerance: " + "; ".join(out)


if __name__ == "__main__":
    main(sys.argv[1:])
