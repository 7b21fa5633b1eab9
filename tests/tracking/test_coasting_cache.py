"""The coasting cache (store.py): a track unseen for long is predicted on from its last prediction, not from its last update.

Two claims: the cache changes the filter's answer by little (an IMM cycle without a measurement at
each scan, instead of one long prediction), and its bookkeeping is right (dropped on update,
never replaced by an older prediction, not used by a scan older than it).
"""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import Radar, detections

from triwatch.sensors.detection import Detection
from triwatch.tracking import NationalTracker, TrackerConfig, imm
from triwatch.tracking.scan import predict_to
from triwatch.tracking.store import TrackRecord, TrackStore

GAP = (400.0, 620.0)  # midcourse: neither radar reports the missile
GUAM = Radar("GUAM", 13.4, 144.8, period_s=5.0)


def _clutter(times: np.ndarray) -> list[Detection]:
    """One report of a fixed point 300 km from Guam every 5 s: scans go on while the missile is unseen."""
    R = GUAM.noise_covariance()
    return [
        Detection(
            float(t),
            float(t),
            "GUAM",
            "XXX",
            "radar-rae",
            np.array([300e3, 0.3, 0.05]),
            R,
            GUAM.ecef,
            GUAM.lat,
            GUAM.lon,
        )
        for t in times
    ]


def _run(reports: list[Detection], cached: bool, monkeypatch) -> tuple[NationalTracker, list[float]]:
    """Feed reports scan time by scan time; returns the tracker and the cache times seen during the gap."""
    if not cached:
        monkeypatch.setattr(TrackStore, "remember", lambda self, rows, t, x, P, c: None)
    tracker = NationalTracker(TrackerConfig())
    cache_times = []
    for t in sorted({d.time_s for d in reports}):
        tracker.process([d for d in reports if d.time_s == t])
        if GAP[0] < t < GAP[1]:
            cache_times.extend(tracker.store.tc[np.isfinite(tracker.store.tc)].tolist())
    monkeypatch.undo()
    return tracker, cache_times


def test_a_track_coasting_through_a_gap_is_the_same_track_with_or_without_the_cache(irbm, monkeypatch):
    rng = np.random.default_rng(21)
    windows = [(0.0, GAP[0]), (GAP[1], irbm.t_end_s)]
    reports, _ = detections([irbm], [Radar("SEONGJU", 35.9, 128.1), Radar("SHARIKI", 40.9, 140.3)], rng, only=windows)
    reports = sorted(reports + _clutter(np.arange(GAP[0] + 5.0, GAP[1], 5.0)), key=lambda d: d.time_s)
    with_cache, cache_times = _run(reports, True, monkeypatch)
    without, no_cache_times = _run(reports, False, monkeypatch)
    assert cache_times and max(cache_times) > GAP[0] + 100.0  # the missile's track coasted on its cache
    assert not no_cache_times
    (a,) = [tr for tr in with_cache.tracks() if tr.n_updates > 100]
    (b,) = [tr for tr in without.tracks() if tr.n_updates > 100]
    assert a.track_id == b.track_id and a.n_updates == b.n_updates  # it took the same reports after the gap
    sigma = np.sqrt(np.diag(b.P))
    assert np.all(np.abs(a.x - b.x) < 0.5 * sigma)


def test_incremental_imm_prediction_against_one_long_prediction(irbm):
    """A 300 s midcourse coast in 60 scans of 5 s (mixing at each) against one prediction of 300 s.

    The means agree. The covariances do not quite: mixing at every scan passes a little of the
    thrust model's swelling covariance into the coast model each time (the chance that the missile
    burned out just now), so the coast model ends up wider (position 1.5 -> 2.0 km, velocity
    5 -> 9 m/s here, thrust
    model at 1e-6), while one long prediction mixes once, at the start. The cached prediction
    errs on the wide side, never the tight one.
    """
    x6 = irbm.state_at(450.0)
    x = np.repeat(np.append(x6, np.log(5000.0))[None, None], 2, axis=1)
    P = np.repeat(np.diag([200.0**2] * 3 + [5.0**2] * 3 + [1.0])[None, None], 2, axis=1)
    mu = np.array([[1.0 - 1e-6, 1e-6]])  # a midcourse track: the thrust model near its floor
    cfg = TrackerConfig()
    xl, Pl, cl = predict_to(x, P, mu, np.array([300.0]), cfg)
    xs, Ps, cs = x, P, mu
    for _ in range(60):
        xs, Ps, cs = predict_to(xs, Ps, cs, np.array([5.0]), cfg)
    assert cs[0, imm.THRUST] < 1e-3 and cl[0, imm.THRUST] < 1e-3
    sigma_long = np.sqrt(np.diag(Pl[0, imm.COAST]))
    sigma_scans = np.sqrt(np.diag(Ps[0, imm.COAST]))
    assert np.all(np.abs(xs[0, imm.COAST] - xl[0, imm.COAST]) < 0.05 * sigma_long)
    assert np.all(sigma_scans[:6] >= 0.99 * sigma_long[:6])
    assert np.all(sigma_scans[:6] <= 2.0 * sigma_long[:6])


def _store_with_one_track() -> TrackStore:
    store = TrackStore()
    x = np.zeros((1, 2, 7))
    P = np.repeat(np.eye(7)[None, None], 2, axis=1)
    store.add(x, P, np.array([[0.9, 0.1]]), 10.0, [TrackRecord("T-0001", "confirmed", 10.0)])
    return store


def test_cache_bookkeeping():
    store = _store_with_one_track()
    rows = np.array([0])
    x, P, mu, dt = store.prediction_start(50.0)
    assert dt[0] == pytest.approx(40.0) and mu[0, 0] == pytest.approx(0.9)  # no cache yet: from the last update
    store.remember(rows, 40.0, np.ones((1, 2, 7)), 2 * store.P, np.array([[0.8, 0.2]]))
    x, P, mu, dt = store.prediction_start(50.0)
    assert dt[0] == pytest.approx(10.0) and x[0, 0, 0] == 1.0 and mu[0, 0] == pytest.approx(0.8)
    x, P, mu, dt = store.prediction_start(30.0)  # a late scan, older than the cache: from the last update
    assert dt[0] == pytest.approx(20.0) and x[0, 0, 0] == 0.0
    store.remember(rows, 35.0, 3 * np.ones((1, 2, 7)), store.P, store.mu)  # older than the cache: ignored
    assert store.tc[0] == 40.0 and store.xc[0, 0, 0] == 1.0
    store.updated(rows)
    assert np.isnan(store.tc[0])
    store.remember(rows, 60.0, np.ones((1, 2, 7)), store.P, store.mu)
    store.keep(np.array([False]))
    assert store.tc.shape == (0,) and store.xc.shape == (0, 2, 7)
