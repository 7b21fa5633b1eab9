"""Impact uncertainty on the ground: the 95 % ellipse of an East/North covariance.

For a 2-D Gaussian with covariance C, the points with Mahalanobis distance
d^2 = k^2 form an ellipse whose semi-axes are k*sqrt(lambda_i) along C's
eigenvectors; k^2 = 5.991 (chi-square, 2 degrees of freedom) holds 95 %.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import MEAN_RADIUS_M

CHI2_2DOF_95 = 5.991


def ellipse_axes(cov_en_m2: np.ndarray, chi2: float = CHI2_2DOF_95) -> tuple[float, float, float]:
    """(semi_major_m, semi_minor_m, orientation_rad clockwise from North) of the ellipse."""
    c = 0.5 * (np.asarray(cov_en_m2, float) + np.asarray(cov_en_m2, float).T)
    vals, vecs = np.linalg.eigh(c)
    vals = np.maximum(vals, 0.0)
    major = vecs[:, 1]  # eigh sorts ascending: the last is the major axis, as (east, north)
    orientation = float(np.mod(np.arctan2(major[0], major[1]), np.pi))
    k = np.sqrt(chi2)
    return float(k * np.sqrt(vals[1])), float(k * np.sqrt(vals[0])), orientation


def ellipse_points(
    lat_rad: float, lon_rad: float, cov_en_m2: np.ndarray, n: int = 24, chi2: float = CHI2_2DOF_95
) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (rad) of n points on the ellipse boundary plus its centre.

    Small-offset approximation on a sphere (east metres / (R cos lat), north / R):
    good to well under 1 % for ellipses of a few hundred km. An early, very uncertain
    prediction can give an ellipse thousands of km across: its points are kept on the
    globe (latitude clamped to the poles, longitude wrapped), which is coarse but only
    ever names more areas, never fewer.
    """
    a, b, theta = ellipse_axes(cov_en_m2, chi2)
    u = np.linspace(0.0, 2.0 * np.pi, n, endpoint=False)
    # Major axis direction (east, north) = (sin theta, cos theta); minor is perpendicular.
    east = a * np.cos(u) * np.sin(theta) + b * np.sin(u) * np.cos(theta)
    north = a * np.cos(u) * np.cos(theta) - b * np.sin(u) * np.sin(theta)
    lats, lons = offsets_to_geodetic(lat_rad, lon_rad, east, north)
    return np.append(lats, lat_rad), np.append(lons, lon_rad)


def offsets_to_geodetic(lat_rad, lon_rad, east_m, north_m) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (rad) of East/North offsets (m) from points (lat_rad, lon_rad); arrays broadcast.

    Small-offset rule on a sphere: lat + north / R, lon + east / (R cos lat); latitude clamped to
    the poles and longitude wrapped to [-pi, pi), so a very wide distribution stays on the globe.
    """
    lat_rad = np.asarray(lat_rad, float)
    lats = np.clip(lat_rad + np.asarray(north_m, float) / MEAN_RADIUS_M, -np.pi / 2, np.pi / 2)
    lons = lon_rad + np.asarray(east_m, float) / (MEAN_RADIUS_M * np.maximum(np.cos(lat_rad), 1e-6))
    return lats, np.mod(lons + np.pi, 2 * np.pi) - np.pi
