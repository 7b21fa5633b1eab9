"""The `trajectory` command through a local Typer app, as the lead registers it."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from triwatch.cli.trajectory_cmd import trajectory

app = typer.Typer()
app.command("trajectory")(trajectory)
app.command("noop")(lambda: None)  # a second command keeps Typer from collapsing to a single-command app
runner = CliRunner()


def test_json_summary():
    res = runner.invoke(
        app,
        [
            "trajectory",
            "--apogee-km",
            "970",
            "--range-km",
            "4600",
            "--lat",
            "40.6",
            "--lon",
            "126.4",
            "--azimuth-deg",
            "75",
            "--vehicle",
            "irbm",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert abs(out["apogee_km"] - 970) < 5 and abs(out["range_km"] - 4600) < 10
    assert 1200 < out["flight_time_s"] < 1450 and out["burnout_time_s"] > 0
    assert set(out["impact"]) == {"lat", "lon"}


def test_named_site_and_auto_vehicle():
    res = runner.invoke(app, ["trajectory", "--apogee-km", "300", "--range-km", "1000", "--site", "sunan", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["vehicle"] in {"mrbm", "slbm", "irbm"}


def test_bad_inputs_exit_2_with_message():
    cases = [
        (["--site", "atlantis"], "--site: unknown place"),
        (["--lat", "40"], "--lat/--lon"),
        (["--lat", "40", "--lon", "126", "--vehicle", "rocket"], "--vehicle: unknown vehicle"),
        (["--lat", "95", "--lon", "126"], "--lat: 95"),
        (["--lat", "40", "--lon", "126", "--range-km", "-3"], "--range-km: must be > 0"),
        (["--lat", "40", "--lon", "126", "--site", "sunan"], "--site: give either"),
    ]
    for extra, message in cases:
        res = runner.invoke(app, ["trajectory", "--apogee-km", "300", "--range-km", "1000", *extra])
        assert res.exit_code == 2, (extra, res.output)
        assert message in res.stderr, (extra, res.stderr)
