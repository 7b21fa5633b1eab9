"""Benchmark: the national tracker against a Stone Soup EKF + GNN tracker on the same salvo.

A salvo of ballistic missiles (default 20) launched within a minute from four sites is flown
with triwatch.physics and reported by three radars (Seongju, Shariki, Kyogamisaki; range,
azimuth, elevation every 2 s, 20 m / 0.3 mrad noise). Both trackers get the same detections
from the first scan after every missile has burnt out, so both face the same coasting problem
(Stone Soup has no boost model; giving it the boost would only measure its lack of one).

Comparable settings: the same ballistic ECEF motion (gravity with J2 and the rotating-frame
terms; Stone Soup gets it as a custom transition model wrapping the same functions), the same
white-acceleration process noise (the tracker's default, 0.01 m^2/s^3), the same radar measurement function and Jacobian
(wrapped as a Stone Soup measurement model, with its Bearing type for azimuth wrapping), the
same initial velocity prior (4 km/s per axis), a chi-square gate at 0.9999, global nearest
neighbour assignment (GNNWith2DAssignment), confirmation after 3 detections, deletion after
20 s without update. The differences are ours: the IMM (a second, thrust model) and the batching.

Prints wall time of each, their ratio, mean GOSPA (c = 20 km, p = 2) over scan times, and our
reports per second. The test helpers in tests/tracking fly the missiles and make the reports.

    PYTHONPATH=src python bench/tracker_vs_stonesoup.py [--missiles 20] [--duration 400]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "tracking"))

from tracking_sim import SEONGJU, SHARIKI, Radar, detections, fly  # noqa: E402

from triwatch.tracking import NationalTracker, TrackerConfig  # noqa: E402
from triwatch.tracking.initiation import radar_position  # noqa: E402
from triwatch.tracking.measurements import predict_measurement  # noqa: E402
from triwatch.tracking.metrics import gospa  # noqa: E402
from triwatch.tracking.motion import process_noise, propagate_with_transition  # noqa: E402

KYOGAMISAKI = Radar("KYOGAMISAKI", 35.77, 135.20)
EPOCH = dt.datetime(2022, 10, 4, 0, 0, 0)
Q = TrackerConfig().q_ballistic_m2_s3  # the tracker's default coasting process noise, for both
SPEED_SIGMA = 4000.0
GATE_P = 0.9999
C_GOSPA = 20e3


def salvo(n: int, seed: int):
    """n missiles from four sites, azimuths 60-110 deg, launched within 60 s."""
    rng = np.random.default_rng(seed)
    sites = [(39.0, 125.7), (40.6, 126.4), (39.7, 124.7), (41.0, 129.0)]
    out = []
    for k in range(n):
        lat, lon = sites[k % len(sites)]
        out.append(
            fly(
                lat,
                lon,
                azimuth_deg=rng.uniform(60, 110),
                elevation_deg=rng.uniform(38, 46),
                accel_m_s2=rng.uniform(28, 36),
                burn_s=rng.uniform(140, 180),
                t0_s=float(np.round(rng.uniform(0, 60) / 2) * 2),
                name=f"M{k}",
            )
        )
    return out


def scans_of(reports):
    """Reports grouped by time (one batch per time), in order."""
    batches, start = [], 0
    while start < len(reports):
        end = start
        while end < len(reports) and reports[end].time_s == reports[start].time_s:
            end += 1
        batches.append(reports[start:end])
        start = end
    return batches


def score(truths, snapshots):
    """Mean GOSPA over scan times; snapshots: [(t, positions (K, 3))]."""
    values = []
    for t, est in snapshots:
        truth = np.array([tr.state_at(t)[:3] for tr in truths if tr.state_at(t) is not None]).reshape(-1, 3)
        values.append(gospa(est.reshape(-1, 3), truth, C_GOSPA)["value"])
    return float(np.mean(values))


def run_ours(batches):
    tracker = NationalTracker(
        TrackerConfig(q_ballistic_m2_s3=Q, init_speed_sigma_m_s=SPEED_SIGMA, gate_probability=GATE_P)
    )
    snapshots, busy = [], 0.0
    for batch in batches:
        t0 = time.perf_counter()
        tracker.process(batch)
        busy += time.perf_counter() - t0
        t = batch[0].time_s
        _, times, x, _ = tracker.track_states()
        snapshots.append((t, x[:, :3] + x[:, 3:] * (t - times)[:, None]))
    return busy, snapshots, tracker


def stonesoup_models():
    """Stone Soup classes wrapping the same motion and measurement functions as ours."""
    from stonesoup.base import Property
    from stonesoup.models.base import GaussianModel, ReversibleModel, TimeVariantModel
    from stonesoup.models.measurement.nonlinear import NonLinearGaussianMeasurement
    from stonesoup.models.transition.base import TransitionModel
    from stonesoup.types.angle import Bearing, Elevation
    from stonesoup.types.array import CovarianceMatrix, StateVector

    class BallisticEcef(TransitionModel, GaussianModel, TimeVariantModel):
        """Coasting flight in ECEF (gravity J2, Coriolis, centrifugal); white acceleration noise q."""

        q: float = Property(doc="process noise density m^2/s^3")

        @property
        def ndim_state(self):
            return 6

        def function(self, state, noise=False, time_interval=dt.timedelta(0), **kwargs):
            x = np.asarray(state.state_vector, float).T
            xp, _ = propagate_with_transition(x, time_interval.total_seconds())
            return StateVector(xp.T) if xp.shape[0] == 1 else xp.T

        def jacobian(self, state, time_interval=dt.timedelta(0), **kwargs):
            x = np.asarray(state.state_vector, float).T
            _, F = propagate_with_transition(x, time_interval.total_seconds())
            return F[0]

        def covar(self, time_interval=dt.timedelta(0), **kwargs):
            h = np.array([time_interval.total_seconds()])
            x = np.zeros((1, 6))
            x[0, 3] = 1.0
            return CovarianceMatrix(process_noise(x, np.abs(h), np.array([self.q]), np.array([self.q]))[0])

    class RadarRae(NonLinearGaussianMeasurement, ReversibleModel):
        """Range, azimuth (clockwise from North), elevation in the site's ENU frame."""

        site_ecef: np.ndarray = Property()
        site_lat: float = Property()
        site_lon: float = Property()

        @property
        def ndim_meas(self):
            return 3

        def function(self, state, noise=False, **kwargs):
            z, _ = predict_measurement(
                "radar-rae", np.asarray(state.state_vector, float).T, self.site_ecef, self.site_lat, self.site_lon
            )
            return StateVector([z[0, 0], Bearing(z[0, 1]), Elevation(z[0, 2])])

        def jacobian(self, state, **kwargs):
            _, H = predict_measurement(
                "radar-rae", np.asarray(state.state_vector, float).T, self.site_ecef, self.site_lat, self.site_lon
            )
            return H[0]

        def inverse_function(self, detection, **kwargs):
            z = np.asarray(detection.state_vector, float).T
            pos, _ = radar_position(z, np.eye(3)[None], self.site_ecef, self.site_lat, self.site_lon)
            return StateVector([*pos[0], 0.0, 0.0, 0.0])

        def rvs(self, *args, **kwargs):
            raise NotImplementedError("not used by the benchmark")

    return BallisticEcef, RadarRae


