"""How many alerts each command centre receives and acknowledges per launch: the alliance rule against every node for itself.

    python bench/alerts_per_launch.py                       # icbm-2023-04-13-separated-part
    python bench/alerts_per_launch.py slbm-2019-10-02 irbm-2022-10-04
    python bench/alerts_per_launch.py --rule-only srbm-salvo-crossing   # the rule's run alone

Each scenario runs twice in this process: once with every node issuing its own alerts for
every system track and every protected nation (`AlertDesk.standalone`, the behaviour before
the rule), once with the rule (the default: one alert per launch and scope, issued by its owner,
`triwatch.warning.authority`, `launch_events`, `launch_alert`). Per nation it prints the
distinct alerts delivered to its centre, the launch alerts among them, those naming an area,
the acknowledgements its centre sent, and the first area-naming warning per launch; then the
ratio rule/baseline. The scenario has as many launches as it lists: one launch alert each is the aim.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from unittest import mock

from triwatch.exercise import build
from triwatch.exercise.run import run_exercise
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import load_scenario
from triwatch.warning.desk import AlertDesk

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def _count(run) -> dict[str, dict[str, int]]:
    """Per nation: distinct alerts delivered to its centre (by warning id: a stand-in's revision of a
    partner's warning is the same alert), launch alerts among them, those naming an area, and the
    acknowledgements its centre sent."""
    out: dict[str, dict[str, int]] = {}
    for nation in run.nodes:
        delivered = [e for e in run.events.of_type("warning-delivered") if e["node"] == nation]
        alerts = {e["warning_id"] for e in delivered}
        launch = {e["warning_id"] for e in delivered if e["kind"] == "launch"}
        naming = {e["warning_id"] for e in delivered if e["areas"] and e["kind"] != "withdrawal"}
        acks = [e for e in run.events.of_type("ack") if e["node"] == nation]
        out[nation] = {
            "alerts": len(alerts),
            "launch alerts": len(launch),
            "naming areas": len(naming),
            "acks": len(acks),
        }
    return out


def _run(sc, standalone: bool):
    t0 = time.time()
    if standalone:
        with mock.patch.object(build, "AlertDesk", side_effect=lambda auth: AlertDesk.standalone(auth.nation)):
            run = run_exercise(sc, None)
    else:
        run = run_exercise(sc, None)
    s = build_summary(run)
    per_launch = {
        pl["id"]: {
            "first warning s": pl["estimate"]["first_warning_s"],
            "launch alert s": pl["estimate"]["launch_alert_s"],
            "area": f"{pl['truth']['impact_area']} -> {pl['estimate']['predicted_impact_area']}",
        }
        for pl in s["launches"]
    }
    return _count(run), per_launch, s["metrics"], time.time() - t0


def main(args: list[str]) -> None:
    rule_only = "--rule-only" in args
    names = [a for a in args if a != "--rule-only"]
    for name in names or ["icbm-2023-04-13-separated-part"]:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        rule, rule_launches, rule_m, wall_r = _run(sc, standalone=False)
        if rule_only:  # the baseline's figures come from another run (e.g. the same bench on main)
            base, base_launches, base_m, wall_b = rule, rule_launches, rule_m, 0.0
        else:
            base, base_launches, base_m, wall_b = _run(sc, standalone=True)
        print(f"{name}: {len(sc.launches)} launches, wall {wall_b:.0f} s + {wall_r:.0f} s")
        for nation in base:
            cells = ", ".join(
                f"{k} {base[nation][k]} -> {rule[nation][k]} (x{rule[nation][k] / max(base[nation][k], 1):.2f})"
                for k in base[nation]
            )
            print(f"  {nation}: {cells}")
        for launch, figures in base_launches.items():
            cells = "; ".join(f"{k} {figures[k]} -> {rule_launches[launch][k]}" for k in figures)
            print(f"  {launch}: {cells}")
        print(
            f"  false warnings {base_m['false_warnings']} -> {rule_m['false_warnings']}, "
            f"missed {base_m['missed_warnings']} -> {rule_m['missed_warnings']}"
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
