"""The coverage command's parts: the map PNG, the per-launch report, and bad input."""

import numpy as np
from simple_flight import oct2022_like

from triwatch.cli.coverage_cmd import coverage, draw_map, launch_report, region_grid
from triwatch.sensors.coverage import coverage_grid
from triwatch.sensors.factory import build_sensors

NATIONS = ["USA", "JPN", "KOR"]


def test_map_and_launch_report(tmp_path, epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    lat, lon = region_grid(step_deg=1.0)
    assert lat[0] == 20.0 and lon[-1] == 185.0
    grid = coverage_grid(sensors, lat, lon, 100e3, kinds=["radar"], nations=NATIONS)
    flight = oct2022_like()
    times, r = flight.t_s[::10], flight.r_ecef[::10]
    out = tmp_path / "cov.png"
    draw_map(grid, sensors, {"L1": r}, out)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000

    lines = launch_report(sensors, NATIONS, "L1", 30.0, times, r)
    text = "\n".join(lines)
    assert lines[0].startswith("Launch L1 (at t=30 s, flight")
    assert "  radars:" in text and "  all sensors incl. space IR (IR: line of sight only):" in text
    kor = next(ln for ln in lines if ln.strip().startswith("KOR:"))
    assert "seen " in kor and "gaps 0-" in kor  # Korea does not see the first seconds below its horizon


def test_bad_altitude_and_missing_file(tmp_path, capsys):
    assert coverage(tmp_path / "x.yaml", altitude_km=-1.0) == 2
    assert "--altitude-km: must be within [0, 5000] km" in capsys.readouterr().err
    assert coverage(tmp_path / "missing.yaml") == 2
    assert "cannot read file" in capsys.readouterr().err


def test_region_grows_to_hold_sites_and_tracks(epoch):
    from triwatch.cli.coverage_cmd import REGION, region_for
    from triwatch.geo.frames import geodetic_to_ecef

    sensors = build_sensors(
        [{"id": "far", "nation": "USA", "kind": "radar", "preset": "spy-1d", "site": {"lat": 10.0, "lon": 121.0}}],
        NATIONS,
        epoch,
    )
    track = geodetic_to_ecef(np.radians([40.0, 30.0]), np.radians([170.0, -165.0]), 0.0)  # crosses 180
    lat0, lat1, lon0, lon1 = region_for(sensors, {"L": track})
    assert lat0 == 5.0 and lat1 == REGION[1] and lon0 == REGION[2] and lon1 == 195.0 + 5.0
