"""Which tracks are on the ground: a landed object is never measured again, so its track must end.

A track left alive after its object landed does harm: with no update its covariance grows (the
thrust model of the IMM, excited by re-entry drag, grows it fast), its gate swells, and sooner or
later it takes a false alarm or another missile's report, then reports a state far from anything
real (a false track) or drags another missile's track off (a wrong impact point). Two rules:

1. At a scan: a track whose prediction to the scan time is below the ground by more than three
   sigma of its height, ``h + 3 sigma_h < 0``, is not offered any detection and is deleted. The
   prediction ignores drag, which only delays the fall; so it errs towards ending a track a
   little early, in the last seconds before impact, never towards keeping a landed one.
2. At the stale sweep (``stale``, with the other reasons to end a track), without a prediction: a descending track of height h not updated for a
   time a has landed when a > (h + 3 sigma_h) / s, with s its sink rate taken three sigma slow,
   floored at ``MIN_SINK_M_S``. The floor is what keeps the rule working when the sink rate is
   uncertain (a track in re-entry whose thrust model took the drag): however much drag slows a
   stage or a warhead, it keeps falling at least at its terminal speed,
   v_t = sqrt(2 beta g / rho) ~ 90 m/s at sea level for a spent stage (beta ~ 500 kg/m^2), more
   higher up.
"""

from __future__ import annotations

import numpy as np

from triwatch.tracking import imm
from triwatch.tracking.earth import height_of, up_of
from triwatch.tracking.store import TrackStore
from triwatch.tracking.types import TrackerConfig

MIN_SINK_M_S = 50.0  # below the terminal speed of anything a missile tracker follows down


def vertical_moments(x: np.ndarray, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Height h, its sigma, vertical speed v_up and its sigma (each (T,)) of states x (T, n), P (T, n, n), n >= 6 (r, v first)."""
    up = up_of(x[:, :3])
    h = height_of(x[:, :3])
    v_up = np.einsum("ni,ni->n", x[:, 3:6], up)
    sd_h = np.sqrt(np.maximum(np.einsum("ni,nij,nj->n", up, P[:, :3, :3], up), 0.0))
    sd_v = np.sqrt(np.maximum(np.einsum("ni,nij,nj->n", up, P[:, 3:6, 3:6], up), 0.0))
    return h, sd_h, v_up, sd_v


def below_ground(x: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Rule 1: states x (T, 6), P (T, 6, 6) predicted below the ground by more than 3 sigma (T,) bool."""
    if x.shape[0] == 0:
        return np.zeros(0, bool)
    h, sd_h, _, _ = vertical_moments(x, P)
    return h + 3.0 * sd_h < 0.0


def landed(x: np.ndarray, P: np.ndarray, age_s: np.ndarray) -> np.ndarray:
    """Rule 2: tracks (last states x (T, 6), P (T, 6, 6), age_s (T,) since then) that must be down by now."""
    if x.shape[0] == 0:
        return np.zeros(0, bool)
    h, sd_h, v_up, sd_v = vertical_moments(x, P)
    sink = np.maximum(-v_up - 3.0 * sd_v, MIN_SINK_M_S)
    return (v_up < 0.0) & (age_s > (np.maximum(h, 0.0) + 3.0 * sd_h) / sink)


def stale(store: TrackStore, t: float, cfg: TrackerConfig) -> np.ndarray:
    """Tracks (T,) to delete at time t: too uncertain, too old, tentative after coast_after_s, or landed (rule 2).

    The predicted 3-D position variance after a time a without update is approximated by
    tr P_rr + 2 a tr P_rv + a^2 tr P_vv + q a^3 (tr of the white-acceleration term, 3 axes x a^3 / 3),
    gravity's small shear of the covariance aside, with q the IMM mixture's: mu_thrust q_boost_along
    + mu_coast q_ballistic. A track that was burning when last seen may be anywhere its engine took
    it (8000 m^2/s^3: 100 km sigma after ~2 min); with the ballistic q alone such a track lived on for
    minutes and its thrust model's swollen gate took a false alarm 680 km from anything (a false
    track on the flagship with faults). Also notes each track's highest point seen (a floor for its apogee).
    """
    age = t - store.t
    tentative = np.array([r.status == "tentative" for r in store.records])
    x, P = imm.combine(store.x, store.P, store.mu)
    for rec, height in zip(store.records, height_of(x[:, :3]), strict=True):
        rec.max_height_m = max(rec.max_height_m, float(height))
    tr_rr = np.trace(P[:, :3, :3], axis1=1, axis2=2)
    tr_rv = np.trace(P[:, :3, 3:6], axis1=1, axis2=2)
    tr_vv = np.trace(P[:, 3:6, 3:6], axis1=1, axis2=2)
    thrust = store.mu[:, imm.THRUST]
    q = thrust * cfg.q_boost_along_m2_s3 + (1.0 - thrust) * cfg.q_ballistic_m2_s3
    var = tr_rr + 2 * age * tr_rv + age**2 * tr_vv + q * age**3
    lost = var > cfg.delete_sigma_m**2
    broken = ~(np.isfinite(x).all(axis=1) & np.isfinite(var))  # never expected; never kept if it happens
    old = (age > cfg.delete_after_s) | (tentative & (age > cfg.coast_after_s))
    return old | lost | landed(x, P, age) | broken
