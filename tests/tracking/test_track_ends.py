"""How tracks end: a landed object's track ends, and a track across a long gap takes no false alarm.

Both failures made false tracks in the library runs: a track kept after its object landed, or
coasting through a long coverage gap, had a gate so wide (its IMM thrust model, grown over the
gap) that a false alarm or another missile's report updated it, far from anything real.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from tracking_sim import SEONGJU, SHARIKI, detections, run_and_score

from triwatch.geo.frames import enu_to_ecef_vector
from triwatch.tracking import NationalTracker
from triwatch.tracking.earth import geodetic_of
from triwatch.tracking.landing import below_ground, landed
from triwatch.tracking.measurements import predict_measurement
from triwatch.tracking.metrics import false_tracks


def _state(height_m: float, v_up_m_s: float, sd_v_m_s: float, sd_r_m: float = 80.0):
    """A state over (40 N, 130 E) at a height, moving straight up at v_up, with a round covariance."""
    from triwatch.geo.frames import geodetic_to_ecef

    lat, lon = np.radians(40.0), np.radians(130.0)
    r = geodetic_to_ecef(lat, lon, height_m)
    v = enu_to_ecef_vector(np.array([0.0, 0.0, v_up_m_s]), lat, lon)
    P = np.diag([sd_r_m**2] * 3 + [sd_v_m_s**2] * 3)
    return np.concatenate([r, v])[None], P[None]


def test_a_falling_track_with_an_uncertain_sink_rate_is_landed_after_its_fall_time():
    # re-entry drag excites the thrust model: sink rate 170 +- 80 m/s at 4.7 km, as in the SRBM salvo
    x, P = _state(4.7e3, -170.0, 80.0)
    assert not landed(x, P, np.array([30.0]))[0]  # 170 m/s takes ~28 s: not down yet at 30 s
    assert landed(x, P, np.array([120.0]))[0]  # even at the slowest terminal speed it is down
    # a climbing track, however old, has not landed by this rule (the stale rules handle it)
    x_up, P_up = _state(4.7e3, +170.0, 80.0)
    assert not landed(x_up, P_up, np.array([1e4]))[0]


def test_a_track_predicted_under_the_ground_is_refused_only_when_surely_under():
    x, P = _state(-2e3, -300.0, 10.0, sd_r_m=100.0)
    assert below_ground(x, P)[0]
    x, P = _state(-2e3, -300.0, 10.0, sd_r_m=1e3)  # 2 sigma under: could still be in the air
    assert not below_ground(x, P)[0]
    assert below_ground(np.zeros((0, 6)), np.zeros((0, 6, 6))).shape == (0,)


def _report_of(d, position: np.ndarray):
    """The same sensor's report of another point (a false alarm where we put it)."""
    x = np.concatenate([position, np.zeros(3)])[None]
    z, _ = predict_measurement(d.model, x, d.sensor_ecef, d.sensor_lat, d.sensor_lon)
    return replace(d, z=z[0])


def test_a_track_across_a_long_gap_takes_no_false_alarm_and_keeps_its_id(irbm):
    """Seen for 300 s, then 600 s without reports of it, only false alarms 150-250 km off its path."""
    end = irbm.t_end_s
    rng = np.random.default_rng(21)
    reports, _ = detections([irbm], [SEONGJU, SHARIKI], rng, only=[(0.0, 300.0), (900.0, end)])
    clutter = []
    for t in np.arange(320.0, 900.0, 40.0):
        truth = irbm.state_at(t)
        lat, lon, _ = geodetic_of(truth[:3])
        east = enu_to_ecef_vector(np.array([1.0, 0.0, 0.0]), float(lat), float(lon))
        offset = rng.uniform(150e3, 250e3) * rng.choice([-1.0, 1.0])
        template = next(d for d in reports if d.sensor_id == "SEONGJU")
        clutter.append(
            replace(_report_of(template, truth[:3] + offset * east), time_s=float(t), report_time_s=float(t))
        )
    mixed = sorted(reports + clutter, key=lambda d: d.time_s)
    steps, ever, assigned, _, tracker = run_and_score(NationalTracker(), mixed, [irbm], every=5)
    assert {s["irbm"] for s in steps if "irbm" in s} == {"T-0001"}  # one id before and after the gap
    assert false_tracks(ever, assigned) == 0
    (track,) = tracker.tracks()
    assert track.n_updates == len(reports)  # every real report (the first started it), no false alarm


def test_a_tentative_hit_inside_a_missed_confirmed_tracks_gate_is_borrowed_not_evidence():
    from triwatch.tracking.initiation import borrowed_hits

    eye = np.eye(3)
    hits = np.array([[0.0, 0.0, 500.0], [0.0, 0.0, 20e3]])  # 500 m and 20 km from the missed track
    cov = np.repeat((100.0**2 * eye)[None], 2, axis=0)
    missed = np.array([[0.0, 0.0, 0.0]])
    missed_cov = (200.0**2 * eye)[None]
    gate = 16.27  # chi-square 99.9 %, 3 degrees of freedom
    assert borrowed_hits(hits, cov, missed, missed_cov, gate).tolist() == [True, False]
    assert borrowed_hits(hits, cov, np.zeros((0, 3)), np.zeros((0, 3, 3)), gate).tolist() == [False, False]


def test_a_missile_braking_hard_in_re_entry_keeps_one_track_to_the_end():
    """~22 g of drag in re-entry, seen down to ~10 km: no fragment track at the end of the flight."""
    from tracking_sim import fly

    m = fly(40.0, 127.0, azimuth_deg=88.0, elevation_deg=40.0, accel_m_s2=35.0, burn_s=120.0, beta_kg_m2=1000.0)
    decel = np.linalg.norm(np.diff(m.states[:, 3:], axis=0), axis=1) / 0.5
    assert decel[300:].max() > 150.0  # the drag is real (well past the thrust model's few g)
    reports, _ = detections([m], [SEONGJU, SHARIKI], np.random.default_rng(2))
    steps, ever, assigned, _, tracker = run_and_score(NationalTracker(), reports, [m], every=2)
    assert ever == {"T-0001"} and false_tracks(ever, assigned) == 0
    assert steps[-1] == {"M": "T-0001"}


def test_a_track_last_seen_burning_is_forgotten_sooner_than_a_coasting_one():
    # The same state 200 km up, unseen for 150 s: burning when last seen (thrust model sure), the
    # mixture's white acceleration (8000 m^2/s^3) puts it anywhere within ~150 km: deleted; coasting,
    # the ballistic one (0.01) keeps it sharp: kept.
    from triwatch.tracking import TrackerConfig
    from triwatch.tracking.drag import with_drag_prior
    from triwatch.tracking.landing import stale
    from triwatch.tracking.store import TrackRecord, TrackStore

    x, P = _state(200e3, 1000.0, 20.0)
    x7, P7 = with_drag_prior(x, P, 5000.0, 1.0)
    store = TrackStore()
    mu = np.array([[0.0, 1.0], [1.0, 0.0]])  # (coast, thrust): burning, coasting
    store.add(
        np.repeat(np.repeat(x7[:, None], 2, axis=1), 2, axis=0),
        np.repeat(np.repeat(P7[:, None], 2, axis=1), 2, axis=0),
        mu,
        100.0,
        [TrackRecord("B", "confirmed", 0.0), TrackRecord("C", "confirmed", 0.0)],
    )
    assert stale(store, 250.0, TrackerConfig()).tolist() == [True, False]
    assert stale(store, 160.0, TrackerConfig()).tolist() == [False, False]  # a minute is not yet enough
