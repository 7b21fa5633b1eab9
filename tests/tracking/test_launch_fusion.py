"""Launch-point fusion: inverse-covariance weighting of consistent estimates, the sharper one kept otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from triwatch.geo.frames import ecef_to_enu, geodetic_to_ecef
from triwatch.tracking.earth import geodetic_of
from triwatch.tracking.launch_fusion import consistent, fuse_points
from triwatch.tracking.types import PointEstimate

LAT, LON = np.radians(39.0), np.radians(125.6)


def _at(east_m: float, north_m: float, cov, t: float = 0.0, t_sigma: float = 1.0) -> PointEstimate:
    """A point estimate east_m, north_m from (LAT, LON)."""
    r = geodetic_to_ecef(LAT, LON, 0.0)
    up = r / np.linalg.norm(r)
    east = np.array([-np.sin(LON), np.cos(LON), 0.0])
    north = np.cross(up, east)
    lat, lon, _ = geodetic_of(r + east_m * east + north_m * north)
    return PointEstimate(float(lat), float(lon), t, np.asarray(cov, float), t_sigma)


def _en(p: PointEstimate) -> np.ndarray:
    origin = geodetic_to_ecef(LAT, LON, 0.0)
    return ecef_to_enu(geodetic_to_ecef(p.lat_rad, p.lon_rad, 0.0)[None], LAT, LON, origin)[0, :2]


def test_two_consistent_estimates_fuse_by_inverse_covariance():
    a = _at(0.0, 0.0, np.diag([1e6, 4e6]), t=10.0, t_sigma=2.0)  # 1 km E, 2 km N
    b = _at(2000.0, 2000.0, np.diag([4e6, 4e6]), t=16.0, t_sigma=2.0)  # 2 km each
    f = fuse_points(a, b)
    # East: weights 1/1 and 1/4 -> 2000 * (1/4) / (5/4) = 400 m; North: equal weights -> 1000 m
    np.testing.assert_allclose(_en(f), [400.0, 1000.0], atol=5.0)
    np.testing.assert_allclose(f.cov_en_m2, np.diag([0.8e6, 2e6]), rtol=1e-3)
    assert f.time_s == pytest.approx(13.0) and f.time_sigma_s == pytest.approx(np.sqrt(2.0))
    assert fuse_points(b, a).cov_en_m2 == pytest.approx(f.cov_en_m2)  # order does not matter


def test_fusion_is_unbiased_and_its_covariance_honest_over_draws():
    rng = np.random.default_rng(3)
    A, B = np.array([[4e6, 1e6], [1e6, 1e6]]), np.diag([9e6, 25e6])
    errors, covs = [], []
    for _ in range(400):
        da, db = rng.multivariate_normal([0, 0], A), rng.multivariate_normal([0, 0], B)
        f = fuse_points(_at(*da, A), _at(*db, B))
        errors.append(_en(f))
        covs.append(f.cov_en_m2)
    errors = np.array(errors)
    assert np.all(np.abs(errors.mean(axis=0)) < 3 * np.sqrt(np.diag(covs[0]) / 400) + 20.0)
    nees = np.mean([e @ np.linalg.solve(c, e) for e, c in zip(errors, covs, strict=True)])
    assert 1.7 < nees < 2.3  # 2 dof


def test_an_inconsistent_pair_keeps_the_sharper_estimate():
    boost = _at(0.0, 0.0, np.diag([1e6, 1e6]))
    back = _at(60e3, 0.0, np.diag([1e8, 1e8]))  # 60 km off with a 10 km sigma: a broken model
    assert not consistent(boost, back)
    assert fuse_points(back, boost) is boost
    assert fuse_points(None, back) is back and fuse_points(boost, None) is boost and fuse_points(None, None) is None


def test_fusion_refuses_a_broken_covariance():
    with pytest.raises(ValueError, match="positive-definite"):
        fuse_points(_at(0, 0, np.diag([1e6, 0.0])), _at(0, 0, np.eye(2)))


def test_times_that_disagree_are_not_blended():
    a = _at(0.0, 0.0, np.eye(2) * 1e6, t=0.0, t_sigma=1.0)
    b = _at(500.0, 0.0, np.eye(2) * 1e6, t=100.0, t_sigma=2.0)  # places agree, times do not
    f = fuse_points(a, b)
    assert f.time_s == 0.0 and f.time_sigma_s == 1.0
    assert _en(f)[0] == pytest.approx(250.0, abs=5.0)
