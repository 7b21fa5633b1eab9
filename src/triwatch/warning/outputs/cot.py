"""Cursor on Target (CoT 2.0) events: tracks and alerts, as TAK clients (ATAK, WinTAK, iTAK) read them.

Track: type `a-h-A-W-M-S-S`, the CoT atom of MIL-STD-2525 "hostile / air / weapon / missile in
flight / surface-launched / surface-to-surface", which is what a ballistic missile from a land or
sea launcher aimed at the surface is. TAK clients draw the 2525 symbol from the type itself (they
map the atom after `a-` to its symbol), which is why the type carries the identity; `<__milsym
id="SHAPWMSS-------">` repeats it as the 15-character 2525C symbol code for clients and gateways
that render from a SIDC (ATAK's mil-symbology renderer reads `__milsym`; others ignore unknown
detail, so it costs nothing). `how` is `m-s` (machine, simulated) in an exercise, `m-f` (machine,
fused) for real tracks. The point is lat/lon/hae with ce/le from the position covariance
(`geometry.cot_errors`); `<track course speed>` (deg true, m/s) from the ECEF velocity.

Alert: type `b-a-o-tbl` (alarm) for launch/threat/overflight/correction/impact and `b-a-o-can`
(cancel) for withdrawal and all-clear, with one uid per warning so every revision replaces the
last on the map and the cancel removes it. The point is the predicted impact (ce = the 95 %
major semi-axis over sqrt(5.991), its 1-sigma), else the warned track's position when known,
else the estimated launch point, else CoT's "unknown" point (0, 0 with ce = le = 9999999). `opex="e-triwatch"` marks exercise traffic.
"""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
from lxml import etree

from triwatch.messages import TrackReport, WarningReport
from triwatch.warning.authority import numbered_by
from triwatch.warning.outputs.cap_text import WORDING, area_name
from triwatch.warning.outputs.clock import cot_time
from triwatch.warning.outputs.errors import OutputError
from triwatch.warning.outputs.geometry import (
    COT_UNKNOWN_M,
    check_ellipse,
    cot_errors,
    course_speed,
    ecef_to_lat_lon_alt_deg,
)
from triwatch.warning.outputs.run_view import TrackPath

HOSTILE_SSM_TYPE = "a-h-A-W-M-S-S"
HOSTILE_SSM_SIDC = "SHAPWMSS-------"
ALERT_TYPE = "b-a-o-tbl"
CANCEL_TYPE = "b-a-o-can"
K95 = math.sqrt(5.991)  # 95 % ellipse semi-axis / 1-sigma, 2 degrees of freedom


def track_uid(nation: str, track_id: str) -> str:
    """The CoT uid of a national track: stable over its updates."""
    return f"triwatch.{nation}.{track_id}"


def alert_uid(issuer: str, warning_id: str) -> str:
    """The CoT uid of a warning: stable over its revisions, so a cancel removes it."""
    return f"triwatch.{issuer}.{warning_id}.alert"


def _event(uid: str, type_: str, how: str, epoch: datetime, t_s: float, stale_s: float, exercise: bool):
    attrs = {
        "version": "2.0",
        "uid": uid,
        "type": type_,
        "how": how,
        "time": cot_time(epoch, t_s),
        "start": cot_time(epoch, t_s),
        "stale": cot_time(epoch, t_s + stale_s),
    }
    if exercise:
        attrs["opex"] = "e-triwatch"
    return etree.Element("event", attrs)


def _point(event, lat: float, lon: float, hae: float, ce: float, le: float) -> None:
    etree.SubElement(
        event, "point", lat=f"{lat:.6f}", lon=f"{lon:.6f}", hae=f"{hae:.1f}", ce=f"{ce:.1f}", le=f"{le:.1f}"
    )


def _bytes(event) -> bytes:
    """One line: the declaration (takproto recognises XML CoT by it) and the event, no newline inside."""
    return b'<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(event, xml_declaration=False, encoding="UTF-8")


