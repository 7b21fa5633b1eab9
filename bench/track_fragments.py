"""Where false system tracks and id switches come from: the national tracks behind them, against truth.

    python bench/track_fragments.py hs17-2022-11-18 [srbm-salvo-crossing ...] [--node JPN]

Runs a library scenario and, for one node (default: the worst by false tracks, then id switches), prints every
system track that scoring never associated with a truth object, with the national tracks
(origin, track id) that fed it: their life (first/last state time, number of reports, status)
and their distance to the nearest truth object at each report. Then, per truth object, the
system track numbers that held it over time (the id switches). Scoring aid only: it reads
truth, as the report does; nothing here feeds back into a node.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from triwatch.exercise.run import run_exercise
from triwatch.report.scores import _pairs
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def _nearest(world, t: float, r: np.ndarray) -> tuple[str, float]:
    scene = world.scene_at(t)
    if not scene.object_ids:
        return "-", float("inf")
    d = np.linalg.norm(scene.r_ecef - r[:3], axis=1)
    i = int(np.argmin(d))
    return scene.object_ids[i], float(d[i])


def _logged(ingest, log: list):
    """Wrap a picture's ingest to log (state time, origin, track id, system number, state) of every report."""

    def logged(sender, rep):
        st = ingest(sender, rep)
        log.append((rep.time_s, sender, rep.track_id, st.number, np.asarray(rep.x)))
        return st

    return logged


def main(argv: list[str]) -> None:
    node_arg = None
    if "--node" in argv:
        k = argv.index("--node")
        node_arg = argv[k + 1]
        argv = argv[:k] + argv[k + 2 :]
    for name in argv:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        feeds: dict[str, list] = defaultdict(list)  # node -> [(t, origin, track_id, system number)]

        def hook(run, feeds=feeds):
            for nation, node in run.nodes.items():
                node.picture.ingest = _logged(node.picture.ingest, feeds[nation])

        run = run_exercise(sc, None, on_start=hook)
        world = run.world
        m = build_summary(run)["metrics"]
        print(f"{name}: GOSPA {m['gospa_mean']} m, id switches {m['id_switches']}, false tracks {m['false_tracks']}")
        pics = defaultdict(list)
        for e in run.events.of_type("picture"):
            pics[e["node"]].append(e)
        worst, report = None, {}
        for nation, snaps in pics.items():
            held: dict[str, str] = {}
            seen, ever = set(), set()
            history = defaultdict(list)
            for snap in snaps:
                scene = world.scene_at(snap["t_s"])
                est = np.reshape(np.array(snap["positions"], float), (-1, 3))
                seen.update(snap["numbers"])
                for truth, number in _pairs(scene, snap["numbers"], est, held):
                    ever.add(number)
                    if not history[truth] or history[truth][-1][1] != number:
                        history[truth].append((snap["t_s"], number))
                    held[truth] = number
            switches = sum(len(rows) - 1 for rows in history.values())
            report[nation] = (sorted(seen - ever), history)
            score = (len(seen - ever), switches)
            if worst is None or score > worst[0]:
                worst = (score, nation)
        nation = node_arg or worst[1]
        false, history = report[nation]
        print(f"== {name}, node {nation}: {len(false)} false system tracks: {false}")
        by_number = defaultdict(list)
        for t, origin, tid, number, x in feeds[nation]:
            by_number[number].append((t, origin, tid, x))
        merged = run.nodes[nation].picture.merged
        for number in false:
            print(f"  {number} (merged into {merged.get(number)})")
            members = defaultdict(list)
            for t, origin, tid, x in by_number[number]:
                members[(origin, tid)].append((t, x))
            for (origin, tid), rows in members.items():
                truths = [_nearest(world, t, x) for t, x in rows]
                ds = [d for _, d in truths]
                names = sorted({n for n, _ in truths})
                print(
                    f"    {origin}/{tid}: t {rows[0][0]:.0f}-{rows[-1][0]:.0f} s, {len(rows)} reports, nearest "
                    f"{names}, dist km min {min(ds) / 1e3:.1f} max {max(ds) / 1e3:.1f}, "
                    f"alt km {np.linalg.norm(rows[-1][1][:3]) / 1e3 - 6371:.0f}"
                )
        print("  holders per truth object (t, system number):")
        for truth, rows in sorted(history.items()):
            print(f"    {truth}: " + ", ".join(f"{t:.0f}:{n}" for t, n in rows))
        for origin in sorted(run.nodes):
            _national(world, run.events.of_type("track"), origin)
        sys.stdout.flush()


def _national(world, events: list[dict], nation: str) -> None:
    """Every confirmed national track of one nation: life, nearest truth, worst distance (a fragment shows)."""
    rows = defaultdict(list)
    for e in events:
        if e["node"] == nation:
            rows[e["track_id"]].append((e["time_s"], np.asarray(e["x"], float), e["status"]))
    print(f"  {nation} national tracks ({len(rows)}):")
    for tid, rs in rows.items():
        near = [_nearest(world, t, x) for t, x, _ in rs]
        names = sorted({n for n, _ in near})
        far = max(d for _, d in near)
        gaps = np.diff([t for t, _, _ in rs])
        print(
            f"    {tid}: t {rs[0][0]:.0f}-{rs[-1][0]:.0f} s, {len(rs)} reports, max gap "
            f"{gaps.max() if gaps.size else 0:.0f} s, nearest {names}, worst {far / 1e3:.1f} km, "
            f"alt {np.linalg.norm(rs[0][1][:3]) / 1e3 - 6371:.0f}->{np.linalg.norm(rs[-1][1][:3]) / 1e3 - 6371:.0f} km"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
