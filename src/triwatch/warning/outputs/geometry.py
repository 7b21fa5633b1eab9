"""Geometry shared by the output formats: paths, impact ellipses, course and speed, CoT errors.

All inputs are SI (ECEF metres, m/s, m^2); outputs are in the units the formats use
(degrees, metres of height, degrees true). Every function takes one state or many.

Impact ellipse on the ground. An `Ellipse` holds the 95 % semi-axes a >= b (m) and the
orientation theta of the major axis, clockwise from North. A boundary point at parameter u is
the local offset  d(u) = a cos(u) M + b sin(u) m,  with M = (sin theta, cos theta) and
m = (-cos theta, sin theta) in (east, north): m is M turned 90 degrees anticlockwise, so the
ring runs anticlockwise as RFC 7946 wants for an exterior ring. Each offset is laid on the
WGS84 ellipsoid as a geodesic from the centre (distance |d|, azimuth atan2(d_e, d_n)) with
pymap3d's Vincenty direct solution: exact distances, no flat-Earth scaling.
"""

from __future__ import annotations

import math

import numpy as np
from pymap3d.vincenty import vreckon
from shapely.affinity import translate
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from triwatch.geo.frames import ecef_to_geodetic, enu_rotation
from triwatch.messages import Ellipse
from triwatch.warning.outputs.errors import OutputError

COT_UNKNOWN_M = 9999999.0  # CoT's value for "error not known" in ce / le


def ecef_to_lat_lon_alt_deg(r_ecef_m: np.ndarray) -> np.ndarray:
    """(N, 3) [lat deg, lon deg, height m] of ECEF positions (N, 3)."""
    lat, lon, h = _geodetic(np.atleast_2d(np.asarray(r_ecef_m, float)))
    return np.stack([np.degrees(lat), np.degrees(lon), h], axis=-1)


def check_ellipse(e: Ellipse, where: str) -> None:
    """Refuse an ellipse with a non-finite or negative number, naming the field."""
    for name in ("lat_deg", "lon_deg", "semi_major_m", "semi_minor_m", "orientation_deg"):
        value = getattr(e, name)
        if not math.isfinite(value):
            raise OutputError(f"{where}.impact.{name}: must be a finite number, got {value!r}")
    if not -90.0 <= e.lat_deg <= 90.0:
        raise OutputError(f"{where}.impact.lat_deg: must be within [-90, 90], got {e.lat_deg}")
    if e.semi_major_m < 0.0 or e.semi_minor_m < 0.0:
        raise OutputError(f"{where}.impact: semi-axes must be >= 0, got {e.semi_major_m}, {e.semi_minor_m}")


def ellipse_ring_deg(e: Ellipse, n: int = 36) -> tuple[np.ndarray, np.ndarray]:
    """(lat deg, lon deg) of a closed ring of n + 1 points (first == last), anticlockwise."""
    theta = math.radians(e.orientation_deg)
    u = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    east = e.semi_major_m * np.cos(u) * math.sin(theta) - e.semi_minor_m * np.sin(u) * math.cos(theta)
    north = e.semi_major_m * np.cos(u) * math.cos(theta) + e.semi_minor_m * np.sin(u) * math.sin(theta)
    dist = np.hypot(east, north)
    azimuth = np.degrees(np.arctan2(east, north)) % 360.0
    lat, lon = vreckon(e.lat_deg, e.lon_deg, dist, azimuth)
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    lon = e.lon_deg + (lon - e.lon_deg + 180.0) % 360.0 - 180.0  # keep the ring continuous near 180
    return np.append(lat, lat[0]), np.append(lon, lon[0])


