"""Space infrared: line-of-sight geometry, Earth limb, plume vs body, SGP4 orbits in ECEF."""

import numpy as np
import pytest

from triwatch.geo.frames import ecef_to_geodetic, geodetic_to_ecef
from triwatch.geo.wgs84 import A_M
from triwatch.sensors.factory import build_sensors
from triwatch.sensors.ir_geometry import against_space, clears_earth, los_angles
from triwatch.sensors.ir_presets import GEO_RADIUS_M, IR_PRESETS
from triwatch.sensors.orbits import Constellation, WalkerDelta
from triwatch.sensors.scene import Scene, scene_from_states
from triwatch.sensors.space_ir import GeoIrSensor


def test_line_of_sight_hand_computed():
    sensor = np.array([GEO_RADIUS_M, 0.0, 0.0])
    # straight "down" to the sub-satellite point: alpha = pi, delta = 0
    alpha, delta, rng = los_angles(sensor, np.array([[A_M, 0.0, 0.0]]))
    assert abs(abs(alpha[0]) - np.pi) < 1e-12 and delta[0] == pytest.approx(0.0)
    assert rng[0] == pytest.approx(GEO_RADIUS_M - A_M)
    # a point on the far side of the Earth is hidden; a point beside the Earth (beyond the limb) is not
    far, beside = np.array([[-A_M - 1e3, 0, 0]]), np.array([[0.0, 2 * A_M, 0.0]])
    assert not clears_earth(sensor, far)[0] and clears_earth(sensor, beside)[0]
    # limb: tangent height of the ray to (0, y, 0) from (d, 0, 0) is d*y/sqrt(d^2+y^2); choose y for 50 km
    d, h = GEO_RADIUS_M, A_M + 50e3
    y = d * h / np.sqrt(d**2 - h**2)
    tgt = np.array([[0.0, y, 0.0]])
    assert clears_earth(sensor, tgt, margin_m=40e3)[0] and not clears_earth(sensor, tgt, margin_m=60e3)[0]


def test_body_needs_space_background():
    sensor = geodetic_to_ecef(np.radians(45.0), 0.0, 1000e3)
    below = geodetic_to_ecef(np.radians(45.0), 0.0, 500e3)  # straight below: the Earth behind it
    # far away at the same height and low above the limb as seen from the satellite: space behind it
    side = geodetic_to_ecef(np.radians(45.0), np.radians(40.0), 900e3)
    res = against_space(sensor, np.array([below, side]), 100e3)
    assert res.tolist() == [False, True]


def _boost_and_coast_scene(t):
    r = geodetic_to_ecef(np.radians([40.0, 40.0]), np.radians([127.0, 128.0]), np.array([60e3, 300e3]))
    return scene_from_states(t, ["boosting", "coasting"], r, np.zeros((2, 3)), [True, False], ["stage", "rv"])


def test_geo_sees_boosting_not_coasting():
    geo = GeoIrSensor("geo", "USA", IR_PRESETS["sbirs-geo"], np.radians(110.0))
    rng = np.random.default_rng(1)
    seen = set()
    for t in range(0, 60):
        seen |= {o.truth_id for o in geo.observe(_boost_and_coast_scene(float(t)), rng) if o.truth_id}
    assert seen == {"boosting"}


def test_geo_staring_after_cue_revisits_faster():
    geo = GeoIrSensor("geo", "USA", IR_PRESETS["sbirs-geo"], np.radians(110.0))
    rng = np.random.default_rng(2)
    times = [t for t in range(30) if any(o.truth_id for o in geo.observe(_boost_and_coast_scene(float(t)), rng))]
    # scan at t=0 cues the stare; then one look a second, not one per 10 s scan
    assert times[0] == 0 and len(times) > 20


def test_geo_does_not_see_the_far_side():
    geo = GeoIrSensor("geo", "USA", IR_PRESETS["sbirs-geo"], np.radians(110.0))
    far = geodetic_to_ecef(0.0, np.radians(-70.0), 100e3)
    assert geo.can_see(far[None], 0.0).tolist() == [False]


def test_sgp4_constellation_in_ecef(epoch):
    pattern = WalkerDelta(planes=3, sats_per_plane=4, altitude_m=1000e3, inclination_rad=np.radians(70.0))
    c = Constellation(pattern, epoch)
    r, v = c.states_ecef(0.0)
    lat, _, h = ecef_to_geodetic(r)
    assert r.shape == (12, 3)
    # SGP4 (WGS72 mean elements) around a 1000 km circular orbit: height within tens of km, |lat| <= incl
    assert np.all(np.abs(h - 1000e3) < 40e3)
    assert np.all(np.abs(np.degrees(lat)) <= 70.5)
    # ECEF velocity = inertial minus Earth rotation: speed between ~7.35 - 0.5 and 7.35 + 0.5 km/s
    speed = np.linalg.norm(v, axis=1)
    assert np.all((speed > 6.8e3) & (speed < 7.9e3))
    # finite-difference of ECEF positions matches the ECEF velocity (checks the TEME->ECEF omega x r term)
    r2, _ = c.states_ecef(1.0)
    assert np.allclose(r2 - r, v, atol=15.0)


