"""A scenario's faults over NATS give what they give in process: a link cut and a node out of service.

The flagship cut to 170 s with the USA-JPN link cut over 95-125 s (the launch alerts of 100 s
wait on it) and KOR's node out of service over 130-150 s (its process killed, then rebuilt from its
stream; 26 partners' messages wait for it) must issue and deliver the same warnings, and produce the same events, in process and as
three node processes on NATS.
"""

import yaml
from flagship_cut import comparable

from triwatch.cli.main import flagship_path
from triwatch.exercise.distributed import run_distributed
from triwatch.exercise.run import run_exercise
from triwatch.scenario.loader import load_scenario

FAULTS = [
    {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": 95.0, "to_s": 125.0},
    {"kind": "node-down", "nation": "KOR", "from_s": 130.0, "to_s": 150.0},
]


def test_faults_over_nats_match_the_one_process_run(tmp_path):
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 170
    data["faults"] = FAULTS
    path = tmp_path / "faults.yaml"
    path.write_text(yaml.safe_dump(data))
    memory = run_exercise(load_scenario(path), None)
    nats = run_distributed(path, tmp_path / "run")
    faults = [e for e in nats.events.events if e["type"] == "fault"]
    assert {(e["kind"], e["state"]) for e in faults} == {
        (k, s) for k in ("link-cut", "node-down") for s in ("begin", "end")
    }
    jpn_alerts = [e for e in nats.events.of_type("warning-delivered") if e["node"] == "JPN" and e["issuer"] != "JPN"]
    assert jpn_alerts and min(e["t_s"] for e in jpn_alerts) >= 125.0  # they waited on the cut link
    kor_back = [
        e for e in nats.events.events if e["node"] == "KOR" and e["t_s"] == 150.0 and e["type"] == "track-received"
    ]
    assert kor_back  # what waited in KOR's stream while it was down reached it when it came back
    assert comparable(nats.events.events) == comparable(memory.events.events)
