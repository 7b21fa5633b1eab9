"""The scenario library: every file is documented, well-formed, and every launch can be flown in time."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from triwatch.geo.places import place
from triwatch.physics.flight import design_flight, vehicle_names

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.yaml"))


def test_at_least_six_scenarios_with_the_flagship():
    names = {p.name for p in SCENARIOS}
    assert len(names) >= 6 and "irbm-2022-10-04.yaml" in names


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_is_documented_and_flies(path: Path):
    text = path.read_text()
    assert text.startswith("# Modelled on"), "each file opens with what it is modelled on"
    assert "Approximate" in text.split("\nname:")[0], "the opening comment says what is approximate"
    sc = yaml.safe_load(text)
    assert {"name", "epoch", "seed", "duration_s", "nations", "launches", "sensors"} <= set(sc)
    assert {"use": "default-laydown"} in sc["sensors"]
    for launch in sc["launches"]:
        assert launch["vehicle"] in vehicle_names()
        assert ("target" in launch) != ("aim" in launch)
        site = launch["site"]
        lat, lon = place(site) if isinstance(site, str) else (site["lat"], site["lon"])
        kwargs = {"profile": launch.get("profile", "minimum-energy")}
        if "target" in launch:
            tgt = launch["target"]
            kwargs |= {"azimuth_rad": math.radians(tgt["azimuth_deg"]), "range_m": tgt["range_km"] * 1e3}
            if "apogee_km" in tgt:
                kwargs["apogee_m"] = tgt["apogee_km"] * 1e3
        else:
            kwargs |= {
                "aim_lat_rad": math.radians(launch["aim"]["lat"]),
                "aim_lon_rad": math.radians(launch["aim"]["lon"]),
            }
        flight = design_flight(math.radians(lat), math.radians(lon), launch["vehicle"], **kwargs)
        last = max(o.impact_s for o in flight.objects)
        assert launch["time_s"] + last < sc["duration_s"], f"{launch['id']}: objects still flying at the end"
