"""What every sensor is: the Sensor protocol and the Observation it returns.

A sensor looks at a Scene and returns Observations. Each holds a Detection (what
the tracker will get: measurement, noise covariance, sensor and nation, never
truth) and, kept apart for scoring only, the truth id that caused it (None for a
false alarm). The simulation strips truth_id before anything crosses to a node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from triwatch.sensors.detection import Detection
from triwatch.sensors.scene import Scene

SENSOR_KINDS = ("radar", "ir-geo", "ir-leo")


@dataclass(frozen=True)
class Observation:
    """A detection plus, for scoring only, which scene object caused it (None: false alarm)."""

    detection: Detection
    truth_id: str | None


@runtime_checkable
class Sensor(Protocol):
    """A sensor of one nation. It decides itself whether a scan or revisit is due at scene.time_s.

    Report latencies differ between sensors (2-4 s here), so detections reach a node out of
    measurement order; a consumer that needs time order holds a window of the largest latency_s.
    """

    sensor_id: str
    nation: str
    kind: str

    @property
    def latency_s(self) -> float: ...

    def observe(self, scene: Scene, rng: np.random.Generator) -> list[Observation]: ...

    def position_ecef(self, t_s: float) -> np.ndarray: ...

    def can_see(self, r_ecef: np.ndarray, t_s: float) -> np.ndarray: ...

    def descriptor(self) -> dict: ...


class RevisitClock:
    """Decides when a sensor's next look is due, for a sensor called every simulation tick.

    A look is due at the first call with t >= last look + revisit (a small tolerance
    absorbs float ticks). If time runs backwards (a new run with the same sensor
    objects), the clock starts over, so a replay gives the same looks.
    """

    def __init__(self, revisit_s: float, phase_s: float = 0.0) -> None:
        if revisit_s <= 0:
            raise ValueError(f"revisit must be > 0 s, got {revisit_s}")
        self.revisit_s = float(revisit_s)
        self.phase_s = float(phase_s)
        self._last: float | None = None

    def due(self, t_s: float) -> bool:
        if self._last is not None and t_s < self._last:
            self._last = None
        if self._last is None:
            if t_s + 1e-6 < self.phase_s:
                return False
            self._last = t_s
            return True
        if t_s - self._last >= self.revisit_s - 1e-6:
            self._last = t_s
            return True
        return False
