"""Time library scenarios in two source trees back to back, under the same load, and print the ratios.

    python bench/compare_trees.py BASELINE_TREE [scenario ...]        # this tree against BASELINE_TREE

BASELINE_TREE is another checkout of the project (a worktree, or `git archive <commit> | tar -x -C dir`);
scenarios default to every one in scenarios/. Each scenario runs bench/library_scores.py in the
baseline tree, then in this one, each in its own process with its own tree's src/ first on the
path. Printed per scenario: the scores line of each run, CPU time (user + system, less disturbed by
other processes on a shared machine than wall time) and wall time of each, and this tree's ratio
to the baseline. Run a short scenario in a fresh tree first: Numba compiles its kernels (~20 s) on
the first run and caches them in the tree.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _run(tree: Path, scenario: str) -> tuple[str, float, float]:
    """(first output line, CPU s, wall s) of library_scores.py on one scenario in one tree."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "bench/library_scores.py", scenario], cwd=tree, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"compare_trees: {scenario} failed in {tree}:\n{out.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out.stdout.splitlines()[0], cpu, wall


def main(argv: list[str]) -> None:
    if not argv:
        raise SystemExit(__doc__)
    base = Path(argv[0]).resolve()
    if not (base / "bench" / "library_scores.py").is_file():
        raise SystemExit(f"compare_trees: {base} is not a project tree (no bench/library_scores.py)")
    names = argv[1:] or sorted(p.stem for p in (HERE / "scenarios").glob("*.yaml"))
    for name in names:
        line_b, cpu_b, wall_b = _run(base, name)
        line_h, cpu_h, wall_h = _run(HERE, name)
        print(f"{name}")
        print(f"  baseline: cpu {cpu_b:6.1f} s  wall {wall_b:6.1f} s  | {line_b}")
        print(f"  this    : cpu {cpu_h:6.1f} s  wall {wall_h:6.1f} s  | {line_h}")
        print(f"  ratio this/baseline: cpu {cpu_h / cpu_b:.2f}  wall {wall_h / wall_b:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
