"""Monte-Carlo consistency runs on the physics truth model: NEES and NIS per flight phase.

The truth is triwatch.physics.flight (staged boost with a gravity turn, J2, Earth rotation, US76
drag below 100 km on every object), sampled on the tracking_sim grid so its radar and infrared
report makers serve unchanged. Each run draws new measurement noise, feeds one tracker, and after
every scan records, for the one track, the NEES of its kinematic state (6 dof) against the truth
and the NIS of its last update, labelled with the truth's phase at that time:

    boost      the object is thrusting
    midcourse  coasting above 100 km (no air)
    re-entry   coasting below 100 km on the way down (drag)

A consistent filter has mean NEES ~ 6 and mean NIS ~ m over the runs (Bar-Shalom, Li and
Kirubarajan, "Estimation with Applications to Tracking and Navigation", 5.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tracking_sim import DT_S, Truth, detections

from triwatch.physics.flight import Flight, design_flight
from triwatch.physics.trajectory import ObjectTrajectory
from triwatch.tracking import NationalTracker, TrackerConfig, imm
from triwatch.tracking.earth import height_of
from triwatch.tracking.measurements import MEASUREMENT_SIZES

PHASES = ("boost", "midcourse", "re-entry")
TOP_OF_AIR_M = 100e3


def truth_of(obj: ObjectTrajectory) -> tuple[Truth, np.ndarray]:
    """One flight object sampled on the DT_S grid (Truth) and its thrusting flags per sample."""
    times = np.arange(np.ceil(obj.birth_s / DT_S) * DT_S, obj.impact_s, DT_S)
    r, v, thrusting, _ = obj.state_at(times)
    return Truth(
        obj.object_id, float(times[0]), np.concatenate([r, v], axis=1), float(times[thrusting].max(initial=0))
    ), thrusting


@dataclass
class PhaseStats:
    """Per phase: NEES (6 dof) rows (run, time, value), and NIS rows (run, time, value, dof) one per scan."""

    nees: dict[str, list[tuple[int, float, float]]] = field(default_factory=lambda: {p: [] for p in PHASES})
    nis: dict[str, list[tuple[int, float, float, int]]] = field(default_factory=lambda: {p: [] for p in PHASES})

    def nees_by_time(self, phase: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Times, the mean NEES over runs at each time, and the number of runs that contributed there."""
        rows = np.array(self.nees[phase]).reshape(-1, 3)
        times = np.unique(rows[:, 1])
        means = np.array([rows[rows[:, 1] == t, 2].mean() for t in times])
        counts = np.array([np.sum(rows[:, 1] == t) for t in times])
        return times, means, counts

    def nis_total(self, phase: str) -> tuple[float, int]:
        """Sum of all NIS values of the phase and the sum of their degrees of freedom."""
        rows = np.array(self.nis[phase]).reshape(-1, 4)
        return float(rows[:, 2].sum()), int(rows[:, 3].sum())


def phase_of(truth: Truth, thrusting: np.ndarray, t: float) -> str:
    k = int(round((t - truth.t0_s) / DT_S))
    if thrusting[k]:
        return "boost"
    r, v = truth.states[k, :3], truth.states[k, 3:]
    falling = float(r @ v) < 0.0
    return "re-entry" if falling and height_of(r) < TOP_OF_AIR_M else "midcourse"


def monte_carlo(
    truth: Truth,
    thrusting: np.ndarray,
    feeds: list[tuple[list, list[tuple[float, float]] | None]],
    runs: int,
    config: TrackerConfig | None = None,
    seed: int = 0,
    min_updates: int = 5,
) -> PhaseStats:
    """Run `runs` noise draws of the sensors' reports of truth through a fresh tracker each; NEES/NIS per phase.

    feeds: (sensors, time windows or None) pairs, e.g. geostationary infrared only while the
    motor burns (it sees plumes, not bodies) and radars all the time.
    A run's samples start once its track has min_updates updates (initiation transients aside);
    a run whose tracker holds more than one track is refused (these are single-object checks).
    """
    stats = PhaseStats()
    for run in range(runs):
        rng = np.random.default_rng(seed + run)
        reports = []
        for sensors, windows in feeds:
            reports += detections([truth], sensors, rng, only=windows)[0]
        reports.sort(key=lambda d: d.time_s)
        tracker = NationalTracker(config or TrackerConfig())
        scans: dict[tuple[float, str], list] = {}
        for d in reports:
            scans.setdefault((d.time_s, d.sensor_id), []).append(d)
        keys = list(scans)
        for j, (t, sensor) in enumerate(keys):
            tracker.process(scans[(t, sensor)])
            store = tracker.store
            if len(store) == 0 or store.records[0].n_updates < min_updates:
                continue
            assert len(store) == 1, f"run {run}: {len(store)} tracks at t={t}"
            phase = phase_of(truth, thrusting, float(store.t[0]))
            if store.t[0] == t:  # updated by this scan
                m = MEASUREMENT_SIZES[scans[(t, sensor)][0].model]
                stats.nis[phase].append((run, t, float(store.records[0].last_nis), m))
            if j + 1 < len(keys) and keys[j + 1][0] == t:
                continue  # another sensor's scan at the same instant: the NEES after both
            x, P = imm.combine(store.x, store.P, store.mu)
            e = x[0, :6] - truth.state_at(float(store.t[0]))
            stats.nees[phase].append((run, t, float(e @ np.linalg.solve(P[0, :6, :6], e))))
    return stats


def srbm_flight() -> Flight:
    """A Scud-class SRBM from the west of the peninsula east across it into the Sea of Japan (~500 km)."""
    return design_flight(np.radians(39.0), np.radians(125.6), "srbm", azimuth_rad=np.radians(95.0), range_m=500e3)
