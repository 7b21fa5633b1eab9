"""Launch from the coast: the mirrored forward flight equals the backward flight in the rotating frame."""

from __future__ import annotations

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.geo.wgs84 import OMEGA_RAD_S
from triwatch.physics.gravity import gravity_j2, rotating_frame_acceleration
from triwatch.physics.propagate import propagate_to_impact, propagate_to_impact_reference
from triwatch.tracking.characterise import MIRROR, launch_from_coast
from triwatch.tracking.earth import geodetic_of


def _backward_acceleration(r: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The time-reversed equation of motion: gravity and centrifugal term kept, Coriolis flipped."""
    return gravity_j2(r) + rotating_frame_acceleration(r, v, omega=-OMEGA_RAD_S)


def _climbing_states() -> np.ndarray:
    """Three coasting states on their way up: 300 km over Korea, 150 km over the Sea of Japan, 900 km mid-Pacific."""
    out = []
    for lat, lon, h, v_up, v_east, v_north in [
        (39.0, 126.0, 300e3, 2500.0, 3000.0, 500.0),
        (40.0, 133.0, 150e3, 1500.0, -1200.0, 2000.0),
        (35.0, 170.0, 900e3, 1000.0, 5000.0, -1500.0),
    ]:
        la, lo = np.radians(lat), np.radians(lon)
        r = geodetic_to_ecef(la, lo, h)
        up = r / np.linalg.norm(r)
        east = np.array([-np.sin(lo), np.cos(lo), 0.0])
        north = np.cross(up, east)
        out.append(np.concatenate([r, v_up * up + v_east * east + v_north * north]))
    return np.array(out)


def test_mirrored_forward_flight_lands_where_the_backward_flight_does():
    x = _climbing_states()
    r_ref, t_ref = propagate_to_impact_reference(x[:, :3], -x[:, 3:], dt_s=1.0, accel=_backward_acceleration)
    r_mir, t_mir = propagate_to_impact(MIRROR * x[:, :3], -MIRROR * x[:, 3:], dt_s=1.0)
    assert np.all(np.isfinite(t_ref)) and np.all(t_ref > 60.0)
    np.testing.assert_allclose(MIRROR * r_mir, r_ref, atol=300.0)  # two integrators, steps of 1 s against adaptive
    np.testing.assert_allclose(t_mir, t_ref, atol=0.5)


def test_launch_from_coast_of_a_sharp_state_is_its_backward_flight():
    x = _climbing_states()
    P = np.repeat(np.diag([1.0, 1.0, 1.0, 1e-4, 1e-4, 1e-4])[None], 3, axis=0)  # 1 m, 1 cm/s
    t = np.array([400.0, 300.0, 900.0])
    r_ref, t_ref = propagate_to_impact_reference(x[:, :3], -x[:, 3:], dt_s=1.0, accel=_backward_acceleration)
    for est, r, tb, t_now in zip(launch_from_coast(x, P, t), r_ref, t_ref, t, strict=True):
        lat, lon, _ = geodetic_of(r)
        assert abs(est.lat_rad - lat) * 6.371e6 < 300.0
        assert abs(est.lon_rad - lon) * 6.371e6 * np.cos(lat) < 300.0
        assert abs(est.time_s - (t_now - tb)) < 0.5


def test_launch_from_coast_of_a_falling_state_that_never_left_the_ground_above_is_none():
    x = _climbing_states()[:1]
    x[0, 3:] *= -20.0  # falling at 80 km/s: flown back it climbs away and never comes down within 5000 s
    assert launch_from_coast(x, np.eye(6)[None], np.array([0.0])) == [None]
