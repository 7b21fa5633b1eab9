"""Propagation throughput: object-steps per second for 1,000 objects over a full IRBM flight.

Run:  PYTHONPATH=src python bench/propagation.py

An "object-step" is one RK4 step (four acceleration evaluations: J2 gravity, Earth
rotation, and drag where the air is) of one object. The 1,000 objects are the
burnout state of the 4 Oct 2022-like IRBM (970 km apogee, 4,600 km range) with
velocities spread by 1 % (a debris cloud), flown at 1 s steps until each lands.
Goal: >= 5 million object-steps/s on one core. Also printed: the same with the NumPy
reference integrator, the boost for 1,000 pitch kicks, and the time to design a
flight per vehicle. Figures only; nothing is asserted.
"""

from __future__ import annotations

import math
import time

import numpy as np

from triwatch.physics import kernels
from triwatch.physics.boost import LaunchFrame, boost_schedule, run_boost
from triwatch.physics.dynamics import coast_acceleration
from triwatch.physics.flight import design_flight
from triwatch.physics.propagate import rk4_step
from triwatch.physics.vehicles import get_vehicle

K = 1000
LAT, LON, AZ = math.radians(40.6), math.radians(126.4), math.radians(75.0)


def best_of(n: int, fn):
    times = []
    out = None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    flight = design_flight(LAT, LON, "irbm", azimuth_rad=AZ, apogee_m=970e3, range_m=4600e3)
    s = flight.summary
    print(f"IRBM flight: apogee {s.apogee_m / 1e3:.0f} km, range {s.range_m / 1e3:.0f} km, {s.flight_time_s:.0f} s")
    rng = np.random.default_rng(1)
    r0 = np.tile(s.burnout_r_ecef_m, (K, 1))
    v0 = s.burnout_v_ecef_m_s * (1.0 + 0.01 * rng.standard_normal((K, 3)))
    inv_beta = np.full(K, 1.0 / 6000.0)

    def compiled():
        r, v = r0.copy(), v0.copy()
        return kernels.coast_fixed_to_ground(r, v, inv_beta, 1.0, 5000.0).sum()

    compiled()  # compile / load cache
    sec, steps = best_of(3, compiled)
    print(
        f"coast, compiled kernel : {K} objects, {steps} object-steps in {sec:.3f} s = {steps / sec / 1e6:.1f} M object-steps/s"
    )

    def reference():
        r, v = r0.copy(), v0.copy()
        n = 0
        for _ in range(int(s.flight_time_s - s.burnout_time_s)):
            r, v = rk4_step(r, v, 1.0, lambda rr, vv: coast_acceleration(rr, vv, inv_beta))
            n += K
        return n

    sec_ref, steps_ref = best_of(1, reference)
    print(
        f"coast, NumPy reference : {steps_ref} object-steps in {sec_ref:.3f} s = {steps_ref / sec_ref / 1e6:.2f} M object-steps/s"
    )

    veh = get_vehicle("irbm")
    frame = LaunchFrame.at(LAT, LON, AZ)
    kicks = np.radians(np.linspace(0.1, 60.0, K))
    t_nodes, stage = boost_schedule(veh, 1.0)
    run_boost(veh, frame, kicks[:2], t_nodes, stage)
    sec_b, _ = best_of(3, lambda: run_boost(veh, frame, kicks, t_nodes, stage))
    nb = K * (len(t_nodes) - 1)
    print(f"boost, compiled kernel : {nb} object-steps in {sec_b:.3f} s = {nb / sec_b / 1e6:.1f} M object-steps/s")
    total = steps + nb
    print(f"full IRBM flight (boost + coast), 1,000 objects: {total / (sec + sec_b) / 1e6:.1f} M object-steps/s")

    requests = {
        "srbm": {"azimuth_rad": math.radians(90), "range_m": 400e3},
        "kn-23": {"azimuth_rad": math.radians(90), "apogee_m": 50e3, "range_m": 400e3},
        "mrbm": {"aim_lat_rad": math.radians(40.3), "aim_lon_rad": math.radians(134.5)},
        "irbm": {"azimuth_rad": AZ, "apogee_m": 970e3, "range_m": 4600e3},
        "icbm": {"azimuth_rad": math.radians(90), "apogee_m": 6041e3, "range_m": 999e3},
        "slbm": {"azimuth_rad": math.radians(100), "range_m": 1200e3, "profile": "lofted"},
    }
    for name, req in requests.items():
        sec_d, f = best_of(3, lambda name=name, req=req: design_flight(LAT, LON, name, **req))
        print(
            f"design_flight {name:6s}: {sec_d * 1e3:6.0f} ms  ({len(f.objects)} objects, {sum(len(o.t_s) for o in f.objects)} samples)"
        )


if __name__ == "__main__":
    main()
