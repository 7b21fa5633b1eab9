"""Run library scenarios end to end and print the scores the issues check, one block per scenario.

    python bench/library_scores.py                      # every scenario in scenarios/
    python bench/library_scores.py irbm-2022-10-04 srbm-salvo-crossing

Per scenario: wall time, GOSPA, id switches, false tracks, false/missed warnings (with the
alerts that named an area the launch did not threaten), and per launch the true and
predicted impact area, final impact error, launch-point error and first area-naming
warning per nation (s after launch). Nothing here is a test: it prints what a run gives.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

from triwatch.exercise.run import run_exercise
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def _false_alerts(run, summary: dict) -> list[str]:
    """Alerts (issuer/warning id) that named an area their launch did not truly threaten."""
    from triwatch.report.summary import _issued_launch

    alert_launch = _issued_launch(run)
    truly = {pl["id"]: set(pl["threatened_areas"]) for pl in summary["launches"]}
    named: dict[tuple, set[str]] = defaultdict(set)
    first_t: dict[tuple, float] = {}
    for e in run.events.of_type("warning-delivered"):
        if e["kind"] in ("withdrawal", "all-clear", "impact"):
            continue
        key = (e["issuer"], e["warning_id"], alert_launch.get((e["issuer"], e["warning_id"])))
        named[key] |= set(e["areas"])
        first_t.setdefault(key, e["t_s"])
    out = []
    for key, areas in named.items():
        wrong = areas - truly.get(key[2], set())
        if wrong:
            out.append(f"{key[0]}/{key[1]} launch={key[2]} t={first_t[key]:.0f}s wrong={sorted(wrong)}")
    return out


def main(names: list[str]) -> None:
    names = names or sorted(p.stem for p in LIBRARY.glob("*.yaml"))
    for name in names:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        t0 = time.time()
        run = run_exercise(sc, None)
        s = build_summary(run)
        m = s["metrics"]
        print(
            f"{name}: wall {time.time() - t0:.0f} s, GOSPA {m['gospa_mean']} m, id switches {m['id_switches']}, "
            f"false tracks {m['false_tracks']}, false warnings {m['false_warnings']}, "
            f"missed warnings {m['missed_warnings']}"
        )
        for pl in s["launches"]:
            e = pl["estimate"]
            print(
                f"  {pl['id']}: {pl['truth']['impact_area']} -> {e['predicted_impact_area']}, "
                f"impact err {e['impact_point_error_km_final']} km (first warning "
                f"{e['impact_point_error_km_at_first_warning']} km), launch err {e['launch_point_error_km']} km, "
                f"first warning {e['first_warning_s']}, threatened {pl['threatened_areas']}"
            )
        for line in _false_alerts(run, s):
            print("  false:", line)
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
