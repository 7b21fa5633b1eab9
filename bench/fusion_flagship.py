"""Fusion quality on a scenario: system tracks per node and the summary's picture/warning scores.

Run: PYTHONPATH=src python bench/fusion_flagship.py [scenarios/irbm-2022-10-04.yaml]
"""

from __future__ import annotations

import sys
import time

from triwatch.exercise.run import run_exercise
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import load_scenario


def main(path: str) -> None:
    t0 = time.perf_counter()
    run = run_exercise(load_scenario(path), None)
    wall = time.perf_counter() - t0
    summary = build_summary(run)
    for nation, node in run.nodes.items():
        tracks = node.picture.tracks.values()
        desc = ", ".join(f"{st.number}({'+'.join(st.pedigree)})" for st in tracks)
        print(f"{nation}: {len(node.picture.tracks)} system tracks: {desc}")
    keys = ("false_tracks", "id_switches", "gospa_mean", "false_warnings", "missed_warnings")
    for k in keys:
        print(f"{k}: {_find(summary, k)}")
    print(f"wall: {wall:.1f} s")


def _find(d, key):
    if isinstance(d, dict):
        if key in d:
            return d[key]
        for v in d.values():
            found = _find(v, key)
            if found is not None:
                return found
    if isinstance(d, list):
        for v in d:
            found = _find(v, key)
            if found is not None:
                return found
    return None


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "scenarios/irbm-2022-10-04.yaml")
