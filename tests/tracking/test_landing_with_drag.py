"""A warhead's track ends when it lands, though its prediction flies drag (landing.py rules 2 and 4).

In the last seconds of a re-entry the drag-aware prediction's linearised covariance swells (a
warhead braking at 100+ g with an uncertain ln beta), so "h + 3 sigma_h < 0" alone kept a landed
warhead's track for a minute, and its swollen gate took another object's report far above.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tracking_sim import Radar, detections, fly

from triwatch.geo.frames import enu_to_ecef_vector, geodetic_to_ecef
from triwatch.tracking import NationalTracker, TrackerConfig, imm
from triwatch.tracking.drag import with_drag_prior
from triwatch.tracking.earth import geodetic_of, height_of
from triwatch.tracking.landing import ImpactClock, landed, stale, underground
from triwatch.tracking.measurements import predict_measurement
from triwatch.tracking.store import TrackRecord, TrackStore


def _warhead_and_radar():
    """A dense warhead (beta 5000 kg/m^2) and a radar 60 km short of its impact that sees it down to ~1 km."""
    m = fly(40.0, 127.0, azimuth_deg=90.0, elevation_deg=45.0, accel_m_s2=40.0, burn_s=110.0, beta_kg_m2=5000.0)
    lat, lon, _ = geodetic_of(m.states[-1, :3])
    west = np.degrees(float(lon)) - 60e3 / (111e3 * np.cos(float(lat)))
    radar = Radar("NEAR", np.degrees(float(lat)), west, max_range_m=3000e3, period_s=1.0, model="radar-raer")
    return m, radar


def _false_alarms_at(template, point: np.ndarray, times: np.ndarray):
    """Reports from the template's sensor of a still point (clutter where the warhead came down)."""
    x = np.concatenate([point, np.zeros(3)])[None]
    z, _ = predict_measurement(template.model, x, template.sensor_ecef, template.sensor_lat, template.sensor_lon)
    return [replace(template, z=z[0], time_s=float(t), report_time_s=float(t)) for t in times]


def test_a_warhead_track_ends_within_seconds_of_impact_and_takes_no_report_after():
    m, radar = _warhead_and_radar()
    impact_s = m.t_end_s
    reports, _ = detections([m], [radar], np.random.default_rng(5))
    # clutter 800 m over the impact point, every second for a minute after impact (within the old swollen gate)
    lat, lon, _ = geodetic_of(m.states[-1, :3])
    above = geodetic_to_ecef(float(lat), float(lon), 800.0)
    template = next(d for d in reports if d.time_s > impact_s - 30)
    clutter = _false_alarms_at(template, above, np.arange(np.ceil(impact_s) + 1.0, impact_s + 60.0, 1.0))
    tracker = NationalTracker()
    tracker.process(reports)
    (track,) = tracker.tracks()
    assert track.time_s > impact_s - 5.0  # followed into the last seconds of the fall
    n_updates = track.n_updates
    ended_s = None
    for d in clutter:
        tracker.process([d])
        alive = [t for t in tracker.tracks() if t.track_id == track.track_id]
        if alive:
            assert alive[0].n_updates == n_updates, f"took a report {d.time_s - impact_s:.0f} s after impact"
        elif ended_s is None:
            ended_s = d.time_s
    # due at t_i + 3 sigma_t: from its last update 1.5 km up, the flight says 767.9 +- 2.5 s (truth 767 s)
    assert ended_s is not None and ended_s - impact_s <= 10.0


def _store_with(x6: np.ndarray, P6: np.ndarray, t_s: float, log_beta_sigma: float = 0.1) -> TrackStore:
    """A store of confirmed tracks (coasting model sure) at states x6 (T, 6), P6 (T, 6, 6), updated at t_s."""
    x7, P7 = with_drag_prior(x6, P6, 5000.0, log_beta_sigma)
    store = TrackStore()
    k = x7.shape[0]
    mu = np.tile([1.0, 0.0], (k, 1))
    records = [TrackRecord(f"T-{i}", "confirmed", 0.0) for i in range(k)]
    store.add(np.repeat(x7[:, None], 2, axis=1), np.repeat(P7[:, None], 2, axis=1), mu, t_s, records)
    return store


