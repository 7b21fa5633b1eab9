"""Vehicle discrimination: which library vehicles and pitch programmes explain a thrusting track."""

import math

import numpy as np
import pytest

from triwatch.physics.flight import design_flight
from triwatch.warning.vehicle_match import feature_jacobian, features, match_vehicles, resolve_library

MUPYONG = (math.radians(40.6), math.radians(126.4))
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)


@pytest.fixture(scope="module")
def irbm():
    return design_flight(*MUPYONG, "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3)


@pytest.fixture(scope="module")
def lofted_icbm():
    """A Hwasong-17 class ICBM lofted to ~1,000 km along the IRBM's azimuth (a full burn, straight up)."""
    return design_flight(*MUPYONG, "icbm", azimuth_rad=math.radians(83.0), range_m=1000e3, profile="lofted")


def _x(flight, tau: float) -> np.ndarray:
    r, v, *_ = flight.objects[0].state_at(np.array([tau]))
    return np.concatenate([r[0], v[0]])


def _match(flight, tau: float, sigma_tau: float = 2.0, **kw):
    return {m.vehicle.name: m for m in match_vehicles(_x(flight, tau), P_BOOST, tau, *MUPYONG, 0.0, sigma_tau, **kw)}


def test_an_irbm_matches_its_own_profile_near_its_true_time_since_launch_and_not_the_fast_burners(irbm):
    m = _match(irbm, 60.0)
    assert "irbm" in m
    assert m["irbm"].tau_lo_s <= 60.0 <= m["irbm"].tau_hi_s
    assert m["irbm"].best_chi2 < 1.0
    # an SRBM, a KN-23 and an SLBM are twice as fast one minute after launch
    assert not {"srbm", "kn-23", "slbm"} & set(m)


def test_the_flight_path_angle_tells_a_lofted_flight_from_a_minimum_energy_one(irbm, lofted_icbm):
    flat, steep = _match(irbm, 60.0), _match(lofted_icbm, 60.0)
    assert "icbm" in flat and "icbm" in steep
    # every kick that explains the lofted climb is smaller (steeper) than any that explains the IRBM's
    assert steep["icbm"].kicks_rad.max() < flat["icbm"].kicks_rad.min()


def test_a_vague_launch_time_keeps_more_vehicles(irbm):
    sharp, vague = _match(irbm, 50.0, 2.0), _match(irbm, 50.0, 12.0)
    assert set(sharp) <= set(vague)
    assert vague["irbm"].tau_hi_s - vague["irbm"].tau_lo_s >= sharp["irbm"].tau_hi_s - sharp["irbm"].tau_lo_s


def test_a_library_of_names_restricts_the_match(irbm):
    assert set(_match(irbm, 60.0, library=["irbm", "srbm"])) == {"irbm"}


def test_features_and_their_jacobian_agree_with_a_finite_step(irbm):
    x = _x(irbm, 60.0)
    f = features(x[:3], x[3:])
    assert f[0] == pytest.approx(np.linalg.norm(x[3:]))
    assert 0.0 < f[2] < math.pi / 2  # climbing
    J = feature_jacobian(x)
    dx = np.array([20.0, -10.0, 5.0, 0.5, -0.3, 0.2])  # small: the features curve at second order
    f2 = features((x + dx)[:3], (x + dx)[3:])
    assert f2 - f == pytest.approx(J @ dx, rel=1e-2, abs=1e-7)


def test_bad_inputs_are_refused_naming_what_is_wrong(irbm):
    x = _x(irbm, 60.0)
    with pytest.raises(ValueError, match=r"P must be a finite covariance \(6, 6\), got shape \(0,\)"):
        match_vehicles(x, np.empty(0), 60.0, *MUPYONG, 0.0, 2.0)
    with pytest.raises(ValueError, match="not positive semi-definite"):
        match_vehicles(x, -np.eye(6), 60.0, *MUPYONG, 0.0, 2.0)
    with pytest.raises(ValueError, match=r"x must be a finite ECEF state \(6,\)"):
        match_vehicles(x[:3], P_BOOST, 60.0, *MUPYONG, 0.0, 2.0)
    with pytest.raises(ValueError, match="not after the launch time"):
        match_vehicles(x, P_BOOST, 60.0, *MUPYONG, 90.0, 2.0)
    with pytest.raises(ValueError, match="launch_time_sigma_s"):
        match_vehicles(x, P_BOOST, 60.0, *MUPYONG, 0.0, -1.0)
    with pytest.raises(KeyError, match="unknown vehicle 'hwasong-99'; known: icbm, irbm"):
        match_vehicles(x, P_BOOST, 60.0, *MUPYONG, 0.0, 2.0, ["irbm", "hwasong-99"])
    with pytest.raises(TypeError, match="list of vehicle names"):
        resolve_library("irbm")
