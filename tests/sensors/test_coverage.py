"""Coverage grid and trajectory visibility spans."""

import numpy as np
import pytest

from triwatch.sensors.coverage import coverage_grid, gaps_between, spans_of, visibility_spans
from triwatch.sensors.factory import build_sensors

NATIONS = ["USA", "JPN", "KOR"]


def test_spans_and_gaps_hand_made():
    t = np.arange(10.0)
    mask = np.array([0, 1, 1, 0, 0, 1, 0, 0, 1, 1], bool)
    spans = spans_of(t, mask)
    assert spans == [(1.0, 2.0), (5.0, 5.0), (8.0, 9.0)]
    assert gaps_between(spans, 0.0, 9.0) == [(0.0, 1.0), (2.0, 5.0), (5.0, 8.0)]
    assert spans_of(t, np.zeros(10, bool)) == [] and gaps_between([], 0.0, 9.0) == [(0.0, 9.0)]


def test_grid_single_radar_disc(epoch):
    # one all-round SPY-1D at sea, 100 km altitude: seen out to the horizon (~1,300 km on 4/3 Earth) and its
    # 1,100 km instrumented range, whichever is less -> a disc of radius ~1,100 km
    s = build_sensors(
        [{"id": "ship", "nation": "JPN", "kind": "radar", "preset": "spy-1d", "site": {"lat": 38.0, "lon": 134.0}}],
        NATIONS,
        epoch,
    )
    grid = coverage_grid(s, np.array([38.0]), np.arange(120.0, 150.0, 0.1), 100e3, nations=NATIONS)
    assert grid.seen.shape == (3, 1, 300)
    assert not grid.seen[0].any() and not grid.seen[2].any()
    lon = grid.lon_deg[grid.seen[1, 0]]
    half_width_km = (lon.max() - lon.min()) / 2 * 111.32 * np.cos(np.radians(38.0))
    assert half_width_km == pytest.approx(1100 - 5, abs=25)  # slant 1,100 km at 100 km altitude
    assert grid.count().max() == 1


def test_default_laydown_grid_korea_sees_the_peninsula_japan_sees_east(epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    lat = np.array([39.0, 41.0])
    lon = np.array([126.0, 150.0])
    g = coverage_grid(sensors, lat, lon, 100e3, kinds=["radar"], nations=NATIONS)
    kor, jpn = g.seen[NATIONS.index("KOR")], g.seen[NATIONS.index("JPN")]
    assert kor[0, 0] and not kor[1, 1]  # over North Korea / far east of Japan
    assert jpn[1, 1]


def test_visibility_spans_oct2022(oct2022, epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    t = oct2022.t_s[::5]
    vis = visibility_spans(sensors, t, oct2022.r_ecef[::5], kinds=["radar"], nations=NATIONS)
    assert set(vis) == set(NATIONS)
    assert vis["KOR"].spans[0][0] < vis["JPN"].spans[0][0]
    assert vis["JPN"].spans[-1][1] > vis["KOR"].spans[-1][1]
    for v in vis.values():  # spans and gaps tile the flight
        covered = v.seen_s + sum(b - a for a, b in v.gaps)
        assert covered == pytest.approx(t[-1] - t[0], abs=5 * len(v.spans) + 5)
    space = visibility_spans(sensors, t, oct2022.r_ecef[::5], kinds=["ir-leo"])
    assert list(space) == ["USA"] and space["USA"].seen_s > 0.9 * (t[-1] - t[0])


def test_visibility_spans_rejects_bad_input(epoch):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    with pytest.raises(ValueError, match="3 times for 2 positions"):
        visibility_spans(sensors, np.arange(3.0), np.zeros((2, 3)))
