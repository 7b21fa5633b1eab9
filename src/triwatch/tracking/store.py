"""The tracker's memory: the filter state of every live track in arrays, and a small record per track.

Arrays (one row per track, the same order as ``records``): both IMM models' states x (T, 2, 7)
(r, v, ln beta: drag.py) and covariances P (T, 2, 7, 7), mode probabilities mu (T, 2) and the last update time t (T,).
The maths reads and writes the arrays by row index; the records hold what is bookkeeping
(id, life-cycle counters, contributing sensors, lineage).

Coasting cache. A track not updated for a while is still predicted to every scan, to see whether
the scan holds its report. Predicted from its last update each time, a track unseen through a
1000 s midcourse gap (or falling unseen through the air on short sub-steps) costs hundreds of
sub-steps per scan, and the run grows with the square of the gap. So once a track has gone
``coast_after_s`` without update, the prediction made at a scan is kept (tc, xc, Pc, cc: the
models' predicted states and covariances and the predicted mode probabilities) and the next scan
predicts on from there. That is the IMM cycle of a scan without a measurement (mix, predict, no
update), the filter's own recursion. It differs from one long prediction in mixing the models at
each scan instead of once: a little of the thrust model's swelling covariance passes into the
coast model each time (the chance that the missile burned out just now), so after a 300 s coast
the coast model is wider (1.5 -> 2.0 km; tests/tracking/test_coasting_cache.py), never tighter.
The cache is dropped as soon as the track is updated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.tracking.drag import N_STATE
from triwatch.tracking.imm import combine


@dataclass
class TrackRecord:
    """Bookkeeping of one track (no filter state)."""

    track_id: str
    status: str  # "tentative" | "confirmed"  (coasting is derived from the time since the last update)
    born_s: float
    hits: int = 1
    opportunities: int = 1
    n_updates: int = 1
    sensor_ids: dict[str, None] = field(default_factory=dict)  # insertion-ordered set
    parent_id: str | None = None
    parent_candidates: list[str] = field(default_factory=list)  # shortlisted at birth, decided at confirmation
    path: list = field(default_factory=list)  # recent (t, position) of a confirmed track, for lineage
    payload_votes: int | None = None  # a child's running vote on carrying the payload (lineage.settle_payloads)
    payload_vote_s: float = -np.inf  # time of its last vote
    parent_burning: bool = False  # its parent burned just before its birth: a stage dropped from a burning stack
    burned: bool = False  # it burned after its staging window: a missile of its own (lineage.settle_payloads)
    dropped: bool = False  # its staging showed one of the pair burning, the other coasting (lineage.settle_payloads)
    max_height_m: float = -np.inf
    last_nis: float = np.nan  # normalised innovation squared of the last update (filter health)
    launch: object | None = None  # best PointEstimate of the launch so far
    launch_trace_m2: float = np.inf
    cache: dict = field(default_factory=dict)  # derived estimates, keyed by n_updates


class TrackStore:
    """Live tracks: arrays for the maths, records for the bookkeeping, kept row-aligned."""

    def __init__(self) -> None:
        self.x = np.zeros((0, 2, N_STATE))
        self.P = np.zeros((0, 2, N_STATE, N_STATE))
        self.mu = np.zeros((0, 2))
        self.t = np.zeros(0)
        self.tc = np.zeros(0)  # time of the cached coasting prediction (nan: none)
        self.xc = np.zeros((0, 2, N_STATE))
        self.Pc = np.zeros((0, 2, N_STATE, N_STATE))
        self.cc = np.zeros((0, 2))
        self.o = np.zeros((0, N_STATE))  # offset of the mean from JPDA's mean while unresolved (joint_update.py)
        self.E = np.zeros((0, N_STATE, N_STATE))  # excess of JPDA's covariance over P while unresolved
        self.records: list[TrackRecord] = []

    def __len__(self) -> int:
        return len(self.records)

    def add(self, x: np.ndarray, P: np.ndarray, mu: np.ndarray, t: float, records: list[TrackRecord]) -> None:
        """Append tracks: x (K, 2, 7), P (K, 2, 7, 7), mu (K, 2), all at time t."""
        self.x = np.concatenate([self.x, x])
        self.P = np.concatenate([self.P, P])
        self.mu = np.concatenate([self.mu, mu])
        self.t = np.concatenate([self.t, np.full(len(records), float(t))])
        self.tc = np.concatenate([self.tc, np.full(len(records), np.nan)])
        self.xc = np.concatenate([self.xc, x])
        self.Pc = np.concatenate([self.Pc, P])
        self.cc = np.concatenate([self.cc, mu])
        self.o = np.concatenate([self.o, np.zeros((len(records), N_STATE))])
        self.E = np.concatenate([self.E, np.zeros((len(records), N_STATE, N_STATE))])
        self.records.extend(records)

    def keep(self, mask: np.ndarray) -> None:
        """Drop the tracks where mask is False."""
        self.x, self.P, self.mu, self.t = self.x[mask], self.P[mask], self.mu[mask], self.t[mask]
        self.tc, self.xc, self.Pc, self.cc = self.tc[mask], self.xc[mask], self.Pc[mask], self.cc[mask]
        self.o, self.E = self.o[mask], self.E[mask]
        self.records = [r for r, k in zip(self.records, mask, strict=True) if k]

    def prediction_start(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Where to predict each track to time t from: (x, P, mu, dt (T,)).

        The cached coasting prediction where there is one no later than t, else the last update
        (a late scan, older than the cache, is predicted from the last update).
        """
        cached = self.tc <= t  # False where tc is nan
        if not cached.any():
            return self.x, self.P, self.mu, t - self.t
        x = np.where(cached[:, None, None], self.xc, self.x)
        P = np.where(cached[:, None, None, None], self.Pc, self.P)
        mu = np.where(cached[:, None], self.cc, self.mu)
        return x, P, mu, t - np.where(cached, self.tc, self.t)

    def remember(self, rows: np.ndarray, t: float, x: np.ndarray, P: np.ndarray, c: np.ndarray) -> None:
        """Cache the predictions x (K, 2, 7), P (K, 2, 7, 7), c (K, 2) of tracks rows at time t (see module docstring)."""
        later = ~(self.tc[rows] > t)  # never replace a cache by an older one (a late scan)
        rows = rows[later]
        self.tc[rows], self.xc[rows], self.Pc[rows], self.cc[rows] = t, x[later], P[later], c[later]

    def reported(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """What tracks rows report: the IMM mixture's mean x (K, 7) and its mean square error P + E + o o^T (K, 7, 7).

        While a track is unresolved from another, o is its mean's offset from JPDA's mean and E the
        excess of JPDA's covariance over the filter's (joint_update.py); both zero otherwise.
        """
        x, P = combine(self.x[rows], self.P[rows], self.mu[rows])
        o = self.o[rows]
        return x, P + self.E[rows] + o[:, :, None] * o[:, None, :]

    def fold_offsets(self, rows: np.ndarray) -> None:
        """Tracks rows keep their offsets only as covariance (P += E + o o^T, o = 0, E = 0): they coast,
        nobody measures which side they are on, and the filter flies E + o o^T as any covariance
        (over a long coast better than joint_update's constant-velocity transition)."""
        rows = rows[self.o[rows].any(axis=1) | self.E[rows].any(axis=(1, 2))]
        if rows.size:
            o = self.o[rows]
            self.P[rows] += (self.E[rows] + o[:, :, None] * o[:, None, :])[:, None]
            self.o[rows], self.E[rows] = 0.0, 0.0

    def updated(self, rows: np.ndarray) -> None:
        """Tracks rows took a measurement: their cached coasting predictions are out of date."""
        self.tc[rows] = np.nan
