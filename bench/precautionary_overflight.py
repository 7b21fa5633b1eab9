"""What the precautionary overflight class would warn, on the library's own national tracks.

    python bench/precautionary_overflight.py                     # every library scenario
    python bench/precautionary_overflight.py irbm-2022-10-04 --end-to-end

Replay (default): each scenario runs through its boost phases (to 320 s after its last launch)
with the class off; every boost-phase assessment input a node made (fused state, covariance,
launch point and time with its sigma, system track) is kept, and then given, in order and per node
and system track (the launch-time history), to both rules: the bounding one the
nodes use (`assess_boost`) and the precautionary one (`assess_boost_hypothesis`). Each input is
attributed to the launch whose payload is nearest (truth is used here only for scoring). Printed
per launch, in fused-state seconds after launch: the areas the launch truly threatens, the first
naming by each rule, every wrong naming of the precautionary rule, and at the input nearest 60 s
the vehicles still consistent and the support of each protected land area (fraction of the
full-burn candidates that overfly it; the rule names at 1.0). Also the launch-time sigma the
nodes had against the launch time's true error, which decides how well vehicles can be told apart.

--end-to-end [--support=Q]: the whole scenario again with every node's class on (the scenario's
`warnings` option; with --support the support rule of warning.boost_precaution at threshold Q,
else the unanimous rule); prints the run summary's first_warning_s, false and missed warnings and
each false alert, against the same scenario with the class off (--on-only: the class on only).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from library_scores import _false_alerts

from triwatch.exercise.run import run_exercise
from triwatch.node import national
from triwatch.report.summary import build_summary
from triwatch.report.truth_facts import threatened_areas
from triwatch.scenario.loader import load_scenario
from triwatch.scenario.schema import WarningOptions
from triwatch.warning.boost_assess import overflight_support
from triwatch.warning.boost_hypothesis import assess_boost_hypothesis, full_burn_paths
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import match_vehicles

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
TARGET_S = 60.0
TAIL_S = 320.0


def capture(sc) -> tuple[list[dict], object]:
    """Run the scenario's boost phases; every boost-assessment input (node, system track) with the bound's result."""
    last = max(la.time_s for la in sc.launches)
    sc = sc.model_copy(update={"duration_s": min(sc.duration_s, last + TAIL_S)})
    inputs, current = [], {}
    bound, assess_track = national.assess_boost, national.NationalNode._assess

    def spy(x, P, t_s, lat, lon, t_launch, sigma, protected, **kw):
        a = bound(x, P, t_s, lat, lon, t_launch, sigma, protected, **kw)
        inputs.append(dict(args=(np.array(x), np.array(P), t_s, lat, lon, t_launch, sigma), bound=a, **current))
        return a

    def assess_spy(self, st, now_s):
        current.update(node=self.nation, track=st.number)
        return assess_track(self, st, now_s)

    national.assess_boost, national.NationalNode._assess = spy, assess_spy
    try:
        run = run_exercise(sc, None)
    finally:
        national.assess_boost, national.NationalNode._assess = bound, assess_track
    return inputs, run


def replay(name: str) -> None:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    wall = time.perf_counter()
    inputs, run = capture(sc)
    protected = set(sc.nations)
    starts = {la.id: la.time_s for la in sc.launches}
    per = {lid: [] for lid in starts}
    for item in inputs:
        x, t_s = item["args"][0], item["args"][2]
        dist = {}
        for lid, t0 in starts.items():
            if t_s >= t0:
                r, *_ = run.world.flights[lid].objects[0].state_at(np.array([t_s - t0]))
                dist[lid] = float(np.linalg.norm(r[0] - x[:3]))
        if dist:
            per[min(dist, key=dist.get)].append(item)
    print(f"{name}: {len(inputs)} boost-phase inputs, {time.perf_counter() - wall:.0f} s to capture")
    for lid, items in per.items():
        t0, truly = starts[lid], threatened_areas(run.world, lid, protected)
        first_bound = first_hyp = None
        wrong = []
        books = {}  # per node: the launch times each vehicle allows, per system track (as the node keeps them)
        for it in items:
            tau = it["args"][2] - t0
            if it["bound"] is not None and it["bound"].areas and first_bound is None:
                first_bound = tau
            book = books.setdefault(it["node"], LaunchTimeBook())
            h = assess_boost_hypothesis(*it["args"], protected, launch_times=book, track=it["track"])
            if h is None or not h.areas:
                continue
            if set(h.areas) <= truly:
                first_hyp = tau if first_hyp is None else first_hyp
            else:
                wrong.append(f"{tau:.0f} s {it['node']} {h.areas}")
        sig = [it["args"][6] for it in items]
        err = [abs(it["args"][5] - t0) for it in items]
        print(f"  {lid}: threatened {sorted(truly) or 'nothing'}")
        print(f"    first naming (fused state, s after launch): bound {_s(first_bound)}, precautionary {_s(first_hyp)}")
        print(f"    precautionary wrong namings: {len(wrong)}{': ' + ', '.join(wrong[:3]) if wrong else ''}")
        if sig:
            print(f"    launch time: stated sigma {np.median(sig):.1f} s (median), true error {np.median(err):.1f} s")
        if items:
            near = min(items, key=lambda it: abs(it["args"][2] - t0 - TARGET_S))
            print("    " + at_target(near["args"], near["args"][2] - t0, protected))
        sys.stdout.flush()


def at_target(args, tau: float, protected: set[str]) -> str:
    """Consistent vehicles (best chi-square, matching time since launch) and land support at one input alone."""
    matches = match_vehicles(*args)
    if not matches:
        return f"at {tau:.0f} s (this state alone): no library vehicle is consistent"
    vehicles = ", ".join(
        f"{m.vehicle.name} (chi2 {m.best_chi2:.1f}, {m.tau_lo_s:.0f}-{m.tau_hi_s:.0f} s)" for m in matches
    )
    support = overflight_support(full_burn_paths(*args, matches), protected)
    shown = ", ".join(f"{a} {f:.0%}" for a, f in support.items() if f > 0) or "no protected land"
    return f"at {tau:.0f} s (this state alone): consistent {vehicles}; support {shown}"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} s"


def end_to_end(name: str, support: float | None, on_only: bool = False) -> None:
    """The whole scenario with the class off, then on (the scenario's `warnings` option) with the given rule."""
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    on = WarningOptions(precautionary_overflight=True, precautionary_support=support)
    rule = "unanimous" if support is None else f"support >= {support:g}"
    runs = (("off", WarningOptions()), (f"on ({rule})", on))
    for label, options in runs[1:] if on_only else runs:
        wall = time.perf_counter()
        run = run_exercise(sc.model_copy(update={"warnings": options}), None)
        summary = build_summary(run)
        m = summary["metrics"]
        firsts = {pl["id"]: pl["estimate"]["first_warning_s"] for pl in summary["launches"]}
        print(
            f"{name} class {label}: first_warning_s {firsts}; false {m['false_warnings']}, "
            f"missed {m['missed_warnings']} ({time.perf_counter() - wall:.0f} s)"
        )
        for line in _false_alerts(run, summary):
            print("  false:", line)
        for e in _first_namings(run):
            print(
                f"  first to {e['node']}: {e['kind']} {e['areas']} ({', '.join(e.get('subregions') or []) or 'no subregion'}) "
                f"at {e['t_s']:.0f} s, basis {e['basis'] or '-'}, from {e['issuer']}"
            )
        sys.stdout.flush()


def _first_namings(run) -> list[dict]:
    """The first area-naming warning delivered to each nation (what its command centre was told first)."""
    first: dict[str, dict] = {}
    for e in run.events.of_type("warning-delivered"):
        if e["areas"] and e["kind"] not in ("withdrawal", "all-clear", "impact"):
            first.setdefault(e["node"], e)
    return list(first.values())


if __name__ == "__main__":
    flags = {a.split("=")[0]: a.partition("=")[2] for a in sys.argv[1:] if a.startswith("--")}
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    names = names or sorted(p.stem for p in LIBRARY.glob("*.yaml") if not p.stem.endswith("-faults"))
    q = float(flags["--support"]) if flags.get("--support") else None
    for n in names:
        end_to_end(n, q, "--on-only" in flags) if "--end-to-end" in flags else replay(n)
