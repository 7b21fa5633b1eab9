"""Fusing launch-point estimates that come from different evidence: inverse-covariance weighting, if consistent.

A track can know its launch point two ways (characterise.py): from its boost (the first sightings
of the climbing missile, run back along a constant-acceleration climb, with a model error that
grows with the height they were made at) and from its coast (the ballistic arc flown backwards to
the ground, which misses the real launch by up to tens of km because the climb was powered). Their
errors come from different models and different stretches of the flight, so they are taken as
independent, and two independent Gaussian estimates a ~ N(m_a, A), b ~ N(m_b, B) of one point fuse
into

    P = (A^-1 + B^-1)^-1,      m = P (A^-1 m_a + B^-1 m_b)

(the launch time likewise, with the variances, and its own 1-dof consistency gate). Weighting is only right if both describe the same
point: their difference d = m_b - m_a must be plausible under A + B, d^T (A + B)^-1 d below the
chi-square gate (2 dof). An inconsistent pair means one model failed (a boost seen too high for the
climb model, a back-propagation through a depressed or manoeuvring flight); then the sharper
estimate is kept, unfused, rather than a blend of a good and a broken one.

The points are compared in the local East/North plane at the sharper estimate (launch estimates
are within ~100 km of each other, where the plane differs from the ellipsoid by metres).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from scipy.stats import chi2

from triwatch.geo.frames import ecef_to_enu, enu_to_ecef_vector, geodetic_to_ecef
from triwatch.tracking.earth import geodetic_of
from triwatch.tracking.types import PointEstimate

CONSISTENCY_PROBABILITY = 0.999


def _offset_en(p: PointEstimate, lat: float, lon: float, origin: np.ndarray) -> np.ndarray:
    return ecef_to_enu(geodetic_to_ecef(p.lat_rad, p.lon_rad, 0.0)[None], lat, lon, origin)[0, :2]


def consistent(a: PointEstimate, b: PointEstimate, probability: float = CONSISTENCY_PROBABILITY) -> bool:
    """Whether two estimates of one ground point agree: d^T (A + B)^-1 d under the chi-square gate (2 dof)."""
    origin = geodetic_to_ecef(a.lat_rad, a.lon_rad, 0.0)
    d = _offset_en(b, a.lat_rad, a.lon_rad, origin)
    S = np.asarray(a.cov_en_m2, float) + np.asarray(b.cov_en_m2, float)
    return float(d @ np.linalg.solve(S, d)) < chi2_gate(probability, 2)


@cache
def chi2_gate(probability: float, dof: int) -> float:
    """The chi-square quantile, computed once per (probability, dof): scipy's ppf costs ~0.5 ms a call."""
    return float(chi2.ppf(probability, dof))


def fuse_points(a: PointEstimate | None, b: PointEstimate | None) -> PointEstimate | None:
    """Inverse-covariance fusion of two independent estimates of one ground point and time (see module docstring).

    None stands for "no estimate"; an inconsistent pair gives the sharper (smaller trace) of the two.
    """
    if a is None or b is None:
        return a if b is None else b
    for p in (a, b):
        cov = np.asarray(p.cov_en_m2, float)
        if cov.shape != (2, 2) or not np.all(np.isfinite(cov)) or np.linalg.eigvalsh(cov)[0] <= 0.0:
            raise ValueError(f"fuse_points: cov_en_m2 must be a finite positive-definite 2x2, got {cov.tolist()}")
    if np.trace(b.cov_en_m2) < np.trace(a.cov_en_m2):
        a, b = b, a  # a is the sharper: the plane is laid at it
    if not consistent(a, b):
        return a
    origin = geodetic_to_ecef(a.lat_rad, a.lon_rad, 0.0)
    d = _offset_en(b, a.lat_rad, a.lon_rad, origin)
    A_inv = np.linalg.inv(a.cov_en_m2)
    B_inv = np.linalg.inv(b.cov_en_m2)
    P = np.linalg.inv(A_inv + B_inv)  # P = (A^-1 + B^-1)^-1
    m = P @ (B_inv @ d)  # m = P (A^-1 * 0 + B^-1 d), in the plane at a
    moved = origin + enu_to_ecef_vector(np.array([m[0], m[1], 0.0]), a.lat_rad, a.lon_rad)
    lat, lon, _ = geodetic_of(moved)
    t, t_sigma = _fuse_times(a, b)
    return PointEstimate(float(lat), float(lon), t, 0.5 * (P + P.T), t_sigma)


def _fuse_times(a: PointEstimate, b: PointEstimate) -> tuple[float, float]:
    """Inverse-variance fusion of two launch times; the sharper one alone if they disagree (1-dof gate)."""
    va, vb = max(a.time_sigma_s, 1e-3) ** 2, max(b.time_sigma_s, 1e-3) ** 2
    if (a.time_s - b.time_s) ** 2 / (va + vb) > chi2_gate(CONSISTENCY_PROBABILITY, 1):
        return (a.time_s, a.time_sigma_s) if va <= vb else (b.time_s, b.time_sigma_s)
    t = (a.time_s / va + b.time_s / vb) / (1.0 / va + 1.0 / vb)
    return float(t), float(np.sqrt(1.0 / (1.0 / va + 1.0 / vb)))
