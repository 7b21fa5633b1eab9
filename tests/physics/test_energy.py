"""Jacobi energy: batched over states, extra state components ignored, bad shapes named."""

import numpy as np
import pytest

from triwatch.physics.energy import jacobi_energy


def test_more_energy_for_the_faster_of_two_co_located_objects_and_extra_components_ignored():
    r = np.array([6.5e6, 0.0, 1.0e6])
    x = np.array([[*r, 0.0, 3000.0, 2000.0, 7.0], [*r, 0.0, 3100.0, 2000.0, -3.0]])
    P = np.stack([np.eye(7)] * 2)
    e, sd = jacobi_energy(x, P)
    assert e[1] > e[0] and np.all(sd > 0)
    e6, _ = jacobi_energy(x[:, :6], P[:, :6, :6])
    np.testing.assert_allclose(e, e6)


@pytest.mark.parametrize(
    "x, P", [(np.zeros(6), np.eye(6)), (np.zeros((2, 5)), np.zeros((2, 5, 5))), (np.ones((2, 6)), np.eye(6))]
)
def test_bad_shapes_are_refused_with_both_shapes(x, P):
    with pytest.raises(ValueError, match="jacobi_energy"):
        jacobi_energy(x, P)
