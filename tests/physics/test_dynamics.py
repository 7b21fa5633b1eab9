"""Equations of motion: energy (Jacobi) conservation, J2 sign and size, drag only in the air, kernels = reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.geo.wgs84 import A_M, GM_M3_S2, J2, OMEGA_RAD_S
from triwatch.physics import kernels
from triwatch.physics.atmosphere import density_kg_m3
from triwatch.physics.dynamics import coast_acceleration
from triwatch.physics.gravity import gravity_j2
from triwatch.physics.propagate import rk4_step


def jacobi(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Jacobi integral in the rotating frame with the J2 potential: v^2/2 + U(r) - w^2 (x^2 + y^2) / 2."""
    rn = np.linalg.norm(r, axis=-1)
    sin_lat = r[..., 2] / rn
    u = -GM_M3_S2 / rn * (1.0 - J2 * (A_M / rn) ** 2 * 0.5 * (3.0 * sin_lat**2 - 1.0))
    return 0.5 * np.sum(v * v, axis=-1) + u - 0.5 * OMEGA_RAD_S**2 * (r[..., 0] ** 2 + r[..., 1] ** 2)


def ballistic_start() -> tuple[np.ndarray, np.ndarray]:
    """A burnout-like state: 200 km up over North Korea, 5.3 km/s at 30 deg climb, heading east-north-east."""
    lat, lon = math.radians(40.0), math.radians(127.0)
    r = geodetic_to_ecef(lat, lon, 200e3)
    up = r / np.linalg.norm(r)
    east = np.array([-math.sin(lon), math.cos(lon), 0.0])
    north = np.cross(up, east)
    horiz = math.sin(math.radians(75)) * east + math.cos(math.radians(75)) * north
    v = 5300.0 * (math.cos(math.radians(30)) * horiz + math.sin(math.radians(30)) * up)
    return r, v


def test_vacuum_flight_conserves_the_jacobi_integral():
    r0, v0 = ballistic_start()
    t, s, n, landed = kernels.coast_to_ground(
        r0[None], v0[None], np.zeros(1), np.zeros(1), np.zeros(1), 1.0, 10.0, 7000.0, 5000.0, 20000
    )
    assert landed[0] and 900.0 < t[0, n[0] - 1] < 2000.0  # an IRBM-like arc, ground to ground
    c = jacobi(s[0, : n[0], :3], s[0, : n[0], 3:])
    assert np.max(np.abs(c - c[0])) / abs(c[0]) < 1e-9


def test_reference_rk4_conserves_the_jacobi_integral_too():
    r, v = ballistic_start()
    r, v = r[None], v[None]
    c0 = jacobi(r, v)
    for _ in range(100):
        r, v = rk4_step(r, v, 5.0)
    assert abs(jacobi(r, v)[0] - c0[0]) / abs(c0[0]) < 1e-9


def test_j2_pulls_harder_at_the_equator_and_less_at_the_pole():
    rad = A_M + 500e3
    g0 = GM_M3_S2 / rad**2
    eq = gravity_j2(np.array([rad, 0.0, 0.0]))
    pole = gravity_j2(np.array([0.0, 0.0, rad]))
    # Closed form of the J2 field on the axes: g_eq = g0 (1 + 1.5 J2 (a/r)^2), g_pole = g0 (1 - 3 J2 (a/r)^2)
    assert -eq[0] == pytest.approx(g0 * (1 + 1.5 * J2 * (A_M / rad) ** 2), rel=1e-12)
    assert -pole[2] == pytest.approx(g0 * (1 - 3.0 * J2 * (A_M / rad) ** 2), rel=1e-12)
    # At 45 deg J2 pulls towards the equator plane: a_z = a0_z (1 - 1.5 J2 (a/r)^2 (5/2 - 3)) = a0_z (1 + 0.75 J2 (a/r)^2)
    p = rad * np.array([math.cos(math.pi / 4), 0.0, math.sin(math.pi / 4)])
    a = gravity_j2(p)
    a0 = -GM_M3_S2 * p / rad**3
    assert a[2] < a0[2]
    assert a[2] / a0[2] - 1.0 == pytest.approx(0.75 * J2 * (A_M / rad) ** 2, rel=1e-9)


def test_j2_regresses_the_orbit_node_at_the_textbook_rate():
    # Circular orbit, 45 deg inclination: dOmega/dt = -1.5 n J2 (a/p)^2 cos i (inertial frame, gravity only).
    rad, inc = A_M + 700e3, math.radians(45.0)
    n = math.sqrt(GM_M3_S2 / rad**3)
    r = np.array([[rad, 0.0, 0.0]])
    v = np.array([[0.0, math.cos(inc), math.sin(inc)]]) * math.sqrt(GM_M3_S2 / rad)
    period = 2 * math.pi / n
    steps = 600
    for _ in range(steps):
        r, v = rk4_step(r, v, period / steps, lambda rr, vv: gravity_j2(rr))
    h = np.cross(r[0], v[0])
    node = math.atan2(h[0], -h[1])
    expected = -1.5 * n * J2 * (A_M / rad) ** 2 * math.cos(inc) * period
    assert node < 0.0
    assert node == pytest.approx(expected, rel=0.1)


def test_kernel_acceleration_matches_numpy_reference():
    rng = np.random.default_rng(3)
    r = geodetic_to_ecef(rng.uniform(-1.2, 1.2, 50), rng.uniform(-3, 3, 50), rng.uniform(0, 900e3, 50))
    v = rng.normal(0, 3000.0, (50, 3))
    inv_beta = rng.uniform(0, 1e-3, 50)
    ref = coast_acceleration(r, v, inv_beta)
    got = np.array([kernels.coast_accel(*r[k], *v[k], inv_beta[k]) for k in range(50)])
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-12)


def drag_only(h_m: float, inv_beta: float) -> tuple[np.ndarray, np.ndarray]:
    r = geodetic_to_ecef(math.radians(38.0), math.radians(130.0), h_m)
    v = np.array([2000.0, -3000.0, -1500.0])
    with_drag = np.array(kernels.coast_accel(*r, *v, inv_beta))
    without = np.array(kernels.coast_accel(*r, *v, 0.0))
    return with_drag - without, v


def test_drag_is_zero_above_100_km():
    for h in (101e3, 150e3, 500e3):
        d, _ = drag_only(h, 1.0 / 500.0)
        assert np.all(d == 0.0)
    assert density_kg_m3(100.5e3) == 0.0


def test_drag_decelerates_below_100_km_with_rho_v2_over_2beta():
    for h in (20e3, 50e3, 90e3):
        d, v = drag_only(h, 1.0 / 5000.0)
        speed = np.linalg.norm(v)
        assert np.dot(d, v) < 0.0
        np.testing.assert_allclose(np.cross(d, v), 0.0, atol=1e-9 * np.linalg.norm(d) * speed)
        # radial height differs from geodetic by metres: compare with a 1 % tolerance on density
        assert np.linalg.norm(d) == pytest.approx(density_kg_m3(h) * speed**2 / (2 * 5000.0), rel=0.01)


def test_standard_atmosphere_values():
    assert density_kg_m3(0.0) == pytest.approx(1.225)
    assert density_kg_m3(11e3) == pytest.approx(0.3639, rel=0.03)  # tropopause, US 1976
    assert density_kg_m3(50e3) == pytest.approx(1.027e-3, rel=1e-3)
    h = np.linspace(0, 100e3, 201)
    assert np.all(np.diff(density_kg_m3(h)) < 0.0)
