"""`triwatch node --nation N --config FILE`: a bad configuration is refused with the field named, exit 2."""

import json

import pytest
from typer.testing import CliRunner

from triwatch.cli.main import app, flagship_path
from triwatch.node.process_config import NodeConfigError, load_node_config

GOOD_CLOCK = {"mode": "lockstep", "control": "127.0.0.1:4321", "authkey": "ab" * 16}


@pytest.fixture
def files(tmp_path):
    (tmp_path / "fabric.json").write_text("{}")  # content is checked when the node joins the fabric
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(flagship_path().read_text())
    return tmp_path


def write(folder, **changes):
    cfg = {
        "scenario": "scenario.yaml",
        "nation": "JPN",
        "fabric": "fabric.json",
        "audit": "audit.sqlite",
        "run_dir": "out",
        "clock": GOOD_CLOCK,
    }
    cfg.update(changes)
    cfg = {k: v for k, v in cfg.items() if v is not None}
    path = folder / "node.json"
    path.write_text(json.dumps(cfg))
    return path


def test_a_good_file_resolves_paths_from_its_folder(files):
    cfg = load_node_config(write(files))
    assert cfg.scenario == files / "scenario.yaml" and cfg.run_dir == files / "out"
    assert cfg.clock.address() == ("127.0.0.1", 4321)
    yaml_file = files / "node.yaml"
    yaml_file.write_text(
        "scenario: scenario.yaml\nnation: KOR\nfabric: fabric.json\naudit: a.sqlite\n"
        "run_dir: .\nclock: {mode: wall, speed: 2}\n"
    )
    assert load_node_config(yaml_file).clock.speed == 2.0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nation": None}, "nation: Field required"),
        ({"nation": "Japan"}, "nation: Value error, must be an ISO 3166 alpha-3 code"),
        ({"clock": {"mode": "sundial"}}, "clock: Input tag 'sundial'"),
        ({"clock": {**GOOD_CLOCK, "authkey": "short"}}, "clock.authkey:"),
        ({"clock": {**GOOD_CLOCK, "control": "localhost"}}, "clock.control: Value error, must be HOST:PORT"),
        ({"clock": {"mode": "wall", "speed": 0}}, "clock.speed: Input should be greater than 0"),
        ({"scenario": "missing.yaml"}, "scenario: file .*missing.yaml missing"),
        ({"fabric": "nowhere/fabric.json"}, "fabric: file .* missing"),
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
    ],
)
def test_bad_fields_are_named(files, changes, message):
    with pytest.raises(NodeConfigError, match=message):
        load_node_config(write(files, **changes))


def test_cli_exits_2_naming_the_problem(files):
    runner = CliRunner()
    bad = write(files, clock={"mode": "sundial"})
    result = runner.invoke(app, ["node", "--nation", "JPN", "--config", str(bad)])
    assert result.exit_code == 2
    assert "clock" in result.output and "sundial" in result.output
    mismatch = write(files)
    result = runner.invoke(app, ["node", "--nation", "KOR", "--config", str(mismatch)])
    assert result.exit_code == 2 and "--nation KOR" in result.output
    result = runner.invoke(app, ["node", "--nation", "JPN", "--config", str(files / "none.json")])
    assert result.exit_code == 2 and "cannot read file" in result.output
    not_mapping = files / "list.json"
    not_mapping.write_text("[1, 2]")
    result = runner.invoke(app, ["node", "--nation", "JPN", "--config", str(not_mapping)])
    assert result.exit_code == 2 and "must be a mapping" in result.output


def test_cli_exits_2_on_a_bad_fabric_file(files):
    result = CliRunner().invoke(app, ["node", "--nation", "JPN", "--config", str(write(files))])
    assert result.exit_code == 2
    assert "fabric.json" in result.output and "missing required field" in result.output


def test_exercise_run_refuses_an_unknown_fabric(files):
    result = CliRunner().invoke(app, ["exercise", "run", str(files / "scenario.yaml"), "--fabric", "carrier-pigeon"])
    assert result.exit_code == 2 and "--fabric: must be memory or nats" in result.output