def _geodetic(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ecef_to_geodetic with the input's leading shape kept (pymap3d squeezes a single point)."""
    lat, lon, h = ecef_to_geodetic(r)
    return tuple(np.reshape(v, r.shape[:-1]) for v in (lat, lon, h))


def course_speed(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Course (deg true, clockwise from North) and ground-relative speed (m/s) of ECEF states (..., 6).

    The horizontal velocity is the ECEF velocity in the local East-North-Up frame at the
    object's geodetic position, v_enu = R(lat, lon) v_ecef; course = atan2(v_e, v_n). Speed is
    the full 3-D speed relative to the rotating Earth, as a TAK client shows a track's speed.
    """
    x = np.asarray(x, float)
    lat, lon, _ = _geodetic(x[..., :3])
    v_enu = np.einsum("...ij,...j->...i", enu_rotation(lat, lon), x[..., 3:6])
    course = np.degrees(np.arctan2(v_enu[..., 0], v_enu[..., 1])) % 360.0
    return course, np.linalg.norm(x[..., 3:6], axis=-1)


def cot_errors(x: np.ndarray, P: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """CoT (ce, le) in metres of states x (..., 6) with covariances P (..., 6, 6) or (..., 3, 3).

    CoT's ce is a circular 1-sigma and le a vertical 1-sigma. The position covariance is turned
    into local East-North-Up, C = R P_rr R^T; for an elongated horizontal error we take the larger
    axis, ce = sqrt(lambda_max) of C's East-North block, so the circle never understates the error;
    le = sqrt(C_uu). Where P is None or holds a non-finite number, both are CoT's "unknown",
    9999999.
    """
    x = np.asarray(x, float)
    lead = x.shape[:-1]
    if P is None:
        return np.full(lead, COT_UNKNOWN_M), np.full(lead, COT_UNKNOWN_M)
    P = np.asarray(P, float)
    if P.shape[-2:] not in ((6, 6), (3, 3)) or P.shape[:-2] != lead:
        raise OutputError(f"covariance: shape {P.shape} does not match states {x.shape} (want (..., 6, 6))")
    Prr = P[..., :3, :3]
    known = np.all(np.isfinite(Prr), axis=(-2, -1))
    Prr = np.where(known[..., None, None], Prr, 0.0)
    lat, lon, _ = _geodetic(x[..., :3])
    R = enu_rotation(lat, lon)
    C = R @ Prr @ np.swapaxes(R, -1, -2)
    horizontal = 0.5 * (C[..., :2, :2] + np.swapaxes(C[..., :2, :2], -1, -2))
    ce = np.sqrt(np.maximum(np.linalg.eigvalsh(horizontal)[..., -1], 0.0))
    le = np.sqrt(np.maximum(C[..., 2, 2], 0.0))
    return np.where(known, ce, COT_UNKNOWN_M), np.where(known, le, COT_UNKNOWN_M)


def split_at_antimeridian(lon_lat_alt: np.ndarray) -> list[np.ndarray]:
    """Pieces of a path (N, 2 or 3) [lon, lat(, alt)] cut where it crosses +-180 deg (RFC 7946 3.1.9).

    A step whose longitude jumps by more than 180 deg crosses the antimeridian; the crossing
    point is interpolated linearly in (unwrapped) longitude and ends one piece and starts the next.
    """
    p = np.asarray(lon_lat_alt, float)
    if len(p) == 0:
        return []
    pieces: list[np.ndarray] = []
    current = [p[0]]
    for a, b in zip(p[:-1], p[1:], strict=True):
        d = b[0] - a[0]
        if abs(d) > 180.0:
            edge = 180.0 if d < 0 else -180.0  # eastward leaves through +180, westward through -180
            b_unwrapped = np.r_[b[0] + (360.0 if d < 0 else -360.0), b[1:]]
            f = (edge - a[0]) / (b_unwrapped[0] - a[0])
            crossing = a + f * (b_unwrapped - a)
            crossing[0] = edge
            current.append(crossing)
            pieces.append(np.array(current))
            reentry = crossing.copy()
            reentry[0] = -edge
            current = [reentry]
        current.append(b)
    pieces.append(np.array(current))
    return [piece for piece in pieces if len(piece) >= 2]


def ellipse_polygons_lonlat(e: Ellipse, n: int = 36) -> list[np.ndarray]:
    """The ellipse as closed anticlockwise rings (M, 2) of [lon, lat] within [-180, 180].

    One ring normally; when the ellipse straddles the antimeridian (an IRBM aimed ~3,000 km east
    of Japan lands near 180 deg), the continuous ring is cut there with shapely into one ring on
    each side, as RFC 7946 3.1.9 asks and as CAP and KML readers need.
    """
    lat, lon = ellipse_ring_deg(e, n)
    if lon.min() >= -180.0 and lon.max() <= 180.0:
        return [np.stack([lon, lat], axis=-1)]
    whole = Polygon(np.stack([lon, lat], axis=-1))
    rings = []
    for lo, hi in ((-540.0, -180.0), (-180.0, 180.0), (180.0, 540.0)):
        piece = whole.intersection(box(lo, -90.0, hi, 90.0))
        shift = -360.0 if lo >= 180.0 else (360.0 if hi <= -180.0 else 0.0)
        for part in getattr(piece, "geoms", [piece]):
            if isinstance(part, Polygon) and not part.is_empty and part.area > 0.0:
                ring = orient(translate(part, xoff=shift), sign=1.0).exterior.coords
                rings.append(np.asarray(ring, float))
    return rings
