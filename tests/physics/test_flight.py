"""Designed flights: objects and staging, interpolation, the three ways to ask, and the profiles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic

from triwatch.geo.frames import ecef_to_geodetic, geodetic_to_ecef
from triwatch.physics import kernels
from triwatch.physics.boost import LaunchFrame, boost_schedule, boost_step, run_boost
from triwatch.physics.coast import coast_to_ground
from triwatch.physics.flight import design_flight, vehicle_names
from triwatch.physics.vehicles import get_vehicle

SUNAN = (math.radians(39.22), math.radians(125.67))
AIM = (math.radians(40.3), math.radians(134.5))  # Sea of Japan, ~780 km east


@pytest.fixture(scope="module")
def irbm():
    return design_flight(
        math.radians(40.6), math.radians(126.4), "irbm", azimuth_rad=math.radians(75), apogee_m=970e3, range_m=4600e3
    )


@pytest.fixture(scope="module")
def mrbm_profiles():
    return {
        p: design_flight(*SUNAN, "mrbm", aim_lat_rad=AIM[0], aim_lon_rad=AIM[1], profile=p)
        for p in ("minimum-energy", "lofted", "depressed")
    }


def test_vehicle_names_cover_the_classes():
    assert {"srbm", "kn-23", "mrbm", "irbm", "icbm", "slbm"} <= set(vehicle_names())


def test_flies_through_apogee_and_range(irbm):
    s = irbm.summary
    assert s.apogee_m == pytest.approx(970e3, rel=2e-3)
    assert s.range_m == pytest.approx(4600e3, rel=2e-3)
    g = Geodesic.WGS84.Inverse(40.6, 126.4, math.degrees(s.impact_lat_rad), math.degrees(s.impact_lon_rad))
    assert g["s12"] == pytest.approx(s.range_m, abs=1.0)
    assert 0 < s.burnout_time_s < 250 and s.flight_time_s == s.impact_time_s


def test_objects_rv_first_then_stages_in_order(irbm):
    ids = [o.object_id for o in irbm.objects]
    assert ids == ["RV", "S1", "S2"]
    assert [o.role for o in irbm.objects] == ["rv", "stage", "stage"]
    births = [o.birth_s for o in irbm.objects[1:]]
    assert births == sorted(births) and irbm.objects[0].birth_s == 0.0
    for o in irbm.objects:
        assert np.all(np.diff(o.t_s) > 0)
        _, _, h = ecef_to_geodetic(o.r_ecef_m[-1])
        assert abs(h) < 5.0  # each object ends on the ground


def test_stage_separation_conserves_the_state(irbm):
    rv = irbm.objects[0]
    for stage in irbm.objects[1:]:
        i = int(np.flatnonzero(np.isclose(rv.t_s, stage.birth_s, atol=1e-9))[0])
        np.testing.assert_array_equal(stage.r_ecef_m[0], rv.r_ecef_m[i])
        np.testing.assert_array_equal(stage.v_ecef_m_s[0], rv.v_ecef_m_s[i])
        assert not stage.thrusting.any()


def test_thrusting_only_until_burnout(irbm):
    rv = irbm.objects[0]
    t_bo = irbm.summary.burnout_time_s
    _, _, thrust, alive = rv.state_at(np.array([1.0, t_bo - 0.5, t_bo + 0.5, 1000.0]))
    assert thrust.tolist() == [True, True, False, False] and alive.all()


def test_state_at_interpolates_and_marks_dead_times(irbm):
    s1 = irbm.objects[1]
    r, v, thrust, alive = s1.state_at(np.array([s1.birth_s - 1.0, s1.impact_s + 1.0]))
    assert not alive.any() and np.isnan(r).all() and np.isnan(v).all() and not thrust.any()
    r, v, _, alive = irbm.objects[0].state_at(irbm.objects[0].t_s[100])
    np.testing.assert_allclose(r, irbm.objects[0].r_ecef_m[100])
    # Hermite velocity agrees with the motion between two nearby instants
    rv = irbm.objects[0]
    t = np.array([600.0, 600.01])
    r, v, _, _ = rv.state_at(t)
    np.testing.assert_allclose((r[1] - r[0]) / 0.01, v[0], atol=0.05)
    assert r.shape == (2, 3) and v.shape == (2, 3)


def test_boost_kernel_matches_numpy_reference():
    veh = get_vehicle("icbm")
    frame = LaunchFrame.at(*SUNAN, math.radians(80))
    kicks = np.radians([0.5, 10.0, 40.0])
    t, stage = boost_schedule(veh, 1.0)
    r_k, v_k = run_boost(veh, frame, kicks, t, stage)
    r = np.broadcast_to(frame.site_ecef, (3, 3)).copy()
    v = np.zeros((3, 3))
    for j in range(len(t) - 1):
        r, v = boost_step(veh, frame, int(stage[j]), t[j], t[j + 1] - t[j], r, v, kicks)
    np.testing.assert_allclose(r_k[:, -1], r, rtol=1e-9)
    np.testing.assert_allclose(v_k[:, -1], v, rtol=1e-9)


def test_aim_point_is_hit(mrbm_profiles):
    for profile, flight in mrbm_profiles.items():
        s = flight.summary
        g = Geodesic.WGS84.Inverse(*np.degrees(AIM), math.degrees(s.impact_lat_rad), math.degrees(s.impact_lon_rad))
        assert g["s12"] < 3e3, profile  # within 3 km of ~780 km


def test_profiles_order_apogees_and_times(mrbm_profiles):
    lofted, me, dep = (mrbm_profiles[p].summary for p in ("lofted", "minimum-energy", "depressed"))
    assert lofted.apogee_m > me.apogee_m > dep.apogee_m
    assert lofted.flight_time_s > me.flight_time_s > dep.flight_time_s
    assert dep.apogee_m == pytest.approx(get_vehicle("mrbm").depressed_apogee_fraction * me.apogee_m, rel=0.1)
    assert lofted.burnout_time_s == pytest.approx(get_vehicle("mrbm").burn_s)


def test_azimuth_range_profile_request():
    f = design_flight(*SUNAN, "slbm", azimuth_rad=math.radians(100), range_m=1200e3, profile="minimum-energy")
    assert f.summary.range_m == pytest.approx(1200e3, rel=2e-3)
    assert f.summary.profile == "minimum-energy"


def test_kn23_flies_in_one_piece_on_a_low_path():
    f = design_flight(*SUNAN, "kn-23", azimuth_rad=math.radians(90), apogee_m=50e3, range_m=400e3)
    assert [o.object_id for o in f.objects] == ["RV"]
    assert f.summary.apogee_m == pytest.approx(50e3, rel=5e-3)
    assert f.summary.range_m == pytest.approx(400e3, rel=5e-3)


def test_summary_json_in_report_units(irbm):
    out = irbm.summary.to_json()
    assert out["apogee_km"] == pytest.approx(970, rel=2e-3)
    assert out["launch"] == {"lat": pytest.approx(40.6), "lon": pytest.approx(126.4)}
    assert set(out) >= {
        "apogee_km",
        "range_km",
        "flight_time_s",
        "burnout_time_s",
        "impact",
        "launch",
        "vehicle",
        "profile",
    }


def test_state_at_scalar_shapes(irbm):
    r, v, thrusting, alive = irbm.objects[0].state_at(100.0)
    assert r.shape == (3,) and v.shape == (3,) and thrusting.shape == () and bool(alive)


def test_hermite_samples_reproduce_a_fine_integration(irbm):
    # Re-fly the RV's coast from burnout with fixed 0.1 s steps; compare with interpolation between
    # the stored samples (10 s apart in midcourse).
    rv = irbm.objects[0]
    t_bo = irbm.summary.burnout_time_s
    i0 = int(np.searchsorted(rv.t_s, t_bo))
    r = rv.r_ecef_m[i0][None].copy()
    v = rv.v_ecef_m_s[i0][None].copy()
    t_end = 700.05
    n = round((t_end - rv.t_s[i0]) / 0.05)
    kernels.coast_steps(r, v, np.array([(t_end - rv.t_s[i0]) / n]), np.array([1.0 / 6000.0]), n)
    r_i, v_i, _, _ = rv.state_at(t_end)
    assert np.linalg.norm(r_i - r[0]) < 1.0  # metres
    assert np.linalg.norm(v_i - v[0]) < 0.01  # m/s


def test_spent_stage_reenters_slower_and_falls_short_of_the_rv(irbm):
    # S2 separates from the RV at burnout with the same state; only its ballistic coefficient differs.
    rv, s2 = irbm.objects[0], irbm.objects[2]
    assert s2.birth_s == pytest.approx(irbm.summary.burnout_time_s)
    site = (40.6, 126.4)
    lat_rv, lon_rv, _ = ecef_to_geodetic(rv.r_ecef_m[-1])
    lat_s2, lon_s2, _ = ecef_to_geodetic(s2.r_ecef_m[-1])
    d_rv = Geodesic.WGS84.Inverse(*site, float(np.degrees(lat_rv)), float(np.degrees(lon_rv)))["s12"]
    d_s2 = Geodesic.WGS84.Inverse(*site, float(np.degrees(lat_s2)), float(np.degrees(lon_s2)))["s12"]
    assert d_s2 < d_rv and s2.impact_s > rv.impact_s
    assert np.linalg.norm(s2.v_ecef_m_s[-1]) < 0.5 * np.linalg.norm(rv.v_ecef_m_s[-1])
    # identical through midcourse (no drag above 100 km)
    r_rv, _, _, _ = rv.state_at(600.0)
    r_s2, _, _, _ = s2.state_at(600.0)
    assert np.linalg.norm(r_rv - r_s2) < 1.0


def test_lift_on_descent_stretches_the_glide():
    lat, lon = math.radians(39.5), math.radians(127.0)
    r = geodetic_to_ecef(lat, lon, 45e3)
    east = np.array([-math.sin(lon), math.cos(lon), 0.0])
    up = r / np.linalg.norm(r)
    v = 2000.0 * (math.cos(0.3) * east + math.sin(0.3) * up)
    res = coast_to_ground(
        np.array([r, r]), np.array([v, v]), np.zeros(2), np.array([8000.0, 8000.0]), lift_to_drag=np.array([0.0, 1.5])
    )
    assert res.landed.all()
    ballistic, glide = (np.linalg.norm(res.r[k][-1] - r) for k in range(2))
    assert glide > ballistic * 1.05
