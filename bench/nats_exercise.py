"""The same scenario in one process and as one node process per nation over NATS: figures side by side.

    python bench/nats_exercise.py                        # the flagship, irbm-2022-10-04
    python bench/nats_exercise.py srbm-salvo-crossing --duration-s 300
    python bench/nats_exercise.py irbm-2022-10-04 --kill JPN:600:660
    python bench/nats_exercise.py irbm-2022-10-04 --crash USA:100:warn:1 --crash JPN:300:track:1

Prints, per scenario: wall time in process and over NATS (and their ratio, both measured in this
run), how long the node processes took to start, reports per wall second, the warnings issued
and delivered, and whether the two runs issued the same warnings and produced the same event
sequence. With --kill NATION:DOWN_S:UP_S the NATS run also crashes that node and restarts it;
it then prints whether every warning revision still reached every nation exactly once. With
--crash NATION:AT_S:PHASE:K (repeatable) that node's process dies in the middle of that sending
phase, right after its K-th publish, and a fresh one runs the phase again: the event sequence
must stay the in-process one.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

from triwatch.exercise import node_fleet
from triwatch.exercise.distributed import run_distributed
from triwatch.exercise.run import run_exercise
from triwatch.report.warning_log import warnings_of
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def comparable(events: list[dict]) -> list[str]:
    return [json.dumps({k: v for k, v in e.items() if k not in ("wall_ns", "cause_wall_ns")}) for e in events]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*", default=["irbm-2022-10-04"])
    ap.add_argument("--duration-s", type=float, default=None, help="cut each scenario to this duration")
    ap.add_argument("--kill", default=None, help="NATION:DOWN_S:UP_S, a node crash in the NATS run")
    ap.add_argument("--crash", action="append", default=[], help="NATION:AT_S:PHASE:K, a crash mid-phase")
    args = ap.parse_args()
    crashes = [(n, float(at), phase, int(k)) for n, at, phase, k in (c.split(":") for c in args.crash)]
    kills = []
    if args.kill:
        nation, down, up = args.kill.split(":")
        kills = [(nation, float(down), float(up))]
    for name in args.scenarios:
        source = LIBRARY / f"{name}.yaml" if not name.endswith(".yaml") else Path(name)
        with tempfile.TemporaryDirectory(prefix="nats-bench-") as tmp:
            path = Path(tmp) / "scenario.yaml"
            data = yaml.safe_load(source.read_text())
            if args.duration_s:
                data["duration_s"] = args.duration_s
            path.write_text(yaml.safe_dump(data))
            t0 = time.perf_counter()
            memory = run_exercise(load_scenario(path), None)
            wall_memory = time.perf_counter() - t0
            started = {}
            connect = node_fleet.NodeFleet.connect

            def timed_connect(self, _connect=connect, started=started):
                t = time.perf_counter()
                _connect(self)
                started.setdefault("s", time.perf_counter() - t)

            node_fleet.NodeFleet.connect = timed_connect
            t0 = time.perf_counter()
            nats = run_distributed(path, Path(tmp) / "run", kills=kills, crashes=crashes)
            came = json.loads((Path(tmp) / "run" / "crashes.json").read_text()) if crashes else []
            wall_nats = time.perf_counter() - t0
            node_fleet.NodeFleet.connect = connect
        reports = sum(n.reports_processed for n in nats.nodes.values())
        issued, delivered = warnings_of(nats.events.events)
        faults = (f", kill {args.kill}" if kills else "") + "".join(f", crash {c}" for c in args.crash)
        print(f"{name} ({data['duration_s']:.0f} s scenario{faults}):")
        print(
            f"  wall: in process {wall_memory:.1f} s, over NATS {wall_nats:.1f} s "
            f"(x{wall_nats / wall_memory:.2f}; node processes started in {started.get('s', float('nan')):.1f} s)"
        )
        print(
            f"  reports {reports} ({reports / wall_nats:.0f}/s wall over NATS), "
            f"warnings issued {len(issued)}, delivered {len(delivered)}, events {len(nats.events.events)}"
        )
        print(
            f"  same warnings as in process: {(issued, delivered) == warnings_of(memory.events.events)}; "
            f"same event sequence: {comparable(nats.events.events) == comparable(memory.events.events)}"
        )
        if crashes:
            print(f"  crashes that came mid-phase: {len(came)} of {len(crashes)} {came}")
        if kills or crashes:
            # Per nation, the deliveries must be the issued revisions, each once (a multiset: an
            # issuer that reuses a warning id for a later alert issues that id/revision twice).
            want = Counter(w[:5] for w in issued)
            exact = {n: Counter(d[1:6] for d in delivered if d[0] == n) == want for n in nats.scenario.nations}
            print(
                f"  every revision delivered once to every nation: {all(exact.values())} {exact} "
                f"({sum(want.values())} revisions issued, {len(delivered)} deliveries)"
            )


if __name__ == "__main__":
    main()
