"""Derive approximate EEZs: 200 nautical miles from a nation's coast, split by equidistance.

Rule, for every sea cell of the grid: find the nearest coast point of *all* nations; the
cell belongs to that nation's EEZ when the distance is at most 200 nmi, otherwise it is
high seas. That is the median-line (equidistance) principle of UNCLOS art. 15/74/83
applied without negotiated adjustments.

Distance: coast points and cell centres go to WGS84 ECEF (pymap3d), and a KD-tree
(scipy.spatial.cKDTree) finds the nearest coast point by straight-line chord. For a
geodesic distance s on a sphere of radius R the chord is c = 2 R sin(s / 2R), about
s - s^3 / (24 R^2): at s = 200 nmi = 370.4 km that is 52 m shorter, which we undo. Because the
chord is taken between true ellipsoid points, only that small correction uses the mean radius:
against WGS84 geodesics (Vincenty) the distance is right to < 1 m at 200 nmi (tests/geo).
"""

from __future__ import annotations

import numpy as np
import pymap3d
from scipy.spatial import cKDTree

NMI_M = 1852.0
EEZ_LIMIT_M = 200.0 * NMI_M
MEAN_RADIUS_M = 6371008.8


def densify(line: np.ndarray, max_step_deg: float) -> np.ndarray:
    """Insert points along each segment so no step exceeds max_step_deg (lon/lat degrees)."""
    if len(line) < 2:
        return line
    seg = np.diff(line, axis=0)
    n = np.maximum(1, np.ceil(np.abs(seg).max(axis=1) / max_step_deg).astype(int))
    t = np.concatenate([np.arange(k) / k for k in n])
    start = np.repeat(line[:-1], n, axis=0)
    step = np.repeat(seg, n, axis=0)
    return np.vstack([start + t[:, None] * step, line[-1:]])


def to_ecef(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """(N, 3) WGS84 ECEF metres of points on the ellipsoid surface."""
    x, y, z = pymap3d.geodetic2ecef(lat_deg, lon_deg, np.zeros_like(lat_deg))
    return np.column_stack([x, y, z])


def chord_for_arc(arc_m: float, radius_m: float = MEAN_RADIUS_M) -> float:
    """Straight-line chord subtending a great-circle arc of arc_m metres."""
    return 2.0 * radius_m * np.sin(arc_m / (2.0 * radius_m))


def eez_owner(
    lat_deg: np.ndarray,
    lon_deg: np.ndarray,
    coast_lonlat: np.ndarray,
    coast_nation: np.ndarray,
    workers: int = -1,
) -> tuple[np.ndarray, np.ndarray]:
    """Nation index owning each query point's EEZ (-1: high seas) and its coast distance (m).

    coast_lonlat (M, 2) deg and coast_nation (M,) int are the densified coast points.
    Distances beyond the limit come back as inf (the KD-tree stops searching there).
    """
    tree = cKDTree(to_ecef(coast_lonlat[:, 1], coast_lonlat[:, 0]))
    limit = chord_for_arc(EEZ_LIMIT_M)
    owner = np.full(lat_deg.shape, -1, dtype=np.int16)
    dist = np.full(lat_deg.shape, np.inf)
    chunk = 1_000_000  # bound memory: ECEF of 10M cells at once is 240 MB
    for s in range(0, lat_deg.size, chunk):
        pts = to_ecef(lat_deg[s : s + chunk], lon_deg[s : s + chunk])
        d, idx = tree.query(pts, distance_upper_bound=limit, workers=workers)
        hit = np.isfinite(d)
        owner[s : s + chunk][hit] = coast_nation[idx[hit]]
        # chord back to great-circle arc: s = 2 R asin(c / 2R)
        dist[s : s + chunk][hit] = 2.0 * MEAN_RADIUS_M * np.arcsin(d[hit] / (2.0 * MEAN_RADIUS_M))
    return owner, dist
