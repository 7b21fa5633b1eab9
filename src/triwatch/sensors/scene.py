"""The Scene: what sensors look at, at one instant.

The scenario builds one Scene per simulation tick from truth (every object in
flight: payloads and spent stages). Sensors read it to make detections; nothing
downstream of the sensors ever sees it. Arrays are aligned: row k of every array
describes object_ids[k].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.sensors.signatures import default_rcs_m2, ir_intensity_w_sr


@dataclass(frozen=True)
class Scene:
    """Truth at one instant, K objects (K may be 0).

    time_s: scenario time; r_ecef, v_ecef: (K, 3) m and m/s in ECEF;
    thrusting: (K,) bool, a boost plume is present; rcs_m2: (K,) radar
    cross-section; ir_w_sr: (K,) infrared radiant intensity (W/sr).
    """

    time_s: float
    object_ids: tuple[str, ...]
    r_ecef: np.ndarray
    v_ecef: np.ndarray
    thrusting: np.ndarray
    rcs_m2: np.ndarray
    ir_w_sr: np.ndarray

    def __post_init__(self) -> None:
        k = len(self.object_ids)
        checks = {
            "r_ecef": (self.r_ecef, (k, 3)),
            "v_ecef": (self.v_ecef, (k, 3)),
            "thrusting": (self.thrusting, (k,)),
            "rcs_m2": (self.rcs_m2, (k,)),
            "ir_w_sr": (self.ir_w_sr, (k,)),
        }
        for name, (arr, shape) in checks.items():
            if np.shape(arr) != shape:
                raise ValueError(
                    f"Scene at t={self.time_s}: {name} has shape {np.shape(arr)}, expected {shape} for {k} objects"
                )
        if k and not np.all(np.isfinite(self.r_ecef)):
            bad = [self.object_ids[i] for i in np.flatnonzero(~np.isfinite(self.r_ecef).all(axis=1))]
            raise ValueError(f"Scene at t={self.time_s}: non-finite position for objects {bad}")

    @property
    def size(self) -> int:
        return len(self.object_ids)

    @cached_property
    def altitude_m(self) -> np.ndarray:
        """(K,) geodetic heights, computed once per scene and shared by every sensor that looks at it."""
        if self.size == 0:
            return np.zeros(0)
        return np.atleast_1d(ecef_to_geodetic(self.r_ecef)[2])


def scene_from_states(
    time_s: float,
    object_ids: Sequence[str],
    r_ecef: np.ndarray,
    v_ecef: np.ndarray,
    thrusting: Sequence[bool] | np.ndarray,
    roles: Sequence[str],
) -> Scene:
    """A Scene whose signatures come from the public-order defaults of `signatures` by role ("rv" | "stage").

    A convenience for the scenario, tests and benchmarks: it fills rcs_m2 and ir_w_sr
    from each object's role and whether it is thrusting.
    """
    k = len(object_ids)
    thrusting = np.asarray(thrusting, bool).reshape(k)
    if len(roles) != k:
        raise ValueError(f"scene_from_states: {len(roles)} roles for {k} objects")
    rcs = np.array([default_rcs_m2(role) for role in roles], float)
    ir = np.array([ir_intensity_w_sr(role, bool(t)) for role, t in zip(roles, thrusting, strict=True)], float)
    return Scene(
        time_s=float(time_s),
        object_ids=tuple(object_ids),
        r_ecef=np.asarray(r_ecef, float).reshape(k, 3),
        v_ecef=np.asarray(v_ecef, float).reshape(k, 3),
        thrusting=thrusting,
        rcs_m2=rcs,
        ir_w_sr=ir,
    )
