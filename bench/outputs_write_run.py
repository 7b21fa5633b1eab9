"""Benchmark: write_outputs over a large synthetic run (many tracks, many updates, many warnings).

Prints wall time per output family and the throughput of CoT track events. Run:
    PYTHONPATH=src python bench/outputs_write_run.py [n_tracks] [updates_per_track]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from triwatch.geo.frames import enu_to_ecef_vector, geodetic_to_ecef
from triwatch.physics.propagate import propagate
from triwatch.warning.outputs import write_run

EPOCH = datetime(2022, 10, 3, 22, 22, tzinfo=UTC)


def synthetic_events(n_tracks: int, updates: int) -> list[dict]:
    rng = np.random.default_rng(1)
    lat = np.radians(rng.uniform(38.0, 41.0, n_tracks))
    lon = np.radians(rng.uniform(124.0, 129.0, n_tracks))
    r = geodetic_to_ecef(lat, lon, 100e3)
    v = enu_to_ecef_vector(np.c_[rng.uniform(1500, 3000, n_tracks), rng.uniform(-500, 500, n_tracks),
                                 np.full(n_tracks, 2500.0)], lat, lon)  # fmt: skip
    P = np.diag([300.0**2] * 3 + [10.0] * 3).tolist()
    events = []
    for k in range(updates):
        t = 60.0 + k
        for i in range(n_tracks):
            events.append({"t_s": t, "node": "USA", "type": "track", "wall_ns": 0, "track_id": f"T{i}",
                           "status": "confirmed", "x": [*r[i], *v[i]], "P": P, "sent_to": [], "withheld_from": []})  # fmt: skip
        r, v = propagate(r, v, 1.0)
    for i in range(n_tracks):
        for rev, kind in enumerate(("launch", "threat", "correction", "withdrawal"), start=1):
            areas = [] if kind == "launch" else ["JPN-EEZ"]
            ellipse = {"lat_deg": 40.0, "lon_deg": 135.0 + i * 0.01, "semi_major_m": 9e4, "semi_minor_m": 3e4,
                       "orientation_deg": 70.0}  # fmt: skip
            events.append({"t_s": 60.0 + 20 * rev, "node": "USA", "type": "warning-delivered", "wall_ns": 0,
                           "issuer": "USA", "warning_id": f"USA-W{i:03d}", "revision": rev, "kind": kind,
                           "areas": areas, "subregions": [], "impact": [40.0, 135.0],
                           "ellipse": None if kind == "launch" else ellipse})  # fmt: skip
    return events


def main() -> None:
    n_tracks = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    updates = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    events = synthetic_events(n_tracks, updates)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        index = write_run.write_outputs(Path(tmp), events, EPOCH)
        wall = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file())
    n_updates = index["cot"]["track_updates"]
    print(f"tracks {n_tracks}, updates/track {updates}, events {len(events)}")
    print(f"write_outputs: {wall:.2f} s wall, {size / 1e6:.1f} MB written")
    print(f"CAP alerts {len(index['cap'])}, CoT track events {n_updates}, CoT alerts {index['cot']['alerts']}")
    print(f"throughput: {n_updates / wall:.0f} track updates/s end to end (all formats)")


if __name__ == "__main__":
    main()
