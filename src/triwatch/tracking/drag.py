"""Air drag for the tracker: the ballistic coefficient as a seventh state, its acceleration and Jacobian.

Why an augmented state. Below ~80 km the air decelerates a falling object by

    a_d = -rho(h) |v| v / (2 beta),      beta = m / (Cd A)  (kg/m^2)

and beta differs by more than ten times between a slender re-entry vehicle (~5000-8000) and a
tumbling spent stage (~600-1500). A filter that ignores it follows the deceleration only through
process noise and predicts every impact as if the object fell through vacuum: a light stage
lands tens of km short of that. The choices are (a) a bank of filters with fixed beta values,
(b) an IMM model with drag at one beta, (c) beta estimated inside the state. (a) multiplies the
work per track by the bank size and needs enough members to span a factor of ten; (b) can only
be right for one kind of object. (c) costs one more state (7 instead of 6): the measurements
themselves, through the deceleration they show, pull beta to its value, and the cross
covariance between beta and the kinematics lets the impact prediction carry its uncertainty.
That is the classical choice for re-entry tracking (Farina, Ristic and Benvenuti, IEEE TAES
2002; Li and Jilkov's survey, part II).

The seventh state is alpha = ln(beta / 1 kg/m^2), not beta or 1/beta: beta is positive and spans
orders of magnitude, so a Gaussian in ln beta is the honest prior (a Gaussian in beta would give
weight to negative values), and a sigma point far out in alpha is still a physical object. With
kappa = 1 / beta = exp(-alpha):

    d a_d / d v     = -rho kappa (|v| I + v v^T / |v|) / 2
    d a_d / d r     = a_d (d ln rho / d h) u^T          (u the local vertical, h ~ radial height)
    d a_d / d alpha = -a_d

Above 100 km the density is zero (triwatch.physics.atmosphere, the US Standard Atmosphere 1976
the truth flies in, imported, not copied), so in midcourse alpha is unobservable and keeps its
prior: the impact prediction then honestly spreads over the beta the tracker does not yet know.
alpha takes a small random walk (q_log_beta) so that a changing drag coefficient (Mach number,
tumbling) can be followed.
"""

from __future__ import annotations

import numpy as np

from triwatch.physics.atmosphere import TOP_OF_ATMOSPHERE_M, density_kg_m3
from triwatch.physics.dynamics import approx_height_m

N_KINEMATIC = 6
N_STATE = 7  # r (3), v (3), alpha = ln beta
LOG_BETA = 6  # index of alpha in the state
SLOPE_STEP_M = 100.0  # half-step of the finite difference of ln rho(h)
STIFFNESS_STEP = 0.1  # largest (rate x step) in the air: F then within ~0.2 % (trapezoid, second order)
MAX_AIR_STEPS = 400
RATE_SAMPLES = 9  # heights at which drag_rate looks for the fastest drag on the way down
AE_SCALE_HEIGHT_M = 6000.0  # below the US76 scale height anywhere under 100 km (6-8.5 km): speeds overstated
SURFACE_GRAVITY_M_S2 = 9.83  # the largest gravity anywhere on the ground (at the poles)
# Aerodynamic force the drag term does not model: lift (a manoeuvring re-entry vehicle's pull-up or
# glide, lift-to-drag ratios of ~1-2 reported for finned or biconic bodies; a tumbling stage's
# random side force). The tracker does not know which object has it, so it is process noise
# across the velocity of strength proportional to the drag itself: a lift of sigma
# LIFT_TO_DRAG_SIGMA |a_d| with correlation time LIFT_CORRELATION_S, whose equivalent white-noise
# density is 2 tau sigma^2 (the Singer model's). Without it a track whose ln beta has firmed up
# predicts a pulling-up warhead within metres, misses its reports and is lost.
LIFT_TO_DRAG_SIGMA = 1.0
LIFT_CORRELATION_S = 10.0


