"""Radar presets: public-order figures for the radars of the allied laydown.

Real performance is classified; every number here is an order of magnitude from
open reporting (news, ministry releases, think-tank fact sheets) or from
textbook physics of the band and aperture, and is commented with where it comes
from. They are for exercises, not for engineering.

`r50_1m2_m` is the range at which a 1 m^2 Swerling 1 target is detected with
probability 0.5 (see radar_equation); a 0.05 m^2 re-entry vehicle is then seen
to about 0.47 x that range (range scales as RCS^(1/4)). `max_range_m` is the
instrumented range (the radar does not report beyond it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEG = np.pi / 180.0


@dataclass(frozen=True)
class RadarPreset:
    """The performance of one radar type (SI units)."""

    name: str
    description: str
    r50_1m2_m: float  # 1 m^2 target detected with Pd = 0.5 at this range
    max_range_m: float  # instrumented range
    min_range_m: float
    half_fov_az_rad: float  # field of regard: +- this about the boresight; pi = all round
    min_elevation_rad: float
    max_elevation_rad: float
    beamwidth_rad: float  # 3-dB beamwidth, sets thermal angle noise
    angle_floor_rad: float  # bias/calibration floor on angle accuracy
    range_resolution_m: float
    range_floor_m: float
    range_rate_sigma_m_s: float | None  # None: the radar reports no range rate (model radar-rae)
    pfa: float  # false-alarm probability per resolution cell (sets the threshold)
    false_alarms_per_scan: float  # Poisson mean of false reports that pass the radar's own confirmation
    revisit_s: float
    latency_s: float  # measurement to report at the national node
    antenna_height_m: float  # default height of the antenna above the ellipsoid
    kind: str = "radar"

    @property
    def model(self) -> str:
        return "radar-rae" if self.range_rate_sigma_m_s is None else "radar-raer"


RADAR_PRESETS: dict[str, RadarPreset] = {
    "an-tpy-2-fbm": RadarPreset(
        name="an-tpy-2-fbm",
        description="AN/TPY-2 forward-based mode (X band, ~9 m^2 array)",
        r50_1m2_m=2000e3,  # open reporting: ~1,000 km against an RV, more against boosters
        max_range_m=2000e3,
        min_range_m=5e3,
        half_fov_az_rad=60 * DEG,  # fixed array, ~120 deg field of regard
        min_elevation_rad=0.5 * DEG,
        max_elevation_rad=90 * DEG,
        beamwidth_rad=0.5 * DEG,  # lambda/D with lambda 3 cm, D ~3 m
        angle_floor_rad=0.1e-3,
        range_resolution_m=1.0,  # wideband X-band discrimination waveform
        range_floor_m=5.0,
        range_rate_sigma_m_s=1.0,
        pfa=1e-6,
        false_alarms_per_scan=0.02,
        revisit_s=1.0,
        latency_s=2.0,
        antenna_height_m=50.0,
    ),
    "an-tpy-2-tm": RadarPreset(
        name="an-tpy-2-tm",
        description="AN/TPY-2 terminal mode (THAAD fire-control radar)",
        r50_1m2_m=1300e3,  # terminal mode search: ~600 km class against an RV in open reporting
        max_range_m=800e3,
        min_range_m=3e3,
        half_fov_az_rad=60 * DEG,
        min_elevation_rad=1.0 * DEG,  # terminal mode searches higher above the horizon
        max_elevation_rad=90 * DEG,
        beamwidth_rad=0.5 * DEG,
        angle_floor_rad=0.1e-3,
        range_resolution_m=1.0,
        range_floor_m=5.0,
        range_rate_sigma_m_s=1.0,
        pfa=1e-6,
        false_alarms_per_scan=0.02,
        revisit_s=1.0,
        latency_s=2.0,
        antenna_height_m=400.0,  # Seongju site is on a hilltop
    ),
    "green-pine": RadarPreset(
        name="green-pine",
        description="EL/M-2080 Green Pine Block B (L band)",
        r50_1m2_m=1300e3,  # Block B reported ~800-900 km; Block C in Chungcheong ~500-600 km
        max_range_m=900e3,
        min_range_m=5e3,
        half_fov_az_rad=60 * DEG,
        min_elevation_rad=0.5 * DEG,
        max_elevation_rad=85 * DEG,
        beamwidth_rad=2.0 * DEG,  # lambda 23 cm over a ~9 m array
        angle_floor_rad=0.3e-3,
        range_resolution_m=30.0,
        range_floor_m=20.0,
        range_rate_sigma_m_s=None,  # modelled as range/angles only
        pfa=1e-6,
        false_alarms_per_scan=0.05,
        revisit_s=2.0,
        latency_s=3.0,
        antenna_height_m=200.0,
    ),
    "fps-5": RadarPreset(
        name="fps-5",
        description="J/FPS-5 (three faces, the large one ~18 m; L/S band)",
        r50_1m2_m=2500e3,  # open reporting: detection beyond 1,000-2,000 km
        max_range_m=3000e3,
        min_range_m=10e3,
        half_fov_az_rad=np.pi,  # three faces cover all round
        min_elevation_rad=0.5 * DEG,
        max_elevation_rad=85 * DEG,
        beamwidth_rad=1.0 * DEG,
        angle_floor_rad=0.2e-3,
        range_resolution_m=15.0,
        range_floor_m=10.0,
        range_rate_sigma_m_s=3.0,
        pfa=1e-6,
        false_alarms_per_scan=0.05,
        revisit_s=2.0,
        latency_s=3.0,
        antenna_height_m=300.0,  # the sites are on hills and capes
    ),
    "spy-1d": RadarPreset(
        name="spy-1d",
        description="AN/SPY-1D on an Aegis destroyer (S band, four faces)",
        r50_1m2_m=1800e3,  # public facts: SPY-1 tracking range ~1,000 km
        max_range_m=1100e3,
        min_range_m=2e3,
        half_fov_az_rad=np.pi,  # four faces
        min_elevation_rad=0.0,  # at sea the horizon itself is the limit
        max_elevation_rad=85 * DEG,
        beamwidth_rad=1.7 * DEG,  # lambda 10 cm over ~3.7 m faces
        angle_floor_rad=0.2e-3,
        range_resolution_m=15.0,
        range_floor_m=10.0,
        range_rate_sigma_m_s=3.0,
        pfa=1e-6,
        false_alarms_per_scan=0.05,
        revisit_s=2.0,
        latency_s=2.0,
        antenna_height_m=20.0,  # array height above the waterline
    ),
}
