"""Turn a national tracker's estimates into the releasable message payloads (no sensor identities)."""

from __future__ import annotations

import numpy as np

from triwatch.messages import GroundPoint, TrackReport
from triwatch.tracking import PointEstimate, TrackEstimate


def ground_point(p: PointEstimate | None) -> GroundPoint | None:
    if p is None:
        return None
    return GroundPoint(
        lat_deg=float(np.degrees(p.lat_rad)),
        lon_deg=float(np.degrees(p.lon_rad)),
        time_s=float(p.time_s),
        cov_en_m2=np.asarray(p.cov_en_m2, float).tolist(),
        time_sigma_s=float(p.time_sigma_s),
    )


def track_report(tr: TrackEstimate) -> TrackReport:
    """The releasable form of a local track: no sensor identities."""
    return TrackReport(
        track_id=tr.track_id,
        time_s=float(tr.time_s),
        x=np.asarray(tr.x, float).tolist(),
        P=np.asarray(tr.P, float).tolist(),
        status=tr.status,
        thrusting=bool(tr.thrusting),
        launch=ground_point(tr.launch),
        impact=ground_point(tr.impact),
        apogee_m=None if tr.apogee_m is None else float(tr.apogee_m),
        category=tr.category,
        profile=tr.profile,
        parent_id=tr.parent_id,
        beta_kg_m2=tr.beta_kg_m2,
        log_beta_sigma=tr.log_beta_sigma,
    )
