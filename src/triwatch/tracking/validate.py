"""Checks on detections before they reach the filter: a bad report is refused with the reason and where it is.

The Detection type already refuses an unknown model or a wrong shape when it is built; these
checks repeat that (a feed may hand over objects built some other way) and add what it does
not check: finite numbers, a usable noise covariance, a sensor position, and time order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from triwatch.tracking.measurements import MEASUREMENT_SIZES


def _problem(i: int, det, text: str) -> ValueError:
    sensor = getattr(det, "sensor_id", "?")
    return ValueError(f"detections[{i}] (sensor {sensor!r}, t={getattr(det, 'time_s', '?')}): {text}")


def check_detection(i: int, det) -> None:
    """Raise ValueError naming detections[i] and what is wrong with it; return None if usable."""
    model = getattr(det, "model", None)
    if model not in MEASUREMENT_SIZES:
        raise _problem(i, det, f"unknown model {model!r}; known: {tuple(MEASUREMENT_SIZES)}")
    m = MEASUREMENT_SIZES[model]
    z = np.asarray(det.z, float)
    R = np.asarray(det.R, float)
    if z.shape != (m,):
        raise _problem(i, det, f"z must have shape ({m},) for {model}, got {z.shape}")
    if R.shape != (m, m):
        raise _problem(i, det, f"R must have shape ({m}, {m}) for {model}, got {R.shape}")
    if not np.all(np.isfinite(z)):
        raise _problem(i, det, f"z has non-finite values: {z.tolist()}")
    if not np.all(np.isfinite(R)):
        raise _problem(i, det, "R has non-finite values")
    if not np.allclose(R, R.T, rtol=1e-9, atol=0.0):
        raise _problem(i, det, "R is not symmetric")
    if np.any(np.linalg.eigvalsh(R) <= 0.0):
        raise _problem(i, det, "R is not positive definite")
    site = np.asarray(det.sensor_ecef, float)
    if site.shape != (3,) or not np.all(np.isfinite(site)):
        raise _problem(i, det, f"sensor_ecef must be 3 finite numbers, got {site.tolist()}")
    if not (np.isfinite(det.sensor_lat) and np.isfinite(det.sensor_lon)):
        raise _problem(i, det, "sensor_lat/sensor_lon must be finite")
    if not np.isfinite(det.time_s):
        raise _problem(i, det, f"time_s must be finite, got {det.time_s}")
    if model.startswith("radar") and z[0] <= 0.0:
        raise _problem(i, det, f"range must be > 0, got {z[0]} m")


def check_batch(detections: Sequence, last_time_s: float) -> None:
    """Every detection usable and times non-decreasing, from the tracker's last processed time on."""
    previous = last_time_s
    for i, det in enumerate(detections):
        check_detection(i, det)
        if det.time_s < previous:
            raise _problem(
                i,
                det,
                f"out of time order: {det.time_s} s comes after {previous} s (detections must be sorted by time_s)",
            )
        previous = det.time_s
