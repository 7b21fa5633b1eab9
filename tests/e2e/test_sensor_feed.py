"""A nation's sensor feed alone draws exactly what it draws beside every other nation's sensors."""

import numpy as np
import pytest
import yaml

from triwatch.cli.main import flagship_path
from triwatch.exercise.feed import SensorFeed
from triwatch.scenario.loader import parse_scenario


@pytest.fixture(scope="module")
def scenario():
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 200
    return parse_scenario(data, "flagship-200s")


def test_one_nation_alone_draws_what_it_draws_beside_the_others(scenario):
    together = SensorFeed(scenario, scenario.nations)
    alone = SensorFeed(scenario, ["JPN"], world=together.world)
    n = 0
    for t in np.arange(0.0, 200.0, 1.0):
        all_due, _ = together.step(t)
        jpn_due, records = alone.step(t)
        assert set(jpn_due) == {"JPN"} and all(r.nation == "JPN" for r in records)
        assert [(d.sensor_id, d.time_s) for d in jpn_due["JPN"]] == [(d.sensor_id, d.time_s) for d in all_due["JPN"]]
        for a, b in zip(jpn_due["JPN"], all_due["JPN"], strict=True):
            np.testing.assert_array_equal(a.z, b.z)
        n += len(jpn_due["JPN"])
    assert n > 0


def test_unknown_nation_is_named(scenario):
    with pytest.raises(ValueError, match=r"\['CHN'\] not among the scenario's"):
        SensorFeed(scenario, ["CHN"])
