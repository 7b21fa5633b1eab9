"""How close the area rule came to naming an area it did not name, and to not naming one it named.

    python bench/impact_mass_margin.py icbm-2023-07-12 [irbm-2022-10-04 ...]

Runs each scenario and records, for every assessment of every node (`warning.assess`, wrapped here,
the run untouched), the impact probability of each protected area (`Assessment.impact_mass`). Prints per
area: assessments in which it reached MIN_AREA_MASS (it was predicted), the largest mass it reached in
any assessment, and the smallest mass it had when predicted. The rule's margin on a run is how far an
area's largest mass stays below MIN_AREA_MASS where it must not be named (icbm-2023-07-12 lands in
RUS-EEZ, near Japan's), and how far above it once it stands where it must. Assessments of tracks not
yet settled (arc < 30 s) are counted too, though the lifecycle ignores them, so this is the worst case.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import triwatch.node.national as national
from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import load_scenario
from triwatch.warning.impact_mass import MIN_AREA_MASS

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def measure(name: str) -> dict[str, list[float]]:
    masses: dict[str, list[float]] = defaultdict(list)
    original = national.assess

    def recording(*args, **kwargs):
        a = original(*args, **kwargs)
        for area, p in a.impact_mass.items():
            masses[area].append(p)
        return a

    national.assess = recording
    try:
        run_exercise(load_scenario(LIBRARY / f"{name}.yaml"), None)
    finally:
        national.assess = original
    return masses


def main(names: list[str]) -> None:
    for name in names or ["icbm-2023-07-12"]:
        masses = measure(name)
        print(f"{name}: threshold {MIN_AREA_MASS:.0%}")
        for area, ps in sorted(masses.items()):
            named = [p for p in ps if p >= MIN_AREA_MASS]
            low = f", smallest when named {min(named):.1%}" if named else ""
            print(f"  {area}: {len(ps)} assessments reach it, {len(named)} name it; largest {max(ps):.1%}{low}")
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
