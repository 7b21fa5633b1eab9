"""Orbital energy in the rotating Earth frame: the Jacobi integral, and its sigma from a covariance.

In ECEF a coasting object in vacuum keeps (J2 aside) the Jacobi integral

    E = |v|^2 / 2 - GM / |r| - omega^2 (x^2 + y^2) / 2,

while thrust adds to it and drag takes from it. So after a separation the object holding the
most energy is the one that burned on (the payload's stack), and two states of one coasting
object agree on E. Its first-order sigma comes from the state covariance P through

    dE/dr = GM r / |r|^3 - omega^2 (x, y, 0),   dE/dv = v.

Used by the tracker's payload vote (`triwatch.tracking.lineage`) and by the warning desk's
payload choice (`triwatch.warning.launch_state`).
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import GM_M3_S2, OMEGA_RAD_S


def jacobi_energy(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jacobi integral E (T,) in J/kg of ECEF states x (T, >=6) and its sigma from P (T, >=6, >=6).

    States may carry more after (r, v), e.g. ln beta: only the kinematics count.
    """
    x, P = np.asarray(x, float), np.asarray(P, float)
    if x.ndim != 2 or x.shape[1] < 6 or P.shape != (x.shape[0], x.shape[1], x.shape[1]):
        raise ValueError(f"jacobi_energy: states must be (T, >=6) with covariances (T, n, n); got {x.shape}, {P.shape}")
    x, P = x[:, :6], P[:, :6, :6]
    r, v = x[:, :3], x[:, 3:6]
    rn = np.linalg.norm(r, axis=1)
    energy = 0.5 * np.einsum("ti,ti->t", v, v) - GM_M3_S2 / rn - 0.5 * OMEGA_RAD_S**2 * (r[:, 0] ** 2 + r[:, 1] ** 2)
    grad_r = GM_M3_S2 * r / rn[:, None] ** 3
    grad_r[:, :2] -= OMEGA_RAD_S**2 * r[:, :2]
    J = np.concatenate([grad_r, v], axis=1)
    return energy, np.sqrt(np.maximum(np.einsum("ti,tij,tj->t", J, P, J), 0.0))
