"""Shared truth for the tracking tests (flown once per session: it is the slow part)."""

from __future__ import annotations

import numpy as np
import pytest
from tracking_sim import SEONGJU, SHARIKI, detections, fly

from triwatch.physics.propagate import propagate_to_impact

IRBM_BETA = 6000.0


@pytest.fixture(scope="session")
def irbm():
    """An IRBM-like missile from the north-west of the Korean peninsula towards the Pacific over northern Japan.

    Its re-entry vehicle feels US76 drag at beta = 6000 kg/m^2 (a Hwasong-12 class RV, physics.vehicles).
    """
    return fly(
        40.6,
        126.4,
        azimuth_deg=75.0,
        elevation_deg=40.0,
        accel_m_s2=35.0,
        burn_s=180.0,
        name="irbm",
        beta_kg_m2=IRBM_BETA,
    )


@pytest.fixture(scope="session")
def irbm_impact(irbm):
    """True impact point (ECEF) and time: the last grid state flown on to the ground."""
    r, t = propagate_to_impact(irbm.states[-1:, :3], irbm.states[-1:, 3:], dt_s=0.1, beta_kg_m2=IRBM_BETA)
    return r[0], irbm.t_end_s + t[0]


@pytest.fixture(scope="session")
def irbm_radar_reports(irbm):
    return detections([irbm], [SEONGJU, SHARIKI], np.random.default_rng(11))
