"""One nation's node: its tracker, its fabric endpoint, its allied picture, its warnings and its C2.

Wiring only. Per scenario tick the exercise calls, for every node in turn:
`track` (own detections -> tracker -> releasable local tracks out on the
fabric), `receive` (partners' tracks, warnings and acknowledgements in),
`warn` (assess the allied picture; the warning desk issues what the alliance
rule gives this nation to issue, `triwatch.warning.authority`), `receive` again (so warnings
reach partners within the tick) and `command` (the C2 desk acknowledges).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence

import numpy as np

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.fabric import Endpoint
from triwatch.fusion.picture import AlliedPicture, SystemTrack
from triwatch.messages import (
    AckReport,
    GroundPoint,
    PayloadError,
    TrackReport,
    WarningReport,
    from_payload,
    to_payload,
)
from triwatch.node.events import EventSink
from triwatch.node.releasable import track_report
from triwatch.physics.propagate import propagate
from triwatch.sensors.detection import Detection
from triwatch.tracking import NationalTracker
from triwatch.tracking.drag import with_drag_estimate
from triwatch.tracking.impact import predict_impact
from triwatch.warning.assess import assess
from triwatch.warning.boost_assess import assess_boost
from triwatch.warning.boost_precaution import assess_precaution, check_support_threshold
from triwatch.warning.desk import AlertDesk
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.launch_state import ObjectState


def most_certain_launch(st: SystemTrack) -> GroundPoint | None:
    """The launch-point estimate with the smallest uncertainty (trace of its covariance) among the
    system track's members: a nation that saw the boost knows the launch point far better than one
    that flew a coasting track back to the ground."""
    points = [m.report.launch for m in st.members.values() if m.report.launch is not None]
    if not points:
        return None
    return min(points, key=lambda p: float(np.trace(np.asarray(p.cov_en_m2, float))))


def most_certain_drag(st: SystemTrack) -> tuple[float | None, float | None]:
    """(beta, sigma of ln beta) of the member that knows the ballistic coefficient best (None, None if none does)."""
    known = [m.report for m in st.members.values() if m.report.beta_kg_m2 is not None]
    if not known:
        return None, None
    best = min(known, key=lambda r: float(r.log_beta_sigma))
    return best.beta_kg_m2, best.log_beta_sigma


def _warning_fields(w: WarningReport) -> dict:
    """The fields every warning event (issued or delivered) carries about its revision."""
    return {
        "warning_id": w.warning_id,
        "revision": w.revision,
        "kind": w.kind,
        "scope": w.scope,
        "areas": w.areas,
        "basis": w.basis,
        "cause_wall_ns": w.cause_wall_ns,
        "impact": None if w.impact is None else [w.impact.lat_deg, w.impact.lon_deg],
        "impact_ellipse": None if w.impact is None else to_payload(w.impact),
    }


class NationalNode:
    def __init__(
        self,
        nation: str,
        *,
        tracker: NationalTracker,
        endpoint: Endpoint,
        picture: AlliedPicture,
        alerts: AlertDesk,
        c2: CommandCentre,
        events: EventSink,
        protected_nations: set[str],
        assess_period_s: float = 4.0,
        reorder_window_s: float = 4.0,
        precautionary_overflight: bool = False,
        precautionary_support: float | None = None,
    ) -> None:
        self.nation = nation
        # Off by default: measured on the library it names land that a flight cutting off early
        # never reaches (docs/architecture.md, "Precautionary overflight warnings").
        self.precautionary_overflight = precautionary_overflight
        check_support_threshold(precautionary_support, "NationalNode.precautionary_support")
        # None: every candidate must agree; else the support threshold (warning.boost_precaution).
        self.precautionary_support = precautionary_support
        self._launch_times = LaunchTimeBook()  # per system track: launch times each vehicle hypothesis allows
        self.tracker = tracker
        self.endpoint = endpoint
        self.picture = picture
        self.alerts = alerts
        self.c2 = c2
        self.events = events
        self.protected = protected_nations
        self.assess_period_s = assess_period_s
        self.reorder_window_s = reorder_window_s
        self._reorder: list[tuple[float, int, Detection]] = []
        self._released_until_s = -np.inf
        self._order = 0
        self.reports_processed = 0
        self._published: dict[str, float] = {}
        self._next_assess_s = 0.0
        self._cause_wall_ns = 0
        self.delivered_warnings: list[WarningReport] = []

    # -- own sensors -> tracker -> fabric -------------------------------------------------
    def _in_time_order(self, now_s: float, detections: Sequence[Detection]) -> list[Detection]:
        """Hold reports for the reorder window so the tracker gets them in measurement-time order.

        Sensors report with different latencies (a space sensor's downlink is slower than a
        radar's), so a report can arrive after a later measurement from another sensor. Holding
        every report until now >= time_s + window (the largest report latency of the nation's
        sensors) restores the order at the cost of that window; a report later still is logged
        as late and not fed to the tracker.
        """
        for d in detections:
            self.events.emit(now_s, self.nation, "detection", sensor=d.sensor_id, time_s=d.time_s, model=d.model)
            if d.time_s < self._released_until_s:
                self.events.emit(now_s, self.nation, "late-detection", sensor=d.sensor_id, time_s=d.time_s)
                continue
            self._order += 1
            heapq.heappush(self._reorder, (d.time_s, self._order, d))
        ready = []
        while self._reorder and self._reorder[0][0] <= now_s - self.reorder_window_s:
            ready.append(heapq.heappop(self._reorder)[2])
        if ready:
            self._released_until_s = ready[-1].time_s
        return ready

    def track(self, now_s: float, detections: Sequence[Detection]) -> None:
        ready = self._in_time_order(now_s, detections)
        if ready:
            self._cause_wall_ns = time.perf_counter_ns()
            self.tracker.process(ready)
            self.reports_processed += len(ready)
        for tr in self.tracker.tracks():
            if self._published.get(tr.track_id, -np.inf) >= tr.time_s:
                continue
            self._published[tr.track_id] = tr.time_s
            report = track_report(tr)
            result = self.endpoint.publish("tracks", to_payload(report))
            self.picture.ingest(self.nation, report)
            self.events.emit(
                now_s,
                self.nation,
                "track",
                track_id=tr.track_id,
                status=tr.status,
                x=report.x,
                time_s=report.time_s,
                P=report.P,
                sent_to=list(result.sent_to),
                withheld_from=list(result.withheld_from),
                apogee_m=report.apogee_m,
                category=report.category,
            )

    def fabric_stats(self) -> dict:
        """What this node's endpoint sent, withheld, received and refused (the summary's nations block)."""
        return self.endpoint.stats()

    # -- fabric -> picture, C2 ------------------------------------------------------------
    def receive(self, now_s: float) -> None:
        for delivery in self.endpoint.poll():
            try:
                self._handle(delivery, now_s)
            except PayloadError as exc:
                self.events.emit(
                    now_s, self.nation, "refused-payload", origin=delivery.origin, kind=delivery.kind, reason=str(exc)
                )
        self.endpoint.commit()  # handled: only now may the fabric forget them (a crash before this gets them again)

    def _handle(self, delivery, now_s: float) -> None:
        self.alerts.contact(delivery.origin, now_s)  # a partner that is heard is not down
        if delivery.kind == "tracks":
            report = from_payload(delivery.payload, TrackReport)
            st = self.picture.ingest(delivery.origin, report)
            self.events.emit(
                now_s,
                self.nation,
                "track-received",
                origin=delivery.origin,
                track_id=report.track_id,
                system_track=st.number,
            )
        elif delivery.kind == "warnings":
            self._deliver_warning(from_payload(delivery.payload, WarningReport), now_s)
        elif delivery.kind == "acks":
            ack = from_payload(delivery.payload, AckReport)
            self.events.emit(
                now_s,
                self.nation,
                "ack-received",
                origin=delivery.origin,
                centre=ack.centre,
                warning_id=ack.warning_id,
                revision=ack.revision,
                issuer=ack.issuer,
            )

    def _deliver_warning(self, w: WarningReport, now_s: float) -> None:
        self.delivered_warnings.append(w)
        self.alerts.heard(w)
        self.c2.receive(w, now_s)
        self.events.emit(
            now_s, self.nation, "warning-delivered", issuer=w.issuer, subregions=w.subregions, **_warning_fields(w)
        )

    # -- picture -> warnings --------------------------------------------------------------
    def warn(self, now_s: float) -> None:
        """Assess the allied picture and issue what this node's warning desk may issue (`warning.authority`)."""
        if now_s < self._next_assess_s:
            return
        self._next_assess_s = now_s + self.assess_period_s
        active = self.picture.active(now_s)
        for st in active:
            parents = {key: m.report.parent_id for key, m in st.members.items()}
            live = {(m.origin, m.report.track_id): m.since_s for m in st.live_members(now_s, self.picture.stale_s)}
            thrusting = any(m.report.thrusting for m in st.live_members(now_s, self.picture.stale_s))
            falling = float(st.x[:3] @ st.x[3:]) < 0.0 and not thrusting
            state = ObjectState(st.time_s, st.x, st.P, thrusting)
            self.alerts.follow(st.number, st.members, parents, falling, live, state)
            # A revision is about a launch, and carries that launch's first object (w.system_track),
            # which need not be st: another object of the launch may have caused it.
            for w in self._assess(st, now_s):
                self._issue(w, now_s, w.system_track, **self._picture_of(w.system_track))
        for number in [n for n in self.alerts.alerts if n in self.picture.merged]:
            survivor = number
            while survivor in self.picture.merged:  # merges can chain: A -> B, then B -> C
                survivor = self.picture.merged[survivor]
            for w in self.alerts.merged(number, survivor, now_s):
                self._issue(w, now_s, w.system_track, **self._picture_of(w.system_track))
        live = {st.number for st in active}
        for number in list(self.alerts.alerts):
            if number not in live:
                # A launch's last revisions (impact, all-clear) come when its last object is lost: they
                # carry the launch's first object, logged with its last fused state like any other.
                for w in self.alerts.lost(number, now_s):
                    self._issue(w, now_s, w.system_track, **self._picture_of(w.system_track))
        for w in self.alerts.release_due(now_s):
            self._issue(w, now_s, w.system_track, **self._picture_of(w.system_track))

    def _picture_of(self, number: str) -> dict:
        """The fused state an issued warning is logged with (for the record and for scoring)."""
        st = self.picture.tracks.get(number)
        if st is None:
            return {}
        return {"x": st.x.tolist(), "time_s": st.time_s, "pedigree": st.pedigree}

    def _issue(self, w: WarningReport, now_s: float, system_track: str, **picture) -> None:
        """Publish a warning revision to partners, log it, and deliver it to this nation's own C2."""
        self.endpoint.publish("warnings", to_payload(w))
        self.events.emit(
            now_s, self.nation, "warning-issued", system_track=system_track, **_warning_fields(w), **picture
        )
        self._deliver_warning(w, now_s)

    def _assess(self, st: SystemTrack, now_s: float) -> list[WarningReport]:
        latest = st.latest()
        launch = most_certain_launch(st)
        # A missile still under thrust has no ballistic impact point yet: while any nation's
        # tracker sees thrust, only what every possible remaining burn agrees on is named
        # (warning.boost_assess); without a launch point (time since launch) nothing is.
        if any(m.report.thrusting for m in st.live_members(now_s, self.picture.stale_s)):
            boost = None
            if launch is not None:
                args = (
                    st.x,
                    st.P,
                    st.time_s,
                    np.radians(launch.lat_deg),
                    np.radians(launch.lon_deg),
                    launch.time_s,
                    launch.time_sigma_s,
                    self.protected,
                )
                boost = assess_boost(*args)
                if self.precautionary_overflight and (boost is None or not boost.areas):
                    # The bound names nothing yet: a precautionary overflight warning, labelled as such.
                    hypothesis = assess_precaution(
                        *args,
                        support_threshold=self.precautionary_support,
                        launch_times=self._launch_times,
                        track=st.number,
                    )
                    boost = hypothesis if hypothesis is not None and hypothesis.areas else boost
            return self.alerts.observe(
                st.number, now_s, boost, launch=launch, category=latest.category, cause_wall_ns=self._cause_wall_ns
            )
        x, P = with_drag_estimate(st.x, st.P, *most_certain_drag(st))  # the impact falls through the air
        impact = predict_impact(x, P, st.time_s)
        assessment = None
        if impact is not None:
            assessment = assess(
                st.x,
                st.time_s,
                impact.lat_rad,
                impact.lon_rad,
                impact.time_s,
                np.asarray(impact.cov_en_m2),
                self.protected,
            )
        return self.alerts.observe(
            st.number,
            now_s,
            assessment,
            launch=launch,
            category=latest.category,
            cause_wall_ns=self._cause_wall_ns,
            arc_s=st.arc_s(now_s, self.picture.stale_s),
        )

    def snapshot(self, now_s: float) -> None:
        """Record the allied picture as this node holds it now (system tracks flown to now_s)."""
        active = self.picture.active(now_s)
        positions = []
        for st in active:
            r, _ = propagate(st.x[None, :3], st.x[None, 3:], now_s - st.time_s)
            positions.append(r[0].tolist())
        self.events.emit(
            now_s,
            self.nation,
            "picture",
            numbers=[st.number for st in active],
            positions=positions,
            pedigree=[st.pedigree for st in active],
        )

    # -- C2 -------------------------------------------------------------------------------
    def command(self, now_s: float) -> None:
        for ack in self.c2.tick(now_s):
            self._announce_ack(ack, now_s)
        for d in self.c2.log:
            if d.action == "escalated" and d.time_s == now_s:
                self.events.emit(
                    now_s,
                    self.nation,
                    "escalation",
                    centre=d.centre,
                    warning_id=d.warning_id,
                    revision=d.revision,
                    issuer=d.issuer,
                    detail=d.detail,
                )

    def acknowledge(
        self, warning_id: str, revision: int, now_s: float, role: str, issuer: str | None = None
    ) -> AckReport:
        """A person at this nation's designated centre acknowledges a warning revision (web COP).

        issuer is needed only when two nations issued that revision number (a partition)."""
        ack = self.c2.acknowledge(warning_id, revision, now_s, role, issuer=issuer)
        self._announce_ack(ack, now_s)
        return ack

    def _announce_ack(self, ack: AckReport, now_s: float) -> None:
        self.endpoint.publish("acks", to_payload(ack))
        self.events.emit(
            now_s,
            self.nation,
            "ack",
            centre=ack.centre,
            warning_id=ack.warning_id,
            revision=ack.revision,
            issuer=ack.issuer,
            role=ack.role,
        )
