"""Launch point, apogee and characterisation (category, profile) from a track's kinematics alone.

Launch from the boost. Early in powered flight a missile climbs from rest with roughly constant
acceleration along a nearly straight path, so r(t) = r0 + a (t - t0)^2 / 2 and v(t) = a (t - t0).
From a state (r, v) at height h with vertical speed v_up this gives

    t - t0 = 2 h / v_up,        r0 = r - v h / v_up

Acceleration actually grows as propellant burns and the path pitches over, so the model is
wrong by an amount that grows with height: a model error of MODEL_ERROR_FRACTION of the height
(position) and of the elapsed time is added, and only states below BOOST_LAUNCH_MAX_HEIGHT_M
are used. The tracker keeps the sharpest of these estimates along the boost.

Launch from the coast (when the boost was never seen): the state is flown backwards in time to
the ground. Reversing time in the rotating frame keeps gravity and the centrifugal term and flips
the Coriolis term, which is the forward equation with the Earth spinning the other way. A mirror
through a meridian plane, M = diag(1, -1, 1), also turns the spin round and leaves J2 gravity, the
centrifugal term and heights as they are (M (w x u) = -w x (M u) for w along z), so the backward
flight of (r, v) is the ordinary forward flight of (M r, -M v), mirrored back: the compiled coast
kernel (physics.propagate.propagate_to_impact) flies it, at a fraction of a NumPy loop's cost.
The result is where a purely ballistic object would have left the ground: it lies near, not at,
the real launch site, and left it earlier than the real launch (a model error of
BACK_PROPAGATION_ERROR_M and BACK_PROPAGATION_TIME_ERROR_S is added).

Apogee and category use the two-body orbit of the inertial state (v_i = v + w x r):
energy E = v_i^2 / 2 - mu / r, semi-major axis a = -mu / (2E), e from the angular momentum,
apogee radius a (1 + e). The range a vehicle with energy E reaches on the minimum-energy path
(launch and impact on a sphere of radius R, half range angle Phi) follows from a = R (1 + sin Phi) / 2;
that range gives the category (SRBM < 1000 km <= MRBM < 3000 km <= IRBM < 5500 km <= ICBM).
The minimum-energy apogee for a ground range 2 Phi R is R (1 + sin Phi + cos Phi) / 2 - R; an apogee
well above it is lofted, well below it depressed.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import A_M, MEAN_RADIUS_M, F
from triwatch.physics.propagate import propagate_to_impact
from triwatch.tracking.earth import height_of, up_of
from triwatch.tracking.impact import IMPACT_STEP_S, ground_point_estimate, sigma_points
from triwatch.tracking.orbit import two_body_elements
from triwatch.tracking.types import PointEstimate

BOOST_LAUNCH_MAX_HEIGHT_M = 150e3
MODEL_ERROR_FRACTION = 0.15
BACK_PROPAGATION_ERROR_M = 30e3
BACK_PROPAGATION_TIME_ERROR_S = 100.0  # a powered climb takes longer than the ballistic arc back to the ground
CATEGORY_LIMITS_M = ((1000e3, "SRBM"), (3000e3, "MRBM"), (5500e3, "IRBM"))
LOFTED_RATIO = 1.3  # apogee / minimum-energy apogee above this: lofted
DEPRESSED_RATIO = 0.75  # below this: depressed


def launch_from_boost(x: np.ndarray, P: np.ndarray, t: np.ndarray) -> list[PointEstimate | None]:
    """Launch estimates of K thrusting states x (K, >=6) (None where too high or not climbing)."""
    x, P = x[:, :6], P[:, :6, :6]  # kinematics only: a boosting missile's drag is part of its unknown thrust
    k = x.shape[0]
    pts = sigma_points(x, P)  # (K, 12, 6)
    r, v = pts[..., :3], pts[..., 3:]
    h = height_of(r)
    v_up = np.einsum("kmi,kmi->km", v, up_of(r))
    ok = np.all((v_up > 0.0) & (h > 0.0), axis=1)
    h_mean = height_of(x[:, :3])
    ok &= h_mean < BOOST_LAUNCH_MAX_HEIGHT_M
    tau = 2.0 * h / np.where(v_up > 0, v_up, 1.0)
    r0 = r - v * (h / np.where(v_up > 0, v_up, 1.0))[..., None]
    out: list[PointEstimate | None] = []
    for i in range(k):
        if not ok[i]:
            out.append(None)
            continue
        est = ground_point_estimate(r0[i], t[i] - tau[i])
        model_sigma = MODEL_ERROR_FRACTION * h_mean[i]
        est.cov_en_m2 = est.cov_en_m2 + model_sigma**2 * np.eye(2)
        est.time_sigma_s = float(np.hypot(est.time_sigma_s, MODEL_ERROR_FRACTION * tau[i].mean()))
        out.append(est)
    return out


MIRROR = np.array([1.0, -1.0, 1.0])  # through the x-z (Greenwich) meridian plane: see the module docstring


def launch_from_coast(x: np.ndarray, P: np.ndarray, t: np.ndarray) -> list[PointEstimate | None]:
    """Launch estimates of K coasting states (K, >=6) by flying their sigma points backwards to the ground.

    Drag is left out (the climb was powered; its path through the air is not a ballistic one).
    """
    x, P = x[:, :6], P[:, :6, :6]
    k = x.shape[0]
    if k == 0:
        return []
    pts = sigma_points(x, P).reshape(-1, 6)
    r_hit, t_back = propagate_to_impact(MIRROR * pts[:, :3], -MIRROR * pts[:, 3:], dt_s=IMPACT_STEP_S)
    r_hit = MIRROR * r_hit
    r_hit, t_back = r_hit.reshape(k, -1, 3), t_back.reshape(k, -1)
    out: list[PointEstimate | None] = []
    for i in range(k):
        if not np.all(np.isfinite(t_back[i])) or np.any(t_back[i] <= 0.0):
            out.append(None)
            continue
        est = ground_point_estimate(r_hit[i], t[i] - t_back[i])
        est.cov_en_m2 = est.cov_en_m2 + BACK_PROPAGATION_ERROR_M**2 * np.eye(2)
        est.time_sigma_s = float(np.hypot(est.time_sigma_s, BACK_PROPAGATION_TIME_ERROR_S))
        out.append(est)
    return out


def apogee_height(x: np.ndarray) -> np.ndarray:
    """Height (K,) of the two-body apogee above the ellipsoid (NaN if unbound)."""
    _, a, e_vec = two_body_elements(x)
    e = np.linalg.norm(e_vec, axis=1)
    r_apo = a * (1.0 + e)
    direction = -e_vec / np.maximum(e, 1e-12)[:, None]  # the apogee lies opposite the perigee
    sin_lat = np.clip(direction[:, 2], -1.0, 1.0)
    surface = A_M * (1.0 - F * sin_lat**2)  # ellipsoid radius at that geocentric latitude, to O(f)
    return np.where(np.isfinite(a) & (e < 1.0), r_apo - surface, np.nan)


def minimum_energy_range(x: np.ndarray) -> np.ndarray:
    """Ground range (K,) reachable on the minimum-energy path with the states' energy (inf if global)."""
    _, a, _ = two_body_elements(x)
    sin_phi = 2.0 * a / MEAN_RADIUS_M - 1.0
    return np.where(sin_phi < 1.0, 2.0 * MEAN_RADIUS_M * np.arcsin(np.clip(sin_phi, -1.0, 1.0)), np.inf)


def category_of(range_m: float) -> str:
    """SRBM / MRBM / IRBM / ICBM from a minimum-energy range."""
    for limit, name in CATEGORY_LIMITS_M:
        if range_m < limit:
            return name
    return "ICBM"


def minimum_energy_apogee(ground_range_m: float) -> float:
    """Apogee height of the minimum-energy path over a ground range, on a sphere of mean radius."""
    phi = 0.5 * ground_range_m / MEAN_RADIUS_M
    return MEAN_RADIUS_M * (1.0 + np.sin(phi) + np.cos(phi)) / 2.0 - MEAN_RADIUS_M


def profile_of(apogee_m: float, ground_range_m: float) -> str:
    """lofted / minimum-energy / depressed from the apogee against the minimum-energy apogee for the range."""
    ratio = apogee_m / max(minimum_energy_apogee(ground_range_m), 1.0)
    if ratio > LOFTED_RATIO:
        return "lofted"
    if ratio < DEPRESSED_RATIO:
        return "depressed"
    return "minimum-energy"
