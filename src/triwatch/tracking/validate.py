"""Checks on detections before they reach the filter: a bad report is refused with the reason and where it is.

The Detection type already refuses an unknown model or a wrong shape when it is built; these
checks repeat that (a feed may hand over objects built some other way) and add what it does
not check: finite numbers, a usable noise covariance, a sensor position, and time order.
The numeric checks run on a whole scan's stacked arrays at once; only when one fails is the
offending detection looked up, to name it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from triwatch.tracking.measurements import MEASUREMENT_SIZES


def _problem(i: int, det, text: str) -> ValueError:
    sensor = getattr(det, "sensor_id", "?")
    return ValueError(f"detections[{i}] (sensor {sensor!r}, t={getattr(det, 'time_s', '?')}): {text}")


def check_order_and_shapes(detections: Sequence, last_time_s: float) -> None:
    """Known model, shapes of z and R, finite non-decreasing times (from the tracker's last time on)."""
    previous = last_time_s
    for i, det in enumerate(detections):
        model = getattr(det, "model", None)
        if model not in MEASUREMENT_SIZES:
            raise _problem(i, det, f"unknown model {model!r}; known: {tuple(MEASUREMENT_SIZES)}")
        m = MEASUREMENT_SIZES[model]
        if np.shape(det.z) != (m,):
            raise _problem(i, det, f"z must have shape ({m},) for {model}, got {np.shape(det.z)}")
        if np.shape(det.R) != (m, m):
            raise _problem(i, det, f"R must have shape ({m}, {m}) for {model}, got {np.shape(det.R)}")
        if np.shape(det.sensor_ecef) != (3,):
            raise _problem(i, det, f"sensor_ecef must have shape (3,), got {np.shape(det.sensor_ecef)}")
        t = det.time_s
        if not np.isfinite(t):
            raise _problem(i, det, f"time_s must be finite, got {t}")
        if t < previous:
            raise _problem(
                i, det, f"out of time order: {t} s comes after {previous} s (detections must be sorted by time_s)"
            )
        previous = t


def check_scan_values(
    indices: Sequence[int],
    detections: Sequence,
    model: str,
    Z: np.ndarray,
    R: np.ndarray,
    sites: np.ndarray,
    latlon: np.ndarray,
) -> None:
    """Finite z, symmetric positive-definite R, one finite sensor position, positive radar range, for one scan.

    indices: positions of the scan's detections in the caller's list, to name a bad one.
    """
    bad_z = ~np.all(np.isfinite(Z), axis=1)
    bad_site = ~np.all(np.isfinite(sites), axis=1) | ~np.all(np.isfinite(latlon), axis=1)
    moved = np.any(sites != sites[0], axis=1)  # one sensor at one instant is at one place
    finite_R = np.all(np.isfinite(R), axis=(1, 2))
    bad_R = ~finite_R
    bad_R[finite_R] |= ~np.all(
        np.isclose(R[finite_R], np.swapaxes(R[finite_R], 1, 2), rtol=1e-9, atol=0.0), axis=(1, 2)
    )
    ok = ~bad_R
    if ok.any():
        bad_R[ok] |= np.linalg.eigvalsh(R[ok])[:, 0] <= 0.0
    bad_range = model.startswith("radar") & ~bad_z & (np.where(bad_z, 1.0, Z[:, 0]) <= 0.0)
    for k, i in enumerate(indices):
        det = detections[i]
        if bad_z[k]:
            raise _problem(i, det, f"z has non-finite values: {Z[k].tolist()}")
        if bad_R[k]:
            raise _problem(i, det, "R must be finite, symmetric and positive definite")
        if bad_site[k]:
            raise _problem(i, det, f"sensor_ecef, sensor_lat, sensor_lon must be finite, got {sites[k].tolist()}")
        if moved[k]:
            raise _problem(i, det, "sensor_ecef differs from that of the same sensor's other reports at this time")
        if bad_range[k]:
            raise _problem(i, det, f"range must be > 0, got {Z[k, 0]} m")