def cot_track_events(
    path: TrackPath, epoch: datetime, *, exercise: bool = True, stale_after_s: float = 60.0
) -> list[bytes]:
    """The CoT events (UTF-8 XML bytes, one per state) of a track's updates.

    The geometry (geodetic point, ce/le, course/speed) is computed for all states at once; only
    the XML is written per event. A covariance of None means "error unknown".
    """
    x = np.asarray(path.states, float).reshape(-1, 6)
    bad = ~np.all(np.isfinite(x), axis=-1)
    if bad.any():
        k = int(np.argmax(bad))
        raise OutputError(
            f"track {path.nation}/{path.track_id} at t={float(path.times_s[k])} s.x: must be 6 finite numbers "
            f"(ECEF m, m/s), got {x[k].tolist()}"
        )
    P = np.full((len(x), 6, 6), np.nan)
    for k, cov in enumerate(path.covariances):
        if cov is not None:
            P[k] = cov
    lla = ecef_to_lat_lon_alt_deg(x[:, :3])
    ce, le = cot_errors(x, P)
    course, speed = course_speed(x)
    system = path.kind == "system"
    uid = track_uid(path.nation, f"sys.{path.track_id}" if system else path.track_id)
    callsign = path.title
    facts = [f"{path.nation} national track {path.track_id}"]
    if system:
        facts = [f"{path.nation} allied system track {path.track_id}", f"from {', '.join(path.pedigree) or '?'}"]
    if path.category:
        facts.append(f"category {path.category}")
    if path.apogee_m is not None and math.isfinite(path.apogee_m):
        facts.append(f"apogee {path.apogee_m / 1e3:.0f} km")
    own = {"nation": path.nation, "track_id": path.track_id, "kind": path.kind}
    own |= {"pedigree": " ".join(path.pedigree)} if system else {}
    own |= {"system_track": path.system_track} if path.system_track else {}
    own |= {"category": path.category} if path.category else {}
    out = []
    for k, t_s in enumerate(np.asarray(path.times_s, float)):
        event = _event(uid, HOSTILE_SSM_TYPE, "m-s" if exercise else "m-f", epoch, t_s, stale_after_s, exercise)
        _point(event, *lla[k], ce[k], le[k])
        detail = etree.SubElement(event, "detail")
        etree.SubElement(detail, "contact", callsign=callsign)
        etree.SubElement(detail, "track", course=f"{course[k]:.1f}", speed=f"{speed[k]:.1f}")
        etree.SubElement(detail, "__milsym", id=HOSTILE_SSM_SIDC)
        remarks = "; ".join(facts if system else [*facts, f"status {path.statuses[k]}"])
        etree.SubElement(detail, "remarks").text = ("EXERCISE. " if exercise else "") + remarks
        etree.SubElement(detail, "triwatch", own | {"status": path.statuses[k]})
        out.append(_bytes(event))
    return out


def cot_track(
    report: TrackReport,
    nation: str,
    epoch: datetime,
    *,
    exercise: bool = True,
    system_track: str | None = None,
    stale_after_s: float = 60.0,
) -> bytes:
    """The CoT event of one track update (a TrackReport); an empty report.P means error unknown."""
    x = np.asarray(report.x, float)
    if x.shape != (6,):
        raise OutputError(
            f"track {nation}/{report.track_id} at t={report.time_s} s.x: must be 6 numbers, got {report.x!r}"
        )
    P = np.asarray(report.P, float) if len(report.P) else None
    if P is not None and P.shape != (6, 6):
        raise OutputError(f"track {nation}/{report.track_id} at t={report.time_s} s.P: must be 6x6, got {P.shape}")
    path = TrackPath(nation, report.track_id, np.array([report.time_s]), x[None, :], [P], [report.status],
                     report.category, report.apogee_m, system_track)  # fmt: skip
    return cot_track_events(path, epoch, exercise=exercise, stale_after_s=stale_after_s)[0]


