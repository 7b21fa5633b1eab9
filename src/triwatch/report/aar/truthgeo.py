"""Truth trajectories brought to the times of estimates: the only place the report touches truth.

Truth comes sampled every second; between samples the position is interpolated
linearly per ECEF axis. Over 1 s a ballistic object's path departs from its chord
by at most |a| dt^2 / 8 (about 1.2 m at 10 m/s^2), far below any tracking error
worth plotting. Outside an object's first and last sample it is not alive (NaN).

Association is the scoring rule of `triwatch.report.association`: an estimate at
time t is about the nearest live truth object if within a 50 km gate, otherwise
about nothing (a false track).
"""

from __future__ import annotations

import numpy as np
from geographiclib.geodesic import Geodesic

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.report.aar.validate import TruthTrack

GATE_M = 50e3
PATH_CHUNK = 4096  # estimates per block in path_distance


def positions_at(truth: list[TruthTrack], t_s: np.ndarray) -> np.ndarray:
    """Truth positions (K objects, M times, 3) in ECEF metres; NaN where an object is not alive."""
    t_s = np.atleast_1d(np.asarray(t_s, float))
    out = np.full((len(truth), t_s.size, 3), np.nan)
    for k, tr in enumerate(truth):
        for axis in range(3):
            out[k, :, axis] = np.interp(t_s, tr.t_s, tr.r_ecef[:, axis], left=np.nan, right=np.nan)
    return out


def nearest(
    truth: list[TruthTrack], t_s: np.ndarray, r_ecef: np.ndarray, gate_m: float = GATE_M
) -> tuple[np.ndarray, np.ndarray]:
    """For M estimates (times (M,), positions (M, 3)): index of the nearest live truth object
    (-1 when none is within the gate) and the distance to it in metres (NaN when none alive)."""
    r_ecef = np.reshape(np.asarray(r_ecef, float), (-1, 3))
    if not truth or r_ecef.shape[0] == 0:
        return np.full(r_ecef.shape[0], -1), np.full(r_ecef.shape[0], np.nan)
    d = np.linalg.norm(positions_at(truth, t_s) - r_ecef[None], axis=-1)  # (K, M), NaN where not alive
    alive = np.isfinite(d)
    idx = np.argmin(np.where(alive, d, np.inf), axis=0)
    dist = np.where(alive.any(axis=0), d[idx, np.arange(d.shape[1])], np.nan)
    idx = np.where(np.isfinite(dist) & (dist <= gate_m), idx, -1)
    return idx, dist


def impact_point_deg(track: TruthTrack) -> tuple[float, float]:
    """Where a truth object comes down (lat, lon degrees): its last sample, carried along the last
    1 s chord down to the ellipsoid when that sample is still above it (sampling rarely lands on h = 0)."""
    lat, lon, h = ecef_to_geodetic(track.r_ecef[-2:] if track.t_s.size > 1 else track.r_ecef[-1:])
    r = track.r_ecef[-1]
    if h.size == 2 and h[-1] > 0 and h[0] > h[-1]:
        r = r + (h[-1] / (h[0] - h[-1])) * (track.r_ecef[-1] - track.r_ecef[-2])
    la, lo, _ = ecef_to_geodetic(r)
    return float(np.degrees(la)), float(np.degrees(lo))


def ground_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance on WGS84 in km (geographiclib, as the run summary uses)."""
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"] / 1e3


def ground_track_deg(track: TruthTrack) -> tuple[np.ndarray, np.ndarray]:
    """Sub-object points (lat, lon degrees) of a truth trajectory, for maps."""
    lat, lon, _ = ecef_to_geodetic(track.r_ecef)
    return np.degrees(lat), np.degrees(lon)


def path_distance(
    truth: list[TruthTrack], t_s: np.ndarray, r_ecef: np.ndarray, window_s: float = 60.0, gate_m: float = GATE_M
) -> tuple[np.ndarray, np.ndarray]:
    """Distance from each estimate to the nearest truth *path* flown in [t - window_s, t]: for
    estimates whose state time is unknown (only that it is no later than t). Index of the
    object (-1 beyond the gate) and the distance in metres.

    The path is the polyline of the 1 s truth samples in the window; the distance to segment
    a-b is |x - (a + clip(((x - a).(b - a)) / |b - a|^2, 0, 1) (b - a))|. It leaves out any
    error along the path, which a state time would be needed to see.
    """
    t_s = np.atleast_1d(np.asarray(t_s, float))
    r_ecef = np.reshape(np.asarray(r_ecef, float), (-1, 3))
    if not truth or r_ecef.shape[0] == 0:
        return np.full(r_ecef.shape[0], -1), np.full(r_ecef.shape[0], np.nan)
    offsets = np.arange(0.0, window_s + 1.0, 1.0)
    d = np.full((len(truth), t_s.size), np.inf)
    for k, tr in enumerate(truth):
        # One object at a time, and only the estimates whose window meets its life, in chunks:
        # memory stays ~ chunk x window x 3 however long the run.
        near = np.nonzero((t_s >= tr.t_s[0]) & (t_s - window_s <= tr.t_s[-1]))[0]
        for chunk in np.array_split(near, int(np.ceil(near.size / PATH_CHUNK)) or 1):
            if chunk.size:
                d[k, chunk] = _to_polyline(tr, t_s[chunk], r_ecef[chunk], offsets)
    idx = np.argmin(d, axis=0)
    dist = d[idx, np.arange(t_s.size)]
    dist = np.where(np.isfinite(dist), dist, np.nan)
    idx = np.where(np.isfinite(dist) & (dist <= gate_m), idx, -1)
    return idx, dist


def _to_polyline(track: TruthTrack, t_s: np.ndarray, r_ecef: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Distance (m) from each position to the object's path sampled at t - offsets (inf if none alive)."""
    pts = positions_at([track], (t_s[:, None] - offsets[None, :]).ravel()).reshape(t_s.size, offsets.size, 3)
    a, b = pts[:, 1:], pts[:, :-1]  # segments from older to newer sample
    ab = b - a
    x = r_ecef[:, None, :]
    denom = np.maximum(np.einsum("mwi,mwi->mw", ab, ab), 1e-9)
    u = np.clip(np.einsum("mwi,mwi->mw", x - a, ab) / denom, 0.0, 1.0)
    d = np.linalg.norm(x - (a + u[..., None] * ab), axis=-1)  # NaN where not alive
    # The samples themselves too: right after launch the window holds a single live sample.
    d = np.concatenate([d, np.linalg.norm(x - pts, axis=-1)], axis=1)
    return np.where(np.isfinite(d), d, np.inf).min(axis=1)
