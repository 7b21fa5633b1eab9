"""A small hand-made run: one launch seen by two nations, warnings, an ack, an escalation, a refusal."""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef

LAUNCH = (39.66, 124.70)
IMPACT = (40.50, 135.00)
FLIGHT_S = 600.0
T0 = 20.0  # launch time on the scenario clock


def _truth_path(t_s: np.ndarray, apogee_m: float, end: tuple[float, float]) -> np.ndarray:
    """A simple lofted path: lat/lon linear in time, height a parabola with the given apogee."""
    f = (t_s - T0) / FLIGHT_S
    lat = np.radians(LAUNCH[0] + f * (end[0] - LAUNCH[0]))
    lon = np.radians(LAUNCH[1] + f * (end[1] - LAUNCH[1]))
    return geodetic_to_ecef(lat, lon, 4 * apogee_m * f * (1 - f))


def make_truth() -> dict:
    t_rv = np.arange(T0, T0 + FLIGHT_S + 1, 1.0)
    t_st = np.arange(T0, T0 + 200.0 + 1, 1.0)
    return {
        "L1/RV": {"t_s": t_rv, "r_ecef": _truth_path(t_rv, 500e3, IMPACT)},
        "L1/stage1": {"t_s": t_st, "r_ecef": _truth_path(t_st, 150e3, (39.9, 127.0))},
    }


def make_events(truth: dict) -> list[dict]:
    rng = np.random.default_rng(3)
    rv = truth["L1/RV"]
    ev: list[dict] = []

    def add(t, node, type_, **kw):
        ev.append({"t_s": float(t), "node": node, "type": type_, "wall_ns": int(t * 1e9), **kw})

    for t in np.arange(30.0, 400.0, 2.0):
        add(t, "KOR", "detection", sensor="green-pine-1", time_s=t - 1, model="radar-rae")
        if t > 120:
            add(t, "JPN", "detection", sensor="fps-5-sado", time_s=t - 1, model="radar-rae")
    for t in np.arange(40.0, 400.0, 10.0):
        i = int(np.searchsorted(rv["t_s"], t))
        x = list(rv["r_ecef"][i] + rng.normal(0, 2e3, 3)) + [0.0, 0.0, 0.0]
        add(
            t,
            "KOR",
            "track",
            track_id="KOR-T1",
            status="confirmed",
            x=x,
            sent_to=["USA"],
            withheld_from=["JPN"],
            apogee_m=None,
            category="IRBM",
        )
        add(t, "USA", "track-received", origin="KOR", track_id="KOR-T1", system_track="S1")
        add(
            t, "USA", "picture", numbers=["S1", "S9"], positions=[x[:3], [0.0, 0.0, 6.4e6]], pedigree=[["KOR"], ["USA"]]
        )
    x = list(rv["r_ecef"][100]) + [0.0] * 6
    add(
        60.0,
        "USA",
        "warning-issued",
        warning_id="W1",
        revision=1,
        kind="launch",
        areas=[],
        system_track="S1",
        x=x[:6],
        time_s=59.0,
        pedigree=["KOR"],
        cause_wall_ns=1,
        impact=None,
    )
    for n in ("USA", "JPN", "KOR"):
        add(
            61.0 if n != "USA" else 60.0,
            n,
            "warning-delivered",
            issuer="USA",
            warning_id="W1",
            revision=1,
            kind="launch",
            areas=[],
            subregions=[],
            impact=None,
            cause_wall_ns=1,
        )
    x2 = list(rv["r_ecef"][200]) + [0.0] * 3
    add(
        230.0,
        "USA",
        "warning-issued",
        warning_id="W1",
        revision=2,
        kind="overflight",
        areas=["JPN-land", "JPN-EEZ"],
        system_track="S1",
        x=x2,
        time_s=229.0,
        pedigree=["KOR", "JPN"],
        cause_wall_ns=2,
        impact=[40.6, 134.7],
    )
    # As the node logs them: the ellipse travels on the delivered revision (docs/events.md).
    ellipse = {"lat_deg": 40.6, "lon_deg": 134.7, "semi_major_m": 80e3, "semi_minor_m": 30e3, "orientation_deg": 80.0}
    for n in ("USA", "JPN", "KOR"):
        add(
            232.0,
            n,
            "warning-delivered",
            issuer="USA",
            warning_id="W1",
            revision=2,
            kind="overflight",
            areas=["JPN-land", "JPN-EEZ"],
            subregions=["Aomori"],
            impact=[40.6, 134.7],
            impact_ellipse=ellipse,
            cause_wall_ns=2,
        )
    add(240.0, "JPN", "ack", centre="JJOC", warning_id="W1", revision=2)
    add(241.0, "USA", "ack-received", origin="JPN", centre="JJOC", warning_id="W1", revision=2)
    add(
        300.0,
        "KOR",
        "escalation",
        centre="ROK-JCS",
        warning_id="W1",
        revision=2,
        detail="no acknowledgement within 60 s",
    )
    add(
        310.0,
        "JPN",
        "refused-payload",
        origin="KOR",
        kind="tracks",
        reason="TrackReport: Expected `float`, got `str` - at `$.time_s`",
    )
    return ev


def make_summary() -> dict:
    return {
        "scenario": "Hand-made IRBM overflight",
        "seed": 7,
        "wall_time_s": 3.21,
        "sim_time_s": 700.0,
        "launches": [
            {
                "id": "L1",
                "truth": {
                    "launch_lat": LAUNCH[0],
                    "launch_lon": LAUNCH[1],
                    "impact_lat": IMPACT[0],
                    "impact_lon": IMPACT[1],
                    "apogee_km": 500.0,
                    "range_km": 874.3,
                    "flight_time_s": FLIGHT_S,
                    "impact_area": "JPN-EEZ",
                },
                "estimate": {
                    "launch_point_error_km": 3.2,
                    "impact_point_error_km_at_first_warning": 27.5,
                    "impact_point_error_km_final": 12.25,
                    "apogee_error_km": 14.0,
                    "detected_s": 10.0,
                    "launch_alert_s": {"USA": 40.0, "JPN": 41.0, "KOR": 41.0},
                    "first_warning_s": {"USA": 212.0, "JPN": 212.0, "KOR": None},
                    "predicted_impact_area": "JPN-EEZ",
                },
                "threatened_areas": ["JPN-EEZ"],
            }
        ],
        "metrics": {
            "gospa_mean": 7450.0,
            "id_switches": 0,
            "false_tracks": 1,
            "false_warnings": 0,
            "missed_warnings": 0,
            "reports_processed": 420,
            "reports_per_s_wall": 130.8,
            "latency_ms": {"p50": 1.25, "p99": 4.5},
        },
        "nations": {
            "USA": {
                "received": {"KOR": {"tracks": 36, "warnings": 0}, "JPN": {"acks": 1}},
                "refused": {"count": 0, "reasons": {}},
                "sent": {"warnings": 2},
                "withheld": {},
            },
            "JPN": {
                "received": {"USA": {"warnings": 2}},
                "refused": {"count": 1, "reasons": {"payload malformed": 1}},
                "sent": {"acks": 1},
                "withheld": {},
            },
            "KOR": {
                "received": {"USA": {"warnings": 2}},
                "refused": {"count": 0, "reasons": {}},
                "sent": {"tracks": 36},
                "withheld": {"tracks": 36},
            },
        },
    }
