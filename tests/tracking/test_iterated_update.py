"""A track found again after a long unseen gap under thrust: the EKF update must land on its report.

The mechanism (irbm-2022-10-04-faults, KOR's node down 140-200 s during the boost): the track's
prediction over 62 s in the thrust model was ~80 km behind the missile with ~25 km sigma, the
report passed its gate, and one EKF update linearised at the prediction left the track ~8 km from
the report while its covariance claimed ~0.5 km; every later report fell outside its gate, new
tracks started and the allied picture switched ids. iterated.py relinearises such an update.
"""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, fly

from triwatch.tracking.iterated import RELINEARISE_M, iterate_update
from triwatch.tracking.kalman import update_with_residual
from triwatch.tracking.measurements import predict_measurement, residual
from triwatch.tracking.scan import predict_scan, update_assigned
from triwatch.tracking.types import TrackerConfig

GAP_S = 62.0
Q_THRUST = 8000.0  # m^2/s^3, the tracker's thrust-model density (TrackerConfig.q_boost_along_m2_s3)
R_RAER = np.diag([30.0**2, 1e-3**2, 1e-3**2, 5.0**2])  # range, az, el, range rate


def _thrust_gap_prior(truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A prediction flown GAP_S without the missile's acceleration: behind it, with white-acceleration spread."""
    along = truth[3:6] / np.linalg.norm(truth[3:6])
    x = truth.copy()
    x[:3] -= 80e3 * along  # 62 s of ~40 m/s^2 missed: ~80 km short
    x[3:6] -= 2.0e3 * along
    t = GAP_S
    P = np.zeros((6, 6))
    P[:3, :3] = np.eye(3) * Q_THRUST * t**3 / 3
    P[:3, 3:] = P[3:, :3] = np.eye(3) * Q_THRUST * t**2 / 2
    P[3:, 3:] = np.eye(3) * Q_THRUST * t
    return x, P


@pytest.fixture(scope="module")
def truth_state() -> np.ndarray:
    tr = fly(40.6, 126.4, 83.0, 40.0, 35.0, 180.0)
    ranges = np.linalg.norm(tr.states[:, :3] - SEONGJU.ecef, axis=1)
    height = np.linalg.norm(tr.states[:, :3], axis=1) - 6371e3
    climbing = np.flatnonzero((ranges > 400e3) & (ranges < 900e3) & (height > 80e3))
    return tr.states[climbing[0]]


def _first_and_iterated(truth: np.ndarray):
    x, P = _thrust_gap_prior(truth)
    z, _ = predict_measurement("radar-raer", truth[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    h, H = predict_measurement("radar-raer", x[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    y = residual("radar-raer", z, h)
    x1, P1, _ = update_with_residual(x[None], P[None], y, R_RAER[None], H)
    x2, P2 = iterate_update(
        x[None], P[None], x1, P1, z, R_RAER[None], "radar-raer", SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon
    )
    return (x1[0], P1[0]), (x2[0], P2[0])


def test_one_linearisation_far_from_the_report_misses_it(truth_state):
    (x1, P1), _ = _first_and_iterated(truth_state)
    err = x1[:3] - truth_state[:3]
    assert np.linalg.norm(err) > 3e3  # the mechanism: km off the report it took
    assert err @ np.linalg.solve(P1[:3, :3], err) > 100.0  # and sure of itself: far outside its own gate


def test_the_iterated_update_lands_on_the_report_with_an_honest_covariance(truth_state):
    _, (x2, P2) = _first_and_iterated(truth_state)
    err = x2[:3] - truth_state[:3]
    assert np.linalg.norm(err) < 100.0  # a noiseless report: the position comes back to it
    assert err @ np.linalg.solve(P2[:3, :3], err) < 16.27  # inside the 3-dof 99.9 % gate of its own covariance


def test_small_corrections_are_left_as_the_ordinary_update(truth_state):
    x = truth_state.copy()
    x[:3] += 200.0  # a track in step with its object: a correction far under RELINEARISE_M
    P = np.diag([500.0**2] * 3 + [50.0**2] * 3)
    z, _ = predict_measurement("radar-raer", truth_state[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    h, H = predict_measurement("radar-raer", x[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    x1, P1, _ = update_with_residual(x[None], P[None], residual("radar-raer", z, h), R_RAER[None], H)
    assert np.linalg.norm(x1[0, :3] - x[:3]) < RELINEARISE_M
    x2, P2 = iterate_update(
        x[None], P[None], x1, P1, z, R_RAER[None], "radar-raer", SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon
    )
    np.testing.assert_array_equal(x2, x1)
    np.testing.assert_array_equal(P2, P1)


def test_rows_not_eligible_keep_the_ordinary_update(truth_state):
    (x1, P1), _ = _first_and_iterated(truth_state)
    x, P = _thrust_gap_prior(truth_state)
    z, _ = predict_measurement("radar-raer", truth_state[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    args = (x[None], P[None], x1[None], P1[None], z, R_RAER[None], "radar-raer", SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    x2, P2 = iterate_update(*args, eligible=np.array([False]))
    np.testing.assert_array_equal(x2[0], x1)
    np.testing.assert_array_equal(P2[0], P1)


def test_the_scan_update_iterates_a_track_found_again_after_a_long_gap(truth_state):
    """scan.update_assigned: the same report, the same prediction; iterated only as a re-acquisition."""
    x6, P6 = _thrust_gap_prior(truth_state)
    x = np.zeros((1, 2, 7))
    x[0, :, :6] = x6
    x[0, :, 6] = np.log(5000.0)
    P = np.zeros((1, 2, 7, 7))
    P[0, :, :6, :6] = P6
    P[0, :, 6, 6] = 1.0
    mu = np.array([[0.46, 0.54]])
    pred = predict_scan(
        x, P, mu, np.zeros(1), "radar-raer", SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon, TrackerConfig(), np.array([GAP_S])
    )
    z, _ = predict_measurement("radar-raer", truth_state[None], SEONGJU.ecef, SEONGJU.lat, SEONGJU.lon)
    rows = np.array([0])
    found_again, _, _, _ = update_assigned(pred, rows, "radar-raer", z, R_RAER[None], reacquired_after_s=20.0)
    in_step, _, _, _ = update_assigned(pred, rows, "radar-raer", z, R_RAER[None], reacquired_after_s=GAP_S + 1.0)
    assert np.linalg.norm(found_again[0, :, :3] - truth_state[:3], axis=1).max() < 100.0
    assert np.linalg.norm(in_step[0, :, :3] - truth_state[:3], axis=1).min() > 3e3
