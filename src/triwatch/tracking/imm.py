"""Two-model IMM (interacting multiple model) for boost and coast, batched over tracks.

Why an IMM: a missile is first thrusting (10-60 m/s^2 of unknown, changing acceleration along
its path) and then coasting (gravity only, known to a part in 1e3). One filter tuned for the
boost is far too loose in midcourse, and one tuned for the coast loses the target during the
boost. Both models here share the 6-state ballistic mean and differ only in process noise:
model 0 "coast" (small isotropic noise), model 1 "thrust" (large noise, mostly along the
velocity). The mode probability of "thrust" is the tracker's belief that the object still burns.

One IMM cycle (Blom and Bar-Shalom), with Markov switching matrix Pi_ij = P(mode j | mode i):

    c_j      = sum_i Pi_ij mu_i                          predicted mode probability
    mu_i|j   = Pi_ij mu_i / c_j                          mixing weights
    x0_j     = sum_i mu_i|j x_i
    P0_j     = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T)
    (predict and update each model from x0_j, P0_j; likelihood L_j = N(y_j; 0, S_j))
    mu_j+    = L_j c_j / sum_k L_k c_k
    output     x = sum_j mu_j x_j,  P = sum_j mu_j (P_j + (x_j - x)(x_j - x)^T)
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.wgs84 import A_M

COAST, THRUST = 0, 1

# How much likelier a distant staring infrared sensor (geostationary or highly elliptical orbit) is
# to report a burning motor than a coasting body: its short-wave band sees plumes (1e4-1e6 W/sr)
# across the Earth's disc, never a warm body (1e2 W/sr at 36,000 km is far below its noise;
# sensors.ir_presets). The mode likelihood of an update includes this detection likelihood, so
# such a sighting is itself evidence of thrust (Bar-Shalom, Willett and Tian, "Tracking and Data
# Fusion", 11.6: mode-dependent detection probability). Without it the IMM decides on the angles
# alone, and with ~1 km angles at 36,000 km the tighter coast model wins early in the boost, when
# the missile accelerates hardest: the track then claims a precision it does not have. A
# low-orbit sensor also sees warm bodies against cold space, so its sightings carry no such evidence.
PLUME_ONLY_SENSOR_ALTITUDE_M = 20_000e3
IR_THRUST_DETECTION_RATIO = 10.0


def detection_log_likelihood(model: str, site_ecef: np.ndarray) -> np.ndarray:
    """log P(detection | mode) (2,), up to a common constant, of a report of `model` from a sensor at site_ecef."""
    out = np.zeros(2)
    if model == "ir-los" and np.linalg.norm(site_ecef) - A_M > PLUME_ONLY_SENSOR_ALTITUDE_M:
        out[THRUST] = np.log(IR_THRUST_DETECTION_RATIO)
    return out


def switching_matrix(dt: np.ndarray, mean_time_to_burnout_s: float, mean_time_to_ignition_s: float) -> np.ndarray:
    """Pi (T, 2, 2) for intervals dt (T,): switching as a Poisson event with the given mean times."""
    dt = np.abs(np.asarray(dt, float))
    p_ignite = 1.0 - np.exp(-dt / mean_time_to_ignition_s)  # coast -> thrust (a next stage lights)
    p_burnout = 1.0 - np.exp(-dt / mean_time_to_burnout_s)  # thrust -> coast
    Pi = np.empty((dt.shape[0], 2, 2))
    Pi[:, COAST, COAST] = 1.0 - p_ignite
    Pi[:, COAST, THRUST] = p_ignite
    Pi[:, THRUST, COAST] = p_burnout
    Pi[:, THRUST, THRUST] = 1.0 - p_burnout
    return Pi


def mix(x: np.ndarray, P: np.ndarray, mu: np.ndarray, Pi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mixed initial conditions (x0 (T, 2, 6), P0 (T, 2, 6, 6)) and predicted mode probabilities c (T, 2)."""
    c = np.einsum("tij,ti->tj", Pi, mu)  # c_j = sum_i Pi_ij mu_i
    w = Pi * mu[:, :, None] / np.maximum(c[:, None, :], 1e-300)  # mu_i|j, indexed [t, i, j]
    x0 = np.einsum("tij,tin->tjn", w, x)  # x0_j = sum_i mu_i|j x_i
    dx = x[:, :, None, :] - x0[:, None, :, :]  # [t, i, j, n]: x_i - x0_j
    spread = P[:, :, None] + dx[..., :, None] * dx[..., None, :]
    P0 = np.einsum("tij,tijnm->tjnm", w, spread)
    return x0, P0, c


def combine(x: np.ndarray, P: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Moment-matched single Gaussian (x (T, 6), P (T, 6, 6)) of the model mixture."""
    xc = np.einsum("tj,tjn->tn", mu, x)
    dx = x - xc[:, None, :]
    Pc = np.einsum("tj,tjnm->tnm", mu, P + dx[..., :, None] * dx[..., None, :])
    return xc, 0.5 * (Pc + np.swapaxes(Pc, -1, -2))


def update_mode_probabilities(c: np.ndarray, log_likelihood: np.ndarray) -> np.ndarray:
    """mu_j+ = L_j c_j / sum_k L_k c_k, computed in logs so tiny likelihoods do not underflow."""
    log_w = log_likelihood + np.log(np.maximum(c, 1e-300))
    log_w -= log_w.max(axis=1, keepdims=True)
    w = np.exp(log_w)
    mu = w / w.sum(axis=1, keepdims=True)
    mu = np.clip(mu, 1e-9, 1.0)  # a floor keeps a mode from dying for good (next stage, re-entry)
    return mu / mu.sum(axis=1, keepdims=True)
