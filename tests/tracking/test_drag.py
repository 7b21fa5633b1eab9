"""Drag in the tracker: ln beta as a seventh state, its Jacobian, its estimate in re-entry, and impacts that use it.

Truth: physics.flight (US76 drag on every object), a Scud-class SRBM whose spent stage is light
(beta = 600 kg/m^2) and whose re-entry vehicle is heavy (5000 kg/m^2), seen by a radar by the
impact area down to low altitude.
"""

from __future__ import annotations

import numpy as np
import pytest
from physics_truth import srbm_flight, truth_of
from scipy.stats import chi2
from tracking_sim import DT_S, Radar, detections, separate

from triwatch.geo.frames import ecef_to_enu, geodetic_to_ecef
from triwatch.physics.atmosphere import density_kg_m3
from triwatch.physics.propagate import propagate_to_impact
from triwatch.physics.vehicles import get_vehicle
from triwatch.tracking import NationalTracker, TrackerConfig, drag, imm
from triwatch.tracking.drag import LOG_BETA, with_drag_estimate, with_drag_prior
from triwatch.tracking.earth import height_of
from triwatch.tracking.impact import predict_impact
from triwatch.tracking.motion import propagate_with_covariance

IMPACT_RADAR = Radar("IMPACT-R", 37.5, 129.1, period_s=1.0)
SRBM = get_vehicle("srbm")


@pytest.fixture(scope="module")
def flight():
    return srbm_flight()


def _true_impact(obj) -> np.ndarray:
    return obj.r_ecef_m[-1]


def _miss(est, r_true: np.ndarray) -> tuple[float, float]:
    """Ground miss (m) of an impact estimate and its squared Mahalanobis distance in its East/North covariance."""
    origin = geodetic_to_ecef(est.lat_rad, est.lon_rad, 0.0)
    d = ecef_to_enu(r_true[None], est.lat_rad, est.lon_rad, origin)[0, :2]
    return float(np.linalg.norm(d)), float(d @ np.linalg.solve(est.cov_en_m2, d))


def test_transition_of_the_seven_state_matches_finite_differences_in_the_air(flight, monkeypatch):
    """In re-entry (dense air, drag ~ 10 g) the EKF's F, ln beta column included, matches the flight's derivatives."""
    monkeypatch.setattr(drag, "LIFT_TO_DRAG_SIGMA", 0.0)  # F alone: no process noise, the lift allowance's included
    rv = flight.objects[0]
    t = rv.impact_s - 25.0
    r, v, _, _ = rv.state_at(t)
    x = np.concatenate([r, v, [np.log(SRBM.rv_beta_kg_m2)]])[None]
    P = np.eye(7)[None]
    dt = np.array([4.0])
    _, Pp = propagate_with_covariance(x, P, dt, 0.0, 0.0)
    steps = np.array([1.0] * 3 + [0.01] * 3 + [1e-4])
    F = np.zeros((7, 7))
    for i in range(7):
        d = np.zeros(7)
        d[i] = steps[i]
        plus, _ = propagate_with_covariance(x + d, P, dt, 0.0, 0.0)
        minus, _ = propagate_with_covariance(x - d, P, dt, 0.0, 0.0)
        F[:, i] = (plus[0] - minus[0]) / (2 * steps[i])
    assert np.abs(F[3:6, LOG_BETA]).max() > 50.0  # drag really acts: m/s per unit of ln beta
    expected = F @ F.T
    np.testing.assert_allclose(Pp[0], expected, rtol=0, atol=1e-2 * np.abs(expected).max())


def _track_object(obj, rng, down_to_m: float = 0.0, config=None):
    """Track one object with the impact-area radar until it falls below down_to_m; the tracker after its last report."""
    truth, _ = truth_of(obj)
    heights = height_of(truth.states[:, :3])
    falling = np.einsum("ki,ki->k", truth.states[:, :3], truth.states[:, 3:]) < 0
    until = truth.t0_s + DT_S * np.flatnonzero(falling & (heights < down_to_m))[0] if down_to_m > 0 else truth.t_end_s
    reports, _ = detections([truth], [IMPACT_RADAR], rng, only=[(truth.t0_s, until)])
    tracker = NationalTracker(config or TrackerConfig())
    for t in sorted({d.time_s for d in reports}):
        tracker.process([d for d in reports if d.time_s == t])
    return tracker


def test_light_stage_beta_is_estimated_and_its_impact_predicted_with_it(flight):
    stage = flight.objects[1]
    assert stage.role == "stage"
    tracker = _track_object(stage, np.random.default_rng(5), down_to_m=20e3)
    (track,) = tracker.tracks()
    # seen down to 20 km, the air has shown the drag: ln beta is known to a few per cent and agrees with the truth
    assert track.log_beta_sigma < 0.15
    assert abs(np.log(track.beta_kg_m2) - np.log(SRBM.stage_beta_kg_m2)) < 3 * track.log_beta_sigma + 0.05
    miss, d2 = _miss(track.impact, _true_impact(stage))
    assert miss < 10e3
    assert d2 < chi2.ppf(0.999, 2)
    # the same kinematic state flown through vacuum (no beta) lands far away: drag is what the estimate adds
    vacuum = predict_impact(track.x, track.P, track.time_s)
    vacuum_miss, _ = _miss(vacuum, _true_impact(stage))
    assert vacuum_miss > 3 * miss + 5e3


def test_heavy_re_entry_vehicle_is_told_from_the_light_stage(flight):
    tracker = _track_object(flight.objects[0], np.random.default_rng(6), down_to_m=15e3)
    (track,) = tracker.tracks()
    assert track.beta_kg_m2 > 2.5 * SRBM.stage_beta_kg_m2
    miss, _ = _miss(track.impact, _true_impact(flight.objects[0]))
    assert miss < 10e3


