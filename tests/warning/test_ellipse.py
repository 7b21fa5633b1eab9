import numpy as np
import pytest

from triwatch.warning.ellipse import ellipse_axes, ellipse_points


def test_axes_of_an_east_elongated_covariance():
    a, b, theta = ellipse_axes(np.diag([100e3**2, 10e3**2]))
    assert a == pytest.approx(np.sqrt(5.991) * 100e3)
    assert b == pytest.approx(np.sqrt(5.991) * 10e3)
    assert np.degrees(theta) == pytest.approx(90.0)


def test_points_surround_the_centre():
    lat, lon = np.radians(40.0), np.radians(140.0)
    lats, lons = ellipse_points(lat, lon, np.diag([20e3**2, 20e3**2]), n=8)
    assert lats.shape == (9,) and lats[-1] == lat
    assert lats[:-1].max() > lat > lats[:-1].min()
    assert lons[:-1].max() > lon > lons[:-1].min()


def test_huge_ellipse_near_the_pole_stays_on_the_globe():
    lats, lons = ellipse_points(np.radians(80.0), np.radians(179.0), np.diag([3000e3**2, 3000e3**2]), n=16)
    assert np.all(np.abs(lats) <= np.pi / 2) and np.all(np.abs(lons) <= np.pi)
