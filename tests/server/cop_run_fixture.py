"""A small, realistic run written by hand: an IRBM over northern Japan, as the three nodes recorded it.

Modelled on the 4 Oct 2022 launch (public figures: apogee ~970 km, range ~4600 km,
~22 min of flight, over Aomori). The flight is a great circle from near
Tongchang-ri on azimuth 75 deg with a parabolic height profile: a stand-in for
what the trackers would report, good enough to drive the COP, not physics.

What each node records follows docs/events.md: KOR sees the boost first and
shares its track; JPN gets it through the fabric, then tracks it with its own
radar once it rises over the horizon, and issues the warnings; USA relays. JPN
acknowledges revision 0 and leaves revisions 1 and 2 pending (revision 1
escalates), so a live COP has something to acknowledge.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef

NATIONS = ("USA", "JPN", "KOR")
LAUNCH_LAT, LAUNCH_LON = 39.66, 124.70
AZIMUTH_DEG, RANGE_M, APOGEE_M, FLIGHT_S = 75.0, 4_600e3, 970e3, 1320.0
R_EARTH = 6_371e3
ELLIPSE = {"lat_deg": 0.0, "lon_deg": 0.0, "semi_major_m": 180e3, "semi_minor_m": 60e3, "orientation_deg": 75.0}


def ground_point(fraction: float) -> tuple[float, float]:
    """Great-circle point a fraction of the range along the azimuth (spherical Earth)."""
    d = RANGE_M * fraction / R_EARTH
    lat1, lon1, az = np.radians([LAUNCH_LAT, LAUNCH_LON, AZIMUTH_DEG])
    lat2 = np.arcsin(np.sin(lat1) * np.cos(d) + np.cos(lat1) * np.sin(d) * np.cos(az))
    lon2 = lon1 + np.arctan2(np.sin(az) * np.sin(d) * np.cos(lat1), np.cos(d) - np.sin(lat1) * np.sin(lat2))
    return float(np.degrees(lat2)), float(np.degrees(lon2))


def state(t_s: float) -> list[float]:
    """ECEF position and velocity (finite difference) of the stand-in flight at t_s."""

    def r(t: float) -> np.ndarray:
        f = min(max(t / FLIGHT_S, 0.0), 1.0)
        lat, lon = ground_point(f)
        return geodetic_to_ecef(np.radians(lat), np.radians(lon), 4 * APOGEE_M * f * (1 - f))

    v = (r(t_s + 0.5) - r(t_s - 0.5)) / 1.0
    return [*r(t_s).tolist(), *v.tolist()]


def _ev(t: float, node: str, type_: str, **detail: Any) -> dict[str, Any]:
    return {"t_s": float(t), "node": node, "type": type_, "wall_ns": int(t * 1e9), **detail}


def build_events() -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = []
    impact_lat, impact_lon = ground_point(1.0)
    ellipse = dict(ELLIPSE, lat_deg=impact_lat, lon_deg=impact_lon)
    warnings = [  # (t, revision, kind, areas, subregions)
        (60.0, 0, "launch", [], []),
        (250.0, 1, "overflight", ["JPN-land", "JPN-EEZ"], ["Aomori", "Hokkaido"]),
        (400.0, 2, "correction", ["JPN-land"], ["Aomori"]),
    ]
    for t in np.arange(0.0, 1000.0, 5.0):
        if 20 <= t <= 400:
            ev.append(_ev(t, "KOR", "detection", sensor="KOR-GREENPINE-1", time_s=t - 1, model="radar-rae"))
            x = state(t)
            ev.append(
                _ev(
                    t,
                    "KOR",
                    "track",
                    track_id="KOR-T1",
                    status="confirmed",
                    x=x,
                    sent_to=["USA", "JPN"],
                    withheld_from=[],
                    apogee_m=APOGEE_M if t > 120 else None,
                    category="irbm",
                )
            )
            ev.append(_ev(t, "USA", "track-received", origin="KOR", track_id="KOR-T1", system_track="USA-S1"))
            ev.append(_ev(t, "JPN", "track-received", origin="KOR", track_id="KOR-T1", system_track="JPN-S1"))
        if 10 <= t <= 80:
            ev.append(_ev(t, "USA", "detection", sensor="USA-SBIRS-GEO", time_s=t - 2, model="ir-los"))
            ev.append(
                _ev(
                    t,
                    "USA",
                    "track",
                    track_id="USA-T1",
                    status="tentative",
                    x=state(t),
                    sent_to=["JPN", "KOR"],
                    withheld_from=[],
                    apogee_m=None,
                    category=None,
                )
            )
            ev.append(_ev(t, "JPN", "track-received", origin="USA", track_id="USA-T1", system_track="JPN-S1"))
            ev.append(_ev(t, "KOR", "track-received", origin="USA", track_id="USA-T1", system_track="KOR-S1"))
        if 240 <= t <= 900:
            ev.append(_ev(t, "JPN", "detection", sensor="JPN-FPS5-OMINATO", time_s=t - 1, model="radar-raer"))
            ev.append(
                _ev(
                    t,
                    "JPN",
                    "track",
                    track_id="JPN-T1",
                    status="confirmed",
                    x=state(t),
                    sent_to=["USA"],
                    withheld_from=["KOR"],
                    apogee_m=APOGEE_M,
                    category="irbm",
                )
            )
        for when, rev, kind, areas, subs in warnings:
            if t == when:
                w = {"warning_id": "JPN-W1", "revision": rev, "kind": kind, "areas": areas}
                impact = None if kind == "launch" else [impact_lat, impact_lon]
                extra = {} if impact is None else {"impact_ellipse": ellipse}
                ev.append(
                    _ev(
                        t,
                        "JPN",
                        "warning-issued",
                        **w,
                        system_track="JPN-S1",
                        x=state(t),
                        time_s=t,
                        pedigree=["KOR", "USA", "JPN"],
                        cause_wall_ns=0,
                        impact=impact,
                        **extra,
                    )
                )
                for node in NATIONS:
                    ev.append(
                        _ev(
                            t,
                            node,
                            "warning-delivered",
                            issuer="JPN",
                            **w,
                            subregions=subs,
                            impact=impact,
                            cause_wall_ns=0,
                            **extra,
                        )
                    )
        if t == 75.0:
            ev.append(_ev(t, "JPN", "ack", centre="JJOC", warning_id="JPN-W1", revision=0))
            ev.append(_ev(t, "USA", "ack-received", origin="JPN", centre="JJOC", warning_id="JPN-W1", revision=0))
            ev.append(_ev(t, "KOR", "ack", centre="ROK-JCS", warning_id="JPN-W1", revision=0))
            ev.append(_ev(t, "JPN", "ack-received", origin="KOR", centre="ROK-JCS", warning_id="JPN-W1", revision=0))
        if t == 310.0:
            ev.append(
                _ev(t, "JPN", "escalation", centre="JJOC", warning_id="JPN-W1", revision=1, detail="to USFJ-JFHQ")
            )
        if t % 10 == 0:
            for node in NATIONS:
                first_picture_s = {"USA": 15, "KOR": 30, "JPN": 35}[node]
                live = first_picture_s <= t <= FLIGHT_S
                ped = {
                    "USA": ["USA", "KOR"],
                    "JPN": ["KOR", "USA", "JPN"] if t >= 245 else ["KOR", "USA"],
                    "KOR": ["KOR", "USA"],
                }
                ev.append(
                    _ev(
                        t,
                        node,
                        "picture",
                        numbers=[f"{node}-S1"] if live else [],
                        positions=[state(t)[:3]] if live else [],
                        pedigree=[ped[node]] if live else [],
                    )
                )
    ev.sort(key=lambda e: e["t_s"])  # stable: keeps each instant's order
    return ev


def write_run(run_dir: Path, events: list[dict[str, Any]] | None = None) -> Path:
    """A run folder as the exercise writes it: events.jsonl and summary.json (with truth, which the COP must not serve)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    events = build_events() if events is None else events
    with (run_dir / "events.jsonl").open("w", encoding="utf-8") as fh:
        for e in events:
            fh.write(json.dumps(e) + "\n")
    summary = {
        "scenario": "Illustrative IRBM overflight",
        "seed": 7,
        "wall_time_s": 3.2,
        "sim_time_s": 1000.0,
        "launches": [
            {"id": "L1", "truth": {"launch_lat": LAUNCH_LAT, "launch_lon": LAUNCH_LON, "impact_area": "high-seas"}}
        ],
        "nations": {n: {"received": {}, "refused": 0} for n in NATIONS},
    }
    (run_dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return run_dir
