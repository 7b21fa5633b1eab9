"""End to end: the flagship scenario, as fast as possible, through every stage.

Asserts what a watch officer would check: the launch is seen, a warning naming a
threatened area reaches all three nations' nodes and is acknowledged, the predicted
impact point is close to the truth, and nothing flows where the policy forbids it.
"""

import json
from pathlib import Path

import pytest
import yaml

from triwatch.cli.main import flagship_path
from triwatch.exercise.folder import write_summary
from triwatch.exercise.run import run_exercise
from triwatch.report.summary import build_summary
from triwatch.scenario.loader import parse_scenario

IMPACT_TOLERANCE_KM = 50.0  # final predicted impact vs truth, IRBM at ~4,600 km range


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    sc = parse_scenario(yaml.safe_load(flagship_path().read_text()), "flagship")
    run = run_exercise(sc, out)
    summary = build_summary(run)
    write_summary(out, summary)
    return out, run, summary


def test_run_folder_is_written(demo_run):
    out, _, summary = demo_run
    for name in ("summary.json", "events.jsonl", "audit.sqlite"):
        assert (out / name).is_file(), name
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["scenario"] == summary["scenario"]
    for key in ("scenario", "seed", "wall_time_s", "sim_time_s", "launches", "metrics", "nations"):
        assert key in on_disk
    lines = (out / "events.jsonl").read_text().splitlines()
    assert len(lines) > 100 and all(json.loads(line)["type"] for line in lines[:50])


def test_launch_detected_and_every_nation_warned(demo_run):
    _, _, summary = demo_run
    est = summary["launches"][0]["estimate"]
    assert est["detected_s"] is not None and est["detected_s"] < 120
    for nation in ("USA", "JPN", "KOR"):
        assert est["launch_alert_s"][nation] is not None, nation
        assert est["first_warning_s"][nation] is not None, nation


def test_predicted_impact_close_to_truth(demo_run):
    _, _, summary = demo_run
    est = summary["launches"][0]["estimate"]
    assert est["impact_point_error_km_final"] is not None
    assert est["impact_point_error_km_final"] < IMPACT_TOLERANCE_KM


def test_warnings_are_acknowledged_by_each_designated_centre(demo_run):
    _, run, _ = demo_run
    acks = {(e["node"], e["centre"]) for e in run.events.of_type("ack")}
    assert {("USA", "INDOPACOM"), ("JPN", "JJOC"), ("KOR", "ROK-JCS")} <= acks


def test_policy_forbidding_kor_to_jpn_keeps_every_kor_message_from_jpn(tmp_path: Path):
    data = yaml.safe_load(flagship_path().read_text())
    data["duration_s"] = 400
    data["policy"] = {"KOR": {k: {"rel_to": ["USA"]} for k in ("tracks", "warnings", "acks")}}
    sc = parse_scenario(data, "no-kor-to-jpn")
    run = run_exercise(sc, None)
    summary = build_summary(run)
    jpn_from_kor = summary["nations"]["JPN"]["received"].get("KOR", {})
    assert sum(jpn_from_kor.values()) == 0, jpn_from_kor
    kor_sent = sum(summary["nations"]["KOR"]["sent"].values())
    assert kor_sent > 0  # KOR did share, with the USA only
    usa_from_kor = summary["nations"]["USA"]["received"].get("KOR", {})
    assert usa_from_kor.get("tracks", 0) > 0
    assert all(e["origin"] != "KOR" for e in run.events.events if e["node"] == "JPN" and "origin" in e)
    assert all(e.get("issuer") != "KOR" for e in run.events.events if e["node"] == "JPN")
