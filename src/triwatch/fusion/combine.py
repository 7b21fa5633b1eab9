"""One system track's fused state from its live members: the picture's combination step.

The members, each reported at its own time, are flown to the newest member's time with their
nations' drag estimates (`fusion.predict.predict_members`), then combined by
`covariance_intersection.fuse_members`: each discounted by its age, the largest set that agrees
pairwise kept, covariance intersection of that set. Two choices are made here, per object:

- *Calibration* (`fusion.calibration`): members of a coasting object are fused with their covariance
  times their nation's learnt scale, and every pair of fresh agreeing members of two nations teaches
  the calibration. Not under thrust: there a nation's over-confidence changes within seconds
  (track initiation) and a scale learnt on the few boost pairs made boost worse.
- *The agreement allowance*: the agreement test carries the gate allowance of `fusion.gating`
  (registration and over-confidence left out of the reported covariances), and the calibration's
  scale does not widen it further (`fuse_members(scale=...)`).
"""

from __future__ import annotations

import numpy as np

from triwatch.fusion.calibration import NationCalibration
from triwatch.fusion.covariance_intersection import fuse_members
from triwatch.fusion.predict import predict_members
from triwatch.fusion.system_track import SystemTrack, sharpest_inv_beta


def fuse_system_track(
    st: SystemTrack,
    stale_s: float,
    allowance: np.ndarray,
    gate: float,
    calibration: NationCalibration | None,
) -> None:
    """Set st's fused state, covariance, time and ballistic coefficient from its members live within stale_s.

    allowance (6, 6): the picture's gate allowance (its position block widens the agreement test);
    calibration: the picture's per-nation scales, taught by this fusion too (None: reported covariances).
    """
    newest = max(m.report.time_s for m in st.members.values())
    live = st.live_members(newest, stale_s)
    xs, Ps = predict_members(live, newest)
    ages = newest - np.array([m.report.time_s for m in live])
    origins = [m.origin for m in live]
    thrusting = any(m.report.thrusting for m in live)  # the object is under thrust if any nation sees it
    scale = np.ones(len(live)) if calibration is None or thrusting else calibration.scales(origins)
    allowance_rr = np.asarray(allowance, float)[:3, :3]
    st.x, st.P, agree = fuse_members(xs, Ps, ages, allowance_rr, gate, scale=scale)
    if calibration is not None and not thrusting:  # each nation's over-confidence, from cross-nation residuals
        calibration.observe(origins, origins, xs, Ps, ages, agree)
    st.inv_beta = sharpest_inv_beta([m for m, ok in zip(live, agree, strict=True) if ok])
    st.time_s = newest
    st.last_update_s = newest
