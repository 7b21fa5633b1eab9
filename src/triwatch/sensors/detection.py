"""The Detection: what a sensor reports. The only thing a tracker ever sees of the world.

A detection carries a measurement vector z with its noise covariance R, the
measurement model that explains z, and where the sensor was when it measured.
It never carries truth (which object caused it, or whether it is a false alarm):
scoring keeps that link on the simulation side.

Measurement models (SI units, angles in radians):

- ``radar-rae``: z = (range, azimuth, elevation) in the sensor's local ENU frame,
  azimuth clockwise from North; ``radar-raer`` adds range rate (m/s, positive opening).
- ``ir-los``: a line of sight from the sensor, z = (alpha, delta) with the unit
  vector u = (cos d cos a, cos d sin a, sin d) in ECEF; angle-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MEASUREMENT_MODELS = ("radar-rae", "radar-raer", "ir-los")


@dataclass(frozen=True, slots=True)
class Detection:
    """One sensor report.

    time_s: scenario time of the measurement; report_time_s: when it reaches the
    national node (time_s plus the sensor's report latency).
    """

    time_s: float
    report_time_s: float
    sensor_id: str
    nation: str
    model: str
    z: np.ndarray
    R: np.ndarray
    sensor_ecef: np.ndarray
    sensor_lat: float
    sensor_lon: float
    snr_db: float | None = None
    extras: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.model not in MEASUREMENT_MODELS:
            raise ValueError(
                f"Detection from {self.sensor_id}: unknown model {self.model!r}, expected one of {MEASUREMENT_MODELS}"
            )
        if not -np.pi / 2 <= self.sensor_lat <= np.pi / 2 or not -2 * np.pi <= self.sensor_lon <= 2 * np.pi:
            raise ValueError(
                f"Detection from {self.sensor_id}: sensor_lat/sensor_lon must be radians, got "
                f"{self.sensor_lat}, {self.sensor_lon} (degrees passed as radians?)"
            )
        n = {"radar-rae": 3, "radar-raer": 4, "ir-los": 2}[self.model]
        if np.shape(self.z) != (n,) or np.shape(self.R) != (n, n):
            raise ValueError(
                f"Detection from {self.sensor_id}: model {self.model} needs z of shape ({n},) and R ({n},{n}), "
                f"got {np.shape(self.z)} and {np.shape(self.R)}"
            )
