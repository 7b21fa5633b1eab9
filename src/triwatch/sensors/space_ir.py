"""Space infrared sensors: an SBIRS-like GEO satellite and one satellite of a LEO tracking layer.

Both measure angles only (Detection model "ir-los", see ir_geometry). A target is
detected when it is geometrically visible (line of sight clears the Earth, range,
plume altitude or space background) and a Gaussian-threshold draw on its SNR
succeeds. Plumes are seen in the short-wave band; bodies (no plume) only by
sensors with a long-wave band (LEO) and only against space.

GEO scanning and staring: the scanner looks at the whole disc every revisit_s; a
detection cues the staring sensor, which then looks every stare_revisit_s at the
area within stare_radius_m of the cued objects, for stare_hold_s after the last
detection. (The cue is the detected object's position: the staring sensor is
pointed where the scanner saw the plume.)
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.sensors.base import Observation, RevisitClock
from triwatch.sensors.detection import Detection
from triwatch.sensors.ir_geometry import (
    against_space,
    clears_earth,
    height_m,
    ir_snr,
    los_angles,
    los_noise_sigmas,
    pd_threshold,
    random_points_on_visible_cap,
)
from triwatch.sensors.ir_presets import GEO_RADIUS_M, IrPreset
from triwatch.sensors.orbits import Constellation
from triwatch.sensors.scene import Scene

_FALSE_ALARM_ALTITUDE_M = 15e3


class SpaceIrSensor:
    """Common detection and measurement of a space IR sensor; subclasses give position and look schedule."""

    kind = "ir"
    static = False

    def __init__(self, sensor_id: str, nation: str, preset: IrPreset) -> None:
        self.sensor_id = sensor_id
        self.nation = nation
        self.preset = preset
        self._clock = RevisitClock(preset.revisit_s)

    @property
    def latency_s(self) -> float:
        """Delay from measurement to report at the national node (a node reorders within the largest one)."""
        return self.preset.latency_s

    def position_ecef(self, t_s: float) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def _visibility(
        self, sensor: np.ndarray, r: np.ndarray, thrusting: np.ndarray, rng_m: np.ndarray, h: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(plume_visible, body_visible) masks from geometry alone (h: the targets' geodetic heights)."""
        p = self.preset
        los_ok = clears_earth(sensor, r)
        if p.max_range_m is not None:
            los_ok &= rng_m <= p.max_range_m
        plume = los_ok & thrusting & (h >= p.min_plume_altitude_m)
        if p.nei_body_w_m2 is None or thrusting.all():
            body = np.zeros_like(plume)
        else:
            body = los_ok & ~thrusting & against_space(sensor, r, p.background_margin_m)
        return plume, body

    def can_see(self, r_ecef: np.ndarray, t_s: float) -> np.ndarray:
        """(K,) bool: a plume at these points would be in view (Earth clear, range, plume altitude)."""
        r = np.atleast_2d(np.asarray(r_ecef, float))
        sensor = self.position_ecef(t_s)
        _, _, rng_m = los_angles(sensor, r)
        plume, _ = self._visibility(sensor, r, np.ones(r.shape[0], bool), rng_m, height_m(r))
        return plume

    def _look(self, scene: Scene, candidates: np.ndarray, rng: np.random.Generator, scan: bool) -> list[Observation]:
        """Detect and measure the candidate objects, plus false alarms on a full scan."""
        p = self.preset
        t = scene.time_s
        sensor = self.position_ecef(t)
        out: list[Observation] = []
        if p.max_range_m is not None and scene.size:
            # cheap range gate first: most satellites of a constellation are far from the action
            candidates = candidates & (np.linalg.norm(scene.r_ecef - sensor, axis=1) <= p.max_range_m)
        idx = np.flatnonzero(candidates)
        if idx.size:
            r = scene.r_ecef[idx]
            alpha, delta, rng_m = los_angles(sensor, r)
            plume, body = self._visibility(sensor, r, scene.thrusting[idx], rng_m, scene.altitude_m[idx])
            snr = np.zeros(idx.size)
            snr[plume] = ir_snr(scene.ir_w_sr[idx][plume], rng_m[plume], p.nei_plume_w_m2)
            if p.nei_body_w_m2 is not None:
                snr[body] = ir_snr(scene.ir_w_sr[idx][body], rng_m[body], p.nei_body_w_m2)
            draw = rng.random(idx.size)
            hit = (plume | body) & (draw < pd_threshold(snr, p.threshold_snr))
            out += self._measure(
                t, sensor, alpha[hit], delta[hit], snr[hit], [scene.object_ids[i] for i in idx[hit]], rng
            )
        if scan:
            n = int(rng.poisson(p.false_alarms_per_look))
            if n:
                fake = random_points_on_visible_cap(sensor, n, _FALSE_ALARM_ALTITUDE_M, 0.9, rng)
                alpha, delta, _ = los_angles(sensor, fake)
                out += self._measure(t, sensor, alpha, delta, np.full(n, p.threshold_snr), [None] * n, rng)
        return out

    def _measure(
        self,
        t: float,
        sensor: np.ndarray,
        alpha: np.ndarray,
        delta: np.ndarray,
        snr: np.ndarray,
        truth_ids: list[str | None],
        rng: np.random.Generator,
    ) -> list[Observation]:
        n = alpha.size
        if n == 0:
            return []
        sig = los_noise_sigmas(delta, self.preset.sigma_rad)
        z = np.column_stack([alpha, delta]) + sig * rng.standard_normal((n, 2))
        z[:, 0] = np.mod(z[:, 0] + np.pi, 2.0 * np.pi) - np.pi
        lat, lon, _ = ecef_to_geodetic(sensor)
        lat_rad, lon_rad = float(lat), float(lon)
        snr_db = 10.0 * np.log10(np.maximum(snr, 1e-12))
        return [
            Observation(
                Detection(
                    time_s=t,
                    report_time_s=t + self.preset.latency_s,
                    sensor_id=self.sensor_id,
                    nation=self.nation,
                    model="ir-los",
                    z=z[i].copy(),
                    R=np.diag(sig[i] ** 2),
                    sensor_ecef=sensor.copy(),
                    sensor_lat=lat_rad,
                    sensor_lon=lon_rad,
                    snr_db=float(snr_db[i]),
                ),
                truth_ids[i],
            )
            for i in range(n)
        ]


