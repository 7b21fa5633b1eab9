"""Track accuracy against truth, over scenario time: position error, impact-point error, GOSPA.

- Position error of a national track: |r_track(t) - r_truth(t)| against the nearest live
  truth object (50 km gate; beyond it the update is counted as unassociated), t being the
  event's state time `time_s`. Track events without one get the distance to the true path
  flown in the minute before the event instead: comparing at the event time would add the
  report delay times the object's speed (~15-20 km at 3-4 km/s) to every error.
- Impact-point error of a warning: the geodesic distance from the warning's predicted
  impact point to where the truth object nearest the warning's fused state truly lands.
- GOSPA (Rahmathullah, Garcia-Fernandez, Svensson 2017; c = 10 km, p = 2, alpha = 2) of each
  node's periodic picture against every live truth object, the same score (and the same
  `triwatch.tracking.metrics.gospa`) as the run summary's `gospa_mean`:
  sqrt(sum of assigned d^2 + c^2/2 (missed + false)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.report.aar.truthgeo import ground_km, impact_point_deg, nearest, path_distance, positions_at
from triwatch.report.aar.validate import TruthTrack
from triwatch.tracking.metrics import gospa

GOSPA_C_M = 10e3


@dataclass
class Series:
    """One nation's points: times (s) and values, with a label per point (e.g. a warning kind)."""

    t_s: np.ndarray
    value: np.ndarray
    labels: list[str]


def track_errors(
    events: list[dict], truth: list[TruthTrack], nations: list[str]
) -> tuple[dict[str, Series], dict[str, int]]:
    """Per nation: position error (m) of its own track updates against truth, and how many
    updates had no truth object within the gate. An update with a state time (`time_s`) is
    compared with truth at that time; one without is measured to the true path flown in the
    minute before the event (labelled 'path'), since its state time is not known."""
    out, unassociated = {}, {}
    for nation in nations:
        mine = [e for e in events if e["node"] == nation and e["type"] == "track" and e.get("x") is not None]
        timed = np.array([e.get("time_s") is not None for e in mine], bool)
        t = np.array([float(e["time_s"] if e.get("time_s") is not None else e["t_s"]) for e in mine])
        r = np.reshape(np.array([e["x"][:3] for e in mine], float), (-1, 3))
        idx = np.full(t.size, -1)
        dist = np.full(t.size, np.nan)
        if timed.any():
            idx[timed], dist[timed] = nearest(truth, t[timed], r[timed])
        if (~timed).any():
            idx[~timed], dist[~timed] = path_distance(truth, t[~timed], r[~timed])
        ok = idx >= 0
        labels = ["time" if tm else "path" for tm in timed[ok]]
        out[nation] = Series(t[ok], dist[ok], labels)
        unassociated[nation] = int((~ok).sum())
    return out, unassociated


def impact_errors(events: list[dict], truth: list[TruthTrack], nations: list[str]) -> dict[str, Series]:
    """Per issuing nation: error (km) of each issued warning's predicted impact point."""
    landing = [impact_point_deg(tr) for tr in truth]
    out = {}
    for nation in nations:
        mine = [
            e
            for e in events
            if e["node"] == nation and e["type"] == "warning-issued" and e.get("impact") and e.get("x") is not None
        ]
        t_state = np.array([float(e.get("time_s", e["t_s"])) for e in mine])
        r = np.reshape(np.array([e["x"][:3] for e in mine], float), (-1, 3))
        idx, _ = nearest(truth, t_state, r)
        t, err, kinds = [], [], []
        for e, i in zip(mine, idx, strict=True):
            if i < 0:
                continue
            lat, lon = impact_latlon(e["impact"])
            t.append(float(e["t_s"]))
            err.append(ground_km(lat, lon, *landing[i]))
            kinds.append(str(e.get("kind", "")))
        out[nation] = Series(np.array(t), np.array(err), kinds)
    return out


def impact_latlon(impact) -> tuple[float, float]:
    """A warning's impact point in degrees: events carry [lat, lon]; an Ellipse dict is read too."""
    if isinstance(impact, dict):
        return float(impact["lat_deg"]), float(impact["lon_deg"])
    return float(impact[0]), float(impact[1])


def gospa_series(events: list[dict], truth: list[TruthTrack], nations: list[str]) -> dict[str, Series]:
    """Per node: GOSPA (m) of each `picture` snapshot against the truth objects alive then."""
    out = {}
    for nation in nations:
        snaps = [e for e in events if e["node"] == nation and e["type"] == "picture"]
        t = np.array([float(e["t_s"]) for e in snaps])
        truth_at = positions_at(truth, t)  # (K, S, 3)
        values = []
        for s, snap in enumerate(snaps):
            live = truth_at[:, s, :]
            live = live[np.all(np.isfinite(live), axis=1)]
            est = np.reshape(np.asarray(snap.get("positions") or [], float), (-1, 3))
            values.append(gospa(est, live, c=GOSPA_C_M)["value"])
        out[nation] = Series(t, np.array(values), [""] * len(values))
    return out
