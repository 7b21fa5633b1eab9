"""How long the after-action report takes on a large synthetic run, and how big the page is.

Builds a run of N_LAUNCHES lofted flights over 30 min: every nation's node logs a detection
every second per visible launch, a track update every 2 s, a picture every 10 s, and a warning
revision every 30 s delivered to every nation. Prints seconds per section and the page size.

    PYTHONPATH=src python bench/report_aar.py [n_launches]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.report.aar import write_report

NATIONS = ["USA", "JPN", "KOR"]


def synthetic_run(n_launches: int, duration_s: float = 1800.0) -> tuple[dict, list[dict], dict]:
    rng = np.random.default_rng(1)
    truth, events, launches = {}, [], []
    for k in range(n_launches):
        t0, flight = 30.0 * k, 900.0
        t = np.arange(t0, t0 + flight + 1)
        f = (t - t0) / flight
        lat0, lon0, lat1, lon1 = 39.0 + 0.1 * k, 125.0, 41.0, 150.0 - k
        r = geodetic_to_ecef(
            np.radians(lat0 + f * (lat1 - lat0)), np.radians(lon0 + f * (lon1 - lon0)), 4 * 1e6 * f * (1 - f)
        )
        truth[f"L{k}/RV"] = {"t_s": t, "r_ecef": r}
        launches.append(
            {
                "id": f"L{k}",
                "truth": {"launch_lat": lat0, "launch_lon": lon0, "impact_lat": lat1, "impact_lon": lon1},
                "estimate": {
                    "launch_alert_s": dict.fromkeys(NATIONS, 40.0),
                    "first_warning_s": dict.fromkeys(NATIONS, 200.0),
                },
            }
        )
        for n in NATIONS:
            for i in range(0, t.size, 1):
                events.append({"t_s": float(t[i]), "node": n, "type": "detection", "sensor": f"{n}-1"})
                if i % 2 == 0:
                    x = (r[i] + rng.normal(0, 1e3, 3)).tolist() + [0.0, 0.0, 0.0]
                    events.append({"t_s": float(t[i]), "node": n, "type": "track", "track_id": f"{n}-{k}", "x": x})
            for i in range(0, t.size, 30):
                x = r[i].tolist() + [0.0, 0.0, 0.0]
                events.append(
                    {
                        "t_s": float(t[i]),
                        "node": n,
                        "type": "warning-issued",
                        "warning_id": f"{n}-W{k}",
                        "revision": i,
                        "kind": "threat",
                        "areas": ["JPN-EEZ"],
                        "x": x,
                        "time_s": float(t[i]),
                        "impact": [lat1 + 0.2, lon1],
                    }
                )
                for m in NATIONS:
                    events.append(
                        {
                            "t_s": float(t[i]) + 1,
                            "node": m,
                            "type": "warning-delivered",
                            "issuer": n,
                            "warning_id": f"{n}-W{k}",
                            "revision": i,
                            "kind": "threat",
                            "areas": ["JPN-EEZ"],
                            "impact": [lat1 + 0.2, lon1],
                        }
                    )
    for n in NATIONS:
        for ts in np.arange(0.0, duration_s, 10.0):
            pos = [
                v["r_ecef"][int(ts - v["t_s"][0])].tolist() for v in truth.values() if v["t_s"][0] <= ts <= v["t_s"][-1]
            ]
            events.append(
                {
                    "t_s": float(ts),
                    "node": n,
                    "type": "picture",
                    "numbers": [str(i) for i in range(len(pos))],
                    "positions": pos,
                }
            )
    events.sort(key=lambda e: e["t_s"])
    summary = {"scenario": "bench", "seed": 1, "launches": launches, "nations": {n: {} for n in NATIONS}, "metrics": {}}
    return summary, events, truth


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    summary, events, truth = synthetic_run(n)
    print(f"launches {n}, events {len(events):,}, truth objects {len(truth)}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, tr in (("without truth", None), ("with truth", truth)):
            t = time.perf_counter()
            path = write_report(Path(tmp), summary, events, tr)
            print(f"{label:14s}: {time.perf_counter() - t:6.2f} s, report.html {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
