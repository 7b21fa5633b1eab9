"""The simulated sensors of some nations, as one node process of a deployed exercise sees them.

A nation's node run in its own process must get exactly the detections the one-process
exercise (:func:`triwatch.exercise.run.run_exercise`) hands it, so that both runs issue the
same warnings. That holds because random draws are split per consumer: the scenario seed
spawns ``(node_seeds, sensor_seeds)`` and ``sensor_seeds`` spawns one stream per sensor in
file order, so sensor *i* draws the same numbers whichever other sensors run beside it.

The feed holds the truth world (it is the exercise side of the process, like
``run_exercise``); it hands the node only Detections, and keeps which truth object caused
each one in :class:`ObservationRecord` s for scoring.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable

import numpy as np

from triwatch.exercise.run import ObservationRecord
from triwatch.scenario.schema import Scenario
from triwatch.scenario.truth import TruthWorld
from triwatch.sensors.base import Sensor
from triwatch.sensors.detection import Detection
from triwatch.sensors.factory import build_sensors


def seed_streams(
    scenario: Scenario, n_sensors: int
) -> tuple[list[np.random.SeedSequence], list[np.random.SeedSequence]]:
    """(one seed per nation's node, one seed per sensor): the split run_exercise uses."""
    node_seeds, sensor_seeds = np.random.SeedSequence(scenario.seed).spawn(2)
    return node_seeds.spawn(len(scenario.nations)), sensor_seeds.spawn(n_sensors)


class SensorFeed:
    """The sensors of ``nations`` observing the truth world; detections released at their report time."""

    def __init__(self, scenario: Scenario, nations: Iterable[str], world: TruthWorld | None = None) -> None:
        wanted = set(nations)
        unknown = wanted - set(scenario.nations)
        if unknown:
            raise ValueError(f"SensorFeed.nations: {sorted(unknown)} not among the scenario's {scenario.nations}")
        self.world = world or TruthWorld.from_scenario(scenario)
        self.all_sensors: list[Sensor] = build_sensors(scenario.sensors, list(scenario.nations), scenario.epoch)
        _, sensor_seeds = seed_streams(scenario, len(self.all_sensors))
        # Only our nations' sensors observe; each keeps the stream of its index in the full list.
        self._mine = [
            (s, np.random.default_rng(seed))
            for s, seed in zip(self.all_sensors, sensor_seeds, strict=True)
            if s.nation in wanted
        ]
        self._queues: dict[str, list] = {n: [] for n in scenario.nations if n in wanted}
        self._order = itertools.count()  # heap tie-breaker, in sensor order as run_exercise does

    def sensors_of(self, nation: str) -> list[Sensor]:
        return [s for s in self.all_sensors if s.nation == nation]

    def step(self, t: float) -> tuple[dict[str, list[Detection]], list[ObservationRecord]]:
        """Observe the scene at t; return each nation's detections due by t, and the truth records."""
        scene = self.world.scene_at(t)
        records: list[ObservationRecord] = []
        for sensor, rng in self._mine:
            for obs in sensor.observe(scene, rng):
                d = obs.detection
                records.append(ObservationRecord(d.time_s, d.nation, d.sensor_id, obs.truth_id))
                heapq.heappush(self._queues[d.nation], (d.report_time_s, next(self._order), d))
        due: dict[str, list[Detection]] = {}
        for nation, q in self._queues.items():
            out = []
            while q and q[0][0] <= t:
                out.append(heapq.heappop(q)[2])
            due[nation] = out
        return due, records
