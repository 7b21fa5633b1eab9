"""Powered flight: staged thrust along a gravity-turn pitch programme, for many pitch kicks at once.

Pitch programme (what a ballistic missile autopilot flies, simplified):

1. vertical rise for ``vertical_rise_s`` (clear the pad, gain speed);
2. pitch-over: over ``pitchover_s`` the thrust tilts linearly from vertical to an
   elevation of 90 deg - kick, in the vertical plane of the launch azimuth;
3. attitude hold: the thrust keeps that elevation (in the launch frame) while the
   flight path is still steeper than it, pulling the path down to it;
4. gravity turn: once the path is no steeper than the held attitude, thrust follows
   the Earth-relative velocity, so gravity alone bends the path over (no lift,
   little structural load).

The kick sets how flat the missile flies: a tiny kick lofts it, a large one
depresses it (the hold is what lets a short burn reach a flat, depressed path).

Equation of motion, ECEF, for each of K trial kicks (arrays (K, 3)):

    v' = (T / m(t)) u_thrust + a_grav,J2(r) - 2 w x v - w x (w x r) - rho |v| v CdA / (2 m(t))

with m(t) falling linearly while a stage burns (constant mass flow); at the end of a
stage its dry mass is dropped and the next stage lights at once (hot staging).
Steps are aligned so that every stage boundary is a node, and RK4 never straddles
a jump in thrust or mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.geo.frames import enu_rotation, geodetic_to_ecef
from triwatch.physics.atmosphere import density_kg_m3
from triwatch.physics.boost_kernel import boost_nodes
from triwatch.physics.dynamics import approx_height_m
from triwatch.physics.gravity import ballistic_acceleration_ecef
from triwatch.physics.vehicles import Vehicle


@dataclass(frozen=True)
class LaunchFrame:
    """Launch site in ECEF with the local up and the horizontal unit vector along the launch azimuth."""

    site_ecef: np.ndarray
    up: np.ndarray
    downrange: np.ndarray

    @classmethod
    def at(cls, lat_rad: float, lon_rad: float, azimuth_rad: float) -> LaunchFrame:
        rot = enu_rotation(lat_rad, lon_rad)  # rows: east, north, up
        east, north, up = rot[0], rot[1], rot[2]
        return cls(
            site_ecef=geodetic_to_ecef(lat_rad, lon_rad, 0.0),
            up=up,
            downrange=np.sin(azimuth_rad) * east + np.cos(azimuth_rad) * north,
        )


def stage_times(vehicle: Vehicle) -> np.ndarray:
    """Ignition times of each stage and the final burnout time, shape (n_stages + 1,)."""
    return np.concatenate([[0.0], np.cumsum([s.burn_s for s in vehicle.stages])])


def mass_kg(vehicle: Vehicle, stage: int, t_s: float) -> float:
    """Stack mass at time t while stage ``stage`` (0-based) burns."""
    start = stage_times(vehicle)[stage]
    above = vehicle.payload_kg + sum(s.mass_kg for s in vehicle.stages[stage:])
    return above - vehicle.stages[stage].mass_flow_kg_s * (t_s - start)


def thrust_direction(vehicle: Vehicle, frame: LaunchFrame, t_s: float, v: np.ndarray, kick_rad: np.ndarray):
    """Unit thrust vectors (K, 3) at time t for the pitch programme with the given kicks (K,)."""
    tv, tpo = vehicle.vertical_rise_s, vehicle.pitchover_s
    k = kick_rad.shape[0]
    if t_s < tv:
        return np.broadcast_to(frame.up, (k, 3))
    if t_s < tv + tpo:
        el = 0.5 * np.pi - kick_rad * (t_s - tv) / tpo
        return np.cos(el)[:, None] * frame.downrange + np.sin(el)[:, None] * frame.up
    speed = np.linalg.norm(v, axis=-1, keepdims=True)
    along_v = v / np.maximum(speed, 1e-9)
    el_hold = 0.5 * np.pi - kick_rad
    hold = np.cos(el_hold)[:, None] * frame.downrange + np.sin(el_hold)[:, None] * frame.up
    steeper = along_v @ frame.up > np.sin(el_hold)
    return np.where(steeper[:, None], hold, along_v)


def boost_acceleration(
    vehicle: Vehicle, frame: LaunchFrame, stage: int, t_s: float, r: np.ndarray, v: np.ndarray, kick_rad: np.ndarray
) -> np.ndarray:
    """Total ECEF acceleration (K, 3) of the thrusting stack."""
    m = mass_kg(vehicle, stage, t_s)
    thrust = vehicle.stages[stage].thrust_n / m
    rho = density_kg_m3(approx_height_m(r))
    speed = np.linalg.norm(v, axis=-1)
    drag = (-0.5 * rho * speed * vehicle.body_cda_m2 / m)[:, None] * v
    return thrust * thrust_direction(vehicle, frame, t_s, v, kick_rad) + ballistic_acceleration_ecef(r, v) + drag


def boost_step(vehicle, frame, stage, t_s, h, r, v, kick_rad):
    """One RK4 step of length h (inside one stage) for all kicks: the NumPy reference of ``run_boost``."""

    def acc(dt, rr, vv):
        return boost_acceleration(vehicle, frame, stage, t_s + dt, rr, vv, kick_rad)

    a1 = acc(0.0, r, v)
    r2, v2 = r + 0.5 * h * v, v + 0.5 * h * a1
    a2 = acc(0.5 * h, r2, v2)
    r3, v3 = r + 0.5 * h * v2, v + 0.5 * h * a2
    a3 = acc(0.5 * h, r3, v3)
    r4, v4 = r + h * v3, v + h * a3
    a4 = acc(h, r4, v4)
    return r + h / 6.0 * (v + 2.0 * v2 + 2.0 * v3 + v4), v + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)


def boost_schedule(vehicle: Vehicle, dt_s: float, t_stop: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Node times (N,) from launch to t_stop (default full burn), every stage boundary a node, and the
    stage burning on each interval (N - 1,)."""
    starts = stage_times(vehicle)
    stop = starts[-1] if t_stop is None else min(float(t_stop), starts[-1])
    times, stages = [0.0], []
    for i in range(len(vehicle.stages)):
        t0, t1 = starts[i], min(starts[i + 1], stop)
        if t0 >= stop - 1e-9:
            break
        n = max(1, int(np.ceil((t1 - t0) / dt_s - 1e-9)))
        times.extend(t0 + (t1 - t0) * np.arange(1, n + 1) / n)
        stages.extend([i] * n)
    return np.array(times), np.array(stages, dtype=np.int64)


