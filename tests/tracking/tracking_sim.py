"""Test truth for the tracker: simple missiles flown with triwatch.physics, and noisy radar/IR reports of them.

A missile is a constant-acceleration boost along a fixed direction in the launch site's ENU frame
(after a short vertical rise), integrated with the same RK4 step as the coasting flight, then a
coast under gravity with J2 and the rotating-frame terms (and US76 drag below 100 km when a
ballistic coefficient is given) until it reaches the ground. Radar reports
use the tracker's own measurement functions plus Gaussian noise; that is fine for tests of the
filter (the physics of real sensors is another part's job).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.geo.frames import enu_to_ecef_vector, geodetic_to_ecef
from triwatch.physics.dynamics import coast_acceleration
from triwatch.physics.gravity import ballistic_acceleration_ecef
from triwatch.physics.propagate import rk4_step
from triwatch.sensors.detection import Detection
from triwatch.tracking.earth import height_of
from triwatch.tracking.measurements import predict_measurement

DT_S = 0.5  # truth grid; sensor times are multiples of it


@dataclass
class Truth:
    """One object's trajectory on a 0.5 s grid starting at t0_s: states (K, 6) in ECEF."""

    name: str
    t0_s: float
    states: np.ndarray
    burnout_s: float
    parent: Truth | None = None

    def state_at(self, t: float) -> np.ndarray | None:
        k = int(round((t - self.t0_s) / DT_S))
        if k < 0 or k >= len(self.states):
            return None
        return self.states[k]

    def states_at(self, times: np.ndarray) -> np.ndarray:
        """States (K, 6) at grid times (K,); NaN rows where the object does not exist."""
        k = np.rint((np.asarray(times, float) - self.t0_s) / DT_S).astype(int)
        ok = (k >= 0) & (k < len(self.states))
        out = np.full((k.size, 6), np.nan)
        out[ok] = self.states[k[ok]]
        return out

    @property
    def t_end_s(self) -> float:
        return self.t0_s + (len(self.states) - 1) * DT_S


def fly(
    lat_deg: float,
    lon_deg: float,
    azimuth_deg: float,
    elevation_deg: float,
    accel_m_s2: float,
    burn_s: float,
    t0_s: float = 0.0,
    vertical_s: float = 10.0,
    name: str = "M",
    beta_kg_m2: float = np.inf,
) -> Truth:
    """Fly a missile from the ground to impact; returns its truth on the grid (coast with drag at beta_kg_m2)."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    r = geodetic_to_ecef(lat, lon, 0.0)[None]
    v = np.zeros((1, 3))
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    up = enu_to_ecef_vector(np.array([0.0, 0.0, 1.0]), lat, lon)
    slant = enu_to_ecef_vector(np.array([np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)]), lat, lon)
    states = [np.concatenate([r[0], v[0]])]
    t = 0.0
    while True:
        if t < burn_s:
            direction = up if t < vertical_s else slant

            def accel(rr, vv, d=direction):
                return ballistic_acceleration_ecef(rr, vv) + accel_m_s2 * d

            r, v = rk4_step(r, v, DT_S, accel)
        else:
            r, v = rk4_step(r, v, DT_S, _coast(beta_kg_m2))
        t += DT_S
        h = height_of(r[0])
        if h < 0.0 and t > 1.0:
            break
        states.append(np.concatenate([r[0], v[0]]))
    return Truth(name, t0_s, np.array(states), t0_s + burn_s)


def _coast(beta_kg_m2: float):
    """Coasting acceleration with US76 drag at ballistic coefficient beta (inf: vacuum)."""
    if not np.isfinite(beta_kg_m2):
        return ballistic_acceleration_ecef
    return lambda r, v: coast_acceleration(r, v, 1.0 / beta_kg_m2)


def separate(parent: Truth, at_s: float, delta_v_m_s: np.ndarray, name: str, beta_kg_m2: float = np.inf) -> Truth:
    """An object leaving the parent at time at_s with a velocity change delta_v (ECEF), coasting to the ground."""
    x = parent.state_at(at_s).copy()
    r, v = x[None, :3], x[None, 3:] + np.asarray(delta_v_m_s, float)[None]
    states = [np.concatenate([r[0], v[0]])]
    while True:
        r, v = rk4_step(r, v, DT_S, _coast(beta_kg_m2))
        h = height_of(r[0])
        if h < 0.0:
            break
        states.append(np.concatenate([r[0], v[0]]))
    return Truth(name, at_s, np.array(states), at_s, parent=parent)


def upper_stage(
    stack: Truth, at_s: float, ignition_delay_s: float, accel_m_s2: float, burn_s: float, name: str
) -> Truth:
    """The upper stack after its lower stage dropped at at_s: it coasts ignition_delay_s, burns burn_s
    along its velocity at accel_m_s2, then coasts to the ground. Replaces the stack's truth from at_s on."""
    r, v = stack.state_at(at_s)[None, :3].copy(), stack.state_at(at_s)[None, 3:].copy()
    states = [np.concatenate([r[0], v[0]])]
    t = at_s
    while True:
        if at_s + ignition_delay_s <= t < at_s + ignition_delay_s + burn_s:

            def accel(rr, vv):
                return ballistic_acceleration_ecef(rr, vv) + accel_m_s2 * vv / np.linalg.norm(vv, axis=1)[:, None]

            r, v = rk4_step(r, v, DT_S, accel)
        else:
            r, v = rk4_step(r, v, DT_S, ballistic_acceleration_ecef)
        t += DT_S
        if height_of(r[0]) < 0.0:
            break
        states.append(np.concatenate([r[0], v[0]]))
    head = stack.states[: int(round((at_s - stack.t0_s) / DT_S))]
    return Truth(name, stack.t0_s, np.concatenate([head, np.array(states)]), at_s + ignition_delay_s + burn_s)


