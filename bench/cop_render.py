"""How long the COP takes to update 200 tracks at 1 Hz in headless Chromium.

A live run is simulated by a feeder thread: every wall second it advances the
scenario one second and records, for JPN, one `track` event for each of N own
tracks and one `picture` with N allied system tracks (so the page shows 2N
symbols with their flown paths). The COP refreshes on each streamed batch;
cop.js records per frame the fetch time (both API calls), the JavaScript render
time, and the time until the change is painted. The server-side view time is
measured directly too.

    PYTHONPATH=src python bench/cop_render.py [--tracks 200] [--seconds 30]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.server import LiveSource, start_server
from triwatch.server.track_view import tracks_view

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "server"))
from cop_browser import LAUNCH_ARGS, ensure_chromium  # noqa: E402


def flights(n: int, rng: np.random.Generator):
    """n stand-in ballistic flights from the Korean peninsula eastwards: ECEF (n, 3) position at time t."""
    lat0 = np.radians(rng.uniform(38.0, 41.5, n))
    lon0 = np.radians(rng.uniform(124.5, 129.5, n))
    az = np.radians(rng.uniform(45.0, 120.0, n))
    rng_m = rng.uniform(600e3, 4500e3, n)
    flight_s = 250.0 + rng_m / 3.5e3
    apogee = rng_m / 4.0

    def at(t: float) -> np.ndarray:
        f = np.clip(t / flight_s, 0.0, 1.0)
        d = rng_m * f / 6371e3
        lat = np.arcsin(np.sin(lat0) * np.cos(d) + np.cos(lat0) * np.sin(d) * np.cos(az))
        lon = lon0 + np.arctan2(np.sin(az) * np.sin(d) * np.cos(lat0), np.cos(d) - np.sin(lat0) * np.sin(lat))
        return geodetic_to_ecef(lat, lon, 4 * apogee * f * (1 - f))

    return at


def feed(source: LiveSource, n: int, seconds: int, stop: threading.Event) -> None:
    at = flights(n, np.random.default_rng(3))
    ids = [f"JPN-T{k}" for k in range(n)]
    numbers = [f"JPN-S{k}" for k in range(n)]
    for t in range(seconds):
        if stop.is_set():
            return
        wall0 = time.perf_counter()
        r, r_next = at(float(t)), at(t + 1.0)
        v = r_next - r
        for k in range(n):
            source.on_event(
                {
                    "t_s": float(t),
                    "node": "JPN",
                    "type": "track",
                    "track_id": ids[k],
                    "status": "confirmed",
                    "x": [*r[k], *v[k]],
                    "sent_to": ["USA"],
                    "withheld_from": ["KOR"],
                    "apogee_m": None,
                    "category": "irbm",
                }
            )
        source.on_event(
            {
                "t_s": float(t),
                "node": "JPN",
                "type": "picture",
                "numbers": numbers,
                "positions": r.tolist(),
                "pedigree": [["JPN", "USA"]] * n,
            }
        )
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - wall0)))


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tracks", type=int, default=200, help="own tracks, and as many allied system tracks")
    ap.add_argument("--seconds", type=int, default=30, help="scenario seconds to run (one per wall second)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    source = LiveSource("COP render benchmark", ["JPN"])
    handle = start_server(source, port=0)
    stop = threading.Event()
    feeder = threading.Thread(target=feed, args=(source, args.tracks, args.seconds, stop), daemon=True)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(ensure_chromium()), args=LAUNCH_ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(handle.url)
            page.select_option("#login-role", "analyst")
            page.click("#login-button")
            page.wait_for_selector("#login.hidden", state="attached")
            feeder.start()
            feeder.join()
            time.sleep(1.5)  # the last batch's refresh
            frames = page.evaluate("window.__copStats.frames")
            symbols = page.evaluate("document.querySelectorAll('.sym svg').length")
            browser.close()
    finally:
        stop.set()
        handle.stop()
    frames = [f for f in frames if f["tracks"] >= 2 * args.tracks][2:]  # full picture; drop the warm-up frames
    t0 = time.perf_counter()
    reps = 10
    for _ in range(reps):
        tracks_view(source.events("JPN"))
    view_ms = (time.perf_counter() - t0) / reps * 1e3
    print(f"COP render: {args.tracks} own + {args.tracks} allied tracks, 1 Hz, {args.seconds} s, headless Chromium")
    print(f"  symbols on the map at the end: {symbols}; frames measured: {len(frames)}")
    for key in ("fetch_ms", "render_ms", "paint_ms"):
        vals = [f[key] for f in frames if key in f]
        print(
            f"  {key:10s} p50 {pct(vals, 50):7.1f}  p95 {pct(vals, 95):7.1f}  max {max(vals, default=float('nan')):7.1f}"
        )
    print(
        f"  server tracks_view over {source.count('JPN')} events: {view_ms:.1f} ms (from scratch; live refreshes are incremental)"
    )
    print(f"  machine load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