def inverse_beta(x: np.ndarray, drag: np.ndarray | None = None) -> np.ndarray:
    """kappa = 1/beta (...,) of states x (..., 7); 0 for 6-state rows or rows where drag is False."""
    x = np.asarray(x, float)
    if x.shape[-1] == N_KINEMATIC:
        return np.zeros(x.shape[:-1])
    kappa = np.exp(-x[..., LOG_BETA])
    return kappa if drag is None else np.where(drag, kappa, 0.0)


def may_meet_air(r: np.ndarray, v: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Whether objects at r, v (N, 3) may be inside the atmosphere at some time within dt (N,) (either sign) (N,) bool.

    A bound, not a flight: the height falls at most by the present descent rate (in the direction
    time runs: going back, a climbing object was lower) plus a free fall from rest at the surface
    gravity, w |dt| + G0 dt^2 / 2, with a 1 km margin. A row that stays above the top of the
    atmosphere feels no drag (the density is zero there), so it can be flown in vacuum exactly.
    """
    dt = np.asarray(dt, float)
    descent = np.maximum(-np.einsum("ni,ni->n", v, r) / np.sqrt(np.einsum("ni,ni->n", r, r)) * np.sign(dt), 0.0)
    lowest = approx_height_m(r) - descent * np.abs(dt) - 0.5 * SURFACE_GRAVITY_M_S2 * dt**2 - 1e3
    return lowest < TOP_OF_ATMOSPHERE_M


def effective_inverse_beta(x: np.ndarray, dt: np.ndarray, drag: np.ndarray | None = None) -> np.ndarray:
    """kappa (N,) of rows that may meet the air within dt (may_meet_air); 0 for the rest.

    The cheaper vacuum dynamics then serve every row that stays above the air (all of midcourse).
    """
    kappa = inverse_beta(x, drag)
    if not np.any(kappa > 0.0):
        return kappa
    dt = np.broadcast_to(np.asarray(dt, float), kappa.shape)
    return np.where(may_meet_air(x[:, :3], x[:, 3:6], dt), kappa, 0.0)


def lift_noise_density(x: np.ndarray) -> np.ndarray:
    """White-acceleration density (m^2/s^3) (N,) across the velocity for unmodelled lift: 2 tau (L/D sigma |a_d|)^2.

    |a_d| = rho |v|^2 / (2 beta) at the state's height and ln beta; 0 for 6-state rows, above the air and
    for climbing rows (an object climbing through the air is the missile under thrust, whose IMM model
    has its own noise; lift manoeuvres are a re-entry's).
    """
    x = np.asarray(x, float)
    if x.shape[-1] == N_KINEMATIC:
        return np.zeros(x.shape[0])
    r, v = x[:, :3], x[:, 3:6]
    a_d = 0.5 * density_kg_m3(approx_height_m(r)) * np.einsum("ni,ni->n", v, v) * inverse_beta(x)
    sinking = np.einsum("ni,ni->n", v, r) < 0.0  # re-entry: climbing through the air is the boost's (thrust model's)
    return np.where(sinking, 2.0 * LIFT_CORRELATION_S * (LIFT_TO_DRAG_SIGMA * a_d) ** 2, 0.0)


def log_density_slope(h: np.ndarray) -> np.ndarray:
    """d ln rho / d h (1/m) of the US76 density, by a central difference kept inside the atmosphere."""
    h = np.minimum(np.asarray(h, float), TOP_OF_ATMOSPHERE_M - SLOPE_STEP_M)
    up = np.log(density_kg_m3(h + SLOPE_STEP_M))
    down = np.log(density_kg_m3(h - SLOPE_STEP_M))
    return (up - down) / (2.0 * SLOPE_STEP_M)


def drag_and_jacobian(r: np.ndarray, v: np.ndarray, kappa: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drag a_d (N, 3) and its Jacobians d a_d / d r (N, 3, 3), d a_d / d v (N, 3, 3) (see module docstring)."""
    h = approx_height_m(r)
    rho = density_kg_m3(h)
    speed = np.linalg.norm(v, axis=1)
    k = 0.5 * rho * kappa  # (N,)
    a_d = -(k * speed)[:, None] * v
    vv = v[:, :, None] * v[:, None, :] / np.maximum(speed, 1e-9)[:, None, None]
    da_dv = -k[:, None, None] * (speed[:, None, None] * np.eye(3) + vv)
    u = r / np.linalg.norm(r, axis=1)[:, None]
    da_dr = a_d[:, :, None] * (log_density_slope(h)[:, None] * u)[:, None, :]
    return a_d, da_dr, da_dv


def drag_rate(r: np.ndarray, v: np.ndarray, kappa: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """Fastest rate (1/s) (N,) at which drag changes the state over the next |dt|.

    rho |v| kappa is the rate at which drag damps the speed, sqrt(|a_d| |d ln rho / dh|) that at
    which it shears the position, and sink |d ln rho / dh| that at which the drag itself grows as
    the object falls into thicker air. They are taken at RATE_SAMPLES heights from the current one
    down to where the present sink rate leads within |dt|, each with the speed the object still has
    there: the straight-line ballistic entry of Allen and Eggers (NACA TR 1381, 1958),

        v(h) = v0 exp(-(rho(h) - rho(h0)) H kappa / (2 sin gamma)),   sin gamma = sink / |v|,

    H the density scale height (taken low, AE_SCALE_HEIGHT_M, so the speed is if anything
    overstated). With the present speed at every height instead, a re-entry vehicle 20 s above the
    ground would be given the drag of 3 km/s at sea level, ten times what it meets, and hundreds of
    sub-steps it does not need.

    How the rates combine. The drag part of the dynamics Jacobian has the size of the damping
    rate d = rho |v| kappa + sqrt(|a_d| |d ln rho / dh|); the thickening rate s says how fast it
    changes. The trapezoid transition (motion._step) errs per sub-step h by ~ (d h) (s h)^2 / 12, so
    h is held to max(d, cbrt(d s^2)) h <= STIFFNESS_STEP: both d h and that error stay where the
    plain rule max(d, s) h <= STIFFNESS_STEP put them at its worst point (d = s), without cutting
    the steps of an object falling fast through air too thin to slow it (d << s, high in re-entry).
    """
    h0 = approx_height_m(r)
    speed = np.linalg.norm(v, axis=1)
    u = r / np.linalg.norm(r, axis=1)[:, None]
    sink = np.maximum(-np.einsum("ni,ni->n", v, u), 0.0)
    sin_gamma = np.maximum(sink / np.maximum(speed, 1e-9), 1e-3)
    rho0 = density_kg_m3(h0)
    low = np.maximum(h0 - sink * np.abs(dt), 0.0)
    rate = np.zeros(r.shape[0])
    for f in np.linspace(0.0, 1.0, RATE_SAMPLES):
        height = h0 + f * (low - h0)
        rho = density_kg_m3(height)
        v_h = speed * np.exp(-np.maximum(rho - rho0, 0.0) * AE_SCALE_HEIGHT_M * kappa / (2.0 * sin_gamma))
        a = 0.5 * rho * v_h**2 * kappa
        slope = np.abs(log_density_slope(height))
        thickening = np.where(rho > 0.0, v_h * sin_gamma * slope, 0.0)
        damping = rho * v_h * kappa + np.sqrt(a * slope)
        rate = np.maximum(rate, np.maximum(damping, np.cbrt(damping * thickening**2)))
    return rate


def steps_per_row(
    x: np.ndarray, dt: np.ndarray, max_step_s: float, drag: np.ndarray | None = None, kappa: np.ndarray | None = None
) -> np.ndarray:
    """Sub-steps (N,) int each row needs alone: step under max_step_s and, in the air, (rate x step) under STIFFNESS_STEP.

    The air's count is capped at MAX_AIR_STEPS (or the vacuum count, if that is larger). kappa (N,):
    effective_inverse_beta(x, dt, drag) if the caller has it already.
    """
    kappa = effective_inverse_beta(x, dt, drag) if kappa is None else kappa
    dt = np.abs(np.asarray(dt, float))
    n = np.maximum(1, np.ceil(dt / max_step_s)).astype(int)
    if dt.size == 0:
        return n
    air = kappa > 0.0
    if not np.any(air):
        return n
    rate = drag_rate(x[air, :3], x[air, 3:6], kappa[air], dt[air])
    n_air = np.ceil(rate * dt[air] / STIFFNESS_STEP).astype(int)
    n[air] = np.minimum(np.maximum(n[air], n_air), np.maximum(n[air], MAX_AIR_STEPS))
    return n


def steps_for(x: np.ndarray, dt: np.ndarray, max_step_s: float, drag: np.ndarray | None = None) -> int:
    """Number of equal sub-steps that serves every row of a batch (the most any row needs, steps_per_row)."""
    if np.size(dt) == 0:
        return 1
    return int(np.max(steps_per_row(x, dt, max_step_s, drag)))


def with_drag_prior(
    x0: np.ndarray, P0: np.ndarray, beta_kg_m2: float, log_beta_sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Append alpha = ln beta to kinematic states x0 (K, 6), P0 (K, 6, 6): prior mean ln beta, sigma log_beta_sigma."""
    x0 = np.asarray(x0, float)
    P0 = np.asarray(P0, float)
    if x0.ndim != 2 or x0.shape[1] != N_KINEMATIC or P0.shape != (x0.shape[0], N_KINEMATIC, N_KINEMATIC):
        raise ValueError(f"with_drag_prior: x0 must be (K, 6) and P0 (K, 6, 6), got {x0.shape} and {P0.shape}")
    if not (np.isfinite(beta_kg_m2) and beta_kg_m2 > 0 and np.isfinite(log_beta_sigma) and log_beta_sigma > 0):
        raise ValueError(f"with_drag_prior: beta and its log sigma must be > 0, got {beta_kg_m2}, {log_beta_sigma}")
    k = x0.shape[0]
    x = np.concatenate([x0, np.full((k, 1), np.log(beta_kg_m2))], axis=1)
    P = np.zeros((k, N_STATE, N_STATE))
    P[:, :N_KINEMATIC, :N_KINEMATIC] = P0
    P[:, LOG_BETA, LOG_BETA] = log_beta_sigma**2
    return x, P


def with_drag_estimate(
    x: np.ndarray, P: np.ndarray, beta_kg_m2: float | None, log_beta_sigma: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """A kinematic state x (6,), P (6, 6) joined with a ballistic-coefficient estimate into (7,), (7, 7).

    For a state that lost its own ln beta on the way (a fused system track: covariance
    intersection of the members' kinematics), the estimate of the member that knows beta best
    is attached, its cross covariance with the kinematics left out (the fused kinematics are
    already conservative). With no estimate the state is returned as it is (vacuum).
    """
    x = np.asarray(x, float)
    P = np.asarray(P, float)
    if beta_kg_m2 is None or log_beta_sigma is None:
        return x, P
    if x.shape != (N_KINEMATIC,) or P.shape != (N_KINEMATIC, N_KINEMATIC):
        raise ValueError(f"with_drag_estimate: x must be (6,) and P (6, 6), got {x.shape} and {P.shape}")
    if not (np.isfinite(beta_kg_m2) and beta_kg_m2 > 0 and np.isfinite(log_beta_sigma) and log_beta_sigma >= 0):
        raise ValueError(f"with_drag_estimate: need beta > 0 and log sigma >= 0, got {beta_kg_m2}, {log_beta_sigma}")
    x7 = np.append(x, np.log(beta_kg_m2))
    P7 = np.zeros((N_STATE, N_STATE))
    P7[:N_KINEMATIC, :N_KINEMATIC] = P
    P7[LOG_BETA, LOG_BETA] = log_beta_sigma**2
    return x7, P7
