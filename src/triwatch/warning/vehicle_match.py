"""Which library vehicles, on which pitch programmes, a thrusting track is consistent with.

A burning missile's kinematics so far say a lot about what it is and how it is being flown:
a light fast-burning SRBM is twice as fast at 60 s as a heavy IRBM, and a lofted flight climbs
steeper than a minimum-energy or depressed one. The test, for each public-knowledge library
vehicle v (triwatch.physics.vehicles, a list of *possible* threats, never "the" vehicle), each
pitch kick k of a grid (tiny kick: lofted; large kick: depressed) and each time since launch
tau' of a 1 s grid:

1. fly v's full boost with kick k from the estimated launch point along the track's azimuth
   (the bearing from the launch point to the track's ground point), ECEF, from rest;
2. read the profile's features at tau': f_vk(tau') = (speed |v|, geodetic height h,
   flight-path angle gamma = asin(v . up / |v|));
3. compare with the track's features f(x):

       chi2(v, k, tau') = d' S^-1 d + ((tau' - tau) / sigma_tau)^2,   d = f(x) - f_vk(tau'),
       S = J P J' + T

   where J = df/dx (central differences) carries the track covariance P into feature space,
   T = diag(sigma_tol^2) is the profile tolerance (how far a real missile of the class may stray
   from the library's open-source numbers: SPEED_TOLERANCE, HEIGHT_TOLERANCE, FPA_TOLERANCE_RAD),
   and tau = t - t_launch with sigma_tau is the tracker's launch-time estimate, a prior: the
   vehicle hypothesis itself says where in its burn the missile is (an MRBM reaches a given
   speed earlier than an IRBM), so tau' is fitted per vehicle rather than taken as given;
4. (v, k, tau') is consistent when chi2 <= chi-square(4 dof) at GATE_PROBABILITY.

A vehicle is kept when any (k, tau') is; its consistent kicks say whether the flight is lofted,
minimum-energy or depressed, and its consistent tau' how much burn it may have left. The track's
state has no acceleration, so the thrust-to-weight ratio enters only through the speed and height
it has produced by tau'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from geographiclib.geodesic import Geodesic
from scipy.stats import chi2

from triwatch.geo.frames import ecef_to_geodetic, enu_rotation
from triwatch.physics.boost import LaunchFrame, integrate_boost
from triwatch.physics.vehicles import VEHICLES, Vehicle, get_vehicle

# Kicks from 0.2 deg (nearly vertical: lofted) to 60 deg (depressed), denser where flights are most
# sensitive to them.
KICK_GRID_RAD = np.radians(0.2 + 59.8 * np.linspace(0.0, 1.0, 41) ** 2)
# Profile tolerance (1 sigma): the library's thrust, Isp and masses are public estimates good to
# perhaps 5-10 %; speed and height at a given time scale with them. The flight-path angle also
# depends on the (unknown) pitch-programme timing, which the kick grid only brackets.
SPEED_TOLERANCE = 0.06  # fraction of the profile's speed
HEIGHT_TOLERANCE = 0.08  # fraction of the profile's height
FPA_TOLERANCE_RAD = np.radians(2.0)
GATE_PROBABILITY = 0.999  # generous on purpose: a vehicle wrongly dropped can make candidates agree falsely
PROFILE_STEP_S = 1.0


@dataclass(frozen=True)
class VehicleMatch:
    """A library vehicle consistent with the track.

    kicks_rad: its consistent pitch kicks (ascending); tau_lo_s, tau_hi_s: the range of times
    since launch at which its profile matches the track (where in its burn it may be);
    best_chi2: the smallest chi-square over its consistent (kick, tau); kick_chi2: per consistent
    kick, its smallest chi-square over tau (None when not known), what a likelihood weighs.
    """

    vehicle: Vehicle
    kicks_rad: np.ndarray
    tau_lo_s: float
    tau_hi_s: float
    best_chi2: float
    kick_chi2: np.ndarray | None = None


def features(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(speed m/s, geodetic height m, flight-path angle rad) of ECEF states r, v (..., 3) -> (..., 3)."""
    r, v = np.asarray(r, float), np.asarray(v, float)
    lat, lon, h = ecef_to_geodetic(r.reshape(-1, 3))
    rot = enu_rotation(lat, lon)  # (M, 3, 3) rows east, north, up
    up = rot[..., 2, :] if rot.ndim == 3 else rot[None, 2, :]
    vv = v.reshape(-1, 3)
    speed = np.linalg.norm(vv, axis=1)
    gamma = np.arcsin(np.clip(np.sum(vv * up, axis=1) / np.maximum(speed, 1e-9), -1.0, 1.0))
    return np.stack([speed, np.asarray(h).reshape(-1), gamma], axis=-1).reshape(*r.shape[:-1], 3)


