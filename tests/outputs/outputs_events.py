"""Helpers of the outputs tests (importable by name): a small, realistic run's events, built by hand in the events.jsonl schema (docs/events.md).

One coasting missile seen by KOR (released to USA) and by USA, fused in USA's picture (21
snapshots of system track USA-S001); a JPN track NOT released to USA
(must stay out of the hub's view); JPN's warning goes launch -> threat -> correction ->
withdrawal, USA's goes launch -> impact -> all-clear.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import numpy as np
from lxml import etree

from triwatch.geo.frames import enu_to_ecef_vector, geodetic_to_ecef
from triwatch.physics.propagate import propagate

EPOCH = datetime(2022, 10, 3, 22, 22, 0, tzinfo=UTC)
ELLIPSE = {"lat_deg": 40.8, "lon_deg": 141.0, "semi_major_m": 80e3, "semi_minor_m": 30e3, "orientation_deg": 60.0}


def missile_states(times_s: np.ndarray) -> np.ndarray:
    """ECEF states (N, 6) of a coasting object launched eastward over the Sea of Japan."""
    lat, lon = np.radians(39.5), np.radians(127.0)
    r0 = geodetic_to_ecef(lat, lon, 150e3)
    v0 = enu_to_ecef_vector(np.array([3000.0, 500.0, 2500.0]), lat, lon)
    out, r, v, t = [], r0[None, :], v0[None, :], 60.0
    for tk in times_s:
        r, v = propagate(r, v, tk - t)
        t = tk
        out.append(np.r_[r[0], v[0]])
    return np.array(out)


def ev(t_s: float, node: str, type_: str, **detail) -> dict:
    return {"t_s": t_s, "node": node, "type": type_, "wall_ns": int(t_s * 1e9), **detail}


def delivered(t_s: float, node: str, issuer: str, wid: str, rev: int, kind: str, areas, impact=None, **extra) -> dict:
    return ev(t_s, node, "warning-delivered", issuer=issuer, warning_id=wid, revision=rev, kind=kind, areas=areas,
              subregions=extra.pop("subregions", []), impact=impact, cause_wall_ns=0, **extra)  # fmt: skip


def run_events() -> list[dict]:
    events: list[dict] = []
    kor_t = np.arange(60.0, 300.0, 10.0)
    for t, x in zip(kor_t, missile_states(kor_t), strict=True):
        status = "tentative" if t < 80 else "confirmed"
        events.append(ev(t, "KOR", "track", track_id="T1", status=status, x=x.tolist(), sent_to=["USA", "JPN"],
                         withheld_from=[], apogee_m=None, category="irbm"))  # fmt: skip
        events.append(ev(t, "USA", "track-received", origin="KOR", track_id="T1", system_track="USA-S001"))
    usa_t = np.arange(100.0, 400.0, 20.0)
    P = np.diag([400.0**2, 300.0**2, 200.0**2, 10.0, 10.0, 10.0]).tolist()
    for t, x in zip(usa_t, missile_states(usa_t), strict=True):
        events.append(ev(t, "USA", "track", track_id="T1", status="confirmed", x=x.tolist(), P=P, sent_to=["JPN", "KOR"],
                         withheld_from=[], apogee_m=980e3, category="irbm"))  # fmt: skip
    pic_t = np.arange(100.0, 310.0, 10.0)  # USA's allied picture: one system track from KOR's and its own
    for t, x in zip(pic_t, missile_states(pic_t), strict=True):
        events.append(ev(t, "USA", "picture", numbers=["USA-S001"], positions=[x[:3].tolist()],
                         pedigree=[["USA", "KOR"]]))  # fmt: skip
    jpn_t = np.arange(150.0, 250.0, 10.0)
    for t, x in zip(jpn_t, missile_states(jpn_t), strict=True):
        events.append(ev(t, "JPN", "track", track_id="T9", status="confirmed", x=x.tolist(), sent_to=["KOR"],
                         withheld_from=["USA"], apogee_m=None, category="irbm"))  # fmt: skip
    jpn = [
        (70.0, 1, "launch", [], None, {}),
        (150.0, 2, "threat", ["JPN-EEZ", "JPN-land"], [40.8, 141.0], {"ellipse": ELLIPSE, "subregions": ["Aomori"]}),
        (200.0, 3, "correction", ["JPN-EEZ"], [41.5, 142.5], {}),
        (260.0, 4, "withdrawal", ["JPN-EEZ"], [42.0, 150.0], {}),
    ]
    for t, rev, kind, areas, impact, extra in jpn:
        events.append(ev(t, "JPN", "warning-issued", warning_id="JPN-W001", revision=rev, kind=kind, areas=areas,
                         system_track="JPN-S001", x=[0.0] * 6, time_s=t - 2, pedigree=[["KOR"]], cause_wall_ns=0,
                         impact=impact))  # fmt: skip
        for node in ("JPN", "USA", "KOR"):
            events.append(delivered(t, node, "JPN", "JPN-W001", rev, kind, areas, impact, **dict(extra)))
    usa = [(72.0, 1, "launch", [], None), (610.0, 2, "impact", [], [42.0, 150.0]), (640.0, 3, "all-clear", [], None)]
    for t, rev, kind, areas, impact in usa:
        x = missile_states(np.array([t]))[0].tolist() if kind == "launch" else [0.0] * 6  # a log may lack x
        events.append(ev(t, "USA", "warning-issued", warning_id="USA-W001", revision=rev, kind=kind, areas=areas,
                         system_track="USA-S001", x=x, time_s=t, pedigree=[["USA", "KOR"]], cause_wall_ns=0,
                         impact=impact))  # fmt: skip
        for node in ("USA", "JPN", "KOR"):
            events.append(delivered(t, node, "USA", "USA-W001", rev, kind, areas, impact))
    events.sort(key=lambda e: e["t_s"])
    return events


def kml_schema() -> etree.XMLSchema:
    """The OGC KML 2.2 schema, from the copy PyPI pykml ships (its imports are local files)."""
    return etree.XMLSchema(etree.parse(str(files("pykml").joinpath("schemas/ogckml22.xsd"))))
