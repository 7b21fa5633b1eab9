"""National and fused track consistency per nation and flight phase on library runs (NEES, NIS, RMS against truth).

    python bench/national_consistency.py                              # the five scenarios of issue 5/7
    python bench/national_consistency.py icbm-2023-04-13-separated-part --every 2

What it records, on one run per scenario (the run itself is untouched; truth is read here only):

- every Kalman update of every national tracker: its sensor model (radar-rae, radar-raer, ir-los), the
  normalised innovation squared the tracker computed (mode-weighted, `scan.update_assigned`) and its dof;
- every `--every` s, each nation's confirmed tracks at their last update (a track sampled once per new
  update time): position error and NEES (6 dof) against the truth object nearest it (within 10 km);
- at the same instants, each node's system tracks (fused), and the best national member of the same
  system track against the same truth (the figure issue 7 checks: fused no worse than the best nation).

Flight phase of a sample, from the truth object: boost while thrusting, re-entry below 100 km while
descending, midcourse otherwise. Printed per scenario, nation and phase: samples, RMS position, NEES
mean / median / share inside the 95 % bound of one sample (12.59); NIS mean / dof per sensor model
(1.0 is consistent); and fused against the best member on the same samples.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import chi2

from triwatch.exercise.run import run_exercise
from triwatch.physics.atmosphere import TOP_OF_ATMOSPHERE_M
from triwatch.scenario.loader import load_scenario
from triwatch.tracking import tracker as tracker_module

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
DEFAULT = (
    "irbm-2022-10-04",
    "icbm-2023-04-13-separated-part",
    "hs17-2022-11-18",
    "slbm-2019-10-02",
    "srbm-salvo-crossing",
)
NEAR_M = 10e3
BOUND_95 = chi2.ppf(0.95, 6)
PHASES = ("boost", "midcourse", "re-entry")
DOF = {"radar-rae": 3, "radar-raer": 4, "ir-los": 2}


class TruthLookup:
    """Nearest truth object to a position at a time, and its flight phase (scenes cached per time)."""

    def __init__(self, world) -> None:
        self.world = world
        self._scenes: dict[float, object] = {}

    def scene(self, t: float):
        key = round(t, 3)
        if key not in self._scenes:
            if len(self._scenes) > 4096:
                self._scenes.clear()
            self._scenes[key] = self.world.scene_at(t)
        return self._scenes[key]

    def nearest(self, t: float, r: np.ndarray) -> tuple[np.ndarray, str] | None:
        s = self.scene(t)
        if not len(s.object_ids):
            return None
        d = np.linalg.norm(s.r_ecef - r, axis=1)
        k = int(np.argmin(d))
        if d[k] > NEAR_M:
            return None
        return np.r_[s.r_ecef[k], s.v_ecef[k]], phase_of(s, k)


def phase_of(scene, k: int) -> str:
    if scene.thrusting[k]:
        return "boost"
    descending = float(scene.r_ecef[k] @ scene.v_ecef[k]) < 0.0
    return "re-entry" if descending and scene.altitude_m[k] < TOP_OF_ATMOSPHERE_M else "midcourse"


def _nees(e: np.ndarray, P: np.ndarray) -> float:
    return float(e @ np.linalg.solve(P, e))


def measure(name: str, every_s: float) -> dict:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    nis = defaultdict(list)  # (nation, phase, model) -> NIS values
    national = defaultdict(list)  # (nation, phase) -> (error m, NEES)
    fused = defaultdict(list)  # phase -> (fused error, fused NEES, best member error)
    seen: dict[tuple[str, str], float] = {}
    lookup: list[TruthLookup] = []
    original = tracker_module.NationalTracker._update

    def recording_update(self, pred, at, rows, cols, model, Z, R, t, *rest):
        original(self, pred, at, rows, cols, model, Z, R, t, *rest)
        if not rows.size or not lookup:
            return
        for i in rows:
            x = self.store.x[i].mean(axis=0) if self.store.x.ndim == 3 else self.store.x[i]
            hit = lookup[0].nearest(float(t), x[:3])
            if hit is not None:
                nis[(self.config.id_prefix, hit[1], model)].append(self.store.records[i].last_nis)

    def sample(t: float, run) -> None:
        if not lookup:
            lookup.append(TruthLookup(run.world))
        if t % every_s:
            return
        for nation, node in run.nodes.items():
            ids, times, xs, Ps = node.tracker.track_states()
            for tid, tt, x, P in zip(ids, times, xs, Ps, strict=True):
                if seen.get((nation, tid)) == tt:
                    continue
                seen[(nation, tid)] = tt
                hit = lookup[0].nearest(float(tt), x[:3])
                if hit is not None:
                    e = x - hit[0]
                    national[(nation, hit[1])].append((float(np.linalg.norm(e[:3])), _nees(e, P)))
            for st in node.picture.active(t):
                hit = lookup[0].nearest(st.time_s, st.x[:3])
                if hit is None:
                    continue
                best = np.inf
                for m in st.live_members(t, node.picture.stale_s):
                    mt = lookup[0].nearest(m.report.time_s, m.x[:3])
                    if mt is not None:
                        best = min(best, float(np.linalg.norm(m.x[:3] - mt[0][:3])))
                if np.isfinite(best):
                    e = st.x - hit[0]
                    fused[hit[1]].append((float(np.linalg.norm(e[:3])), _nees(e, st.P), best))

    tracker_module.NationalTracker._update = recording_update
    try:
        t0 = time.time()
        run_exercise(sc, None, on_tick=sample)
        wall = time.time() - t0
    finally:
        tracker_module.NationalTracker._update = original
    return {"wall_s": wall, "nis": nis, "national": national, "fused": fused}


def report(name: str, res: dict) -> None:
    print(f"{name}: wall {res['wall_s']:.0f} s")
    nations = sorted({n for n, _ in res["national"]} | {n for n, _, _ in res["nis"]})
    for nation in nations:
        for phase in PHASES:
            rows = np.array(res["national"].get((nation, phase), [])).reshape(-1, 2)
            nis_cells = []
            for model, dof in DOF.items():
                v = res["nis"].get((nation, phase, model))
                if v:
                    nis_cells.append(f"{model} {np.mean(v) / dof:.2f} (n={len(v)})")
            if not rows.size and not nis_cells:
                continue
            nees = (
                f"n={len(rows):4d} RMS {np.sqrt(np.mean(rows[:, 0] ** 2)):8.1f} m, NEES mean {rows[:, 1].mean():7.1f}"
                f" median {np.median(rows[:, 1]):6.1f} in95 {np.mean(rows[:, 1] < BOUND_95):.2f}"
                if rows.size
                else "no samples"
            )
            print(f"  {nation} {phase:9s} {nees}; NIS/dof {', '.join(nis_cells) or '-'}")
    for phase in PHASES:
        rows = np.array(res["fused"].get(phase, [])).reshape(-1, 3)
        if not rows.size:
            continue
        f_rms, b_rms = np.sqrt(np.mean(rows[:, 0] ** 2)), np.sqrt(np.mean(rows[:, 2] ** 2))
        print(
            f"  fused {phase:9s} n={len(rows):4d} RMS {f_rms:8.1f} m vs best member {b_rms:8.1f} m "
            f"(x{f_rms / b_rms:.2f}), NEES mean {rows[:, 1].mean():7.1f} median {np.median(rows[:, 1]):6.1f} "
            f"in95 {np.mean(rows[:, 1] < BOUND_95):.2f}"
        )
    allf = np.concatenate([np.array(v).reshape(-1, 3) for v in res["fused"].values()] or [np.zeros((0, 3))])
    if allf.size:
        f_rms, b_rms = np.sqrt(np.mean(allf[:, 0] ** 2)), np.sqrt(np.mean(allf[:, 2] ** 2))
        print(
            f"  fused all       n={len(allf):4d} RMS {f_rms:8.1f} m vs best member {b_rms:8.1f} m "
            f"(x{f_rms / b_rms:.2f}), NEES mean {allf[:, 1].mean():7.1f} median {np.median(allf[:, 1]):6.1f} "
            f"in95 {np.mean(allf[:, 1] < BOUND_95):.2f}"
        )
    sys.stdout.flush()


def main(args: list[str]) -> None:
    every = 2.0
    if "--every" in args:
        i = args.index("--every")
        every = float(args[i + 1])
        del args[i : i + 2]
    for name in args or DEFAULT:
        report(name, measure(name, every))


if __name__ == "__main__":
    main(sys.argv[1:])
