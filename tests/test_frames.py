import numpy as np
import pymap3d
import pytest

from triwatch.geo.frames import aer_to_ecef, ecef_to_aer, ecef_to_geodetic, geodetic_to_ecef
from triwatch.geo.horizon import horizon_range_m, segment_clears_earth
from triwatch.physics.gravity import gravity_j2


def test_geodetic_round_trip_many_points():
    rng = np.random.default_rng(1)
    lat = rng.uniform(-1.5, 1.5, 100)
    lon = rng.uniform(-3.1, 3.1, 100)
    h = rng.uniform(0, 2e6, 100)
    la, lo, hh = ecef_to_geodetic(geodetic_to_ecef(lat, lon, h))
    assert np.allclose(la, lat, atol=1e-10) and np.allclose(lo, lon, atol=1e-10) and np.allclose(hh, h, atol=1e-3)


def test_aer_round_trip_and_zenith():
    lat, lon = np.radians(40.8), np.radians(140.7)
    site = geodetic_to_ecef(lat, lon, 0.0)
    up = geodetic_to_ecef(lat, lon, 100e3)
    az, el, rng = ecef_to_aer(up, lat, lon, site)
    assert el == pytest.approx(np.pi / 2, abs=1e-9) and rng == pytest.approx(100e3, rel=1e-9)
    target = aer_to_ecef(np.radians(75), np.radians(10), 800e3, lat, lon, site)
    az, el, rng = ecef_to_aer(target, lat, lon, site)
    assert np.degrees(az) == pytest.approx(75) and np.degrees(el) == pytest.approx(10) and rng == pytest.approx(800e3)


def test_horizon_range_hand_computed():
    # 4/3 Earth: a 100 km high target from sea level is visible to ~1303 km (sqrt((kR+h)^2-(kR)^2)).
    re = 4 / 3 * 6371008.8
    assert horizon_range_m(0.0, 100e3) == pytest.approx(np.sqrt((re + 100e3) ** 2 - re**2))
    assert 1.2e6 < horizon_range_m(0.0, 100e3) < 1.4e6


def test_segment_through_earth_is_blocked():
    a = np.array([7e6, 0, 0])
    assert not segment_clears_earth(a, -a)
    assert segment_clears_earth(a, np.array([7e6, 1e6, 0]))


def test_gravity_magnitude_and_j2_sign():
    r_eq = np.array([6378137.0, 0, 0])
    r_pole = np.array([0, 0, 6378137.0])
    # J2 strengthens gravity at the equator at a given radius, weakens it at the pole.
    assert np.linalg.norm(gravity_j2(r_eq)) > np.linalg.norm(gravity_j2(r_eq, j2=0.0))
    assert np.linalg.norm(gravity_j2(r_pole)) < np.linalg.norm(gravity_j2(r_pole, j2=0.0))


def test_closed_form_geodetic_matches_pymap3d_from_ground_to_geo_orbit():
    rng = np.random.default_rng(4)
    lat = rng.uniform(-1.57, 1.57, 500)
    lon = rng.uniform(-3.14, 3.14, 500)
    h = rng.uniform(-5e3, 40e6, 500)
    r = geodetic_to_ecef(lat, lon, h)
    la, lo, hh = ecef_to_geodetic(r)
    ref = pymap3d.ecef2geodetic(r[:, 0], r[:, 1], r[:, 2], deg=False)
    assert np.allclose(la, ref[0], atol=1e-11) and np.allclose(lo, ref[1], atol=1e-12)
    assert np.allclose(hh, ref[2], atol=1e-3)
