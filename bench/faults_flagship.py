"""How the allied picture and the warnings ride through outages: a scenario with faults against the same
scenario without them, in the same run.

Run: PYTHONPATH=src python bench/faults_flagship.py [scenario-name]   (default irbm-2022-10-04-faults)

Prints, per nation, with and without the faults: the first warning delivered (s after launch),
warning revisions delivered, how many arrived late (at the end of a fault, held by it), partner
tracks received, refusals; and, over each fault, what the nations concerned saw (system tracks in
their pictures, warnings issued, all-clears).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def per_nation(run, launch_s: float) -> dict[str, dict]:
    ev = run.events.events
    out = {}
    for n in run.nodes:
        delivered = [e for e in ev if e["node"] == n and e["type"] == "warning-delivered"]
        out[n] = {
            "first_warning_s": min((e["t_s"] - launch_s for e in delivered), default=None),
            "revisions": len(delivered),
            "unique": len({(e["issuer"], e["warning_id"], e["revision"]) for e in delivered}),
            "partner_tracks": sum(1 for e in ev if e["node"] == n and e["type"] == "track-received"),
            "all_clears": sum(1 for e in delivered if e["kind"] == "all-clear" and e["issuer"] == n),
            "refused": run.nodes[n].endpoint.stats()["refused"]["count"],
        }
    return out


def during(run, f) -> str:
    ev = run.events.events
    who = f.between if f.kind == "link-cut" else [f.nation]
    lines = []
    for n in run.nodes:
        pics = [
            len(e["numbers"]) for e in ev if e["node"] == n and e["type"] == "picture" and f.from_s <= e["t_s"] < f.to_s
        ]
        issued = [
            f"{e['warning_id']}r{e['revision']}:{e['kind']}"
            for e in ev
            if e["node"] == n and e["type"] == "warning-issued" and f.from_s <= e["t_s"] < f.to_s
        ]
        late = sum(
            1
            for e in ev
            if e["node"] == n and e["type"] == "warning-delivered" and e["t_s"] == f.to_s and e["issuer"] != n
        )
        mark = "*" if n in who else " "
        lines.append(
            f"   {mark}{n}: picture system tracks {pics or '-'}; issued {issued or '-'}; "
            f"partner warnings delivered at the end ({f.to_s:g} s): {late}"
        )
    return "\n".join(lines)


def main(name: str) -> None:
    sc = load_scenario(LIBRARY / f"{name}.yaml")
    plain = sc.model_copy(update={"faults": []})
    launch_s = min(la.time_s for la in sc.launches)
    results = {}
    for label, scenario in (("no faults", plain), ("faults", sc)):
        t = time.time()
        run = run_exercise(scenario, None)
        results[label] = run
        print(f"== {label}: wall {time.time() - t:.0f} s")
        for n, row in per_nation(run, launch_s).items():
            print(f"  {n}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    for f in sc.faults:
        what = f"{'-'.join(f.between)} link cut" if f.kind == "link-cut" else f"{f.nation} node down"
        print(f"== {what} {f.from_s:g}-{f.to_s:g} s ({f.from_s - launch_s:g}-{f.to_s - launch_s:g} s after launch)")
        print(during(results["faults"], f))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "irbm-2022-10-04-faults")
