"""Bad detections and bad settings are refused with an error that names what and where; nothing is half-used."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from tracking_sim import SEONGJU

from triwatch.sensors.detection import Detection
from triwatch.tracking import NationalTracker, TrackerConfig


def _det(t=0.0, z=(800e3, 0.3, 0.2), R=None, model="radar-rae", **kw) -> Detection:
    z = np.asarray(z, float)
    R = np.diag([100.0, 1e-7, 1e-7]) if R is None else np.asarray(R, float)
    fields = dict(
        time_s=t,
        report_time_s=t,
        sensor_id="SEONGJU",
        nation="KOR",
        model=model,
        z=z,
        R=R,
        sensor_ecef=SEONGJU.ecef,
        sensor_lat=SEONGJU.lat,
        sensor_lon=SEONGJU.lon,
    )
    fields.update(kw)
    return Detection(**fields)


def _raw(**kw):
    """A detection-like object built without Detection's own checks (as a foreign feed might)."""
    d = _det()
    fields = {name: getattr(d, name) for name in ("time_s", "sensor_id", "model", "z", "R", "sensor_ecef")}
    fields.update(sensor_lat=d.sensor_lat, sensor_lon=d.sensor_lon)
    fields.update(kw)
    return SimpleNamespace(**fields)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (_det(z=(np.nan, 0.3, 0.2)), r"detections\[1\] .*z has non-finite values"),
        (_det(z=(-5.0, 0.3, 0.2)), r"detections\[1\] .*range must be > 0"),
        (_det(R=np.diag([100.0, -1e-7, 1e-7])), r"detections\[1\] .*positive definite"),
        (_det(R=[[100.0, 1.0, 0.0], [0.0, 1e-7, 0.0], [0.0, 0.0, 1e-7]]), r"detections\[1\] .*symmetric"),
        (_det(R=np.diag([np.inf, 1e-7, 1e-7])), r"detections\[1\] .*R must be finite"),
        (_raw(model="lidar"), r"detections\[1\] .*unknown model 'lidar'; known: \('radar-rae'"),
        (_raw(z=np.zeros(2)), r"detections\[1\] .*z must have shape \(3,\) for radar-rae, got \(2,\)"),
        (_raw(R=np.eye(2)), r"detections\[1\] .*R must have shape \(3, 3\)"),
        (_raw(sensor_ecef=np.array([np.nan, 0.0, 0.0])), r"detections\[1\] .*sensor_ecef.* must be finite"),
        (_raw(time_s=np.nan), r"detections\[1\] .*time_s must be finite"),
    ],
)
def test_bad_detection_is_refused_by_index_and_nothing_is_used(bad, message):
    tracker = NationalTracker()
    with pytest.raises(ValueError, match=message):
        tracker.process([_det(), bad])
    assert len(tracker.store) == 0 and tracker.reports_processed == 0


def test_detection_type_itself_refuses_wrong_shapes_and_models():
    with pytest.raises(ValueError, match="unknown model 'sonar'"):
        _det(model="sonar")
    with pytest.raises(ValueError, match=r"needs z of shape \(3,\)"):
        _det(z=(1.0, 2.0))


def test_same_sensor_same_time_at_two_places_is_refused():
    moved = _det(sensor_ecef=SEONGJU.ecef + 1000.0)
    with pytest.raises(ValueError, match=r"detections\[1\] .*differs from that of the same sensor"):
        NationalTracker().process([_det(), moved])


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"id_prefix": ""}, "id_prefix: must be a non-empty string"),
        ({"gate_probability": 1.0}, r"gate_probability: must be in \(0, 1\)"),
        ({"confirm_m": 4, "confirm_n": 3}, "confirm_m, confirm_n: need 1 <= m <= n"),
        ({"delete_after_s": -1.0}, "delete_after_s: must be a positive number"),
        ({"q_ballistic_m2_s3": float("nan")}, "q_ballistic_m2_s3: must be a positive number"),
        ({"estimate_refresh_s": -1.0}, "estimate_refresh_s: must be >= 0"),
    ],
)
def test_bad_config_is_refused(kw, message):
    with pytest.raises(ValueError, match=message):
        TrackerConfig(**kw)


def test_empty_input_is_fine():
    tracker = NationalTracker()
    tracker.process([])
    assert tracker.tracks() == []
