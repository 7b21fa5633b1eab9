"""Checks on detections before they reach the filter: a bad report is refused with the reason and where it is.

The Detection type already refuses an unknown model or a wrong shape when it is built; these
checks repeat that (a feed may hand over objects built some other way) and add what it does
not check: finite numbers, a usable noise covariance, a sensor position.
The numeric checks run on a whole scan's stacked arrays at once; only when one fails is the
offending detection looked up, to name it. Time order is not a check: late reports are used.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from triwatch.sensors.detection import Detection
from triwatch.tracking.measurements import MEASUREMENT_SIZES


def _problem(i: int, det, text: str) -> ValueError:
    sensor = getattr(det, "sensor_id", "?")
    return ValueError(f"detections[{i}] (sensor {sensor!r}, t={getattr(det, 'time_s', '?')}): {text}")


def _check_model_and_shapes(i: int, det) -> None:
    model = getattr(det, "model", None)
    m = MEASUREMENT_SIZES.get(model) if isinstance(model, str) else None
    if m is None:
        raise _problem(i, det, f"unknown model {model!r}; known: {tuple(MEASUREMENT_SIZES)}")
    if np.shape(det.z) != (m,):
        raise _problem(i, det, f"z must have shape ({m},) for {model}, got {np.shape(det.z)}")
    if np.shape(det.R) != (m, m):
        raise _problem(i, det, f"R must have shape ({m}, {m}) for {model}, got {np.shape(det.R)}")
    if np.shape(det.sensor_ecef) != (3,):
        raise _problem(i, det, f"sensor_ecef must have shape (3,), got {np.shape(det.sensor_ecef)}")


def check_shapes_and_times(detections: Sequence) -> None:
    """Known model, shapes of z, R and sensor position, finite times.

    A triwatch Detection has checked its model and shapes when it was built (it is frozen), so
    only other objects get those checks here; times are checked for all, as one array.
    """
    for i, det in enumerate(detections):
        if type(det) is not Detection:
            _check_model_and_shapes(i, det)
    if not detections:
        return
    times = np.fromiter((d.time_s for d in detections), float, len(detections))
    bad = ~np.isfinite(times)
    if bad.any():
        i = int(np.argmax(bad))
        raise _problem(i, detections[i], f"time_s must be finite, got {times[i]}")


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
    bad_R = ~np.all(np.isfinite(R), axis=(1, 2))
    if not bad_R.any():
        asym = np.abs(R - np.swapaxes(R, 1, 2)) > 1e-9 * np.abs(R).max(axis=(1, 2), keepdims=True)
        bad_R |= asym.any(axis=(1, 2))
    ok = ~bad_R
    if ok.all() and np.all(R[0] == R):  # one noise for the scan (the usual case): one eigen-check
        bad_R |= np.linalg.eigvalsh(R[0])[0] <= 0.0
    elif ok.any():
        bad_R[ok] |= np.linalg.eigvalsh(R[ok])[:, 0] <= 0.0
    bad_range = np.zeros_like(bad_z)
    if model.startswith("radar"):
        bad_range = ~bad_z & (np.where(bad_z, 1.0, Z[:, 0]) <= 0.0)
    if not (bad_z.any() or bad_site.any() or moved.any() or bad_R.any() or bad_range.any()):
        return
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
