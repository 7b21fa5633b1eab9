"""Fused-track consistency on a library run: error and NEES of system tracks against their national members.

    python bench/fusion_consistency.py                          # icbm-2023-04-13-separated-part
    python bench/fusion_consistency.py irbm-2022-10-04 --every 5

Every `--every` seconds of scenario time, for each node's active system tracks that hold
a truth object within 10 km (the nearest, at the track's time), it records the fused state's
position error and NEES, eps = e^T P^-1 e (6 degrees of freedom), and the same for each live
national member at that member's own time. Printed per run: mean and median NEES (a
consistent estimate averages 6; the 95 % chi-square bound of one sample is 12.6), the
fraction of samples inside that bound, and RMS position error of the fused tracks against the
best member of each sample (ratio < 1: fusion helps). The unit tests
(tests/fusion/test_fusion_consistency.py) check the fusion rule itself on national tracks with
known, consistent errors; this shows what it gives with the trackers as they are (their
covariances are optimistic, and covariance intersection cannot make an over-confident input
honest). Truth is read here, in a bench, never by the nodes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
NEAR_M = 10e3
BOUND_95 = chi2.ppf(0.95, 6)


def _truth_state(world, t_s: float, r: np.ndarray) -> np.ndarray | None:
    scene = world.scene_at(t_s)
    if not len(scene.object_ids):
        return None
    d = np.linalg.norm(scene.r_ecef - r, axis=1)
    k = int(np.argmin(d))
    return np.r_[scene.r_ecef[k], scene.v_ecef[k]] if d[k] < NEAR_M else None


def _nees(e: np.ndarray, P: np.ndarray) -> float:
    return float(e @ np.linalg.solve(P, e))


def measure(name: str, every_s: float) -> dict:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    fused_nees, member_nees, fused_err, best_err = [], [], [], []
    by_nation: dict[
        str, tuple[list[float], list[float]]
    ] = {}  # nation -> (its errors, fused errors of the same samples)

    def sample(t: float, run) -> None:
        if t % every_s:
            return
        for node in run.nodes.values():
            for st in node.picture.active(t):
                truth = _truth_state(run.world, st.time_s, st.x[:3])
                if truth is None:
                    continue
                errs = {}
                for m in st.live_members(t, node.picture.stale_s):
                    mt = _truth_state(run.world, m.report.time_s, m.x[:3])
                    if mt is not None:
                        member_nees.append(_nees(m.x - mt, m.P))
                        errs[m.origin] = min(errs.get(m.origin, np.inf), np.linalg.norm(m.x[:3] - mt[:3]))
                if not errs:
                    continue
                e = st.x - truth
                fused_nees.append(_nees(e, st.P))
                fused_err.append(np.linalg.norm(e[:3]))
                best_err.append(min(errs.values()))
                for nation, err in errs.items():
                    mine, fused = by_nation.setdefault(nation, ([], []))
                    mine.append(err)
                    fused.append(fused_err[-1])

    t0 = time.time()
    run_exercise(sc, None, on_tick=sample)
    fn, mn = np.array(fused_nees), np.array(member_nees)
    fe, be = np.array(fused_err), np.array(best_err)
    return {
        "wall_s": time.time() - t0,
        "samples": len(fn),
        "fused NEES mean/median": (fn.mean(), np.median(fn)),
        "national NEES mean/median": (mn.mean(), np.median(mn)),
        "fused inside 95 %": float(np.mean(fn < BOUND_95)),
        "national inside 95 %": float(np.mean(mn < BOUND_95)),
        "RMS position fused / best member (m)": (np.sqrt(np.mean(fe**2)), np.sqrt(np.mean(be**2))),
        "samples where fused <= best member": float(np.mean(fe <= be)),
        **{
            f"RMS position {n} / fused on its samples (m)": (
                np.sqrt(np.mean(np.square(a))),
                np.sqrt(np.mean(np.square(b))),
            )
            for n, (a, b) in sorted(by_nation.items())
        },
    }


def main(args: list[str]) -> None:
    every = 10.0
    if "--every" in args:
        i = args.index("--every")
        every = float(args[i + 1])
        del args[i : i + 2]
    for name in args or ["icbm-2023-04-13-separated-part"]:
        res = measure(name, every)
        print(f"{name}: wall {res.pop('wall_s'):.0f} s")
        for key, value in res.items():
            shown = " / ".join(f"{v:.2f}" for v in value) if isinstance(value, tuple) else f"{value:.2f}"
            print(f"  {key}: {shown}")
        fused, best = res["RMS position fused / best member (m)"]
        print(f"  ratio fused/best RMS position: {fused / best:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
