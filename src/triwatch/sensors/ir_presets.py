"""Space infrared presets: public-order figures for an SBIRS-like GEO layer and a LEO tracking layer.

Sensitivities are not public; these are set from the physics of the signatures
(see signatures.py) so that the behaviour matches what open reporting says:
GEO sensors see boost plumes (even Scud-class, 3e4 W/sr) across the Earth disc
but no warm bodies; LEO tracking sensors also see the cool midcourse body, a
re-entry vehicle (30 W/sr) to about 3,000 km, against space only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GEO_RADIUS_M = 42164.17e3  # geostationary orbit radius from the Earth's centre


@dataclass(frozen=True)
class IrPreset:
    """The performance of one space infrared sensor type (SI units)."""

    name: str
    kind: str  # "ir-geo" | "ir-leo"
    description: str
    nei_plume_w_m2: float  # noise-equivalent irradiance of the short-wave (plume) band
    nei_body_w_m2: float | None  # long-wave (body) band; None: plumes only
    threshold_snr: float  # detection threshold, noise sigmas
    sigma_rad: float  # line-of-sight noise, each axis
    min_plume_altitude_m: float  # below it the short-wave band is absorbed by water vapour / hidden by cloud
    max_range_m: float | None
    background_margin_m: float  # atmosphere above the ellipsoid that a body must be seen clear of
    revisit_s: float  # scan revisit
    stare_revisit_s: float | None  # staring revisit after a cue (GEO); None: no staring mode
    stare_hold_s: float  # how long a cue keeps the staring sensor on the area
    stare_radius_m: float  # size of the area the staring sensor covers around a cue
    false_alarms_per_look: float
    latency_s: float
    # Default placement, overridable per scenario entry
    geo_lon_deg: float = 0.0
    planes: int = 0
    sats_per_plane: int = 0
    altitude_m: float = 0.0
    inclination_rad: float = 0.0


IR_PRESETS: dict[str, IrPreset] = {
    "sbirs-geo": IrPreset(
        name="sbirs-geo",
        kind="ir-geo",
        description="SBIRS-like GEO satellite: a scanning and a staring short-wave IR sensor",
        nei_plume_w_m2=2e-12,  # a 3e5 W/sr plume at 38,000 km gives SNR ~100, a Scud-class one ~10
        nei_body_w_m2=None,  # short-wave band only: warm bodies are invisible from GEO
        threshold_snr=6.0,
        sigma_rad=20e-6,  # ~0.75 km at GEO range: a km-class ground sample distance
        min_plume_altitude_m=10e3,
        max_range_m=None,
        background_margin_m=0.0,
        revisit_s=10.0,  # the scanner sweeps the Earth disc in seconds to tens of seconds
        stare_revisit_s=1.0,
        stare_hold_s=30.0,
        stare_radius_m=1500e3,
        false_alarms_per_look=0.01,  # sun glints and clutter that survive on-board screening
        latency_s=4.0,  # downlink and ground processing
        geo_lon_deg=110.0,  # illustrative slot over the western Pacific, not a published position
    ),
    "leo-tracking": IrPreset(
        name="leo-tracking",
        kind="ir-leo",
        description="LEO tracking-layer satellite (wide-field short/medium/long-wave IR), one of a Walker constellation",
        nei_plume_w_m2=1e-11,
        nei_body_w_m2=5e-13,  # a 30 W/sr RV reaches SNR 6.7 at 3,000 km; a 300 W/sr stage at ~9,000 km
        threshold_snr=6.0,
        sigma_rad=30e-6,  # ~30 m at 1,000 km
        min_plume_altitude_m=10e3,
        max_range_m=5000e3,
        background_margin_m=100e3,  # the body must be seen above the limb of the radiating atmosphere
        revisit_s=2.0,
        stare_revisit_s=None,
        stare_hold_s=0.0,
        stare_radius_m=0.0,
        false_alarms_per_look=0.002,
        latency_s=3.0,
        planes=6,  # open reporting: tranches of tens of tracking satellites at ~1,000 km
        sats_per_plane=8,
        altitude_m=1000e3,
        inclination_rad=np.radians(70.0),
    ),
}
