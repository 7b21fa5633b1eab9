"""Building sensors from scenario entries: the default laydown, overrides, and bad specs with their paths."""

import numpy as np
import pytest

from triwatch.sensors.base import Sensor
from triwatch.sensors.factory import PRESETS, SensorSpecError, build_sensors
from triwatch.sensors.laydown import DEFAULT_LAYDOWN, SENSOR_SITES

NATIONS = ["USA", "JPN", "KOR"]
REQUIRED_PRESETS = {"an-tpy-2-fbm", "an-tpy-2-tm", "green-pine", "fps-5", "spy-1d", "sbirs-geo", "leo-tracking"}


def test_presets_present():
    assert set(PRESETS) >= REQUIRED_PRESETS


def test_default_laydown_all_nations(epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    ids = [s.sensor_id for s in sensors]
    assert len(ids) == len(set(ids))
    assert all(isinstance(s, Sensor) for s in sensors)
    by_nation = {n: [s for s in sensors if s.nation == n] for n in NATIONS}
    kinds = {n: {s.kind for s in ss} for n, ss in by_nation.items()}
    assert kinds == {"USA": {"radar", "ir-geo", "ir-leo"}, "JPN": {"radar"}, "KOR": {"radar"}}
    presets = {s.descriptor()["preset"] for s in sensors}
    assert presets == REQUIRED_PRESETS
    assert sum(s.descriptor()["preset"] == "fps-5" for s in sensors) == 4
    assert sum(s.descriptor()["preset"] == "green-pine" for s in sensors) == 3
    # every laydown site is a named approximate public place
    assert all(e["site"] in SENSOR_SITES for e in DEFAULT_LAYDOWN if e["kind"] == "radar")


def test_default_laydown_filters_nations(epoch):
    sensors = build_sensors([{"use": "default-laydown"}], ["JPN", "KOR"], epoch)
    assert {s.nation for s in sensors} == {"JPN", "KOR"}


def test_descriptor_is_separate_identity(epoch):
    s = build_sensors(
        [{"id": "x", "nation": "JPN", "kind": "radar", "preset": "spy-1d", "site": {"lat": 39.5, "lon": 135.0}}],
        NATIONS,
        epoch,
    )[0]
    d = s.descriptor()
    assert d["id"] == "x" and d["nation"] == "JPN" and d["kind"] == "radar" and d["preset"] == "spy-1d"
    assert d["lat_deg"] == pytest.approx(39.5) and d["lon_deg"] == pytest.approx(135.0)


def test_overrides_and_named_site(epoch):
    s = build_sensors(
        [
            {
                "id": "gp",
                "nation": "KOR",
                "kind": "radar",
                "preset": "green-pine",
                "site": "sunan",
                "max_range_km": 500,
                "revisit_s": 4,
                "boresight_az_deg": 10,
            }
        ],
        NATIONS,
        epoch,
    )[0]
    assert s.preset.max_range_m == 500e3 and s.preset.revisit_s == 4.0
    assert s.boresight_az_rad == pytest.approx(np.radians(10))
    geo = build_sensors(
        [{"id": "g", "nation": "USA", "kind": "ir-geo", "preset": "sbirs-geo", "lon_deg": 150}], NATIONS, epoch
    )[0]
    assert geo.descriptor()["lon_deg"] == pytest.approx(150.0)
    leo = build_sensors(
        [{"id": "l", "nation": "USA", "kind": "ir-leo", "preset": "leo-tracking", "planes": 2, "sats_per_plane": 3}],
        NATIONS,
        epoch,
    )
    assert [x.sensor_id for x in leo] == ["l-00-00", "l-00-01", "l-00-02", "l-01-00", "l-01-01", "l-01-02"]


GOOD = {"id": "a", "nation": "JPN", "kind": "radar", "preset": "spy-1d", "site": {"lat": 39.5, "lon": 135.0}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"preset": "foo"}, "sensors[1].preset: unknown preset 'foo'; known: an-tpy-2-fbm"),
        ({"preset": "sbirs-geo"}, "sensors[1].preset: 'sbirs-geo' is a ir-geo preset, not radar"),
        ({"kind": "sonar"}, "sensors[1].kind: unknown kind 'sonar'"),
        ({"nation": "FRA"}, "sensors[1].nation: 'FRA' is not one of the scenario's nations"),
        ({"site": "atlantis"}, "sensors[1].site: unknown place 'atlantis'"),
        ({"site": {"lat": 95, "lon": 135}}, "sensors[1].site.lat: must be within [-90.0, 90.0]"),
        ({"site": {"lat": 35}}, "sensors[1].site.lon: required"),
        ({"site": 7}, "sensors[1].site: must be {lat, lon} or a place name"),
        ({"max_range_km": -3}, "sensors[1].max_range_km: must be > 0"),
        ({"latency_s": -1}, "sensors[1].latency_s: must be >= 0.0, got -1"),
        ({"revisit_s": "fast"}, "sensors[1].revisit_s: must be a finite number"),
        ({"boresight_az_deg": 400}, "sensors[1].boresight_az_deg: must be within [0.0, 360.0]"),
        ({"platform": "plane"}, "sensors[1].platform: unknown platform 'plane'"),
        ({"colour": "red"}, "sensors[1]: unknown field(s) ['colour'] for kind radar"),
        ({"id": ""}, "sensors[1].id: must be a non-empty string"),
        (
            {"id": "usa-aegis-1"},
            "sensors[1].id: duplicate sensor id 'usa-aegis-1' (first at sensors[0](default-laydown",
        ),
    ],
)
def test_bad_radar_specs(epoch, change, message):
    entry = {**GOOD, **change}
    with pytest.raises(SensorSpecError) as err:
        build_sensors([{"use": "default-laydown"}, entry], NATIONS, epoch)
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ("nope", "sensors: must be a list of entries"),
        ([3], "sensors[0]: must be a mapping"),
        ([{"use": "everything"}], "sensors[0].use: unknown 'everything'; known: default-laydown"),
        ([{"use": "default-laydown", "id": "x"}], "sensors[0]: a 'use' entry takes no other fields"),
        ([{"nation": "USA", "kind": "radar", "preset": "spy-1d"}], "sensors[0].id: required"),
        ([{"id": "r", "nation": "USA", "kind": "radar", "preset": "spy-1d"}], "sensors[0].site: required"),
        (
            [{"id": "l", "nation": "USA", "kind": "ir-leo", "preset": "leo-tracking", "planes": 2.5}],
            "sensors[0].planes: must be a whole number",
        ),
        (
            [{"id": "g", "nation": "USA", "kind": "ir-geo", "preset": "sbirs-geo", "site": "sado"}],
            "sensors[0]: unknown field(s) ['site'] for kind ir-geo",
        ),
        (
            [{"id": "g", "nation": "USA", "kind": "ir-geo", "preset": "sbirs-geo", "lon_deg": True}],
            "sensors[0].lon_deg: must be a finite number",
        ),
    ],
)
def test_bad_specs(epoch, entries, message):
    with pytest.raises(SensorSpecError) as err:
        build_sensors(entries, NATIONS, epoch)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_latency_is_exposed_and_matches_the_presets(epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    for s in sensors:
        assert s.latency_s == PRESETS[s.descriptor()["preset"]].latency_s
    assert {s.latency_s for s in sensors} == {2.0, 3.0, 4.0}  # reports arrive out of measurement order
    tuned = build_sensors([{**GOOD, "latency_s": 0.5}], NATIONS, epoch)[0]
    assert tuned.latency_s == 0.5
