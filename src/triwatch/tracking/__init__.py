"""National tracking: filters, gating, association, track life cycle, launch/impact estimation. Knows nothing of nations, policy or the fabric.

Public API:

    NationalTracker(config).process(detections); NationalTracker.tracks() -> list[TrackEstimate]
    TrackerConfig, TrackEstimate, PointEstimate
    triwatch.tracking.impact.predict_impact(x, P, t_s) -> PointEstimate | None
    triwatch.tracking.metrics.gospa(estimates, truths, c, p, alpha) -> dict
"""

from triwatch.tracking.tracker import NationalTracker
from triwatch.tracking.types import PointEstimate, TrackerConfig, TrackEstimate

__all__ = ["NationalTracker", "PointEstimate", "TrackEstimate", "TrackerConfig"]
