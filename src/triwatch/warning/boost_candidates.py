"""Where a missile still under thrust could go: candidate flights from its track and a threat library.

A thrusting missile has no impact point yet: where it lands depends on how much longer its
engines burn, which nobody outside the launcher knows. What the track does give is the state
now (position, velocity and their covariance) and, from the launch-point estimate, the time
since launch tau. The candidates bracket the rest of the flight:

- state uncertainty: the 13 sigma states x and x +- c sqrt(lambda_i) e_i along the eigenvectors
  e_i of the (inflated) covariance P, with c^2 = chi-square(6 dof) at the stated confidence, so
  the candidates reach the edge of the confidence ellipsoid along each of its axes;
- remaining burn: every vehicle of a public-knowledge threat library (triwatch.physics.vehicles,
  used as a list of *possible* threats, never "the" vehicle) that can be where the track is at
  tau keeps thrusting from the sigma states along its own stage schedule (gravity turn: thrust
  along the velocity, mass falling at the stage's mass flow), and is cut off at every node from
  now to its full burn-out. The first node is the cut-off *now*: the shortest flight possible.
- each cut-off state then coasts to the ground (J2, rotating Earth, drag and glide of that
  vehicle's payload) and its ground path is kept.

Which vehicles "can be there" (the speed gate): a vehicle that has burnt for tau seconds has
gained at most its ideal velocity dv(tau) = sum over lit stages of Isp g0 ln(m_start / m(tau))
(Tsiolkovsky; ECEF speed starts at 0 on the pad), and at least dv(tau) minus the largest
gravity loss (g0 tau, a vertical climb) and a drag allowance of DRAG_LOSS_FRACTION dv. The
launch time's uncertainty widens tau by two of its sigmas and the speed's own by three sigmas.
A vehicle must also still be burning at tau (tau < its total burn time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2

from triwatch.geo.areas import area_codes_at
from triwatch.geo.frames import ecef_to_geodetic, enu_rotation
from triwatch.geo.wgs84 import G0_M_S2
from triwatch.physics.boost import LaunchFrame, run_boost, stage_times
from triwatch.physics.coast import coast_to_ground
from triwatch.physics.vehicles import VEHICLES, Vehicle

DRAG_LOSS_FRACTION = 0.15  # drag costs a ballistic missile a few % of its dv; generous on purpose
SPEED_SLACK_M_S = 50.0
PATH_SPACING_M = 10e3  # coast samples are up to 10 s (~50 km) apart: subdivide so a narrow land strip is not skipped


@dataclass(frozen=True)
class CandidatePaths:
    """Ground paths of all candidate flights, concatenated.

    lat, lon, h (M,): samples of every path (rad, rad, m), each path ending at its impact;
    area_code (M,): the geo.areas code of each sample (index into geo.areas.AREAS);
    path (M,): which candidate each sample belongs to; landed (K,): the candidate reached the
    ground within the horizon; impact_lat, impact_lon, impact_t (K,): its last sample;
    cutoff_t (K,): scenario time of its cut-off; vehicles: names of the vehicles that passed the gate.
    """

    lat: np.ndarray
    lon: np.ndarray
    h: np.ndarray
    area_code: np.ndarray
    path: np.ndarray
    landed: np.ndarray
    impact_lat: np.ndarray
    impact_lon: np.ndarray
    impact_t: np.ndarray
    cutoff_t: np.ndarray
    vehicles: tuple[str, ...]

    @property
    def count(self) -> int:
        return int(self.landed.size)


def ideal_dv_m_s(vehicle: Vehicle, tau_s: float) -> float:
    """Tsiolkovsky velocity the vehicle's stages have given after burning for tau seconds from launch."""
    starts = stage_times(vehicle)
    dv, above = 0.0, vehicle.launch_mass_kg
    for i, st in enumerate(vehicle.stages):
        if tau_s <= starts[i]:
            break
        burnt = min(tau_s, starts[i + 1]) - starts[i]
        m0 = above
        dv += st.isp_s * G0_M_S2 * np.log(m0 / (m0 - st.mass_flow_kg_s * burnt))
        above -= st.mass_kg
    return float(dv)


