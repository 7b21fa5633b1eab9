"""Radar detection physics as pure, vectorised functions.

Signal-to-noise ratio from the radar equation. For a given radar everything but
the target's cross-section sigma and range R is constant, so

    SNR(R, sigma) = SNR_ref * (sigma / sigma_ref) * (R_ref / R)^4.

We anchor each radar at a public-order figure: the range R50 at which a 1 m^2
target is detected with probability 0.5 (so the presets read as ranges).

Detection probability for a Swerling 1 target (slowly fluctuating, Rayleigh
amplitude) with a square-law detector and a single look has the closed form

    Pd = exp(-T / (1 + SNR)),   T = -ln(Pfa)   (threshold in noise-power units),

so Pd = 0.5 needs SNR50 = T / ln 2 - 1 (12.8 dB for Pfa = 1e-6).

Measurement accuracy of a monopulse radar: the angle error is the 3-dB
beamwidth divided by k_m sqrt(2 SNR) with k_m ~ 1.6, the range error the range
resolution divided by sqrt(2 SNR); each has a floor (bias, calibration) below
which more SNR does not help.
"""

from __future__ import annotations

import numpy as np

MONOPULSE_SLOPE = 1.6


def threshold_from_pfa(pfa: float) -> float:
    """Detection threshold T (noise-power units) giving false-alarm probability pfa per cell: T = -ln Pfa."""
    if not 0.0 < pfa < 1.0:
        raise ValueError(f"false-alarm probability must be in (0, 1), got {pfa}")
    return -np.log(pfa)


def snr50(pfa: float) -> float:
    """SNR (linear) at which a Swerling 1 target is detected with probability 0.5."""
    return threshold_from_pfa(pfa) / np.log(2.0) - 1.0


def snr_linear(range_m: np.ndarray, rcs_m2: np.ndarray, r50_1m2_m: float, pfa: float) -> np.ndarray:
    """SNR (linear) of targets of cross-section rcs_m2 at range_m, for a radar with a 1 m^2 Pd=0.5 range r50_1m2_m."""
    r = np.maximum(np.asarray(range_m, float), 1.0)
    return snr50(pfa) * np.asarray(rcs_m2, float) * (r50_1m2_m / r) ** 4


def pd_swerling1(snr: np.ndarray, pfa: float) -> np.ndarray:
    """Probability of detection of a Swerling 1 target: Pd = exp(-T / (1 + SNR))."""
    return np.exp(-threshold_from_pfa(pfa) / (1.0 + np.asarray(snr, float)))


def angle_sigma_rad(snr: np.ndarray, beamwidth_rad: float, floor_rad: float) -> np.ndarray:
    """Monopulse angle accuracy: sqrt((theta_3dB / (k_m sqrt(2 SNR)))^2 + floor^2)."""
    thermal = beamwidth_rad / (MONOPULSE_SLOPE * np.sqrt(2.0 * np.maximum(snr, 1e-9)))
    return np.hypot(thermal, floor_rad)


def range_sigma_m(snr: np.ndarray, resolution_m: float, floor_m: float) -> np.ndarray:
    """Range accuracy: sqrt((dR / sqrt(2 SNR))^2 + floor^2)."""
    thermal = resolution_m / np.sqrt(2.0 * np.maximum(snr, 1e-9))
    return np.hypot(thermal, floor_m)
