"""The coverage command on real scenario files (the scenario loader and the physics of flights)."""

from triwatch.cli.coverage_cmd import coverage

SCENARIO = """\
name: Coverage check
epoch: 2022-10-03T22:22:00Z
seed: 7
duration_s: 1500
nations: [USA, JPN, KOR]
launches:
  - {id: L1, time_s: 0, site: {lat: 40.6, lon: 126.4}, vehicle: irbm,
     target: {apogee_km: 970, range_km: 4600, azimuth_deg: 75}}
  - {id: L2, time_s: 30, site: {lat: 39.03, lon: 125.67}, vehicle: srbm, aim: {lat: 38.9, lon: 131.0}}
sensors:
  - use: default-laydown
"""


def test_coverage_command_on_a_scenario(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "map.png"
    assert coverage(path, altitude_km=100.0, out=out) == 0
    text = capsys.readouterr().out
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "radar coverage of the map at 100 km altitude: USA" in text
    assert "Launch L1 (at t=0 s" in text and "Launch L2 (at t=30 s" in text
    block = text.split("Launch L1")[1].split("Launch L2")[0]
    radars = block.split("all sensors")[0]
    kor = next(ln for ln in radars.splitlines() if ln.strip().startswith("KOR:"))
    jpn = next(ln for ln in radars.splitlines() if ln.strip().startswith("JPN:"))
    first = lambda line: float(line.split("seen ")[1].split("-")[0])  # noqa: E731
    assert first(kor) < first(jpn)  # Korea's radars see the IRBM before Japan's


def test_bad_sensor_entry_names_its_path(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO + "  - {id: x, nation: JPN, kind: radar, preset: foo, site: sado}\n")
    assert coverage(bad) == 2
    assert "sensors[1].preset: unknown preset 'foo'" in capsys.readouterr().err