def feature_jacobian(x: np.ndarray) -> np.ndarray:
    """df/dx (3, 6) of `features` at the state x (6,), by central differences (1 m, 0.1 m/s steps)."""
    steps = np.array([1.0, 1.0, 1.0, 0.1, 0.1, 0.1])
    dx = np.diag(steps)
    xs = np.vstack([x + dx, x - dx])
    f = features(xs[:, :3], xs[:, 3:])
    return ((f[:6] - f[6:]) / (2.0 * steps[:, None])).T


def bearing_rad(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial geodesic bearing (WGS84, rad from north) from point 1 to point 2 (rad in)."""
    g = Geodesic.WGS84.Inverse(*np.degrees([lat1, lon1, lat2, lon2]).tolist())
    return float(np.radians(g["azi1"]))


@lru_cache(maxsize=64)
def _profile_family(name: str, lat_q: float, lon_q: float, az_q: float) -> tuple[np.ndarray, np.ndarray]:
    """Node times (N,) and features (K, N, 3) of the vehicle's full burn for every kick of the grid.

    Cached on the launch point and azimuth rounded to ~0.01 deg and 0.25 deg: the features barely
    move across that, and every assessment of one launch asks again.
    """
    return _fly(VEHICLES[name], lat_q, lon_q, az_q)


def profile_family(
    vehicle: Vehicle, launch_lat_rad: float, launch_lon_rad: float, azimuth_rad: float
) -> tuple[np.ndarray, np.ndarray]:
    """Node times (N,) and features (K, N, 3) of the vehicle's full burn for every kick of KICK_GRID_RAD."""
    key = (
        round(float(np.degrees(launch_lat_rad)), 2),
        round(float(np.degrees(launch_lon_rad)), 2),
        round(float(np.degrees(azimuth_rad)) * 4.0) / 4.0,
    )
    if VEHICLES.get(vehicle.name) is vehicle:
        return _profile_family(vehicle.name, *key)
    return _fly(vehicle, *key)


def _fly(vehicle: Vehicle, lat_q: float, lon_q: float, az_q: float) -> tuple[np.ndarray, np.ndarray]:
    """Node times (N,) and features (K, N, 3) of the vehicle's full burn for every kick of the grid (deg in)."""
    frame = LaunchFrame.at(np.radians(lat_q), np.radians(lon_q), np.radians(az_q))
    hist = integrate_boost(vehicle, frame, KICK_GRID_RAD, PROFILE_STEP_S)
    return hist.t_s, features(hist.r, hist.v)


def resolve_library(library: dict[str, Vehicle] | Iterable[str] | None) -> list[Vehicle]:
    """Vehicles from a {name: Vehicle} dict or a list of library names (KeyError naming the known ones)."""
    if library is None:
        return list(VEHICLES.values())
    if isinstance(library, dict):
        return list(library.values())
    if isinstance(library, str):
        raise TypeError(f"library: give a list of vehicle names, not the single string {library!r}")
    return [get_vehicle(name) for name in library]


def match_vehicles(
    x: np.ndarray,
    P: np.ndarray,
    t_s: float,
    launch_lat_rad: float,
    launch_lon_rad: float,
    launch_time_s: float,
    launch_time_sigma_s: float,
    library: dict[str, Vehicle] | Iterable[str] | None = None,
    *,
    gate_probability: float = GATE_PROBABILITY,
) -> list[VehicleMatch]:
    """Library vehicles (with their consistent kicks) whose full-burn profiles explain the track so far."""
    x, P = np.asarray(x, float), np.asarray(P, float)
    if x.shape != (6,) or not np.all(np.isfinite(x)):
        raise ValueError(f"match_vehicles: x must be a finite ECEF state (6,), got shape {x.shape}")
    if P.shape != (6, 6) or not np.all(np.isfinite(P)):
        raise ValueError(f"match_vehicles: P must be a finite covariance (6, 6), got shape {P.shape}")
    if np.any(np.linalg.eigvalsh(0.5 * (P + P.T)) < -1e-6 * max(float(np.trace(P)), 1.0)):
        raise ValueError("match_vehicles: P is not positive semi-definite")
    tau = float(t_s - launch_time_s)
    if not (np.isfinite(tau) and np.isfinite(launch_time_sigma_s) and launch_time_sigma_s >= 0.0):
        raise ValueError(
            f"match_vehicles: t_s {t_s!r} and launch_time_s {launch_time_s!r} must be finite, "
            f"launch_time_sigma_s {launch_time_sigma_s!r} finite and >= 0"
        )
    if tau <= 0.0:
        raise ValueError(f"match_vehicles: the track time t_s {t_s} is not after the launch time {launch_time_s}")
    vehicles = resolve_library(library)
    lat, lon, _ = ecef_to_geodetic(x[None, :3])
    azimuth = bearing_rad(launch_lat_rad, launch_lon_rad, float(lat[0]), float(lon[0]))
    f_track = features(x[:3], x[3:])
    S_track = (J := feature_jacobian(x)) @ P @ J.T
    # The grid resolves tau to PROFILE_STEP_S; a sharper launch time cannot be used more sharply.
    sigma_tau = max(float(launch_time_sigma_s), PROFILE_STEP_S)
    gate = chi2.ppf(gate_probability, 4)  # 3 features + the launch-time prior
    out = []
    for veh in vehicles:
        t, f = profile_family(veh, launch_lat_rad, launch_lon_rad, azimuth)
        near = (t >= veh.vertical_rise_s + veh.pitchover_s) & (t < veh.burn_s) & (np.abs(t - tau) <= 5.0 * sigma_tau)
        if not near.any():
            continue  # burnt out already, or still in its pitch programme at every time the launch allows
        tn, fn = t[near], f[:, near]  # (M,), (K, M, 3)
        tol = np.stack(
            [
                SPEED_TOLERANCE * fn[..., 0],
                HEIGHT_TOLERANCE * np.abs(fn[..., 1]),
                np.full(tn.shape, FPA_TOLERANCE_RAD)[None].repeat(len(fn), 0),
            ],
            axis=-1,
        )
        S = S_track + tol[..., :, None] ** 2 * np.eye(3)  # (K, M, 3, 3)
        d = f_track - fn
        d2 = np.einsum("kmi,kmi->km", d, np.linalg.solve(S, d[..., None])[..., 0])
        d2 = d2 + ((tn - tau) / sigma_tau) ** 2
        ok = d2 <= gate
        if ok.any():
            k_ok, m_ok = np.nonzero(ok)
            kicks = np.unique(k_ok)
            out.append(
                VehicleMatch(
                    vehicle=veh,
                    kicks_rad=KICK_GRID_RAD[kicks],
                    tau_lo_s=float(tn[m_ok].min()),
                    tau_hi_s=float(tn[m_ok].max()),
                    best_chi2=float(d2[ok].min()),
                    kick_chi2=d2[kicks].min(axis=1),
                )
            )
    return out
