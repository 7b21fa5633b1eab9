import numpy as np

from triwatch.geo.frames import ecef_to_geodetic, geodetic_to_ecef
from triwatch.physics.propagate import propagate_to_impact, propagate_to_impact_reference


def test_compiled_impact_search_matches_the_numpy_reference():
    r = geodetic_to_ecef(np.radians(40.0), np.radians(130.0), 300e3)
    up = r / np.linalg.norm(r)
    east = np.cross([0.0, 0.0, 1.0], up)
    east /= np.linalg.norm(east)
    rng = np.random.default_rng(0)
    R = np.tile(r, (5, 1))
    V = np.tile(up * 2000 + east * 3000, (5, 1)) + rng.normal(0, 20, (5, 3))
    fast_r, fast_t = propagate_to_impact(R, V)
    ref_r, ref_t = propagate_to_impact_reference(R, V)
    assert np.max(np.linalg.norm(fast_r - ref_r, axis=1)) < 5.0  # metres
    assert np.max(np.abs(fast_t - ref_t)) < 0.01
    _, _, h = ecef_to_geodetic(fast_r)
    assert np.all(np.abs(h) < 1.0)


def test_objects_already_down_or_escaping():
    r = geodetic_to_ecef(np.radians(40.0), np.radians(130.0), 0.0)
    up = r / np.linalg.norm(r)
    R = np.array([r - 10 * up, r + 100e3 * up])
    V = np.array([np.zeros(3), up * 12e3])  # the second leaves the Earth
    hit_r, hit_t = propagate_to_impact(R, V, max_time_s=2000.0)
    assert hit_t[0] == 0.0 and np.isnan(hit_t[1]) and np.all(np.isnan(hit_r[1]))
