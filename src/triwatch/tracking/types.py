"""The tracker's configuration and what it reports: TrackerConfig, PointEstimate, TrackEstimate."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from triwatch.tracking.gating import chi2_gate


@dataclass
class TrackerConfig:
    """Settings of a NationalTracker, each with a default that suits ballistic missiles seen by radar.

    id_prefix: track ids are f"{id_prefix}-{n:04d}" and never change for a track.
    filter: "ekf" (Jacobians, Joseph update; the default, fastest) or "ukf" (sigma points through the
        flight and the measurement; better right after initiation and for angle-only infrared).
    gate_probability: chi-square gate, the probability that a true detection falls inside it.
    confirm_m, confirm_n: a tentative track is confirmed after m hits in its first n scan
        opportunities (scans of sensors that already contributed to it).
    coast_after_s: a confirmed track with no update for this long is reported as coasting.
    delete_after_s: a track with no update for this long is deleted whatever its uncertainty (the
        longest ballistic flights, lofted ICBMs, last ~4200 s; a gap in coverage must not kill a
        well-determined track, which a ballistic prediction carries for many minutes).
    delete_sigma_m: a track not updated whose predicted position 1-sigma (3-D, from its covariance
        and the coasting process noise) has grown past this is deleted: it can no longer be told
        from a new object.
    init_speed_sigma_m_s: 1-sigma of the velocity prior of a track born from one radar report
        (zero mean; ICBMs reach ~7 km/s).
    max_speed_m_s: a tentative track faster than this by more than 3 sigma is dropped: nothing
        ballistic flies faster than orbit (false alarms chained into a track do; initiation.py).
    q_ballistic_m2_s3: white-acceleration density of the coasting model (J2 residue, drag onset).
        Small, so a midcourse track stays sharp across a long coverage gap (a lofted ICBM can be
        out of radar sight for ~3000 s); re-entry drag is in the model itself (ln beta, drag.py).
    q_boost_along_m2_s3, q_boost_cross_m2_s3: densities of the thrusting model, along and across the
        velocity. Thrust of a missile stage is 10-60 m/s^2 along the path; over a 5 s revisit that is
        a velocity change ~ sqrt(q dt), so q_along ~ (40 m/s^2)^2 * 5 s.
    mean_time_to_burnout_s: IMM switching, thrusting -> coasting, as a rate 1 / this.
    mean_time_to_ignition_s: IMM switching, coasting -> thrusting (a next stage), as a rate 1 / this.
        Long by default: a next stage lights seconds after the last burnout, while the thrust model
        is still probable, and a later manoeuvre revives the model through its likelihood (its
        probability is floored at 1e-9). A short time keeps the wide thrust model in the mixture
        all through midcourse and inflates the reported covariance.
    initial_thrust_probability: IMM probability of the thrust model for a new track. A boosting
        object proves itself within a few scans (its acceleration is far outside the coasting
        model), while a generous prior costs a coasting track information for good: with little
        process noise the early, loose updates are never forgotten.
    thrusting_probability: the IMM probability of the thrusting model above which a climbing
        track is reported as thrusting.
    separation_radius_m: a new track born this close to a confirmed track is a candidate separated
        object; it gets that track as parent_id if, at confirmation, flown back it meets the
        track's recent path (lineage.py).
    ir_pair_window_s, ir_pair_miss_m: two infrared lines of sight from different sensors, this
        close in time and passing this close to each other, start a track by triangulation.
    beta_prior_kg_m2, log_beta_sigma: prior of a new track's ballistic coefficient beta = m / (Cd A),
        log-normal: ln beta ~ N(ln beta_prior, log_beta_sigma^2). Centred on re-entry vehicles (slender,
        heavy: ~5000-10,000 kg/m^2), the objects warnings are about, so a payload whose re-entry no
        radar sees is predicted with little bias; spent stages and debris (~600-1500) lie 1-2 sigma
        below and are caught by the spread of the impact prediction until the air shows their drag.
    q_log_beta_1_s: random-walk density of ln beta (1/s), so a drag coefficient changing with Mach
        number or a tumbling body can be followed (sigma grows by sqrt(q t): 0.1 per 100 s).
    estimate_refresh_s: the derived estimates (impact, launch when the boost was not seen) cost
        ~1e3 RK4 steps per sigma point, so a track's are recomputed when asked for only if its
        last update is at least this much newer than the state they were computed from
        (0: after every update). The state x, P is always the latest.
    """

    id_prefix: str = "T"
    filter: str = "ekf"
    gate_probability: float = 0.9999
    confirm_m: int = 3
    confirm_n: int = 5
    coast_after_s: float = 20.0
    delete_after_s: float = 4500.0
    delete_sigma_m: float = 100e3
    init_speed_sigma_m_s: float = 4000.0
    max_speed_m_s: float = 8000.0
    q_ballistic_m2_s3: float = 0.01
    q_boost_along_m2_s3: float = 8000.0
    q_boost_cross_m2_s3: float = 800.0
    mean_time_to_burnout_s: float = 100.0
    mean_time_to_ignition_s: float = 1e6
    initial_thrust_probability: float = 0.05
    thrusting_probability: float = 0.5
    separation_radius_m: float = 30e3
    ir_pair_window_s: float = 2.0
    ir_pair_miss_m: float = 20e3
    estimate_refresh_s: float = 4.0
    beta_prior_kg_m2: float = 5000.0
    log_beta_sigma: float = 1.0
    q_log_beta_1_s: float = 1e-4

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.id_prefix, str) or not self.id_prefix:
            problems.append(f"id_prefix: must be a non-empty string, got {self.id_prefix!r}")
        if self.filter not in ("ekf", "ukf"):
            problems.append(f"filter: unknown filter {self.filter!r}; known: ('ekf', 'ukf')")
        if not 0.0 < self.gate_probability < 1.0:
            problems.append(f"gate_probability: must be in (0, 1), got {self.gate_probability}")
        if not (1 <= self.confirm_m <= self.confirm_n):
            problems.append(f"confirm_m, confirm_n: need 1 <= m <= n, got m={self.confirm_m}, n={self.confirm_n}")
        positive = [
            f.name
            for f in fields(self)
            if f.name.endswith(("_s", "_m", "_m2_s3", "_m_s")) and f.name != "estimate_refresh_s"
        ]
        for name in positive:
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
                problems.append(f"{name}: must be a positive number, got {value!r}")
        if not (np.isfinite(self.estimate_refresh_s) and self.estimate_refresh_s >= 0):
            problems.append(f"estimate_refresh_s: must be >= 0, got {self.estimate_refresh_s!r}")
        for name in ("beta_prior_kg_m2", "log_beta_sigma"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and np.isfinite(value) and value > 0):
                problems.append(f"{name}: must be a positive number, got {value!r}")
        if not 0.0 < self.initial_thrust_probability < 1.0:
            problems.append(f"initial_thrust_probability: must be in (0, 1), got {self.initial_thrust_probability}")
        if not 0.0 < self.thrusting_probability < 1.0:
            problems.append(f"thrusting_probability: must be in (0, 1), got {self.thrusting_probability}")
        if problems:
            raise ValueError("TrackerConfig: " + "; ".join(problems))

    def gate(self, m: int) -> float:
        """Chi-square gate threshold for an m-dimensional measurement."""
        return chi2_gate(self.gate_probability, m)


@dataclass
class PointEstimate:
    """A point on the ground with its time: launch or impact. cov_en_m2 is East/North at the point (m^2)."""

    lat_rad: float
    lon_rad: float
    time_s: float
    cov_en_m2: np.ndarray
    time_sigma_s: float


@dataclass
class TrackEstimate:
    """One national track as the tracker believes it at its last update time (ECEF, SI units)."""

    track_id: str
    time_s: float
    x: np.ndarray
    P: np.ndarray
    status: str
    n_updates: int
    sensor_ids: tuple[str, ...]
    thrusting: bool
    launch: PointEstimate | None
    impact: PointEstimate | None
    apogee_m: float | None
    category: str | None
    profile: str | None
    parent_id: str | None = None
    beta_kg_m2: float | None = None  # estimated ballistic coefficient exp(E[ln beta]) (None: not estimated)
    log_beta_sigma: float | None = None  # its uncertainty, sigma of ln beta (at its prior until the air shows it)
