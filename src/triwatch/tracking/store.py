"""The tracker's memory: the filter state of every live track in arrays, and a small record per track.

Arrays (one row per track, the same order as ``records``): both IMM models' states x (T, 2, 7)
(r, v, ln beta: drag.py) and covariances P (T, 2, 7, 7), mode probabilities mu (T, 2) and the last update time t (T,).
The maths reads and writes the arrays by row index; the records hold what is bookkeeping
(id, life-cycle counters, contributing sensors, lineage).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.tracking.drag import N_STATE


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
        self.records: list[TrackRecord] = []

    def __len__(self) -> int:
        return len(self.records)

    def add(self, x: np.ndarray, P: np.ndarray, mu: np.ndarray, t: float, records: list[TrackRecord]) -> None:
        """Append tracks: x (K, 2, 7), P (K, 2, 7, 7), mu (K, 2), all at time t."""
        self.x = np.concatenate([self.x, x])
        self.P = np.concatenate([self.P, P])
        self.mu = np.concatenate([self.mu, mu])
        self.t = np.concatenate([self.t, np.full(len(records), float(t))])
        self.records.extend(records)

    def keep(self, mask: np.ndarray) -> None:
        """Drop the tracks where mask is False."""
        self.x, self.P, self.mu, self.t = self.x[mask], self.P[mask], self.mu[mask], self.t[mask]
        self.records = [r for r, k in zip(self.records, mask, strict=True) if k]
