"""Predicted impact point and time with their uncertainty, by sigma points through the coasting flight.

The state's Gaussian (x, P) is represented by 2n sigma points x +- sqrt(n) L_i (L L^T = P,
the unscented transform with kappa = 0, equal weights 1 / 2n; n = 6, or 7 when the state carries
alpha = ln beta, drag.py). Each point is flown with triwatch.physics.propagate.propagate_to_impact
(gravity with J2, the rotating-frame terms, and for a 7-state the US76 drag with the point's own
beta = exp(alpha)) so the spread of the landing points carries the nonlinearity of
the flight (the down-range error of a ballistic missile grows much faster than the cross-range
one, and the sigma points show it) and the uncertainty of the drag: before re-entry beta is
still its prior, and the landing points honestly spread along the path over the betas it may be. The impact estimate is the mean of the landing points,
its East/North covariance their spread in the local horizontal plane at that mean, and the
time sigma the spread of the landing times.

A state that is still thrusting gives the instantaneous impact point (where it would land if
the engine stopped now), which is what warning centres call it too.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import ecef_to_enu, geodetic_to_ecef
from triwatch.geo.wgs84 import A_M
from triwatch.physics.propagate import propagate_to_impact
from triwatch.tracking.drag import LOG_BETA
from triwatch.tracking.earth import geodetic_of, height_of
from triwatch.tracking.orbit import perigee_radius
from triwatch.tracking.types import PointEstimate

N_KINEMATIC = 6
PERIGEE_CUTOFF_M = A_M + 200e3  # above this perigee (J2 and drag aside) an object stays up
IMPACT_STEP_S = 5.0  # RK4 above 30 km; propagate_to_impact refines to 0.5 s steps below, where it interpolates


def sigma_points(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Sigma points (K, 2n, n) of states x (K, n) and covariances P (K, n, n): x +- sqrt(n) columns of sqrt(P)."""
    n = x.shape[-1]
    w, V = np.linalg.eigh(0.5 * (P + np.swapaxes(P, -1, -2)))  # eigh: works for any PSD P, unlike Cholesky
    S = V * np.sqrt(np.clip(w, 0.0, None) * n)[:, None, :]  # S S^T = n P; columns are the offsets
    offsets = np.swapaxes(S, -1, -2)  # (K, n, n), one offset per row
    return np.concatenate([x[:, None] + offsets, x[:, None] - offsets], axis=1)


def ground_point_estimate(points: np.ndarray, times: np.ndarray) -> PointEstimate:
    """Mean point, East/North covariance and time sigma of equally weighted ground points (M, 3), times (M,)."""
    lat, lon, _ = geodetic_of(points.mean(axis=0))
    lat, lon = float(lat), float(lon)
    origin = geodetic_to_ecef(lat, lon, 0.0)
    en = ecef_to_enu(points, lat, lon, origin)[:, :2]
    d = en - en.mean(axis=0)
    cov = d.T @ d / points.shape[0]
    return PointEstimate(lat, lon, float(times.mean()), cov, float(times.std()))


def predict_impacts(x: np.ndarray, P: np.ndarray, t_s: np.ndarray, max_time_s: float = 5000.0) -> list:
    """Impact estimates (PointEstimate or None) of K tracks at once: x (K, n), P (K, n, n), t_s (K,), n = 6 or 7.

    A 7-state (r, v, ln beta) falls through the air with drag; a 6-state through vacuum.

    None when any sigma point does not come down within max_time_s (orbital speed, or so
    uncertain that part of the distribution does), or the state is already under the ground:
    an honest covariance cannot then be given.
    """
    x = np.atleast_2d(np.asarray(x, float))
    dim = x.shape[1]
    if dim not in (N_KINEMATIC, N_KINEMATIC + 1):
        raise ValueError(f"predict_impacts: states must have 6 or 7 components, got {dim}")
    P = np.asarray(P, float).reshape(-1, dim, dim)
    t_s = np.broadcast_to(np.asarray(t_s, float), (x.shape[0],))
    k = x.shape[0]
    if k == 0:
        return []
    sig = sigma_points(x, P)  # (K, 2n, n)
    airborne = (height_of(sig[..., :3]) > 0.0).all(axis=1)
    # A sigma point whose two-body perigee clears the Earth by far never lands: the track's
    # prediction would be None anyway, so it is not flown for max_time_s to find out.
    grounded = (perigee_radius(sig) < PERIGEE_CUTOFF_M).all(axis=1)
    fly = np.flatnonzero(airborne & grounded)
    out: list[PointEstimate | None] = [None] * k
    if fly.size == 0:
        return out
    pts = sig[fly].reshape(-1, dim)
    beta = np.exp(pts[:, LOG_BETA]) if dim > N_KINEMATIC else None
    r_hit, t_hit = propagate_to_impact(
        pts[:, :3], pts[:, 3:6], max_time_s=max_time_s, dt_s=IMPACT_STEP_S, beta_kg_m2=beta
    )
    r_hit = r_hit.reshape(fly.size, 2 * dim, 3)
    t_hit = t_hit.reshape(fly.size, 2 * dim)
    for j, i in enumerate(fly):
        if np.all(np.isfinite(t_hit[j])):
            out[i] = ground_point_estimate(r_hit[j], t_s[i] + t_hit[j])
    return out


def predict_impact(x: np.ndarray, P: np.ndarray, t_s: float) -> PointEstimate | None:
    """Predicted impact point and time of one state x (6,) or (7,) (with ln beta) with covariance P at time t_s; None if it does not come down."""
    x = np.asarray(x, float)
    P = np.asarray(P, float)
    if x.shape not in ((N_KINEMATIC,), (N_KINEMATIC + 1,)) or P.shape != x.shape * 2:
        raise ValueError(f"predict_impact: x must be (6,) or (7,) and P square to match, got {x.shape} and {P.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(P)) and np.isfinite(t_s)):
        raise ValueError("predict_impact: x, P and t_s must be finite")
    return predict_impacts(x[None], P[None], np.array([t_s]))[0]
