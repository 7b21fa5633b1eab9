"""How close the area rule came to naming an area it did not name, and to not naming one it named.

    python bench/impact_mass_margin.py icbm-2023-07-12 [irbm-2022-10-04 ...]

Runs each scenario and records, for every assessment an alert book of a node is fed
(`warning.lifecycle.AlertBook.observe`, wrapped here, the run untouched), the impact probability of
each protected area (`Assessment.impact_mass`), split by whether the track was settled (its longest
member arc >= the book's mature_s; only those can name an area). Prints per area: assessments that
reach it, those that predict it (mass >= MIN_AREA_MASS), the largest mass, and the smallest when
predicted. The rule's margin on a run is how far a settled track's largest mass stays below
MIN_AREA_MASS in an area it must not name (icbm-2023-07-12 lands in RUS-EEZ, near Japan's), and
how far above once it stands in one it must.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import load_scenario
from triwatch.warning.impact_mass import MIN_AREA_MASS
from triwatch.warning.lifecycle import AlertBook

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"


def measure(name: str) -> dict[tuple[str, bool], list[float]]:
    """(area, settled) -> the masses of every assessment that reached the area."""
    masses: dict[tuple[str, bool], list[float]] = defaultdict(list)
    original = AlertBook.observe

    def recording(self, system_track, t_s, assessment, **kwargs):
        if assessment is not None:
            settled = kwargs.get("arc_s", float("inf")) >= self.mature_s
            for area, p in assessment.impact_mass.items():
                masses[(area, settled)].append(p)
        return original(self, system_track, t_s, assessment, **kwargs)

    AlertBook.observe = recording
    try:
        run_exercise(load_scenario(LIBRARY / f"{name}.yaml"), None)
    finally:
        AlertBook.observe = original
    return masses


def main(names: list[str]) -> None:
    for name in names or ["icbm-2023-07-12"]:
        masses = measure(name)
        print(f"{name}: threshold {MIN_AREA_MASS:.0%}")
        for (area, settled), ps in sorted(masses.items()):
            named = [p for p in ps if p >= MIN_AREA_MASS]
            low = f", smallest when predicted {min(named):.1%}" if named else ""
            print(
                f"  {area} ({'settled' if settled else 'not settled'} tracks): {len(ps)} assessments reach it,"
                f" {len(named)} predict it; largest {max(ps):.1%}{low}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
