"""False alarms of different radars chained into an impossibly fast 'track' are never confirmed."""

from __future__ import annotations

import numpy as np
from tracking_sim import SEONGJU, SHARIKI, Radar

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.sensors.detection import Detection
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.tracking.initiation import impossible_speed
from triwatch.tracking.measurements import predict_measurement


def report(radar: Radar, r: np.ndarray, t: float) -> Detection:
    z, _ = predict_measurement(radar.model, np.r_[r, 0.0, 0.0, 0.0][None], radar.ecef, radar.lat, radar.lon)
    return Detection(
        t, t, radar.sensor_id, "KOR", radar.model, z[0], radar.noise_covariance(), radar.ecef, radar.lat, radar.lon
    )


def test_impossible_speed_needs_three_sigma_above_the_limit():
    x = np.zeros((3, 7))
    x[:, 3] = [7500.0, 9500.0, 9500.0]
    P = np.zeros((3, 7, 7))
    P[:, 3:6, 3:6] = np.eye(3) * np.array([100.0, 100.0, 1000.0])[:, None, None] ** 2
    assert impossible_speed(x, P, 8000.0).tolist() == [False, True, False]  # the last: 9.5 +- 3 km/s


def test_false_alarms_of_three_radars_chained_at_70_km_s_are_dropped():
    # Three "reports" 6-20 s apart and 60-450 km apart, all near 40 km up: the tentative track
    # they would make flies tens of km/s. Nothing ballistic does; no track is ever confirmed.
    third = Radar("KOREA-3", 37.0, 127.0)
    points = [
        (report(third, geodetic_to_ecef(np.radians(37.55), np.radians(126.80), 38e3), 1282.0)),
        (report(SEONGJU, geodetic_to_ecef(np.radians(37.55), np.radians(127.43), 29e3), 1288.0)),
        (report(SHARIKI, geodetic_to_ecef(np.radians(40.95), np.radians(129.55), 66e3), 1308.0)),
        (report(third, geodetic_to_ecef(np.radians(41.50), np.radians(130.50), 60e3), 1312.0)),
    ]
    tracker = NationalTracker(TrackerConfig(id_prefix="KOR"))
    for det in points:
        tracker.process([det])
        assert tracker.tracks() == []
        assert all(rec.hits == 1 for rec in tracker.store.records)  # no chain of two: each dropped at its 2nd hit