def test_leo_sees_midcourse_body_less_well_than_geo_sees_plume(oct2022, epoch):
    from simple_flight import scene_at

    sensors = build_sensors(
        [{"id": "leo", "nation": "USA", "kind": "ir-leo", "preset": "leo-tracking"}], ["USA"], epoch
    )
    assert len(sensors) == 48 and sensors[0].sensor_id == "leo-00-00"
    rng = np.random.default_rng(4)
    boost_hits, coast_hits = set(), set()
    for t in oct2022.t_s[::2]:
        sc = scene_at({"L1": oct2022}, t)
        for s in sensors:
            for o in s.observe(sc, rng):
                if o.truth_id:
                    assert o.detection.model == "ir-los"
                    (boost_hits if t < oct2022.boost_s else coast_hits).add(t)
    assert coast_hits, "the LEO layer should see the coasting RV against space at times"
    # the plume is seen on every look once it is above the water-vapour layer (10 km, reached by t ~ 30 s)
    boost_looks = np.arange(30, oct2022.boost_s, 2)
    boost_frac = np.isin(boost_looks, list(boost_hits)).mean()
    coast_looks = oct2022.t_s[::2][oct2022.t_s[::2] >= oct2022.boost_s]
    coast_frac = np.isin(coast_looks, list(coast_hits)).mean()
    assert boost_frac > 0.95 and coast_frac > 0.5


def test_leo_body_detection_range_shorter_than_plume(epoch):
    """One LEO satellite: a plume is seen out to the sensor's range, a 30 W/sr body only to ~3,000 km."""
    sat = build_sensors([{"id": "leo", "nation": "USA", "kind": "ir-leo", "preset": "leo-tracking"}], ["USA"], epoch)[0]
    pos = sat.position_ecef(0.0)
    up = pos / np.linalg.norm(pos)
    side = np.cross(up, [0.0, 0.0, 1.0])
    side /= np.linalg.norm(side)
    rates = {}
    for rng_km in (1500, 2500, 4500):
        tgt = pos + side * rng_km * 1e3 + up * 100e3  # slightly above the satellite: space behind it
        k = 500
        for thrust in (True, False):
            scene = scene_from_states(
                0.0, [str(i) for i in range(k)], np.tile(tgt, (k, 1)), np.zeros((k, 3)), np.full(k, thrust), ["rv"] * k
            )
            sat._clock._last = None
            hits = sum(o.truth_id is not None for o in sat.observe(scene, np.random.default_rng(rng_km)))
            rates[(rng_km, thrust)] = hits / k
    assert all(rates[(r, True)] > 0.99 for r in (1500, 2500, 4500))
    assert rates[(1500, False)] > 0.99 and rates[(4500, False)] < 0.01


def test_ir_noise_statistics():
    geo = GeoIrSensor("geo", "USA", IR_PRESETS["sbirs-geo"], np.radians(110.0))
    k = 2000
    tgt = geodetic_to_ecef(np.radians(40.0), np.radians(127.0), 60e3)
    scene = Scene(
        0.0,
        tuple(map(str, range(k))),
        np.tile(tgt, (k, 1)),
        np.zeros((k, 3)),
        np.ones(k, bool),
        np.full(k, 5.0),
        np.full(k, 3e5),
    )
    obs = [o for o in geo.observe(scene, np.random.default_rng(9)) if o.truth_id]
    a0, d0, _ = los_angles(geo.position_ecef(0.0), tgt[None])
    d2 = []
    for o in obs:
        e = o.detection.z - np.array([a0[0], d0[0]])
        d2.append(e @ np.linalg.solve(o.detection.R, e))
    from scipy import stats

    assert stats.kstest(d2, stats.chi2(2).cdf).pvalue > 1e-3
    assert np.sqrt(o.detection.R[1, 1]) == pytest.approx(20e-6)
    assert o.detection.sensor_lat == pytest.approx(0.0, abs=1e-9)  # sub-satellite point, radians
    assert o.detection.sensor_lon == pytest.approx(np.radians(110.0))


def test_teme_to_ecef_reference_values(epoch):
    from sgp4.propagation import gstime

    from triwatch.sensors.orbits import julian_date, teme_to_ecef

    # GMST at J2000.0 (2000-01-01 12:00 UT1) is 280.46061837 deg (IAU-82)
    assert np.degrees(gstime(2451545.0)) == pytest.approx(280.46061837, abs=1e-6)
    # a point on the TEME x axis appears at longitude -GMST; an inertially fixed point drifts west at w
    theta = np.radians(30.0)
    r, v = teme_to_ecef(np.array([7e6, 0.0, 0.0]), np.zeros(3), theta)
    assert np.degrees(np.arctan2(r[1], r[0])) == pytest.approx(-30.0)
    assert v == pytest.approx(np.array([-7.292115e-5 * -r[1], -7.292115e-5 * r[0], 0.0]))
    # the element epoch handed to sgp4init is the scenario epoch
    c = Constellation(WalkerDelta(1, 1, 1000e3, np.radians(70.0)), epoch)
    jd, fr = julian_date(epoch)
    sat = c._array_sats[0]
    assert sat.jdsatepoch + sat.jdsatepochF == pytest.approx(jd + fr, abs=1e-8)


def test_fast_height_matches_exact_geodetic():
    from triwatch.sensors.ir_geometry import height_m

    rng = np.random.default_rng(0)
    lat, lon, h = rng.uniform(-1.57, 1.57, 500), rng.uniform(-3.14, 3.14, 500), rng.uniform(-1e3, 3000e3, 500)
    r = geodetic_to_ecef(lat, lon, h)
    assert np.max(np.abs(height_m(r) - h)) < 1.0
    assert np.max(np.abs(height_m(r) - ecef_to_geodetic(r)[2])) < 1.0
