"""Scenario files: the INTERFACES example is accepted; broken files get every problem with its path."""

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from triwatch.cli.main import app
from triwatch.scenario.loader import ScenarioError, load_scenario, parse_scenario

EXAMPLE = """
name: Illustrative IRBM overflight
epoch: 2022-10-03T22:22:00Z
seed: 7
duration_s: 1500
nations: [USA, JPN, KOR]
launches:
  - id: L1
    time_s: 0
    site: tongchang-ri
    vehicle: irbm
    target: {apogee_km: 970, range_km: 4600, azimuth_deg: 75}
  - id: L2
    time_s: 30
    site: {lat: 39.03, lon: 125.67}
    vehicle: srbm
    aim: {lat: 38.9, lon: 131.0}
    profile: depressed
sensors:
  - use: default-laydown
  - id: extra-aegis
    nation: JPN
    kind: radar
    preset: spy-1d
    site: {lat: 39.5, lon: 135.0}
policy:
  KOR: {tracks: {rel_to: [USA, JPN]}, detections: {rel_to: [USA]}}
"""


def example() -> dict:
    return yaml.safe_load(EXAMPLE)


def problems_of(data) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(data, "test.yaml")
    return exc.value.problems


def test_interfaces_example_is_accepted():
    sc = parse_scenario(example())
    assert [launch.id for launch in sc.launches] == ["L1", "L2"]
    assert sc.launches[1].profile == "depressed"
    assert sc.epoch.utcoffset().total_seconds() == 0


def test_negative_range_names_its_path():
    data = example()
    data["launches"][0]["target"]["range_km"] = -5
    assert any(p.startswith("launches[0].target.range_km: must be > 0") for p in problems_of(data))


def test_every_problem_is_reported_at_once():
    data = example()
    data["launches"][0]["target"]["range_km"] = 0
    data["launches"][1]["time_s"] = -1
    data["duration_s"] = "long"
    data["colour"] = "blue"
    found = problems_of(data)
    for fragment in ("launches[0].target.range_km", "launches[1].time_s", "duration_s", "colour: unknown field"):
        assert any(p.startswith(fragment) for p in found), (fragment, found)


def test_unknown_site_vehicle_and_duplicate_id():
    data = example()
    data["launches"][1]["id"] = "L1"
    data["launches"][1]["site"] = "atlantis"
    data["launches"][1]["vehicle"] = "warp-drive"
    found = problems_of(data)
    assert any(p.startswith("launches[1].id: duplicate launch id 'L1'") for p in found)
    assert any(p.startswith("launches[1].site: unknown site 'atlantis'") for p in found)
    assert any(p.startswith("launches[1].vehicle: unknown vehicle 'warp-drive'") for p in found)


def test_target_and_aim_together_is_an_error():
    data = example()
    data["launches"][1]["target"] = {"range_km": 500, "azimuth_deg": 90}
    assert any("exactly one of `target`" in p for p in problems_of(data))


def test_out_of_range_site_and_unknown_nation_and_profile():
    data = example()
    data["launches"][1]["site"] = {"lat": 123, "lon": 125}
    data["nations"] = ["USA", "XYZ"]
    data["launches"][1]["profile"] = "sideways"
    found = problems_of(data)
    assert any(p.startswith("launches[1].site.lat: must be <= 90") for p in found), found
    assert any(p.startswith("nations[1]: must be one of") for p in found), found
    assert any(p.startswith("launches[1].profile: must be one of") for p in found), found


def test_epoch_without_time_zone_and_launch_after_end():
    data = example()
    data["epoch"] = "2022-10-03T22:22:00"
    assert any(p.startswith("epoch: must carry a time zone") for p in problems_of(data))
    data = example()
    data["launches"][1]["time_s"] = 1600
    assert any(p.startswith("launches[1].time_s: 1600.0 is not before duration_s") for p in problems_of(data))


def test_bad_sensor_and_policy_entries_are_reported():
    data = example()
    data["sensors"][1]["preset"] = "death-ray"
    assert any(p.startswith("sensors[1]") and "death-ray" in p for p in problems_of(data))
    data = example()
    data["policy"] = {"KOR": {"tracks": {"rel_to": ["USA", "XXX"]}}}
    assert any(p.startswith("policy") and "XXX" in p for p in problems_of(data))


def test_yaml_syntax_error_names_line(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlaunches: [\n  - id: 1\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad)
    assert exc.value.problems[0].startswith("line ")


def test_cli_check_exit_codes(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(EXAMPLE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    data = example()
    data["launches"][0]["target"]["range_km"] = -1
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["scenario", "check", str(good)]).exit_code == 0
    result = runner.invoke(app, ["scenario", "check", str(bad)])
    assert result.exit_code == 2
    assert "launches[0].target.range_km: must be > 0" in result.output
    assert runner.invoke(app, ["scenario", "check", str(tmp_path / "missing.yaml")]).exit_code == 2