class GeoIrSensor(SpaceIrSensor):
    """A geostationary early-warning satellite (SBIRS-like): scanning sensor plus a cued staring sensor."""

    kind = "ir-geo"
    static = True  # geostationary: fixed in ECEF

    def __init__(self, sensor_id: str, nation: str, preset: IrPreset, lon_rad: float) -> None:
        super().__init__(sensor_id, nation, preset)
        self.lon_rad = float(lon_rad)
        self._pos = GEO_RADIUS_M * np.array([np.cos(lon_rad), np.sin(lon_rad), 0.0])
        self._stare_clock = RevisitClock(preset.stare_revisit_s or preset.revisit_s)
        self._stare_until = -np.inf
        self._cues = np.zeros((0, 3))
        self._last_t = -np.inf

    def position_ecef(self, t_s: float) -> np.ndarray:
        return self._pos.copy()

    def observe(self, scene: Scene, rng: np.random.Generator) -> list[Observation]:
        t = scene.time_s
        if t < self._last_t:  # a new run: forget the old cue
            self._stare_until, self._cues = -np.inf, np.zeros((0, 3))
        self._last_t = t
        scan = self._clock.due(t)
        stare = (not scan) and self.preset.stare_revisit_s is not None and t <= self._stare_until
        stare = stare and self._stare_clock.due(t)
        if not (scan or stare):
            return []
        if scan or scene.size == 0:
            candidates = np.ones(scene.size, bool)
        else:
            dist = np.linalg.norm(scene.r_ecef[:, None, :] - self._cues[None, :, :], axis=2)
            candidates = (dist <= self.preset.stare_radius_m).any(axis=1)
        out = self._look(scene, candidates, rng, scan)
        seen = [o.truth_id for o in out if o.truth_id is not None]
        if seen:
            where = {oid: i for i, oid in enumerate(scene.object_ids)}
            self._cues = scene.r_ecef[[where[s] for s in seen]]
            self._stare_until = t + self.preset.stare_hold_s
        return out

    def descriptor(self) -> dict:
        return {
            "id": self.sensor_id,
            "nation": self.nation,
            "kind": self.kind,
            "preset": self.preset.name,
            "platform": "geo-satellite",
            "site": None,
            "lat_deg": 0.0,
            "lon_deg": float(np.degrees(self.lon_rad)),
        }


class LeoIrSensor(SpaceIrSensor):
    """One satellite of a LEO tracking constellation (shared SGP4 propagation, see orbits)."""

    kind = "ir-leo"
    static = False

    def __init__(self, sensor_id: str, nation: str, preset: IrPreset, constellation: Constellation, index: int) -> None:
        super().__init__(sensor_id, nation, preset)
        self.constellation = constellation
        self.index = int(index)

    def position_ecef(self, t_s: float) -> np.ndarray:
        return self.constellation.states_ecef(t_s)[0][self.index].copy()

    def observe(self, scene: Scene, rng: np.random.Generator) -> list[Observation]:
        if not self._clock.due(scene.time_s):
            return []
        return self._look(scene, np.ones(scene.size, bool), rng, scan=True)

    def descriptor(self) -> dict:
        pattern = self.constellation.pattern
        plane, slot = divmod(self.index, pattern.sats_per_plane)
        return {
            "id": self.sensor_id,
            "nation": self.nation,
            "kind": self.kind,
            "preset": self.preset.name,
            "platform": "leo-satellite",
            "site": None,
            "lat_deg": None,  # a moving platform has no site
            "lon_deg": None,
            "orbit": {
                "plane": plane,
                "slot": slot,
                "altitude_km": pattern.altitude_m / 1e3,
                "inclination_deg": float(np.degrees(pattern.inclination_rad)),
            },
        }
