"""Radar geometry (horizon, field of regard), detection probability and measurement noise."""

import numpy as np
import pytest
from scipy import stats

from triwatch.geo.frames import aer_to_ecef, geodetic_to_ecef
from triwatch.geo.wgs84 import MEAN_RADIUS_M
from triwatch.sensors.radar import RadarSensor
from triwatch.sensors.radar_equation import pd_swerling1, snr50, snr_linear
from triwatch.sensors.radar_presets import RADAR_PRESETS
from triwatch.sensors.scene import Scene

LAT, LON = np.radians(40.0), np.radians(140.0)


def radar(preset="fps-5", **kw):
    kw.setdefault("height_m", 0.0)
    return RadarSensor("r1", "JPN", RADAR_PRESETS[preset], LAT, LON, **kw)


def point_at(ground_km, az_deg, h_m):
    """ECEF point at a great-circle distance and bearing from the site, at geodetic height h (sphere approx)."""
    c = ground_km * 1e3 / MEAN_RADIUS_M
    a = np.radians(az_deg)
    lat = np.arcsin(np.sin(LAT) * np.cos(c) + np.cos(LAT) * np.sin(c) * np.cos(a))
    lon = LON + np.arctan2(np.sin(a) * np.sin(c) * np.cos(LAT), np.cos(c) - np.sin(LAT) * np.sin(lat))
    return geodetic_to_ecef(lat, lon, h_m)


def test_horizon_hand_computed():
    # 4/3 Earth from sea level, min elevation 0.5 deg: a target at ground distance d is above the radar's
    # limit only when h > d^2 / (2 kR) + d tan(0.5 deg) (flat-Earth-with-curvature, small angles).
    r = radar()
    kr = 4 / 3 * MEAN_RADIUS_M
    d = 1000e3
    h_needed = d**2 / (2 * kr) + d * np.tan(np.radians(0.5))  # ~67.6 km
    pts = np.array([point_at(1000, 270, h_needed * f) for f in (0.9, 1.1)])
    assert r.can_see(pts, 0.0).tolist() == [False, True]


def test_horizon_and_range_limits():
    r = radar("spy-1d")  # 360 deg, min el 0, max range 1100 km
    pts = np.array([point_at(500, 45, 100e3), point_at(500, 45, 5e3), point_at(1200, 45, 800e3)])
    # 100 km high at 500 km: visible; 5 km high at 500 km: below the horizon (needs ~14.7 km); 1200 km: too far
    assert r.can_see(pts, 0.0).tolist() == [True, False, False]


def test_field_of_regard_sector():
    r = radar("an-tpy-2-fbm", boresight_az_rad=np.radians(270.0))
    pts = np.array([point_at(800, az, 300e3) for az in (270, 215, 325, 200, 90)])
    assert r.can_see(pts, 0.0).tolist() == [True, True, True, False, False]


def test_pd_decreases_with_range():
    ranges = np.linspace(200e3, 3000e3, 30)
    pd = pd_swerling1(snr_linear(ranges, 0.05, 2000e3, 1e-6), 1e-6)
    assert np.all(np.diff(pd) < 0)
    assert pd[0] > 0.99 and pd[-1] < 0.01
    # anchor: a 1 m^2 target at r50 is detected half the time
    assert pd_swerling1(snr_linear(2000e3, 1.0, 2000e3, 1e-6), 1e-6) == pytest.approx(0.5)
    assert 10 * np.log10(snr50(1e-6)) == pytest.approx(12.8, abs=0.05)


def test_empirical_pd_matches_model():
    r = radar("spy-1d", height_m=20.0)
    site = r.position_ecef(0.0)
    rng = np.random.default_rng(3)
    rcs = 0.05
    for rng_km in (600, 900):
        tgt = aer_to_ecef(0.3, np.radians(20.0), rng_km * 1e3, LAT, LON, site)
        k = 4000
        scene = Scene(
            0.0,
            tuple(f"o{i}" for i in range(k)),
            np.tile(tgt, (k, 1)),
            np.zeros((k, 3)),
            np.zeros(k, bool),
            np.full(k, rcs),
            np.zeros(k),
        )
        r._clock._last = None
        hits = sum(o.truth_id is not None for o in r.observe(scene, rng))
        p = RADAR_PRESETS["spy-1d"]
        pd = pd_swerling1(snr_linear(rng_km * 1e3, rcs, p.r50_1m2_m, p.pfa), p.pfa)
        assert hits / k == pytest.approx(pd, abs=4 * np.sqrt(pd * (1 - pd) / k) + 1e-3)


