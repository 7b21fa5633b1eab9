"""What the gates of the allied picture allow for beyond the tracks' own covariances.

Every gate of the picture (correlation, split, merge) tests a difference of two
nations' estimates against the sum of their covariances. That sum only holds the
errors each tracker knows about. Two nations' tracks of one object also differ by
what neither models: residual sensor registration (alignment, timing, site
survey) and a tracker's over-confidence when its motion model lags the missile.
Track-to-track association in sensor networks adds a covariance B for these
(Bar-Shalom, Willett & Tian, *Tracking and Data Fusion*, 2011, ch. 9):

    d^2 = d^T (P_a + P_b + B)^-1 d,     B = diag(s_r^2 I_3, s_v^2 I_3)

B only widens the gates; the fused estimate (covariance intersection) does not
use it.
"""

from __future__ import annotations

import numpy as np

# Measured on the flagship (irbm-2022-10-04): national track positions are off by
# up to 1.5 km where they report 0.1-0.3 km (sigma), velocities by tens of m/s.
# 1 km and 20 m/s keep one object's tracks together, while the warhead and its
# first stage, tens of km and hundreds of m/s apart within a minute of
# separation, stay apart.
BIAS_SIGMA_M = 1000.0
BIAS_SIGMA_MPS = 20.0


def gate_allowance(bias_sigma_m: float, bias_sigma_mps: float) -> np.ndarray:
    """B (6, 6): an unmodelled difference of s_r (m) per position axis and s_v (m/s) per velocity axis."""
    for name, value in (("bias_sigma_m", bias_sigma_m), ("bias_sigma_mps", bias_sigma_mps)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"gate allowance {name}: must be a finite number >= 0, got {value!r}")
    return np.diag([bias_sigma_m**2] * 3 + [bias_sigma_mps**2] * 3)
