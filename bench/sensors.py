"""Benchmark: all detections of a salvo of 4 missiles over 900 s through the default laydown of three nations.

Prints the simulated/wall-clock ratio (target: >= 50x real time), the number of
sensors, detections (true and false) per sensor kind, and the time per tick.
The flights are the simple boost-and-coast arcs of tests/sensors/simple_flight.py
(each an RV plus its spent stage, which separates at burnout 5 m/s slower), so
the benchmark runs before the full physics is merged; building the flights is not timed.

Run: PYTHONPATH=src python bench/sensors.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "sensors"))

from simple_flight import SimpleFlight, fly  # noqa: E402

from triwatch.physics.propagate import rk4_step  # noqa: E402
from triwatch.sensors.coverage import coverage_grid, visibility_spans  # noqa: E402
from triwatch.sensors.factory import build_sensors  # noqa: E402
from triwatch.sensors.scene import scene_from_states  # noqa: E402

EPOCH = datetime(2022, 10, 3, 22, 22, tzinfo=UTC)
DURATION_S = 900.0
# (launch time s, lat, lon, thrust accel m/s^2, thrust elevation deg, azimuth deg)
SALVO = [
    (0.0, 40.6, 126.4, 40.2, 44.0, 70.1),
    (20.0, 39.2, 125.7, 30.0, 45.0, 95.0),
    (40.0, 39.9, 127.5, 25.0, 50.0, 110.0),
    (60.0, 38.3, 125.1, 20.0, 55.0, 85.0),
]


def stage_of(f: SimpleFlight) -> SimpleFlight:
    """The spent stage: from burnout, 5 m/s slower along the velocity, coasting (to the RV's end time)."""
    i0 = int(f.boost_s)
    r, v = np.empty_like(f.r_ecef), np.empty_like(f.v_ecef)
    r[: i0 + 1], v[: i0 + 1] = f.r_ecef[: i0 + 1], f.v_ecef[: i0 + 1]
    v[i0] = v[i0] * (1.0 - 5.0 / np.linalg.norm(v[i0]))
    for i in range(i0 + 1, r.shape[0]):
        r[i], v[i] = rk4_step(r[i - 1], v[i - 1], 1.0)
    return SimpleFlight(f.t_s, r, v, f.boost_s)


def main() -> None:
    flights = []
    for t0, lat, lon, acc, gam, az in SALVO:
        rv = fly(lat, lon, acc, gam, az)
        flights.append((t0, rv, stage_of(rv)))
    sensors = build_sensors([{"use": "default-laydown"}], ["USA", "JPN", "KOR"], EPOCH)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(7).spawn(len(sensors))]
    counts: Counter = Counter()
    n_objects = 0
    start = time.perf_counter()
    for t in np.arange(0.0, DURATION_S + 1e-9, 1.0):
        ids, rs, vs, thr, roles = [], [], [], [], []
        for k, (t0, rv, stage) in enumerate(flights):
            dt = t - t0
            if dt < 0 or dt > rv.t_s[-1]:
                continue
            boosting = dt < rv.boost_s
            parts = [("rv", rv)] if boosting else [("rv", rv), ("stage", stage)]
            for role, f in parts:
                r, v = f.state(dt)
                ids.append(f"M{k}/{role}")
                rs.append(r)
                vs.append(v)
                thr.append(boosting)
                roles.append("stage" if boosting else role)
        scene = scene_from_states(t, ids, np.reshape(rs, (-1, 3)), np.reshape(vs, (-1, 3)), thr, roles)
        n_objects = max(n_objects, scene.size)
        for sensor, rng in zip(sensors, rngs, strict=True):
            for o in sensor.observe(scene, rng):
                counts[(sensor.kind, "true" if o.truth_id else "false")] += 1
    wall = time.perf_counter() - start
    print(f"sensors: {len(sensors)} ({Counter(s.kind for s in sensors)})")
    print(f"objects in the air at most: {n_objects}; ticks: {int(DURATION_S) + 1} of 1 s")
    for (kind, which), n in sorted(counts.items()):
        print(f"detections {kind:7s} {which:5s}: {n}")
    print(f"wall time: {wall:.2f} s for {DURATION_S:.0f} s simulated; {1e3 * wall / (DURATION_S + 1):.2f} ms per tick")
    print(f"faster than real time: {DURATION_S / wall:.0f}x (target >= 50x)")
    coverage_figures(sensors, flights[0][1])


def coverage_figures(sensors, flight: SimpleFlight) -> None:
    """Time of the coverage tool's two pure functions on the default laydown."""
    lat, lon = np.arange(20.0, 50.01, 0.25), np.arange(115.0, 185.01, 0.25)
    start = time.perf_counter()
    grid = coverage_grid(sensors, lat, lon, 100e3, kinds=["radar"], nations=["USA", "JPN", "KOR"])
    wall = time.perf_counter() - start
    print(f"coverage grid {lat.size}x{lon.size} points, {sum(s.kind == 'radar' for s in sensors)} radars: {wall:.2f} s")
    print("  share of the map seen at 100 km: " + ", ".join(f"{n} {100 * grid.fraction(n):.0f}%" for n in grid.nations))
    start = time.perf_counter()
    vis = visibility_spans(sensors, flight.t_s[::5], flight.r_ecef[::5])
    wall = time.perf_counter() - start
    print(f"visibility spans of one {flight.t_s[-1]:.0f} s flight at 5 s, all {len(sensors)} sensors: {wall:.2f} s")
    for n, v in vis.items():
        print(f"  {n}: seen {v.seen_s:.0f} s in {len(v.spans)} span(s)")


if __name__ == "__main__":
    main()