def plausible_vehicles(
    speed_m_s: float, speed_sigma_m_s: float, tau_s: float, tau_sigma_s: float, library: dict[str, Vehicle] = VEHICLES
) -> list[Vehicle]:
    """Library vehicles that can be burning at tau with the observed ECEF speed (the speed gate above)."""
    out = []
    lo_tau, hi_tau = max(tau_s - 2.0 * tau_sigma_s, 0.0), tau_s + 2.0 * tau_sigma_s
    slack = 3.0 * speed_sigma_m_s + SPEED_SLACK_M_S
    for v in library.values():
        if lo_tau >= v.burn_s or tau_s < v.vertical_rise_s + v.pitchover_s:
            continue  # burnt out already, or still in its pitch programme (heading not set yet)
        dv_lo, dv_hi = ideal_dv_m_s(v, lo_tau), ideal_dv_m_s(v, hi_tau)
        lowest = dv_lo * (1.0 - DRAG_LOSS_FRACTION) - G0_M_S2 * hi_tau
        if lowest - slack <= speed_m_s <= dv_hi + slack:
            out.append(v)
    return out


def sigma_states(x: np.ndarray, P: np.ndarray, confidence: float) -> np.ndarray:
    """x and x +- c sqrt(lambda_i) e_i (13, 6), c^2 the chi-square(6) quantile at `confidence`."""
    x = np.asarray(x, float)
    vals, vecs = np.linalg.eigh(0.5 * (P + P.T))
    c = np.sqrt(chi2.ppf(confidence, 6))
    d = (c * np.sqrt(np.maximum(vals, 0.0)))[None, :] * vecs  # column i: c sqrt(lambda_i) e_i
    return np.vstack([x, x + d.T, x - d.T])


