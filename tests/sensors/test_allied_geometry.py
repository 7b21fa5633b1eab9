"""The Oct-2022-like IRBM over northern Japan through the default laydown: who sees what, when; reproducibility."""

from collections import defaultdict

import numpy as np
import pytest
from simple_flight import scene_at

from triwatch.sensors.factory import build_sensors

NATIONS = ["USA", "JPN", "KOR"]


def run(flight, epoch, seed, step=1, t_end=None):
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)
    rng = np.random.default_rng(seed)
    obs = []
    for t in flight.t_s[:t_end:step]:
        scene = scene_at({"L1": flight}, t)
        for s in sensors:
            obs.extend(s.observe(scene, rng))
    return obs


@pytest.fixture(scope="module")
def observations(oct2022):
    from simple_flight import EPOCH

    return run(oct2022, EPOCH, seed=7)


def test_korea_holds_the_flight_before_japan_and_japan_holds_the_end(observations):
    radar_times = defaultdict(list)
    for o in observations:
        if o.truth_id and o.detection.model.startswith("radar"):
            radar_times[o.detection.nation].append(o.detection.time_s)
    first = {n: min(ts) for n, ts in radar_times.items()}
    last = {n: max(ts) for n, ts in radar_times.items()}
    assert first["KOR"] < first["JPN"]
    assert last["JPN"] > last["KOR"] + 300  # Korea's radars lose it behind the horizon over the Sea of Japan
    # Japan's first sight comes only once the missile climbs above its radars' horizon
    assert first["JPN"] - first["KOR"] >= 5


def test_detections_name_sensor_and_nation_but_never_the_truth(observations):
    for o in observations:
        d = o.detection
        assert d.sensor_id and d.nation in NATIONS
        assert d.report_time_s > d.time_s
        assert "L1" not in repr(d)
        assert d.model in ("radar-rae", "radar-raer", "ir-los")
    assert any(o.truth_id is None for o in observations), "false alarms are part of the picture"


def test_same_seed_same_detections(oct2022, epoch):
    a = run(oct2022, epoch, seed=3, step=4, t_end=400)
    b = run(oct2022, epoch, seed=3, step=4, t_end=400)
    c = run(oct2022, epoch, seed=4, step=4, t_end=400)
    key = lambda obs: [(o.detection.sensor_id, o.detection.time_s, tuple(o.detection.z), o.truth_id) for o in obs]  # noqa: E731
    assert key(a) == key(b)
    assert key(a) != key(c)


def test_sensor_replay_restarts_cleanly(oct2022, epoch):
    """The same sensor objects run twice (time goes back to 0) give the same detections."""
    sensors = build_sensors([{"use": "default-laydown"}], NATIONS, epoch)

    def once():
        rng = np.random.default_rng(1)
        out = []
        for t in oct2022.t_s[:300:3]:
            scene = scene_at({"L1": oct2022}, t)
            for s in sensors:
                out += [
                    (o.detection.sensor_id, o.detection.time_s, tuple(o.detection.z)) for o in s.observe(scene, rng)
                ]
        return out

    assert once() == once()
