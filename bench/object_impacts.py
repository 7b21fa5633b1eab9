"""Per truth object (payload and spent stages), how well the national trackers predicted its impact.

    python bench/object_impacts.py                      # every scenario in scenarios/
    python bench/object_impacts.py srbm-salvo-crossing

library_scores.py scores the warnings (one impact per launch, from the fused picture); this
scores every object the nations tracked, from their own tracks: for each truth object, the
last impact prediction of any national track associated with it (nearest truth within 50 km
at the track's time), its error (km), whether the truth lies inside the prediction's 95 %
ellipse, the track's estimated ballistic coefficient (kg/m^2, with the sigma of ln beta) and
the object's true one, and the height of the track's last update. It also prints the share of
all predictions made in the last 300 s before each object's impact whose 95 % ellipse held the
truth (nominal 0.95). Nothing here is a test: it prints what a run gives.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from geographiclib.geodesic import Geodesic

from triwatch.exercise.run import run_exercise
from triwatch.geo.frames import ecef_to_enu, ecef_to_geodetic, geodetic_to_ecef
from triwatch.physics.vehicles import get_vehicle
from triwatch.report.association import nearest_truth
from triwatch.scenario.loader import load_scenario

LIBRARY = Path(__file__).resolve().parents[1] / "scenarios"
CHI2_2DOF_95 = 5.991
LATE_WINDOW_S = 300.0


def _record(run, log: list) -> None:
    """Wrap every node's tracker.tracks() to keep each estimate it hands out."""
    for nation, node in run.nodes.items():
        original = node.tracker.tracks

        def tracks(original=original, nation=nation):
            out = original()
            log.extend((nation, tr) for tr in out if tr.impact is not None)
            return out

        node.tracker.tracks = tracks


def _true_impacts(run) -> dict[str, tuple[np.ndarray, float, float, float]]:
    """truth id -> (impact ECEF, lat, lon (rad), impact time (scenario s), true beta)."""
    out = {}
    for launch in run.scenario.launches:
        flight = run.world.flights[launch.id]
        vehicle = get_vehicle(flight.summary.vehicle)
        for obj in flight.objects:
            r = obj.r_ecef_m[-1]
            lat, lon, _ = ecef_to_geodetic(r)
            beta = vehicle.rv_beta_kg_m2 if obj.role == "rv" else vehicle.stage_beta_kg_m2
            out[f"{launch.id}/{obj.object_id}"] = (r, float(lat), float(lon), launch.time_s + obj.impact_s, beta)
    return out


def _inside_95(est, lat: float, lon: float) -> bool:
    origin = geodetic_to_ecef(est.lat_rad, est.lon_rad, 0.0)
    d = ecef_to_enu(geodetic_to_ecef(lat, lon, 0.0)[None], est.lat_rad, est.lon_rad, origin)[0, :2]
    return float(d @ np.linalg.solve(np.asarray(est.cov_en_m2) + 1e-6 * np.eye(2), d)) < CHI2_2DOF_95


def main(names: list[str]) -> None:
    names = names or sorted(p.stem for p in LIBRARY.glob("*.yaml"))
    for name in names:
        sc = load_scenario(LIBRARY / f"{name}.yaml")
        log: list = []
        t0 = time.time()
        run = run_exercise(sc, None, on_start=lambda run, log=log: _record(run, log))
        truths = _true_impacts(run)
        last: dict[str, tuple] = {}
        late = defaultdict(list)
        for nation, tr in log:
            tid = nearest_truth(run.world, tr.time_s, tr.x)
            if tid is None:
                continue
            last[tid] = (nation, tr)
            _, lat, lon, t_imp, _ = truths[tid]
            if t_imp - tr.time_s < LATE_WINDOW_S:
                late[tid].append(_inside_95(tr.impact, lat, lon))
        print(f"{name}: wall {time.time() - t0:.0f} s")
        for tid, (_r, lat, lon, t_imp, beta) in truths.items():
            if tid not in last:
                print(f"  {tid}: never tracked with an impact prediction")
                continue
            nation, tr = last[tid]
            est = tr.impact
            err = Geodesic.WGS84.Inverse(
                np.degrees(est.lat_rad), np.degrees(est.lon_rad), np.degrees(lat), np.degrees(lon)
            )["s12"]
            h = ecef_to_geodetic(np.asarray(tr.x[:3])[None])[2][0]
            cover = late[tid]
            beta_kg_m2 = getattr(tr, "beta_kg_m2", None)  # absent from trackers before the drag state
            beta_est = "-" if beta_kg_m2 is None else f"{beta_kg_m2:.0f} (ln sd {tr.log_beta_sigma:.2f})"
            print(
                f"  {tid} [{nation} {tr.track_id}]: impact err {err / 1e3:.1f} km, in 95% ellipse "
                f"{_inside_95(est, lat, lon)}, time err {est.time_s - t_imp:+.0f} s (sd {est.time_sigma_s:.0f}), "
                f"beta {beta_est} true {beta:.0f}, last update at {h / 1e3:.0f} km, {t_imp - tr.time_s:.0f} s before impact; "
                f"late 95% cover {np.mean(cover) if cover else float('nan'):.2f} of {len(cover)}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