def test_impact_ellipses_hold_the_truth_at_their_nominal_rates(flight):
    """Over Monte-Carlo runs the predicted impact ellipse contains the true impact about as often as it says.

    An ellipse's rate is nominal only over truths drawn from what the tracker assumes, so each run
    flies the re-entry vehicle on from midcourse (150 s) with a ballistic coefficient drawn from
    the tracker's prior (log-normal around 5000 kg/m^2, sigma of ln beta 1), seen by the impact-area
    radar with fresh noise. Impact predictions from midcourse (beta unseen) and from re-entry at
    ~40 km (beta being learnt): 95 % ellipses must hold the truth in >= 85 % of the cases and
    one-sigma (39 %) ellipses in 20-60 % (neither overconfident nor uselessly wide).
    """
    cfg = TrackerConfig()
    rv, _ = truth_of(flight.objects[0])
    rng = np.random.default_rng(77)
    inside_95, inside_39 = [], []
    for run in range(12):
        beta = float(np.exp(rng.normal(np.log(cfg.beta_prior_kg_m2), cfg.log_beta_sigma)))
        truth = separate(rv, 150.0, np.zeros(3), f"rv-{run}", beta_kg_m2=beta)
        truth.parent = None  # the same object flown on, not a separated one hidden in its parent's blob
        r_true, _ = propagate_to_impact(truth.states[-1:, :3], truth.states[-1:, 3:], dt_s=0.1, beta_kg_m2=beta)
        reports, _ = detections([truth], [IMPACT_RADAR], rng)
        heights = height_of(truth.states[:, :3])
        low = truth.t0_s + DT_S * int(np.argmax((heights < 40e3) & (np.arange(heights.size) > 10)))
        checks = [160.0 + 2 * run, low]
        tracker = NationalTracker(cfg)
        for t in sorted({d.time_s for d in reports}):
            tracker.process([d for d in reports if d.time_s == t])
            if checks and t >= checks[0] and len(tracker.store) and tracker.store.records[0].n_updates >= 20:
                checks.pop(0)
                x, P = imm.combine(tracker.store.x, tracker.store.P, tracker.store.mu)
                _, d2 = _miss(predict_impact(x[0], P[0], t), r_true[0])
                inside_95.append(d2 < chi2.ppf(0.95, 2))
                inside_39.append(d2 < 1.0)
    assert len(inside_95) >= 20
    assert np.mean(inside_95) >= 0.85, np.mean(inside_95)
    assert 0.2 <= np.mean(inside_39) <= 0.6, np.mean(inside_39)


def test_drag_state_helpers_refuse_bad_input():
    with pytest.raises(ValueError, match=r"x0 must be \(K, 6\)"):
        with_drag_prior(np.zeros((2, 7)), np.zeros((2, 7, 7)), 3000.0, 1.0)
    with pytest.raises(ValueError, match="beta and its log sigma must be > 0"):
        with_drag_prior(np.zeros((1, 6)), np.zeros((1, 6, 6)), -1.0, 1.0)
    with pytest.raises(ValueError, match="need beta > 0"):
        with_drag_estimate(np.zeros(6), np.eye(6), 0.0, 0.1)
    x, P = with_drag_estimate(np.zeros(6), np.eye(6), None, None)
    assert x.shape == (6,) and P.shape == (6, 6)
    x, P = with_drag_estimate(np.ones(6), np.eye(6), 1000.0, 0.2)
    assert x[6] == pytest.approx(np.log(1000.0)) and P[6, 6] == pytest.approx(0.04) and P[:6, 6].sum() == 0
    with pytest.raises(ValueError, match="beta_kg_m2 must be > 0"):
        propagate_to_impact(np.array([[7e6, 0, 0]]), np.zeros((1, 3)), beta_kg_m2=np.array([-5.0]))
    with pytest.raises(ValueError, match="needs the default dynamics"):
        propagate_to_impact(np.array([[7e6, 0, 0]]), np.zeros((1, 3)), accel=lambda r, v: 0 * r, beta_kg_m2=1.0)
    with pytest.raises(ValueError, match="beta_prior_kg_m2"):
        TrackerConfig(beta_prior_kg_m2=0.0)


def test_lift_allowance_only_for_objects_sinking_through_the_air():
    """Unmodelled lift noise: 2 tau (L/D sigma |a_d|)^2 when sinking in the air; none above it, climbing, or for 6 states."""
    r = geodetic_to_ecef(np.radians(39.0), np.radians(128.0), 20e3)
    up = r / np.linalg.norm(r)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    v_down = 1500.0 * (0.8 * east - 0.6 * up)
    v_up = 1500.0 * (0.8 * east + 0.6 * up)
    high = geodetic_to_ecef(np.radians(39.0), np.radians(128.0), 150e3)
    ln_b = np.log(5000.0)
    x = np.array([[*r, *v_down, ln_b], [*r, *v_up, ln_b], [*high, *v_down, ln_b]])
    q = drag.lift_noise_density(x)
    a_d = 0.5 * density_kg_m3(20e3) * 1500.0**2 / 5000.0
    expected = 2.0 * drag.LIFT_CORRELATION_S * (drag.LIFT_TO_DRAG_SIGMA * a_d) ** 2
    assert q[0] == pytest.approx(expected, rel=0.02)
    assert q[1] == 0.0 and q[2] == 0.0
    assert np.all(drag.lift_noise_density(x[:, :6]) == 0.0)
