"""Where the time to warn goes: per nation, from launch to the first area-naming warning delivered.

    python bench/warning_timeline.py                    # the flagship overflight
    python bench/warning_timeline.py srbm-salvo-crossing S2     # times after launch S2

For one launch of a scenario (the first unless named) it prints, per nation (scenario seconds after launch):
first true detection by the nation's sensors (scoring's observation log), first national
track published, first partner track received, launch alert delivered, the state time of the
fused track whose assessment first named an area, that warning issued, and delivered; then
every first area-naming warning per issuer and recipient. Nothing here is a test: it reads
one run's events.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from triwatch.exercise.run import run_exercise
from triwatch.node import national
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
NAMING = ("threat", "overflight", "correction")


def _first(events: list[dict], node: str, t0: float, pred=lambda e: True) -> str:
    for e in events:
        if e["node"] == node and pred(e):
            return f"{e['t_s'] - t0:6.0f}"
    return "     -"


def boost_consistency(run, nation: str) -> str:
    """How honest the nation's track covariances are while the missile thrusts (NEES against truth).

    NEES = e' P^-1 e over the 6-D state error e of each published track state whose nearest truth
    object (within 50 km) was thrusting; for an honest covariance its mean is 6 and 95 % of the
    states fall inside chi-square(6, 0.95) = 12.59, the ellipsoid the boost assessment's
    candidates span.
    """
    nees = []
    for e in run.events.of_type("track"):
        if e["node"] != nation:
            continue
        scene = run.world.scene_at(e["time_s"])
        if not scene.object_ids:
            continue
        x = np.asarray(e["x"], float)
        d = np.linalg.norm(scene.r_ecef - x[:3], axis=1)
        i = int(np.argmin(d))
        if d[i] > 50e3 or not scene.thrusting[i]:
            continue
        err = x - np.concatenate([scene.r_ecef[i], scene.v_ecef[i]])
        nees.append(float(err @ np.linalg.solve(np.asarray(e["P"], float), err)))
    if not nees:
        return f"{nation}: no thrusting track states"
    a = np.array(nees)
    return (
        f"{nation}: {a.size} thrusting states, NEES mean {a.mean():.1f} (honest: 6), median {np.median(a):.1f}, "
        f"inside the 95 % ellipsoid {np.mean(a <= chi2.ppf(0.95, 6)):.0%} (honest: 95 %)"
    )


def _timed(fn, spent: list[float]):
    """fn, adding its wall time to spent[0] on every call."""

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    return wrapper


def main(name: str, launch_id: str | None = None) -> None:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    spent = [0.0]
    national.assess_boost = _timed(national.assess_boost, spent)
    wall = time.perf_counter()
    run = run_exercise(sc, None)
    wall = time.perf_counter() - wall
    launch = next((la for la in sc.launches if la.id == launch_id), sc.launches[0]) if launch_id else sc.launches[0]
    t0 = launch.time_s
    ev = run.events.of_type
    trk, rcv = ev("track"), ev("track-received")
    issued, delivered = ev("warning-issued"), ev("warning-delivered")
    cols = ["true det", "track out", "partner trk", "launch dlvd", "named state", "area issued", "area dlvd"]
    print(f"{name}: seconds after launch {launch.id}")
    print("nation " + " ".join(f"{c:>12}" for c in cols))
    for nation in sc.nations:
        true_det = [o.time_s for o in run.observations if o.nation == nation and o.truth_id is not None]
        named = [e for e in issued if e["node"] == nation and e["kind"] in NAMING and e["areas"]]
        row = [
            f"{min(true_det) - t0:6.0f}" if true_det else "     -",
            _first(trk, nation, t0, lambda e: e["time_s"] >= t0),
            _first(rcv, nation, t0),
            _first(delivered, nation, t0, lambda e: e["kind"] == "launch"),
            f"{named[0]['time_s'] - t0:6.0f}" if named else "     -",
            _first(issued, nation, t0, lambda e: e["kind"] in NAMING and e["areas"]),
            _first(delivered, nation, t0, lambda e: e["kind"] in NAMING and e["areas"]),
        ]
        print(f"{nation:6} " + " ".join(f"{c:>12}" for c in row))
    print("'named state': time of the fused state whose assessment first named an area (then the")
    print("alert book's confirm count adds one more assessment before the warning is issued)")
    print("area-naming warnings delivered (first per issuer and nation):")
    seen = set()
    for e in delivered:
        key = (e["node"], e["issuer"], e["warning_id"])
        if e["kind"] in NAMING and e["areas"] and key not in seen:
            seen.add(key)
            print(
                f"  {e['t_s'] - t0:6.0f} s  to {e['node']} from {e['issuer']} {e['warning_id']} {e['kind']} {e['areas']}"
                f" basis {e.get('basis') or '-'}"
            )
    print(f"wall {wall:.0f} s, of which boost-phase assessment {spent[0]:.1f} s ({spent[0] / wall:.0%})")
    print("boost-phase track covariance consistency:")
    for nation in sc.nations:
        print("  " + boost_consistency(run, nation))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "irbm-2022-10-04", sys.argv[2] if len(sys.argv) > 2 else None)
