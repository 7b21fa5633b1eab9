"""The scenario's ``faults:`` section: accepted when it names real nations, links and times; else every problem."""

import pytest

from triwatch.scenario.loader import ScenarioError, parse_scenario
from triwatch.scenario.schema import LinkCut, NodeDown

BASE = {
    "name": "faults",
    "epoch": "2022-10-03T22:22:00Z",
    "duration_s": 600,
    "nations": ["USA", "JPN", "KOR"],
}


def problems(faults, **extra) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        parse_scenario({**BASE, **extra, "faults": faults})
    return err.value.problems


def test_link_cuts_and_node_downs_are_read():
    sc = parse_scenario(
        {
            **BASE,
            "faults": [
                {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": 100, "to_s": 160},
                {"kind": "node-down", "nation": "KOR", "from_s": 90, "to_s": 150},
                {"kind": "link-cut", "between": ["JPN", "USA"], "from_s": 160, "to_s": 600},  # back to back: fine
            ],
        }
    )
    assert isinstance(sc.faults[0], LinkCut) and sc.faults[0].between == ["USA", "JPN"]
    assert isinstance(sc.faults[1], NodeDown) and (sc.faults[1].from_s, sc.faults[1].to_s) == (90, 150)
    assert parse_scenario(BASE).faults == []


def test_unknown_nation_and_link_outside_the_topology():
    got = problems(
        [
            {"kind": "node-down", "nation": "AUS", "from_s": 10, "to_s": 20},
            {"kind": "link-cut", "between": ["USA", "PHL"], "from_s": 10, "to_s": 20},
            {"kind": "link-cut", "between": ["JPN", "KOR"], "from_s": 10, "to_s": 20},
            {"kind": "link-cut", "between": ["USA", "USA"], "from_s": 10, "to_s": 20},
        ]
    )
    assert got == [
        "faults[0].nation: AUS is not one of the scenario's nations ['USA', 'JPN', 'KOR']",
        "faults[1].between: PHL not among the scenario's nations ['USA', 'JPN', 'KOR']",
        "faults[2].between: JPN-KOR is not a link in the hub topology (spokes talk through USA); "
        "cut USA-JPN or USA-KOR",
        "faults[3].between: a link joins two different nations, got USA twice",
    ]
    # In a mesh every pair is a link.
    assert parse_scenario(
        {
            **BASE,
            "topology": "mesh",
            "faults": [{"kind": "link-cut", "between": ["JPN", "KOR"], "from_s": 1, "to_s": 2}],
        }
    ).faults[0].between == ["JPN", "KOR"]


def test_times_must_make_a_span_inside_the_run():
    got = problems(
        [
            {"kind": "node-down", "nation": "KOR", "from_s": 150, "to_s": 90},
            {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": 100, "to_s": 100},
            {"kind": "node-down", "nation": "JPN", "from_s": 500, "to_s": 700},
            {"kind": "node-down", "nation": "USA", "from_s": 600, "to_s": 700},
            {"kind": "node-down", "nation": "KOR", "from_s": -5, "to_s": 10},
        ]
    )
    assert "faults[4].from_s: must be >= 0.0, got -5" in got  # the schema layer stops here
    got = problems(
        [
            {"kind": "node-down", "nation": "KOR", "from_s": 150, "to_s": 90},
            {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": 100, "to_s": 100},
            {"kind": "node-down", "nation": "JPN", "from_s": 500, "to_s": 700},
            {"kind": "node-down", "nation": "USA", "from_s": 600, "to_s": 700},
        ]
    )
    assert got == [
        "faults[0].to_s: must be > from_s (150), got 90",
        "faults[1].to_s: must be > from_s (100), got 100",
        "faults[2].to_s: 700 is after duration_s 600",
        "faults[3].from_s: 600 is not before duration_s 600",
        "faults[3].to_s: 700 is after duration_s 600",
    ]


def test_overlapping_faults_on_one_node_or_link_and_bad_shapes():
    got = problems(
        [
            {"kind": "node-down", "nation": "KOR", "from_s": 100, "to_s": 200},
            {"kind": "node-down", "nation": "KOR", "from_s": 150, "to_s": 250},
            {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": 10, "to_s": 50},
            {"kind": "link-cut", "between": ["JPN", "USA"], "from_s": 40, "to_s": 60},
        ]
    )
    assert got == [
        "faults[1]: overlaps faults[0] on the same node (KOR)",
        "faults[3]: overlaps faults[2] on the same link (JPN-USA)",
    ]
    got = problems(
        [
            {"kind": "power-cut", "nation": "KOR", "from_s": 1, "to_s": 2},
            {"kind": "link-cut", "between": ["USA"], "from_s": 1, "to_s": 2},
            {"kind": "node-down", "nation": "KOR", "from_s": 1, "to_s": 2, "why": "x"},
            {"kind": "node-down", "from_s": 1, "to_s": 2},
        ]
    )
    assert got[0].startswith("faults[0]: unknown kind 'power-cut'; known: 'link-cut', 'node-down'")
    assert got[1].startswith("faults[1].between: List should have at least 2 items")
    assert got[2:] == ["faults[2].why: unknown field", "faults[3].nation: is required"]
