"""The scenario's `warnings` options reach every node, and a bad option is refused with its path."""

import numpy as np
import pytest
import yaml

from triwatch.exercise.build import SimClock, build_nodes
from triwatch.node.events import EventSink
from triwatch.scenario.loader import ScenarioError, parse_scenario

BASE = """
name: warning options
epoch: 2022-10-03T22:22:00Z
duration_s: 60
nations: [USA, JPN, KOR]
sensors: []
"""


def nodes_of(data: dict, tmp_path):
    sc = parse_scenario(data)
    rngs = [np.random.default_rng(i) for i in range(len(sc.nations))]
    nodes, audit = build_nodes(sc, SimClock(sc), EventSink(), tmp_path / "audit.sqlite", rngs, [])
    audit.close()
    return nodes


def test_precautionary_overflight_is_off_unless_asked(tmp_path):
    nodes = nodes_of(yaml.safe_load(BASE), tmp_path)
    assert [n.precautionary_overflight for n in nodes.values()] == [False, False, False]


def test_precautionary_overflight_switch_reaches_every_node(tmp_path):
    data = yaml.safe_load(BASE) | {"warnings": {"precautionary_overflight": True}}
    nodes = nodes_of(data, tmp_path)
    assert sorted(nodes) == ["JPN", "KOR", "USA"]
    assert all(n.precautionary_overflight for n in nodes.values())


def test_the_support_rule_reaches_every_node(tmp_path):
    data = yaml.safe_load(BASE) | {"warnings": {"precautionary_overflight": True, "precautionary_support": 0.5}}
    nodes = nodes_of(data, tmp_path)
    assert [n.precautionary_support for n in nodes.values()] == [0.5, 0.5, 0.5]
    assert [n.precautionary_support for n in nodes_of(yaml.safe_load(BASE), tmp_path).values()] == [None] * 3


@pytest.mark.parametrize(
    ("warnings", "path"),
    [
        ({"precautionary": True}, "warnings.precautionary"),
        ({"precautionary_overflight": "sometimes"}, "warnings.precautionary_overflight"),
        ("yes", "warnings"),
        ({"precautionary_overflight": True, "precautionary_support": 0}, "warnings.precautionary_support"),
        ({"precautionary_overflight": True, "precautionary_support": 1.2}, "warnings.precautionary_support"),
        ({"precautionary_support": 0.5}, "warnings"),  # the rule of a class that is off
    ],
)
def test_bad_warning_options_name_their_path(warnings, path):
    data = yaml.safe_load(BASE) | {"warnings": warnings}
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data, "test.yaml")
    assert any(p.startswith(path) for p in exc.value.problems), exc.value.problems
