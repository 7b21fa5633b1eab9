"""Turning the tracker's arrays into TrackEstimates, with the derived estimates computed lazily.

Impact prediction and backwards flight cost a few hundred RK4 steps per sigma point, far more
than a filter update, so they are computed only when tracks are asked for, for all tracks that
changed in one batched call, and cached per track until its next update.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import MEAN_RADIUS_M
from triwatch.tracking import imm
from triwatch.tracking.characterise import (
    apogee_height,
    category_of,
    launch_from_coast,
    minimum_energy_range,
    profile_of,
)
from triwatch.tracking.drag import LOG_BETA
from triwatch.tracking.earth import up_of
from triwatch.tracking.impact import predict_impacts
from triwatch.tracking.launch_fusion import fuse_points
from triwatch.tracking.store import TrackStore
from triwatch.tracking.types import PointEstimate, TrackerConfig, TrackEstimate


def great_circle_m(a: PointEstimate, b: PointEstimate) -> float:
    """Ground distance between two points on the mean sphere (haversine)."""
    dlat, dlon = b.lat_rad - a.lat_rad, b.lon_rad - a.lon_rad
    s = np.sin(dlat / 2) ** 2 + np.cos(a.lat_rad) * np.cos(b.lat_rad) * np.sin(dlon / 2) ** 2
    return float(2.0 * MEAN_RADIUS_M * np.arcsin(np.sqrt(min(1.0, s))))


def thrusting_flags(x: np.ndarray, mu: np.ndarray, threshold: float) -> np.ndarray:
    """Believed to be thrusting: the thrust model is probable and the object climbs.

    A falling object that decelerates in the air (re-entry drag) also excites the thrust model;
    requiring a climb keeps it from being called a burning motor.
    """
    r, v = x[:, :3], x[:, 3:6]
    v_up = np.einsum("ki,ki->k", v, up_of(r))
    return (mu[:, imm.THRUST] > threshold) & (v_up > 0.0)


def _fused_launch(rec, boost: PointEstimate | None, back: PointEstimate | None) -> PointEstimate | None:
    """fuse_points(boost, back), kept on the record until either estimate is replaced (tracks() asks at every tick)."""
    kept = rec.cache.get("fused_launch")
    if kept is not None and kept[0] is boost and kept[1] is back:
        return kept[2]
    fused = fuse_points(boost, back)
    rec.cache["fused_launch"] = (boost, back, fused)
    return fused


def build_estimates(store: TrackStore, now_s: float, config: TrackerConfig) -> list[TrackEstimate]:
    """TrackEstimates of the confirmed (and coasting) tracks, at their last update times."""
    rows = [i for i, r in enumerate(store.records) if r.status == "confirmed"]
    if not rows:
        return []
    x, P = store.reported(rows)  # mean square error about the mean, unresolved tracks included
    t = store.t[rows]
    thrusting = thrusting_flags(x, store.mu[rows], config.thrusting_probability)
    stale = [
        j
        for j, i in enumerate(rows)
        if store.records[i].cache.get("n") != store.records[i].n_updates
        and t[j] - store.records[i].cache.get("t", -np.inf) >= config.estimate_refresh_s
    ]
    if stale:
        s = np.array(stale)
        impacts = predict_impacts(x[s], P[s], t[s])
        # A separated object was not launched from where its own flight, run backwards, meets the
        # ground: it takes its parent's launch (below), never a back-propagation of its own. A track
        # that saw its boost back-propagates too: the two estimates fuse (launch_fusion.py).
        need_back = [j for j in stale if store.records[rows[j]].parent_id is None and not thrusting[j]]
        backs = dict(zip(need_back, launch_from_coast(x[need_back], P[need_back], t[need_back]), strict=True))
        apogees = apogee_height(x[s])
        ranges = minimum_energy_range(x[s])
        for k, j in enumerate(stale):
            rec = store.records[rows[j]]
            rec.cache = {
                "n": rec.n_updates,
                "t": float(t[j]),
                "impact": impacts[k],
                "launch_back": backs.get(j),
                "apogee": None if thrusting[j] or not np.isfinite(apogees[k]) else float(apogees[k]),
                "energy_range": float(ranges[k]),
            }
    by_id = {r.track_id: r for r in store.records}
    out = []
    for j, i in enumerate(rows):
        rec = store.records[i]
        c = rec.cache
        parent = by_id.get(rec.parent_id) if rec.parent_id is not None else None
        if parent is not None:  # a separated object reports its (living) parent's launch, as the parent does
            launch = _fused_launch(rec, parent.launch, parent.cache.get("launch_back"))
        else:
            launch = _fused_launch(rec, rec.launch, c["launch_back"])
        apogee = None if thrusting[j] else c["apogee"]
        if apogee is not None:
            apogee = max(apogee, rec.max_height_m)  # the orbit's apogee cannot be below a height already seen
        category = None if thrusting[j] else category_of(c["energy_range"])
        profile = None
        if apogee is not None and launch is not None and c["impact"] is not None:
            profile = profile_of(apogee, great_circle_m(launch, c["impact"]))
        out.append(
            TrackEstimate(
                track_id=rec.track_id,
                time_s=float(t[j]),
                x=x[j, :6].copy(),
                P=P[j, :6, :6].copy(),
                status="coasting" if now_s - t[j] > config.coast_after_s else "confirmed",
                n_updates=rec.n_updates,
                sensor_ids=tuple(rec.sensor_ids),
                thrusting=bool(thrusting[j]),
                launch=launch,
                impact=c["impact"],
                apogee_m=apogee,
                category=category,
                profile=profile,
                parent_id=rec.parent_id,
                beta_kg_m2=float(np.exp(x[j, LOG_BETA])),
                log_beta_sigma=float(np.sqrt(P[j, LOG_BETA, LOG_BETA])),
            )
        )
    return out
