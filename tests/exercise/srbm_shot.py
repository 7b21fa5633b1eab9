"""The short-range shot the fault tests run: from near Pyongyang across the peninsula, seed 5."""

from triwatch.scenario.loader import parse_scenario
from triwatch.scenario.schema import Scenario


def srbm_shot(name: str, duration_s: float, faults: list[dict]) -> Scenario:
    """An SRBM launched at 10 s from 39.03 N 125.67 E, aimed at 38.0 N 129.8 E, under the given faults."""
    return parse_scenario(
        {
            "name": name,
            "epoch": "2022-10-03T22:22:00Z",
            "seed": 5,
            "duration_s": duration_s,
            "nations": ["USA", "JPN", "KOR"],
            "launches": [
                {
                    "id": "L1",
                    "time_s": 10,
                    "site": {"lat": 39.03, "lon": 125.67},
                    "vehicle": "srbm",
                    "aim": {"lat": 38.0, "lon": 129.8},
                }
            ],
            "faults": faults,
        }
    )
