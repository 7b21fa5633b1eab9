"""Fusion quality on a scenario: system tracks per node and the summary's picture/warning scores.

Run: PYTHONPATH=src python bench/fusion_flagship.py [SCENARIO.yaml] [--rules-off]

--rules-off runs the allied picture as it was before the merge, fragment and
gate-allowance rules (allowance 0, merging never, superseded time = staleness),
for a before/after comparison on the same code.
"""

from __future__ import annotations

import sys
import time
from functools import partialmethod

from triwatch.exercise.run import run_exercise
from triwatch.fusion.picture import AlliedPicture
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import load_scenario

RULES_OFF = {"bias_sigma_m": 0.0, "bias_sigma_mps": 0.0, "merge_after": 10**9, "superseded_s": 30.0}
KEYS = ("false_tracks", "id_switches", "gospa_mean", "false_warnings", "missed_warnings")


def main(path: str, rules_off: bool) -> None:
    if rules_off:
        AlliedPicture.__init__ = partialmethod(AlliedPicture.__init__, **RULES_OFF)
    t0 = time.perf_counter()
    run = run_exercise(load_scenario(path), None)
    wall = time.perf_counter() - t0
    summary = build_summary(run)
    print(f"{path} ({'rules off' if rules_off else 'rules on'})")
    for nation, node in run.nodes.items():
        tracks = node.picture.tracks.values()
        desc = ", ".join(f"{st.number}({'+'.join(st.pedigree)})" for st in tracks)
        print(f"{nation}: {len(node.picture.tracks)} system tracks: {desc}")
    for k in KEYS:
        print(f"{k}: {_find(summary, k)}")
    print(f"wall: {wall:.1f} s")


def _find(d, key):
    """The first value under `key` anywhere in the nested summary (dicts and lists)."""
    if isinstance(d, dict):
        if key in d:
            return d[key]
        d = list(d.values())
    if isinstance(d, list):
        for v in d:
            found = _find(v, key)
            if found is not None:
                return found
    return None


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--rules-off"]
    main(args[0] if args else "scenarios/irbm-2022-10-04.yaml", "--rules-off" in sys.argv[1:])
