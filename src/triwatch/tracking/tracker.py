"""NationalTracker: detections in, national tracks out.

Each scan (the detections of one sensor at one time) goes through the same steps:

1. forget tracks that are stale (no update for ``delete_after_s``) or already on the ground;
2. predict every live track to the scan time (two-model IMM, see imm.py) and into the sensor's
   measurement space, score every track-detection pair, gate (chi-square) and assign (global
   nearest neighbour, gating.py); update the assigned tracks in one batched Kalman step;
3. life cycle: a tentative track is confirmed after M hits in its first N scan opportunities
   (scans of sensors that already saw it) and deleted when it can no longer make it;
4. a radar detection left over starts a tentative track (initiation.py); an infrared line of
   sight left over waits for a line of sight from another sensor to triangulate with. A new track
   born near a confirmed one is taken to be a separated object (stage, debris, payload) and keeps
   that track as its parent, so the parent keeps its id (a separation is a birth, not a swap).

The tracker only sees detections: no truth, no launch site, no vehicle type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from triwatch.sensors.detection import Detection
from triwatch.tracking import imm
from triwatch.tracking.characterise import launch_from_boost
from triwatch.tracking.earth import height_of, up_of
from triwatch.tracking.gating import gnn_assign
from triwatch.tracking.infrared import IrPairing
from triwatch.tracking.initiation import radar_initial_state
from triwatch.tracking.report import build_estimates
from triwatch.tracking.scan import predict_scan, score_pairs, update_assigned
from triwatch.tracking.store import TrackRecord, TrackStore
from triwatch.tracking.types import TrackerConfig, TrackEstimate
from triwatch.tracking.validate import check_order_and_shapes, check_scan_values


@dataclass
class Scan:
    """The detections of one sensor at one time, stacked: Z (D, m), R (D, m, m)."""

    time_s: float
    sensor_id: str
    model: str
    Z: np.ndarray
    R: np.ndarray
    site_ecef: np.ndarray
    site_lat: float
    site_lon: float


STALE_SWEEP_S = 1.0
INITIAL_MODE_PROBABILITIES = np.array([0.5, 0.5])  # a new track may be boosting or coasting: no prior


class NationalTracker:
    """One nation's multi-sensor, multi-target tracker of ballistic missiles (see module docstring)."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config if config is not None else TrackerConfig()
        self.store = TrackStore()
        self.now_s = -np.inf
        self.reports_processed = 0
        self._next_number = 1
        self._ir = IrPairing(self.config)
        self._last_sweep_s = -np.inf

    # ---- input -------------------------------------------------------------------------------
    def process(self, detections: Sequence[Detection]) -> None:
        """Take detections sorted by time_s (several sensors mixed); each (sensor_id, time_s) group is a scan.

        The whole batch is checked before any of it is used: a bad detection raises ValueError
        naming it, and the tracker is left as it was.
        """
        detections = list(detections)
        check_order_and_shapes(detections, self.now_s)
        groups: dict[tuple[float, str, str], list[int]] = {}
        for i, det in enumerate(detections):
            groups.setdefault((float(det.time_s), det.sensor_id, det.model), []).append(i)
        scans = []
        for (t, sensor, model), idx in groups.items():
            dets = [detections[i] for i in idx]
            Z = np.array([d.z for d in dets], float)
            R = np.array([d.R for d in dets], float)
            sites = np.array([d.sensor_ecef for d in dets], float)
            latlon = np.array([(d.sensor_lat, d.sensor_lon) for d in dets], float)
            check_scan_values(idx, detections, model, Z, R, sites, latlon)
            scans.append(Scan(t, sensor, model, Z, R, sites[0], float(latlon[0, 0]), float(latlon[0, 1])))
        for scan in scans:
            self._scan(scan)

    def _scan(self, scan: Scan) -> None:
        cfg = self.config
        t, sensor, model, Z, R = scan.time_s, scan.sensor_id, scan.model, scan.Z, scan.R
        site, lat, lon = scan.site_ecef, scan.site_lat, scan.site_lon
        self.now_s = t
        self.reports_processed += Z.shape[0]
        self._forget_stale(t)
        store = self.store
        assigned_det = np.zeros(Z.shape[0], bool)
        parents: tuple[list[str], np.ndarray] = ([], np.zeros((0, 3)))
        if len(store):
            pred = predict_scan(store.x, store.P, store.mu, t - store.t, model, site, lat, lon, cfg)
            gate_d2, cost = score_pairs(pred, model, Z, R)
            rows, cols = gnn_assign(gate_d2, cost, cfg.gate(Z.shape[1]))
            if rows.size:
                x_new, P_new, mu_new, nis = update_assigned(pred, rows, model, Z[cols], R[cols])
                store.x[rows], store.P[rows], store.mu[rows], store.t[rows] = x_new, P_new, mu_new, t
                for i, value in zip(rows, nis, strict=True):
                    store.records[i].last_nis = float(value)
                assigned_det[cols] = True
            if not assigned_det.all():  # births to come: note the confirmed tracks they may come from
                parents = self._parent_candidates(pred)
            self._life_cycle(rows, sensor)
        left = ~assigned_det
        if not left.any():
            return
        if model == "ir-los":
            births = self._ir.offer(t, sensor, site, Z[left], R[left])
        else:
            x0, P0 = radar_initial_state(Z[left], R[left], site, lat, lon, cfg.init_speed_sigma_m_s)
            births = [(x0, P0)]
        for x0, P0 in births:
            self._start_tracks(t, sensor, x0, P0, parents)

    # ---- life cycle --------------------------------------------------------------------------
    def _life_cycle(self, rows: np.ndarray, sensor: str) -> None:
        """Hits and opportunities of tentative tracks; confirmation or deletion by M of N; bookkeeping."""
        cfg = self.config
        store = self.store
        hit = np.zeros(len(store), bool)
        hit[rows] = True
        keep = np.ones(len(store), bool)
        if rows.size:
            x, _ = imm.combine(store.x[rows], store.P[rows], store.mu[rows])
            h = height_of(x[:, :3])
        for j, i in enumerate(rows):
            rec = store.records[i]
            rec.n_updates += 1
            rec.sensor_ids.setdefault(sensor, None)
            rec.max_height_m = max(rec.max_height_m, float(h[j]))
        for i, rec in enumerate(store.records):
            if rec.status != "tentative" or not (hit[i] or sensor in rec.sensor_ids):
                continue
            rec.opportunities += 1
            rec.hits += int(hit[i])
            if rec.hits >= cfg.confirm_m:
                rec.status = "confirmed"
            elif rec.hits + (cfg.confirm_n - rec.opportunities) < cfg.confirm_m:
                keep[i] = False
        if rows.size:
            self._note_launch(rows)
        store.keep(keep)

    def _note_launch(self, rows: np.ndarray) -> None:
        """Keep, per track, the sharpest launch estimate from its boost-phase updates."""
        store = self.store
        thrust = store.mu[rows, imm.THRUST] > self.config.thrusting_probability
        rows = rows[thrust]
        if not rows.size:
            return
        x, P = imm.combine(store.x[rows], store.P[rows], store.mu[rows])
        for i, est in zip(rows, launch_from_boost(x, P, store.t[rows]), strict=True):
            rec = store.records[i]
            if est is not None and np.trace(est.cov_en_m2) < rec.launch_trace_m2:
                rec.launch, rec.launch_trace_m2 = est, float(np.trace(est.cov_en_m2))

    def _forget_stale(self, t: float) -> None:
        """Delete tracks not updated for delete_after_s, tentative ones after coast_after_s, and landed ones.

        Runs at most once per STALE_SWEEP_S of scenario time: every scan of every sensor would
        repeat the same verdicts.
        """
        store = self.store
        if not len(store) or t - self._last_sweep_s < STALE_SWEEP_S:
            return
        self._last_sweep_s = t
        age = t - store.t
        tentative = np.array([r.status == "tentative" for r in store.records])
        x, _ = imm.combine(store.x, store.P, store.mu)
        h = height_of(x[:, :3])
        v_up = np.einsum("ni,ni->n", x[:, 3:], up_of(x[:, :3]))
        # Falling at v_up from height h takes at most h / |v_up| (gravity only shortens it).
        landed = (v_up < 0.0) & (age > np.maximum(h, 0.0) / np.maximum(-v_up, 1e-3))
        stale = (age > self.config.delete_after_s) | (tentative & (age > self.config.coast_after_s)) | landed
        if stale.any():
            store.keep(~stale)

    def _parent_candidates(self, pred) -> tuple[list[str], np.ndarray]:
        """Ids and predicted positions (K, 3) at the scan time of the confirmed tracks: possible parents."""
        confirmed = [i for i, r in enumerate(self.store.records) if r.status == "confirmed"]
        if not confirmed:
            return [], np.zeros((0, 3))
        x, _ = imm.combine(pred.x[confirmed], pred.P[confirmed], pred.c[confirmed])
        return [self.store.records[i].track_id for i in confirmed], x[:, :3]

    def _start_tracks(
        self, t: float, sensor: str, x0: np.ndarray, P0: np.ndarray, parents: tuple[list[str], np.ndarray]
    ) -> None:
        """Add tentative tracks at states x0 (K, 6); a birth near a confirmed track records it as parent."""
        k = x0.shape[0]
        if k == 0:
            return
        parent_ids, parent_pos = parents
        records = []
        for j in range(k):
            parent = None
            if parent_ids:
                dist = np.linalg.norm(parent_pos - x0[j, :3], axis=1)
                nearest = int(np.argmin(dist))
                if dist[nearest] < self.config.separation_radius_m:
                    parent = parent_ids[nearest]
            rec = TrackRecord(f"{self.config.id_prefix}-{self._next_number:04d}", "tentative", t, parent_id=parent)
            rec.sensor_ids[sensor] = None
            self._next_number += 1
            records.append(rec)
        x = np.repeat(x0[:, None], 2, axis=1)
        P = np.repeat(P0[:, None], 2, axis=1)
        mu = np.tile(INITIAL_MODE_PROBABILITIES, (k, 1))
        self.store.add(x, P, mu, t, records)

    # ---- output ------------------------------------------------------------------------------
    def tracks(self) -> list[TrackEstimate]:
        """Confirmed and coasting tracks, each at its last update time, with launch/impact estimates."""
        return build_estimates(self.store, self.now_s, self.config)
