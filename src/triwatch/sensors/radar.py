"""A ground or shipborne radar at a fixed site: geometry, detection, noise, false alarms.

One look (every `revisit_s`) goes through all scene objects at once:

1. geometry: range, azimuth (clockwise from North) and elevation in the site's ENU
   frame; the target counts only inside the field of regard (boresight +- half
   width, min/max elevation, min/max range) and above the horizon. The horizon
   uses the 4/3-Earth model (triwatch.geo.horizon.apparent_elevation): the
   refracted elevation must reach the minimum elevation.
2. detection: SNR from the radar equation, Pd for a Swerling 1 target, one
   uniform draw per object.
3. measurement: true (range, az, el[, range rate]) plus Gaussian noise whose
   standard deviations depend on SNR (monopulse); the reported covariance R is
   the one the noise was drawn from. The azimuth error grows as 1/cos(el): the
   radar measures a cross-range angle, which is wider in azimuth near the zenith.
4. false alarms: a Poisson number per look, uniform in range, azimuth and
   elevation over the surveillance volume, with SNR at the Pd = 0.5 level.

Angles are reported geometric (as if the radar corrected its own refraction).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic, enu_rotation, geodetic_to_ecef
from triwatch.geo.horizon import apparent_elevation
from triwatch.sensors.base import Observation, RevisitClock
from triwatch.sensors.detection import Detection
from triwatch.sensors.radar_equation import (
    angle_sigma_rad,
    pd_swerling1,
    range_sigma_m,
    snr50,
    snr_linear,
)
from triwatch.sensors.radar_presets import RadarPreset
from triwatch.sensors.scene import Scene

# Azimuth noise is the cross-range angle noise / cos(el); cap the growth near the zenith.
_MIN_COS_EL = 0.05


def wrap_pi(x: np.ndarray) -> np.ndarray:
    """Angle difference wrapped to [-pi, pi)."""
    return np.mod(np.asarray(x) + np.pi, 2.0 * np.pi) - np.pi


class RadarSensor:
    """A radar of one nation at a fixed site (ground or a ship on station)."""

    kind = "radar"
    static = True  # fixed in ECEF: coverage may ask once for all times

    def __init__(
        self,
        sensor_id: str,
        nation: str,
        preset: RadarPreset,
        lat_rad: float,
        lon_rad: float,
        height_m: float | None = None,
        boresight_az_rad: float = 0.0,
        site_name: str | None = None,
        platform: str = "ground",
    ) -> None:
        self.sensor_id = sensor_id
        self.nation = nation
        self.preset = preset
        self.lat_rad = float(lat_rad)
        self.lon_rad = float(lon_rad)
        self.height_m = float(preset.antenna_height_m if height_m is None else height_m)
        self.boresight_az_rad = float(boresight_az_rad)
        self.site_name = site_name
        self.platform = platform
        self._site = geodetic_to_ecef(self.lat_rad, self.lon_rad, self.height_m)
        self._rot = enu_rotation(self.lat_rad, self.lon_rad)
        self._clock = RevisitClock(preset.revisit_s)

    @property
    def latency_s(self) -> float:
        """Delay from measurement to report at the national node (a node reorders within the largest one)."""
        return self.preset.latency_s

    # --- geometry -------------------------------------------------------------------------
    def position_ecef(self, t_s: float) -> np.ndarray:
        return self._site.copy()

    def _aer(self, r_ecef: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Azimuth, geometric elevation, range and ENU line-of-sight unit vectors (ECEF) of targets."""
        d = np.atleast_2d(np.asarray(r_ecef, float)) - self._site
        enu = d @ self._rot.T
        e, n, u = enu[:, 0], enu[:, 1], enu[:, 2]
        horiz = np.hypot(e, n)
        rng = np.maximum(np.hypot(horiz, u), 1e-9)
        az = np.mod(np.arctan2(e, n), 2.0 * np.pi)
        el = np.arctan2(u, horiz)
        return az, el, rng, d / rng[:, None]

    def _visible(
        self, r: np.ndarray, az: np.ndarray, el: np.ndarray, rng: np.ndarray, h: np.ndarray | None = None
    ) -> np.ndarray:
        """Field of regard and refracted horizon; h are the targets' geodetic heights when already known."""
        p = self.preset
        ok = (rng >= p.min_range_m) & (rng <= p.max_range_m) & (el <= p.max_elevation_rad)
        if p.half_fov_az_rad < np.pi:
            ok &= np.abs(wrap_pi(az - self.boresight_az_rad)) <= p.half_fov_az_rad
        if ok.any():
            idx = np.flatnonzero(ok)
            h_target = ecef_to_geodetic(r[idx])[2] if h is None else h[idx]
            el_refracted = apparent_elevation(self.height_m, h_target, rng[idx])
            ok[idx] = el_refracted >= p.min_elevation_rad
        return ok

    def can_see(self, r_ecef: np.ndarray, t_s: float) -> np.ndarray:
        """(K,) bool: inside range, field of regard and above the refracted horizon/minimum elevation."""
        r = np.atleast_2d(np.asarray(r_ecef, float))
        az, el, rng, _ = self._aer(r)
        return self._visible(r, az, el, rng)

    # --- detection ------------------------------------------------------------------------
    def observe(self, scene: Scene, rng: np.random.Generator) -> list[Observation]:
        if not self._clock.due(scene.time_s):
            return []
        p = self.preset
        out: list[Observation] = []
        if scene.size:
            r = scene.r_ecef
            az, el, rg, los = self._aer(r)
            visible = self._visible(r, az, el, rg, scene.altitude_m)
            snr = snr_linear(rg, scene.rcs_m2, p.r50_1m2_m, p.pfa)
            draw = rng.random(scene.size)  # one draw per object, seen or not, keeps the stream stable
            hit = np.flatnonzero(visible & (draw < pd_swerling1(snr, p.pfa)))
            if hit.size:
                range_rate = np.einsum("ij,ij->i", scene.v_ecef[hit], los[hit])  # site is fixed in ECEF
                truth = np.column_stack([rg[hit], az[hit], el[hit], range_rate])
                out += self._measure(scene.time_s, truth, snr[hit], [scene.object_ids[i] for i in hit], rng)
        out += self._false_alarms(scene.time_s, rng)
        return out

    def _measure(
        self, t: float, truth: np.ndarray, snr: np.ndarray, truth_ids: list[str | None], rng: np.random.Generator
    ) -> list[Observation]:
        """Noisy measurements of true (range, az, el, range rate) rows, one Observation each."""
        p = self.preset
        n = truth.shape[0]
        s_ang = angle_sigma_rad(snr, p.beamwidth_rad, p.angle_floor_rad)
        sig = np.column_stack(
            [
                range_sigma_m(snr, p.range_resolution_m, p.range_floor_m),
                s_ang / np.maximum(np.cos(truth[:, 2]), _MIN_COS_EL),
                s_ang,
                np.full(n, p.range_rate_sigma_m_s or 0.0),
            ]
        )
        z = truth + sig * rng.standard_normal((n, 4))
        z[:, 1] = np.mod(z[:, 1], 2.0 * np.pi)
        m = 3 if p.range_rate_sigma_m_s is None else 4
        snr_db = 10.0 * np.log10(np.maximum(snr, 1e-12))
        lat_rad, lon_rad = float(self.lat_rad), float(self.lon_rad)
        return [
            Observation(
                Detection(
                    time_s=t,
                    report_time_s=t + p.latency_s,
                    sensor_id=self.sensor_id,
                    nation=self.nation,
                    model=p.model,
                    z=z[i, :m].copy(),
                    R=np.diag(sig[i, :m] ** 2),
                    sensor_ecef=self._site.copy(),
                    sensor_lat=lat_rad,
                    sensor_lon=lon_rad,
                    snr_db=float(snr_db[i]),
                ),
                truth_ids[i],
            )
            for i in range(n)
        ]

    def _false_alarms(self, t: float, rng: np.random.Generator) -> list[Observation]:
        """Poisson-many false reports uniform in range, azimuth and elevation of the surveillance volume."""
        p = self.preset
        n = int(rng.poisson(p.false_alarms_per_scan))
        if n == 0:
            return []
        rg = rng.uniform(p.min_range_m, p.max_range_m, n)
        az = np.mod(self.boresight_az_rad + rng.uniform(-p.half_fov_az_rad, p.half_fov_az_rad, n), 2.0 * np.pi)
        el = rng.uniform(max(p.min_elevation_rad, 0.0), min(p.max_elevation_rad, np.radians(60.0)), n)
        rr = rng.uniform(-5000.0, 5000.0, n)  # a clutter or noise report has no meaningful Doppler
        truth = np.column_stack([rg, az, el, rr])
        return self._measure(t, truth, np.full(n, snr50(p.pfa)), [None] * n, rng)

    def descriptor(self) -> dict:
        """Identity and location: sensitive, shared only where policy allows."""
        return {
            "id": self.sensor_id,
            "nation": self.nation,
            "kind": self.kind,
            "preset": self.preset.name,
            "platform": self.platform,
            "site": self.site_name,
            "lat_deg": float(np.degrees(self.lat_rad)),
            "lon_deg": float(np.degrees(self.lon_rad)),
            "boresight_az_deg": float(np.degrees(self.boresight_az_rad)),
        }