def _overdue(store: TrackStore, t: float, clock: ImpactClock) -> np.ndarray:
    """Rule 4 alone (stale also runs rule 3, which ends the fast-falling test tracks about as soon)."""
    x, P = imm.combine(store.x, store.P, store.mu)
    return clock.overdue(store, x, P, t, TrackerConfig())


def _falling(height_m: float, v_up_m_s: float, sd_v_m_s: float = 10.0):
    lat, lon = np.radians(38.0), np.radians(135.0)
    r = geodetic_to_ecef(lat, lon, height_m)
    v = enu_to_ecef_vector(np.array([0.0, 0.0, v_up_m_s]), lat, lon)
    return np.concatenate([r, v]), np.diag([50.0**2] * 3 + [sd_v_m_s**2] * 3)


def test_the_impact_clock_ends_a_falling_track_past_its_flight_not_a_high_one():
    low, P_low = _falling(20e3, -2000.0)  # ~10 s from the ground
    high, P_high = _falling(600e3, -3000.0)  # minutes up, midcourse
    store = _store_with(np.stack([low, high]), np.stack([P_low, P_high]), 100.0)
    clock, cfg = ImpactClock(), TrackerConfig()
    assert _overdue(store, 101.0, clock).tolist() == [False, False]
    due = clock.due_s("T-0")
    assert 105.0 < due < 125.0  # flown through the air from 20 km: about 10 s, plus 3 sigma
    assert np.isnan(clock.due_s("T-1"))  # above the air and just seen: not flown (rule 3 covers it)
    assert _overdue(store, due - 0.5, clock).tolist() == [False, False]
    assert _overdue(store, due + 0.5, clock).tolist() == [True, False]
    assert stale(store, due + 0.5, cfg, clock).tolist() == [True, False]


def test_a_later_update_whose_flight_fails_keeps_the_due_time_it_did_not_contradict():
    x, P = _falling(20e3, -2000.0)
    store = _store_with(x[None], P[None], 100.0)
    clock = ImpactClock()
    _overdue(store, 101.0, clock)
    due = clock.due_s("T-0")
    # an update at 102 s with a swollen velocity covariance: a sigma point flies off and never lands
    store.P[0, :, 3:6, 3:6] = np.eye(3) * 20e3**2
    store.t[0], store.records[0].n_updates = 102.0, 2
    assert not _overdue(store, 103.0, clock)[0]
    assert clock.due_s("T-0") == due  # kept: the report at 102 s came before it
    assert _overdue(store, due + 0.5, clock)[0]
    # seen after its due time, the object was still up: the old due time no longer ends it
    store.t[0], store.records[0].n_updates = due + 1.0, 3
    assert not _overdue(store, due + 2.0, clock)[0]


def test_underground_and_landed_refuse_bad_shapes():
    x, P = _falling(-1e3, -300.0)
    assert underground(x[None]).tolist() == [True]
    assert underground(_falling(1e3, -300.0)[0][None]).tolist() == [False]
    with pytest.raises(ValueError, match="underground: states x must be"):
        underground(x)
    with pytest.raises(ValueError, match="landed: age_s must be"):
        landed(x[None], P[None], np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="landed: covariances P must be"):
        landed(x[None], P, np.array([1.0]))
    store = _store_with(x[None], P[None], 0.0)
    with pytest.raises(ValueError, match="2 states for 1 tracks"):
        ImpactClock().overdue(store, np.zeros((2, 7)), np.zeros((2, 7, 7)), 1.0, TrackerConfig())
    assert height_of(x[None, :3])[0] < 0.0