def run_boost(
    vehicle: Vehicle,
    frame: LaunchFrame,
    kick_rad: np.ndarray,
    t_nodes: np.ndarray,
    stage: np.ndarray,
    r0: np.ndarray | None = None,
    v0: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """States (K, N, 3) at the nodes for each kick (compiled kernel; ``boost_step`` is the NumPy reference).

    Starts from the pad at rest unless r0, v0 (K, 3) are given at t_nodes[0].
    """
    kick = np.atleast_1d(np.asarray(kick_rad, float))
    k = kick.shape[0]
    r0 = np.broadcast_to(frame.site_ecef, (k, 3)) if r0 is None else r0
    v0 = np.zeros((k, 3)) if v0 is None else v0
    starts = stage_times(vehicle)
    m_start = np.array([mass_kg(vehicle, i, starts[i]) for i in range(len(vehicle.stages))])
    return boost_nodes(
        np.ascontiguousarray(r0, float),
        np.ascontiguousarray(v0, float),
        kick,
        np.asarray(t_nodes, float),
        np.asarray(stage, np.int64),
        starts[:-1].copy(),
        np.array([s.thrust_n for s in vehicle.stages]),
        m_start,
        np.array([s.mass_flow_kg_s for s in vehicle.stages]),
        float(vehicle.body_cda_m2),
        np.ascontiguousarray(frame.up, float),
        np.ascontiguousarray(frame.downrange, float),
        float(vehicle.vertical_rise_s),
        float(vehicle.pitchover_s),
    )


@dataclass
class BoostHistory:
    """States at the nodes of the boost for K kicks: t (N,), r and v (K, N, 3), stage of the step starting at each node."""

    kick_rad: np.ndarray
    t_s: np.ndarray
    r: np.ndarray
    v: np.ndarray
    stage: np.ndarray


def integrate_boost(vehicle: Vehicle, frame: LaunchFrame, kick_rad: np.ndarray, dt_s: float = 1.0) -> BoostHistory:
    """Fly the full burn of every stage for each kick, recording every node."""
    kick = np.atleast_1d(np.asarray(kick_rad, float))
    t_nodes, stage = boost_schedule(vehicle, dt_s)
    r, v = run_boost(vehicle, frame, kick, t_nodes, stage)
    return BoostHistory(kick, t_nodes, r, v, np.append(stage, stage[-1]))