def test_noise_statistics_chi_square():
    # Normalised errors e^T R^-1 e over many draws follow chi-square with dim(z) degrees of freedom.
    r = radar("an-tpy-2-fbm", boresight_az_rad=np.radians(270.0), height_m=50.0)
    site = r.position_ecef(0.0)
    az, el, rg = np.radians(265.0), np.radians(30.0), 900e3
    tgt = aer_to_ecef(az, el, rg, LAT, LON, site)
    v = np.array([1000.0, -2000.0, 500.0])
    los = (tgt - site) / np.linalg.norm(tgt - site)
    truth = np.array([rg, az, el, v @ los])
    k = 3000
    scene = Scene(
        0.0,
        tuple(f"o{i}" for i in range(k)),
        np.tile(tgt, (k, 1)),
        np.tile(v, (k, 1)),
        np.zeros(k, bool),
        np.full(k, 5.0),
        np.zeros(k),
    )
    obs = [o for o in r.observe(scene, np.random.default_rng(11)) if o.truth_id is not None]
    assert len(obs) > 2500
    d2 = []
    for o in obs:
        det = o.detection
        assert det.model == "radar-raer" and det.z.shape == (4,)
        e = det.z - truth
        e[1] = (e[1] + np.pi) % (2 * np.pi) - np.pi
        d2.append(e @ np.linalg.solve(det.R, e))
    d2 = np.array(d2)
    n = d2.size
    # the sum of n chi2(4) is chi2(4n): accept within its central 99.8 %
    lo, hi = stats.chi2.ppf([0.001, 0.999], 4 * n)
    assert lo < d2.sum() < hi
    assert stats.kstest(d2, stats.chi2(4).cdf).pvalue > 1e-3


def test_detection_has_no_truth_and_report_latency():
    r = radar("green-pine", height_m=200.0)
    tgt = aer_to_ecef(0.0, np.radians(20.0), 300e3, LAT, LON, r.position_ecef(0.0))
    scene = Scene(12.0, ("secret-id",), tgt[None], np.zeros((1, 3)), np.zeros(1, bool), np.full(1, 5.0), np.zeros(1))
    obs = [o for o in r.observe(scene, np.random.default_rng(0)) if o.truth_id]
    assert obs and obs[0].truth_id == "secret-id"
    det = obs[0].detection
    assert det.model == "radar-rae" and det.time_s == 12.0
    assert det.report_time_s == 12.0 + RADAR_PRESETS["green-pine"].latency_s
    assert "secret-id" not in repr(det)
    assert det.sensor_id == "r1" and det.nation == "JPN"
    assert det.sensor_lat == pytest.approx(LAT) and det.sensor_lon == pytest.approx(LON)  # radians, like the frames
    assert np.allclose(det.sensor_ecef, r.position_ecef(12.0))


def test_revisit_interval():
    r = radar("green-pine")  # 2 s revisit
    scene = lambda t: Scene(t, (), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0, bool), np.zeros(0), np.zeros(0))  # noqa: E731
    calls = []
    for t in range(6):
        before = r._clock._last
        r.observe(scene(float(t)), np.random.default_rng(0))
        calls.append(r._clock._last != before)
    assert calls == [True, False, True, False, True, False]


def test_false_alarms_poisson_rate():
    r = radar("fps-5")
    empty = Scene(0.0, (), np.zeros((0, 3)), np.zeros((0, 3)), np.zeros(0, bool), np.zeros(0), np.zeros(0))
    rng = np.random.default_rng(5)
    n, total = 4000, 0
    for _ in range(n):
        r._clock._last = None
        fa = r.observe(empty, rng)
        assert all(o.truth_id is None for o in fa)
        total += len(fa)
    lam = RADAR_PRESETS["fps-5"].false_alarms_per_scan
    assert total == pytest.approx(lam * n, abs=5 * np.sqrt(lam * n))