def cutoff_nodes(vehicle: Vehicle, tau_s: float, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Cut-off nodes from tau to full burn-out (stage boundaries included) and the stage of each interval."""
    starts = stage_times(vehicle)
    grid = np.arange(tau_s, starts[-1], step_s)
    t = np.unique(np.concatenate([[tau_s], grid, starts[starts > tau_s]]))
    mid = 0.5 * (t[:-1] + t[1:])
    stage = np.clip(np.searchsorted(starts, mid, side="right") - 1, 0, len(vehicle.stages) - 1)
    return t, stage.astype(np.int64)


def _continue_boost(vehicle: Vehicle, tau_s: float, states: np.ndarray, launch_lat: float, launch_lon: float, step_s):
    """Thrust on from the states (K, 6) at tau to full burn: cut-off states (K, N, 6) and node times (N,).

    step_s None: only the cut-off now (N = 1).
    """
    if step_s is None:
        return states[:, None, :], np.array([tau_s])
    rot = enu_rotation(launch_lat, launch_lon)
    v_enu = states[:, 3:] @ rot.T
    az = float(np.arctan2(v_enu[0, 0], v_enu[0, 1]))
    frame = LaunchFrame.at(launch_lat, launch_lon, az)
    along = states[:, 3:] / np.linalg.norm(states[:, 3:], axis=1, keepdims=True)
    elevation = np.arcsin(np.clip(along @ frame.up, -1.0, 1.0))
    # Hold attitude a hair above the current path: the programme is then a pure gravity turn.
    kick = 0.5 * np.pi - elevation - 1e-6
    t_nodes, stage = cutoff_nodes(vehicle, tau_s, step_s)
    if t_nodes.size < 2:
        return states[:, None, :], t_nodes[:1]
    r, v = run_boost(vehicle, frame, kick, t_nodes, stage, states[:, :3].copy(), states[:, 3:].copy())
    return np.concatenate([r, v], axis=2), t_nodes


def candidate_paths(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    *,
    confidence: float = 0.95,
    cutoff_step_s: float | None = 10.0,
    max_time_s: float = 5000.0,
    library: dict[str, Vehicle] = VEHICLES,
) -> CandidatePaths | None:
    """Candidate flights of a thrusting track (state x, P at t_s); None if no library vehicle fits it.

    cutoff_step_s: spacing of the cut-off nodes; None for the cut-off now only (the shortest
    flights, a cheap first look: what they do not agree on, no longer flight can make common);
    inf for the cut-off now, at each stage's burn-out and at full burn-out.
    """
    x = np.asarray(x, float)
    P = np.asarray(P, float)
    if x.shape != (6,) or P.shape != (6, 6) or not (np.all(np.isfinite(x)) and np.all(np.isfinite(P))):
        raise ValueError(f"candidate_paths: need a finite state (6,) and covariance (6, 6), got {x.shape}, {P.shape}")
    for name, value in (
        ("t_s", t_s),
        ("launch_lat_rad", launch_lat_rad),
        ("launch_lon_rad", launch_lon_rad),
        ("launch_time_s", launch_time_s),
        ("launch_time_sigma_s", launch_time_sigma_s),
    ):
        if not np.isfinite(value):
            raise ValueError(f"candidate_paths: {name} must be finite, got {value!r}")
    if abs(launch_lat_rad) > np.pi / 2 or launch_time_sigma_s < 0.0:
        raise ValueError(
            f"candidate_paths: launch_lat_rad {launch_lat_rad!r} must be within +-pi/2 (radians) and "
            f"launch_time_sigma_s {launch_time_sigma_s!r} >= 0"
        )
    tau = float(t_s - launch_time_s)
    speed = float(np.linalg.norm(x[3:]))
    u = x[3:] / max(speed, 1e-9)
    speed_sigma = float(np.sqrt(max(u @ P[3:, 3:] @ u, 0.0)))
    vehicles = plausible_vehicles(speed, speed_sigma, tau, launch_time_sigma_s, library)
    if not vehicles:
        return None
    sig = sigma_states(x, P, confidence)
    starts, beta, lift, cut_t = [], [], [], []
    for veh in vehicles:
        s, t_nodes = _continue_boost(veh, tau, sig, launch_lat_rad, launch_lon_rad, cutoff_step_s)
        starts.append(s.reshape(-1, 6))
        k = s.shape[0] * s.shape[1]
        beta.append(np.full(k, veh.rv_beta_kg_m2))
        lift.append(np.full(k, veh.rv_lift_to_drag))
        cut_t.append(np.tile(t_s + (t_nodes - t_nodes[0]), s.shape[0]))
    return coast_cutoffs(starts, cut_t, beta, lift, tuple(v.name for v in vehicles), max_time_s)


def coast_cutoffs(
    starts: list[np.ndarray],
    cut_t: list[np.ndarray],
    beta: list[np.ndarray],
    lift: list[np.ndarray],
    vehicles: tuple[str, ...],
    max_time_s: float,
) -> CandidatePaths:
    """Cut-off states (per vehicle: (k, 6) with their cut-off times, RV beta and L/D) coasted to the ground as candidate paths."""
    s0 = np.concatenate(starts)
    t0 = np.concatenate(cut_t)
    res = coast_to_ground(
        s0[:, :3],
        s0[:, 3:],
        t0,
        np.concatenate(beta),
        dt_s=5.0,
        max_time_s=max_time_s,
        lift_to_drag=np.concatenate(lift),
    )
    return paths_of(res, t0, vehicles)


def paths_of(res, cutoff_t: np.ndarray, vehicles: tuple[str, ...]) -> CandidatePaths:
    """Concatenate the coast results, subdividing each step so the samples are PATH_SPACING_M apart or less."""
    r = np.concatenate(res.r)
    pid = np.concatenate([np.full(len(rr), j) for j, rr in enumerate(res.r)])
    same = np.flatnonzero(pid[:-1] == pid[1:])
    a, b = r[same], r[same + 1]
    extra = np.ceil(np.linalg.norm(b - a, axis=1) / PATH_SPACING_M).astype(int) - 1
    seg = np.repeat(np.arange(same.size), np.maximum(extra, 0))
    # k-th of n extra points in its segment sits at fraction (k + 1) / (n + 1)
    k = np.arange(seg.size) - np.repeat(np.cumsum(np.maximum(extra, 0)) - np.maximum(extra, 0), np.maximum(extra, 0))
    f = (k + 1) / (extra[seg] + 1)
    mid = a[seg] + f[:, None] * (b[seg] - a[seg])
    r_all = np.concatenate([r, mid])
    pid_all = np.concatenate([pid, pid[same][seg]])
    lat, lon, h = ecef_to_geodetic(r_all)
    ilat, ilon, _ = ecef_to_geodetic(np.array([rr[-1] for rr in res.r]))
    return CandidatePaths(
        lat=lat,
        lon=lon,
        h=h,
        area_code=np.asarray(area_codes_at(lat, lon), int),
        path=pid_all,
        landed=np.asarray(res.landed, bool),
        impact_lat=np.atleast_1d(ilat),
        impact_lon=np.atleast_1d(ilon),
        impact_t=np.array([tt[-1] for tt in res.t_s]),
        cutoff_t=cutoff_t,
        vehicles=vehicles,
    )
