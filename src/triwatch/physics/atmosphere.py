"""Air density from the US Standard Atmosphere 1976, for drag.

The 1976 standard tabulates density against geometric height. Between two
tabulated heights h_i < h < h_i+1 we use the exponential law

    rho(h) = rho_i * exp(-(h - h_i) / H_i),   H_i = (h_i+1 - h_i) / ln(rho_i / rho_i+1)

which is exactly linear interpolation of ln(rho) in h, so one ``np.interp``
call serves any number of objects. The fit reproduces the table at every node
and is within a few per cent between nodes (5 km spacing).

Above 100 km (the Karman line) density is set to zero: a re-entry vehicle
there feels under 1e-3 m/s^2 of drag, far below the J2 term, and a hard top
makes "no drag in midcourse" exact. Below 0 m the sea-level value holds.

Why our own table: the packaged implementations (e.g. ``ambiance``) stop at
81 km and cost far more per call than one interpolation on the hot path.
"""

from __future__ import annotations

import numpy as np

TOP_OF_ATMOSPHERE_M = 100e3

# Geometric height (km) and density (kg/m^3), US Standard Atmosphere 1976 (NOAA-S/T 76-1562, table 1).
_USSA76_KM_KG_M3 = np.array(
    [
        (0.0, 1.2250),
        (5.0, 7.3643e-1),
        (10.0, 4.1351e-1),
        (15.0, 1.9476e-1),
        (20.0, 8.8910e-2),
        (25.0, 4.0084e-2),
        (30.0, 1.8410e-2),
        (35.0, 8.4634e-3),
        (40.0, 3.9957e-3),
        (45.0, 1.9663e-3),
        (50.0, 1.0269e-3),
        (55.0, 5.6810e-4),
        (60.0, 3.0968e-4),
        (65.0, 1.6321e-4),
        (70.0, 8.2829e-5),
        (75.0, 3.9921e-5),
        (80.0, 1.8458e-5),
        (85.0, 8.2196e-6),
        (90.0, 3.4160e-6),
        (95.0, 1.3930e-6),
        (100.0, 5.6040e-7),
    ]
)
_H_M = _USSA76_KM_KG_M3[:, 0] * 1e3
_LN_RHO = np.log(_USSA76_KM_KG_M3[:, 1])


def density_kg_m3(h_m: float | np.ndarray) -> np.ndarray:
    """Air density (kg/m^3) at geometric height h (m); zero above 100 km, sea level below 0."""
    h = np.asarray(h_m, float)
    rho = np.exp(np.interp(h, _H_M, _LN_RHO))
    return np.where(h > TOP_OF_ATMOSPHERE_M, 0.0, rho)