def run_stonesoup(batches):
    from scipy.stats import chi2
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.deleter.time import UpdateTimeDeleter
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.initiator.simple import MultiMeasurementInitiator
    from stonesoup.measures import Mahalanobis
    from stonesoup.predictor.kalman import ExtendedKalmanPredictor
    from stonesoup.tracker.simple import MultiTargetTracker
    from stonesoup.types.angle import Bearing, Elevation
    from stonesoup.types.array import StateVector
    from stonesoup.types.detection import Detection as SsDetection
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import ExtendedKalmanUpdater

    BallisticEcef, RadarRae = stonesoup_models()
    models = {}
    scans = []  # Stone Soup's tracker takes one (time, detections) per step: one step per sensor scan
    for batch in batches:
        by_sensor = {}
        for d in batch:
            by_sensor.setdefault(d.sensor_id, []).append(d)
        for sensor, dets in by_sensor.items():
            if sensor not in models:
                d0 = dets[0]
                models[sensor] = RadarRae(
                    ndim_state=6,
                    mapping=(0, 1, 2),
                    noise_covar=d0.R,
                    site_ecef=d0.sensor_ecef,
                    site_lat=d0.sensor_lat,
                    site_lon=d0.sensor_lon,
                )
            when = EPOCH + dt.timedelta(seconds=dets[0].time_s)
            ss = {
                SsDetection(
                    StateVector([d.z[0], Bearing(d.z[1]), Elevation(d.z[2])]),
                    timestamp=when,
                    measurement_model=models[sensor],
                )
                for d in dets
            }
            scans.append((when, ss))

    transition = BallisticEcef(q=Q)
    predictor = ExtendedKalmanPredictor(transition)
    updater = ExtendedKalmanUpdater(measurement_model=None)
    gate = float(np.sqrt(chi2.ppf(GATE_P, 3)))  # Mahalanobis measure returns the distance, not its square
    hypothesiser = DistanceHypothesiser(predictor, updater, measure=Mahalanobis(), missed_distance=gate)
    associator = GNNWith2DAssignment(hypothesiser)
    deleter = UpdateTimeDeleter(dt.timedelta(seconds=20))
    prior = GaussianState(StateVector([0.0] * 6), np.diag([0.0] * 3 + [SPEED_SIGMA**2] * 3))
    initiator = MultiMeasurementInitiator(
        prior_state=prior,
        deleter=deleter,
        data_associator=associator,
        updater=updater,
        measurement_model=None,
        min_points=3,
    )
    tracker = MultiTargetTracker(
        initiator=initiator, deleter=deleter, detector=iter(scans), data_associator=associator, updater=updater
    )
    snapshots_by_time = {}
    t0 = time.perf_counter()
    for when, tracks in tracker:
        t = (when - EPOCH).total_seconds()
        pos = [
            np.asarray(tr.state_vector, float).ravel()[:3]
            + np.asarray(tr.state_vector, float).ravel()[3:] * (t - (tr.timestamp - EPOCH).total_seconds())
            for tr in tracks
        ]
        snapshots_by_time[t] = np.array(pos).reshape(-1, 3)
    busy = time.perf_counter() - t0
    return busy, sorted(snapshots_by_time.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--missiles", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of coasting flight to track")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()

    truths = salvo(args.missiles, args.seed)
    start = max(tr.burnout_s for tr in truths) + 2.0
    start = float(np.ceil(start / 2.0) * 2.0)
    reports, _ = detections(
        truths,
        [SEONGJU, SHARIKI, KYOGAMISAKI],
        np.random.default_rng(args.seed),
        t_end_s=start + args.duration,
        only=[(start, start + args.duration)],
    )
    batches = scans_of(reports)
    print(f"salvo: {args.missiles} missiles, {len(reports)} radar reports in {len(batches)} scan times")

    # A node loads its compiled (Numba) kernels once at start-up; do that before the clock runs,
    # as Stone Soup's imports are done before its clock runs too.
    run_ours(batches[:5])
    ours_s, ours_snap, tracker = run_ours(batches)
    ours_gospa = score(truths, ours_snap)
    print(f"triwatch : {ours_s:8.3f} s  GOSPA {ours_gospa / 1e3:7.3f} km  {len(reports) / ours_s:10.0f} reports/s")

    ss_s, ss_snap = run_stonesoup(batches)
    ss_gospa = score(truths, ss_snap)
    print(f"StoneSoup: {ss_s:8.3f} s  GOSPA {ss_gospa / 1e3:7.3f} km  {len(reports) / ss_s:10.0f} reports/s")
    print(f"speed-up : {ss_s / ours_s:.1f}x   GOSPA ratio (ours / Stone Soup): {ours_gospa / ss_gospa:.3f}")


if __name__ == "__main__":
    main()