@dataclass
class Radar:
    sensor_id: str
    lat_deg: float
    lon_deg: float
    sigma_range_m: float = 20.0
    sigma_angle_rad: float = 3e-4
    sigma_rate_m_s: float = 2.0
    max_range_m: float = 2500e3
    min_el_rad: float = np.radians(1.0)
    period_s: float = 2.0
    model: str = "radar-rae"

    @property
    def lat(self) -> float:
        return float(np.radians(self.lat_deg))

    @property
    def lon(self) -> float:
        return float(np.radians(self.lon_deg))

    @property
    def ecef(self) -> np.ndarray:
        return geodetic_to_ecef(self.lat, self.lon, 0.0)

    def noise_covariance(self) -> np.ndarray:
        s = [self.sigma_range_m, self.sigma_angle_rad, self.sigma_angle_rad, self.sigma_rate_m_s]
        n = 4 if self.model == "radar-raer" else 3
        return np.diag(np.square(s[:n]))

    def observe(self, x: np.ndarray) -> np.ndarray | None:
        """Noise-free measurement of state x, or None when out of coverage."""
        z, _ = predict_measurement(self.model, x[None], self.ecef, self.lat, self.lon)
        z = z[0]
        if z[0] > self.max_range_m or z[2] < self.min_el_rad:
            return None
        return z


@dataclass
class Infrared:
    """An infrared sensor at a fixed ECEF position (a geostationary satellite), angle-only."""

    sensor_id: str
    ecef: np.ndarray
    sigma_rad: float = 2e-5
    period_s: float = 2.0
    model: str = "ir-los"
    lat: float = 0.0
    lon: float = 0.0

    def noise_covariance(self) -> np.ndarray:
        return self.sigma_rad**2 * np.eye(2)

    def observe(self, x: np.ndarray) -> np.ndarray | None:
        z, _ = predict_measurement("ir-los", x[None], self.ecef, 0.0, 0.0)
        return z[0]


SEONGJU = Radar("SEONGJU", 35.9, 128.1)
SHARIKI = Radar("SHARIKI", 40.9, 140.3)


