"""Starting a track: from one radar report, or from two infrared lines of sight (triangulation).

Radar: the position is the inverse of the measurement, r = s + M^T enu(rho, az, el), and its
covariance the first-order image of R through that inverse, J R J^T with J = M^T d enu / d(rho, az, el).
One report says nothing of the velocity, so it gets a zero-mean prior of sigma_v per axis; a
``radar-raer`` report also gives the radial component rho' (mean rho' u, variance R_rr along u).

Evidence for a new object (``borrowed_hits``): a tentative track's hit does not count towards its
confirmation when, in the same scan, a confirmed track that this sensor has reported before got
no report although the tentative track's position lies inside that track's predicted position
gate. The report most likely was the confirmed track's own (its gate missed it by a little, or
two objects flying together swapped reports), and counting it would confirm a duplicate of an
object already held. A genuinely new object next to a tracked one (a separation, a salvo's next
missile) is confirmed in the scans where the tracked one got its own report.

Kinematic plausibility (``impossible_speed``): a tentative track's velocity comes from a prior
of a few km/s (one report says nothing of it) and a thrust model that allows tens of m/s^2, so
false alarms of different radars tens of seconds apart can chain into a "track": on hs17 three
Green Pine false alarms over 26 s made one at 70 km/s, confirmed and reported. Nothing ballistic
flies faster than orbit (ICBMs reach ~7 km/s), so a tentative track whose speed exceeds
``max_speed_m_s`` by more than three sigma of its speed is dropped before it can be confirmed.

Infrared: each sensor gives a line s_k + t u_k. The estimate is the midpoint of the shortest
segment between the two lines; its covariance comes from the unscented transform of the four
angles (alpha1, delta1, alpha2, delta2) through that geometry, so a narrow baseline honestly
yields a long, thin ellipsoid along the lines of sight.
"""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import aer_to_enu, enu_rotation


def radar_position(
    z: np.ndarray, R: np.ndarray, site_ecef: np.ndarray, site_lat: float, site_lon: float
) -> tuple[np.ndarray, np.ndarray]:
    """ECEF positions (D, 3) and covariances (D, 3, 3) of radar reports z (D, >=3) from one site."""
    rho, az, el = z[:, 0], z[:, 1], z[:, 2]
    M = enu_rotation(site_lat, site_lon)  # ECEF -> ENU; its transpose takes ENU back to ECEF
    enu = aer_to_enu(az, el, rho)
    pos = np.asarray(site_ecef, float) + enu @ M
    ce, se, ca, sa = np.cos(el), np.sin(el), np.cos(az), np.sin(az)
    # d enu / d (rho, az, el), enu = rho (ce sa, ce ca, se)
    J_enu = np.stack(
        [
            np.stack([ce * sa, rho * ce * ca, -rho * se * sa], axis=-1),
            np.stack([ce * ca, -rho * ce * sa, -rho * se * ca], axis=-1),
            np.stack([se, np.zeros_like(rho), rho * ce], axis=-1),
        ],
        axis=1,
    )
    J = M.T @ J_enu
    cov = J @ R[:, :3, :3] @ np.swapaxes(J, -1, -2)
    return pos, 0.5 * (cov + np.swapaxes(cov, -1, -2))


