"""NationalTracker: detections in, national tracks out.

Each scan (the detections of one sensor at one time) goes through the same steps:

1. forget tracks that are stale (predicted too uncertain, or too long without update) or on the ground
   (landing.py: a landed object's track must end before its swelling gate takes a false alarm);
2. predict every live track to the scan time (two-model IMM, see imm.py) and into the sensor's
   measurement space, score every track-detection pair, gate (chi-square; a track that came down
   and is predicted under the ground, its mean height below zero, takes nothing) and assign (global nearest neighbour, gating.py); update the assigned
   tracks in one batched Kalman step;
3. life cycle: a tentative track is confirmed after M hits in its first N scan opportunities
   (scans of sensors that already saw it) and deleted when it can no longer make it; a hit taken
   inside the gate of a confirmed track that missed its report in that scan does not count
   (initiation.borrowed_hits: it was that track's report, not a new object), and a tentative track
   flying impossibly fast is dropped (initiation.impossible_speed: false alarms chained together);
4. a radar detection left over starts a tentative track (initiation.py); an infrared line of
   sight left over waits for a line of sight from another sensor to triangulate with. A new track
   born near a confirmed one that, flown back, meets that track's recent path is a separated object
   (stage, debris, payload) with that track as its parent (lineage.py): a separation is a birth,
   not a swap. The parent id goes on with the payload: when drag shows the child keeps more energy
   than the parent track (a dense warhead against an empty stage), the two exchange ids once.

The tracker only sees detections: no truth, no launch site, no vehicle type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from triwatch.sensors.detection import Detection
from triwatch.tracking import imm, joint_update, landing, lineage, unresolved
from triwatch.tracking.characterise import launch_from_boost
from triwatch.tracking.drag import with_drag_prior
from triwatch.tracking.gating import gnn_assign
from triwatch.tracking.infrared import IrPairing
from triwatch.tracking.initiation import borrowed_hits, impossible_speed, radar_initial_state
from triwatch.tracking.report import build_estimates
from triwatch.tracking.scan import predict_scan, predict_to, score_pairs, update_assigned
from triwatch.tracking.store import TrackRecord, TrackStore
from triwatch.tracking.types import TrackerConfig, TrackEstimate
from triwatch.tracking.unresolved import Swaps, predict_excess, predict_offsets
from triwatch.tracking.validate import check_scan_values, check_shapes_and_times


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
        self._impact_clock = landing.ImpactClock()

    # ---- input -------------------------------------------------------------------------------
    def process(self, detections: Sequence[Detection]) -> None:
        """Take detections (several sensors mixed); each (sensor_id, time_s) group is a scan, run in time order.

        The whole batch is checked before any of it is used: a bad detection raises ValueError
        naming it, and the tracker is left as it was. Detections are expected sorted by time_s,
        but a late one (a slow sensor's report older than what was already processed) is used,
        not refused: see _scan.
        """
        detections = list(detections)
        check_shapes_and_times(detections)
        groups: dict[tuple[float, str, str], list[int]] = {}
        for i in sorted(range(len(detections)), key=lambda k: detections[k].time_s):  # stable: ties keep order
            det = detections[i]
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
        """One scan: predict, gate, assign, update, life cycle, births (see the module docstring).

        A late scan (older than a track's last update) is handled by retrodiction: the track is
        flown back to the scan time (the filter predicts with negative dt), updated there, and
        flown forward again to its last update time, so a track's time never goes backwards.
        With no process noise this is exact (all reports measure one deterministic trajectory);
        with process noise it is conservative (noise is added on the way back instead of removed).
        """
        cfg = self.config
        t, sensor, model, Z, R = scan.time_s, scan.sensor_id, scan.model, scan.Z, scan.R
        site, lat, lon = scan.site_ecef, scan.site_lat, scan.site_lon
        self.now_s = max(self.now_s, t)
        self.reports_processed += Z.shape[0]
        self._forget_stale(self.now_s)
        store = self.store
        assigned_det = np.zeros(Z.shape[0], bool)
        parents: tuple[list[str], np.ndarray] = ([], np.zeros((0, 3)))
        if len(store):
            store.fold_offsets(np.flatnonzero(t - store.t > cfg.coast_after_s))  # unresolved.py: coasting
            x0, P0, mu0, dt = store.prediction_start(t)
            pred = predict_scan(x0, P0, mu0, dt, model, site, lat, lon, cfg, since_update=t - store.t)
            gate_d2, cost = score_pairs(pred, model, Z, R, cfg.coast_after_s)
            x_pred, P_pred = imm.combine(pred.x, pred.P, pred.c)
            gone, refuse = landing.at_scan(x_pred, P_pred, store)  # surely down: deleted below
            gate_d2[refuse] = np.inf  # likelier down (came down, mean under ground): no report
            rows, cols = gnn_assign(gate_d2, cost, cfg.gate(Z.shape[1]))
            coasting = pred.dt > cfg.coast_after_s
            coasting[rows] = False
            coasting = np.flatnonzero(coasting)
            store.remember(coasting, t, pred.x[coasting], pred.P[coasting], pred.c[coasting])
            swaps = unresolved.scan_hypotheses(store, pred, gate_d2, rows, cols, model, Z, R, cfg.gate(Z.shape[1]), t)
            self._update(pred, rows, rows, cols, model, Z, R, t, swaps)
            joint_update.apply_idle(store, pred, swaps, model, Z[cols], R[cols], t)
            assigned_det[cols] = True
            if not assigned_det.all():  # births to come: note the confirmed tracks they may come from
                parents = lineage.parent_candidates(store, pred.x, pred.P, pred.c)
            self._life_cycle(rows, sensor, ~gone, self._borrowed(pred, rows, sensor, ~gone))
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

    def _update(
        self, pred, at: np.ndarray, rows: np.ndarray, cols: np.ndarray, model: str, Z, R, t: float, swaps: Swaps
    ) -> None:
        """Update tracks rows from their predictions pred[at] with reports cols (flown on past a late scan);
        swaps: where two unresolved tracks may own each other's report (unresolved.py)."""
        if not rows.size:
            return
        store = self.store
        x_new, P_new, mu_new, nis = update_assigned(pred, at, model, Z[cols], R[cols], self.config.coast_after_s)
        o_new, E_new = joint_update.update_assigned(pred, at, model, Z[cols], R[cols], mu_new, swaps)
        ahead = np.maximum(store.t[rows] - t, 0.0)  # > 0 for tracks already past this (late) scan
        if ahead.any():
            x_new, P_new, mu_new = predict_to(x_new, P_new, mu_new, ahead, self.config)
            o_new, E_new = predict_offsets(o_new, ahead), predict_excess(E_new, ahead)
        store.x[rows], store.P[rows], store.mu[rows] = x_new, P_new, mu_new
        store.o[rows], store.E[rows] = o_new, E_new
        store.t[rows] = t + ahead
        store.updated(rows)
        for i, value in zip(rows, nis, strict=True):
            store.records[i].last_nis = float(value)

    # ---- life cycle --------------------------------------------------------------------------
    def _borrowed(self, pred, rows: np.ndarray, sensor: str, alive: np.ndarray) -> np.ndarray:
        """Rows of tentative tracks whose hit this scan was likely a confirmed track's report (initiation.py)."""
        recs = self.store.records
        tentative = np.array([recs[i].status == "tentative" for i in rows], bool)
        missed = np.array([r.status == "confirmed" and sensor in r.sensor_ids for r in recs], bool) & alive
        missed[rows] = False
        if not tentative.any() or not missed.any():
            return np.empty(0, int)
        hit_rows = rows[tentative]
        xh, Ph = imm.combine(self.store.x[hit_rows], self.store.P[hit_rows], self.store.mu[hit_rows])
        xm, Pm = imm.combine(pred.x[missed], pred.P[missed], pred.c[missed])
        gate = self.config.gate(3)
        return hit_rows[borrowed_hits(xh[:, :3], Ph[:, :3, :3], xm[:, :3], Pm[:, :3, :3], gate)]

    def _life_cycle(self, rows: np.ndarray, sensor: str, keep: np.ndarray, borrowed: np.ndarray) -> None:
        """Hits and opportunities of tentative tracks; confirmation or deletion by M of N; bookkeeping.

        keep (T,): False for tracks already to be deleted (landed, see landing.py). borrowed: rows
        whose hit does not count as evidence of a new object (initiation.borrowed_hits).
        """
        cfg = self.config
        store = self.store
        hit = np.zeros(len(store), bool)
        hit[rows] = True
        hit[borrowed] = False
        keep = keep.copy()
        if rows.size:
            x, P = imm.combine(store.x[rows], store.P[rows], store.mu[rows])
        for j, i in enumerate(rows):
            rec = store.records[i]
            rec.n_updates += 1
            rec.sensor_ids.setdefault(sensor, None)
            if rec.status == "confirmed":
                lineage.record_path(
                    rec, float(store.t[i]), x[j, :3], store.mu[i, imm.THRUST] >= cfg.thrusting_probability
                )
        if rows.size:  # false alarms chained into a tentative track fly impossibly fast (initiation.py)
            tentative = np.array([store.records[i].status == "tentative" for i in rows], bool)
            keep[rows[tentative & impossible_speed(x, P, cfg.max_speed_m_s)]] = False
        for i, rec in enumerate(store.records):
            if rec.status != "tentative" or not keep[i] or not (hit[i] or sensor in rec.sensor_ids):
                continue
            rec.opportunities += 1
            rec.hits += int(hit[i])
            if rec.hits >= cfg.confirm_m:
                rec.status = "confirmed"
            elif rec.hits + (cfg.confirm_n - rec.opportunities) < cfg.confirm_m:
                keep[i] = False
        for j, i in enumerate(rows):  # from confirmation on, until the state can tell (lineage.decide_parent)
            rec = store.records[i]
            if rec.status == "confirmed" and rec.parent_candidates and keep[i]:
                lineage.decide_parent(store, rec, x[j], P[j], float(store.t[i]), cfg.separation_radius_m)
        if rows.size:
            lineage.settle_payloads(store, x, P, rows, cfg.separation_radius_m)
            self._note_launch(rows)
        store.keep(keep)

    def _note_launch(self, rows: np.ndarray) -> None:
        """Keep, per track, the sharpest launch estimate from its boost-phase updates.

        A separated object did not leave the ground on its own: it keeps its parent's launch.
        """
        store = self.store
        thrust = store.mu[rows, imm.THRUST] > self.config.thrusting_probability
        own = np.array([store.records[i].parent_id is None for i in rows], bool)
        rows = rows[thrust & own]
        if not rows.size:
            return
        x, P = imm.combine(store.x[rows], store.P[rows], store.mu[rows])
        for i, est in zip(rows, launch_from_boost(x, P, store.t[rows]), strict=True):
            rec = store.records[i]
            if est is not None and np.trace(est.cov_en_m2) < rec.launch_trace_m2:
                rec.launch, rec.launch_trace_m2 = est, float(np.trace(est.cov_en_m2))

    def _forget_stale(self, t: float) -> None:
        """Delete stale tracks (landing.stale), at most once per STALE_SWEEP_S of scenario time:
        every scan of every sensor would repeat the same verdicts."""
        store = self.store
        if not len(store) or t - self._last_sweep_s < STALE_SWEEP_S:
            return
        self._last_sweep_s = t
        stale = landing.stale(store, t, self.config, self._impact_clock)
        if stale.any():
            store.keep(~stale)

    def _start_tracks(
        self, t: float, sensor: str, x0: np.ndarray, P0: np.ndarray, parents: tuple[list[str], np.ndarray]
    ) -> None:
        """Add tentative tracks at states x0 (K, 6); confirmed tracks close by are shortlisted as parents."""
        k = x0.shape[0]
        if k == 0:
            return
        parent_ids, parent_pos = parents
        records = []
        for j in range(k):
            rec = TrackRecord(f"{self.config.id_prefix}-{self._next_number:04d}", "tentative", t)
            rec.parent_candidates = lineage.shortlist(
                parent_ids, parent_pos, x0[j, :3], self.config.separation_radius_m
            )
            rec.sensor_ids[sensor] = None
            self._next_number += 1
            records.append(rec)
        x0, P0 = with_drag_prior(x0, P0, self.config.beta_prior_kg_m2, self.config.log_beta_sigma)
        x = np.repeat(x0[:, None], 2, axis=1)
        P = np.repeat(P0[:, None], 2, axis=1)
        mu = np.empty((k, 2))
        mu[:, imm.THRUST] = self.config.initial_thrust_probability
        mu[:, imm.COAST] = 1.0 - self.config.initial_thrust_probability
        self.store.add(x, P, mu, t, records)

    # ---- output ------------------------------------------------------------------------------
    def track_states(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """Cheap view of the confirmed and coasting tracks: (ids, times (T,), x (T, 6), P (T, 6, 6)).

        The same states as tracks() without the derived estimates (impact, launch, ...), for
        callers that only need positions often (scoring, displays).
        """
        rows = [i for i, r in enumerate(self.store.records) if r.status == "confirmed"]
        x, P = self.store.reported(rows)  # the mean square error about the mean (unresolved.py)
        ids = [self.store.records[i].track_id for i in rows]
        return ids, self.store.t[rows].copy(), x[:, :6], P[:, :6, :6]  # kinematics; ln beta is internal

    def tracks(self) -> list[TrackEstimate]:
        """Confirmed and coasting tracks, each at its last update time, with launch/impact estimates."""
        return build_estimates(self.store, self.now_s, self.config)