def detections(
    truths: list[Truth],
    sensors: list,
    rng: np.random.Generator,
    t_end_s: float | None = None,
    only: list[tuple[float, float]] | None = None,
    resolve_m: float = 2e3,
) -> tuple[list[Detection], list[tuple[float, str]]]:
    """Noisy reports of every truth by every sensor at its period, sorted by time; also (time, truth) per report.

    only: optional time windows outside which the objects are not reported (e.g. while thrusting).
    resolve_m: a separated object is not reported while it is closer than this to its parent
        (the sensor sees one blob until the two are resolved).
    """
    t_end = max(tr.t_end_s for tr in truths) if t_end_s is None else t_end_s
    out: list[tuple[float, int, int, Detection, str]] = []
    for si, s in enumerate(sensors):
        R = s.noise_covariance()
        L = np.linalg.cholesky(R)
        site, lat, lon = s.ecef, s.lat, s.lon
        times = np.arange(0.0, t_end + 1e-9, s.period_s)
        if only is not None:
            times = times[[any(a <= t <= b for a, b in only) for t in times]]
        for ti, tr in enumerate(truths):
            states = tr.states_at(times)
            seen = np.isfinite(states[:, 0])
            if tr.parent is not None:  # unresolved from its parent: not reported yet
                parent = tr.parent.states_at(times)
                seen &= ~(np.linalg.norm(states[:, :3] - parent[:, :3], axis=1) < resolve_m)
            if not seen.any():
                continue
            z, _ = predict_measurement(s.model, states[seen], site, lat, lon)
            if s.model.startswith("radar"):
                visible = (z[:, 0] <= s.max_range_m) & (z[:, 2] >= s.min_el_rad)
            else:
                visible = np.ones(len(z), bool)
            z = z[visible] + rng.standard_normal((int(visible.sum()), z.shape[1])) @ L.T
            for t, zn in zip(times[seen][visible], z, strict=True):
                det = Detection(
                    time_s=float(t),
                    report_time_s=float(t),
                    sensor_id=s.sensor_id,
                    nation="XXX",
                    model=s.model,
                    z=zn,
                    R=R,
                    sensor_ecef=site,
                    sensor_lat=lat,
                    sensor_lon=lon,
                )
                out.append((float(t), si, ti, det, tr.name))
    out.sort(key=lambda e: (e[0], e[1], e[2]))
    return [e[3] for e in out], [(e[0], e[4]) for e in out]


def run_and_score(tracker, reports, truths: list[Truth], c_m: float = 20e3, every: int = 1):
    """Feed reports scan time by scan time; after each, assign tracks to truths (GOSPA assignment).

    Returns (per-step {truth: track id}, set of all reported track ids, set of ids ever assigned,
    list of GOSPA values, the tracker).
    """
    from triwatch.tracking.metrics import gospa, gospa_assignment

    steps, ever, assigned, values = [], set(), set(), []
    times = sorted({d.time_s for d in reports})
    start = 0
    for k, t in enumerate(times):
        end = start
        while end < len(reports) and reports[end].time_s == t:
            end += 1
        tracker.process(reports[start:end])
        start = end
        if k % every:
            continue
        ids, times, x, _ = tracker.track_states()  # the same states tracks() reports, without impact etc.
        live = [tr for tr in truths if tr.state_at(t) is not None]
        truth_pos = np.array([tr.state_at(t)[:3] for tr in live]).reshape(-1, 3)
        # compare at the scan time: move each track's estimate there along its velocity (< one revisit)
        est_pos = (x[:, :3] + x[:, 3:] * (t - times)[:, None]).reshape(-1, 3)
        rows, cols = gospa_assignment(est_pos, truth_pos, c_m)
        steps.append({live[j].name: ids[i] for i, j in zip(rows, cols, strict=True)})
        ever |= set(ids)
        assigned |= {ids[i] for i in rows}
        values.append(gospa(est_pos, truth_pos, c_m)["value"])
    return steps, ever, assigned, values, tracker