def radar_initial_state(
    z: np.ndarray,
    R: np.ndarray,
    site_ecef: np.ndarray,
    site_lat: float,
    site_lon: float,
    speed_sigma_m_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Initial states (D, 6) and covariances (D, 6, 6) from D radar reports of one scan."""
    pos, pos_cov = radar_position(z, R, site_ecef, site_lat, site_lon)
    d = z.shape[0]
    x = np.zeros((d, 6))
    P = np.zeros((d, 6, 6))
    x[:, :3] = pos
    P[:, :3, :3] = pos_cov
    P[:, 3:, 3:] = speed_sigma_m_s**2 * np.eye(3)
    if z.shape[1] == 4:  # range rate: the velocity along the line of sight is measured
        u = pos - np.asarray(site_ecef, float)
        u /= np.linalg.norm(u, axis=1)[:, None]
        x[:, 3:] = z[:, 3:4] * u
        uu = u[:, :, None] * u[:, None, :]
        P[:, 3:, 3:] = speed_sigma_m_s**2 * (np.eye(3) - uu) + R[:, 3, 3][:, None, None] * uu
    return x, P


def _unit(alpha: np.ndarray, delta: np.ndarray) -> np.ndarray:
    cd = np.cos(delta)
    return np.stack([cd * np.cos(alpha), cd * np.sin(alpha), np.sin(delta)], axis=-1)


def closest_approach(
    s1: np.ndarray, u1: np.ndarray, s2: np.ndarray, u2: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Midpoint (..., 3), miss distance (...) and ranges t1, t2 along two lines s + t u (u unit).

    Minimising |s1 + t1 u1 - s2 - t2 u2|^2 gives, with w = s1 - s2, b = u1.u2,
    t1 = (b (u2.w) - u1.w) / (1 - b^2),  t2 = ((u2.w) - b (u1.w)) / (1 - b^2).
    """
    w = s1 - s2
    b = np.sum(u1 * u2, axis=-1)
    d1 = np.sum(u1 * w, axis=-1)
    d2 = np.sum(u2 * w, axis=-1)
    den = np.maximum(1.0 - b * b, 1e-12)
    t1 = (b * d2 - d1) / den
    t2 = (d2 - b * d1) / den
    p1 = s1 + t1[..., None] * u1
    p2 = s2 + t2[..., None] * u2
    return 0.5 * (p1 + p2), np.linalg.norm(p1 - p2, axis=-1), np.stack([t1, t2], axis=-1)


def triangulate(
    z1: np.ndarray, R1: np.ndarray, s1: np.ndarray, z2: np.ndarray, R2: np.ndarray, s2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Position (3,) and covariance (3, 3) from two ir-los reports, by the unscented transform.

    Sigma points of the stacked angles a = (alpha1, delta1, alpha2, delta2) with covariance
    blockdiag(R1, R2): a_0 = mean, a_(+-i) = mean +- sqrt(n + kappa) L_i, weights kappa/(n + kappa)
    and 1/(2(n + kappa)), kappa = 3 - n (the choice that matches the Gaussian's fourth moment).
    """
    n = 4
    kappa = 3.0 - n
    mean = np.concatenate([z1, z2])
    cov = np.zeros((n, n))
    cov[:2, :2], cov[2:, 2:] = R1, R2
    L = np.linalg.cholesky((n + kappa) * cov)
    sig = np.concatenate([mean[None], mean + L.T, mean - L.T])  # (2n + 1, 4)
    w = np.full(2 * n + 1, 1.0 / (2 * (n + kappa)))
    w[0] = kappa / (n + kappa)
    pts, _, _ = closest_approach(s1, _unit(sig[:, 0], sig[:, 1]), s2, _unit(sig[:, 2], sig[:, 3]))
    mid = pts[0]  # the central point is the estimate; the spread of the others gives the covariance
    d = pts - mid
    P = np.einsum("k,ki,kj->ij", w, d, d)
    return mid, 0.5 * (P + P.T)


def borrowed_hits(
    hit_pos: np.ndarray, hit_cov: np.ndarray, missed_pos: np.ndarray, missed_cov: np.ndarray, gate: float
) -> np.ndarray:
    """Which tentative hits (positions (K, 3), covariances (K, 3, 3)) lie in the position gate of a
    confirmed track left without its report (predicted positions (C, 3), covariances (C, 3, 3)).

    d2_kc = (p_k - q_c)^T (P_k + Q_c)^-1 (p_k - q_c) <= gate (chi-square, 3 degrees of freedom).
    """
    if hit_pos.shape[0] == 0 or missed_pos.shape[0] == 0:
        return np.zeros(hit_pos.shape[0], bool)
    d = hit_pos[:, None, :] - missed_pos[None, :, :]  # (K, C, 3)
    S = hit_cov[:, None] + missed_cov[None, :]
    d2 = np.einsum("kci,kci->kc", d, np.linalg.solve(S, d[..., None])[..., 0])
    return (d2 <= gate).any(axis=1)


def impossible_speed(x: np.ndarray, P: np.ndarray, max_speed_m_s: float) -> np.ndarray:
    """Which states x (K, >=6), P (K, >=6, >=6) fly faster than max_speed_m_s by more than 3 sigma (K,) bool.

    Speed |v| and its first-order sigma sqrt(u^T P_vv u), u = v / |v|.
    """
    v = x[:, 3:6]
    speed = np.linalg.norm(v, axis=1)
    u = v / np.maximum(speed, 1e-9)[:, None]
    sd = np.sqrt(np.maximum(np.einsum("ki,kij,kj->k", u, P[:, 3:6, 3:6], u), 0.0))
    return speed - 3.0 * sd > max_speed_m_s