def _alert_point(
    w: WarningReport, impact_point: tuple[float, float] | None, track_point: tuple[float, float, float] | None
) -> tuple[float, float, float, float, float]:
    """(lat, lon, hae, ce, le) of where an alert is drawn: impact, track, launch point, or unknown."""
    if w.impact is not None:
        return w.impact.lat_deg, w.impact.lon_deg, 0.0, w.impact.semi_major_m / K95, COT_UNKNOWN_M
    if impact_point is not None:
        return impact_point[0], impact_point[1], 0.0, COT_UNKNOWN_M, COT_UNKNOWN_M
    if track_point is not None:
        return track_point[0], track_point[1], track_point[2], COT_UNKNOWN_M, COT_UNKNOWN_M
    if w.launch is not None and math.isfinite(w.launch.lat_deg) and math.isfinite(w.launch.lon_deg):
        cov = np.asarray(w.launch.cov_en_m2, float)
        ok = cov.shape == (2, 2) and np.all(np.isfinite(cov))
        ce = math.sqrt(max(float(np.linalg.eigvalsh(0.5 * (cov + cov.T))[-1]), 0.0)) if ok else COT_UNKNOWN_M
        return w.launch.lat_deg, w.launch.lon_deg, 0.0, ce, COT_UNKNOWN_M
    return 0.0, 0.0, 0.0, COT_UNKNOWN_M, COT_UNKNOWN_M


def cot_alert(
    w: WarningReport,
    epoch: datetime,
    *,
    sent_s: float | None = None,
    exercise: bool = True,
    impact_point: tuple[float, float] | None = None,
    track_point: tuple[float, float, float] | None = None,
    stale_after_s: float = 3600.0,
) -> bytes:
    """The CoT event (UTF-8 XML bytes) of one warning revision: an alarm, or a cancel.

    Drawn at the predicted impact (ellipse, else impact_point), else at track_point (lat, lon deg,
    hae m: where the warned missile was), else at the estimated launch point, else at CoT's unknown
    point.
    """
    where = f"warning {w.issuer}/{w.warning_id} revision {w.revision} ({w.kind})"
    if w.kind not in WORDING:
        raise OutputError(f"{where}.kind: unknown kind {w.kind!r}; known: {', '.join(WORDING)}")
    if w.impact is not None:
        check_ellipse(w.impact, where)
    if impact_point is not None and not all(math.isfinite(v) for v in impact_point):
        raise OutputError(f"{where}.impact: point must be finite, got {list(impact_point)}")
    cancel = w.kind in ("withdrawal", "all-clear")
    t_s = w.time_s if sent_s is None else sent_s
    event = _event(alert_uid(numbered_by(w.warning_id), w.warning_id), CANCEL_TYPE if cancel else ALERT_TYPE,
                   "m-s" if exercise else "m-f", epoch, t_s, stale_after_s, exercise)  # fmt: skip
    _point(event, *_alert_point(w, impact_point, track_point))
    detail = etree.SubElement(event, "detail")
    etree.SubElement(detail, "contact", callsign=f"{w.warning_id} {w.kind.upper()}")
    emergency = etree.SubElement(detail, "emergency", {"cancel": "true"} if cancel else {"type": "911 Alert"})
    emergency.text = w.warning_id
    words = WORDING[w.kind]["en-US"]
    areas = ", ".join(area_name(a, "en-US") for a in w.areas)
    text = f"{words.headline} {words.description}" + (f" Areas: {areas}." if areas else "")
    if w.subregions:
        text += f" Subregions: {', '.join(w.subregions)}."
    etree.SubElement(detail, "remarks").text = ("EXERCISE. " if exercise else "") + text
    own = {"issuer": w.issuer, "warning_id": w.warning_id, "revision": str(w.revision), "kind": w.kind}
    own |= {"areas": " ".join(w.areas), "system_track": w.system_track}
    etree.SubElement(detail, "triwatch", own)
    return _bytes(event)
