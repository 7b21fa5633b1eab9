"""The Scene's checks and the public-order signatures."""

import numpy as np
import pytest

from triwatch.sensors.scene import Scene, scene_from_states
from triwatch.sensors.signatures import default_rcs_m2, ir_intensity_w_sr


def test_signatures_order_of_magnitude():
    assert default_rcs_m2("rv") < default_rcs_m2("stage")
    assert ir_intensity_w_sr("rv", True) == ir_intensity_w_sr("stage", True) > 1e3 * ir_intensity_w_sr("rv", False)
    assert ir_intensity_w_sr("rv", False) < ir_intensity_w_sr("stage", False)
    with pytest.raises(ValueError, match="unknown object role 'decoy'; known roles: rv, stage"):
        default_rcs_m2("decoy")


def test_scene_rejects_misshapen_arrays():
    with pytest.raises(ValueError, match=r"Scene at t=5.0: v_ecef has shape \(1, 3\), expected \(2, 3\)"):
        Scene(5.0, ("a", "b"), np.zeros((2, 3)), np.zeros((1, 3)), np.zeros(2, bool), np.ones(2), np.ones(2))
    with pytest.raises(ValueError, match=r"non-finite position for objects \['b'\]"):
        Scene(
            5.0,
            ("a", "b"),
            np.array([[7e6, 0, 0], [np.nan, 0, 0]]),
            np.zeros((2, 3)),
            np.zeros(2, bool),
            np.ones(2),
            np.ones(2),
        )
    with pytest.raises(ValueError, match="2 roles for 1 objects"):
        scene_from_states(0.0, ["a"], np.zeros((1, 3)), np.zeros((1, 3)), [False], ["rv", "rv"])


def test_scene_altitudes_computed_once():
    r = np.array([[6378137.0 + 100e3, 0.0, 0.0]])
    sc = scene_from_states(0.0, ["a"], r, np.zeros((1, 3)), [False], ["rv"])
    assert sc.altitude_m == pytest.approx([100e3])
    assert sc.altitude_m is sc.altitude_m  # cached: every sensor shares one computation
    assert sc.rcs_m2[0] == default_rcs_m2("rv") and sc.ir_w_sr[0] == ir_intensity_w_sr("rv", False)
