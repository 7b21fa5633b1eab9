"""The exercise loop: truth -> sensors -> detections (queued by report time) -> national nodes.

Per tick of `scenario.tick_s`: the scenario's faults are switched (links cut or
healed, nodes out of service; see `exercise.faults`), the truth scene is built, every
sensor observes it, detections wait in their nation's queue until their report time,
then every node in service tracks, receives, warns, receives again and commands. Truth identities of
detections stay here, in the observation log used for scoring only.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from triwatch.exercise.build import SimClock, build_nodes
from triwatch.exercise.faults import FaultSchedule
from triwatch.node.events import EventSink
from triwatch.node.national import NationalNode
from triwatch.scenario.schema import Scenario
from triwatch.scenario.truth import TruthWorld
from triwatch.sensors.factory import build_sensors

PICTURE_PERIOD_S = 10.0  # how often each node's picture is recorded for scoring and replay
Progress = Callable[[float, "ExerciseRun"], None]
TickHook = Callable[[float, "ExerciseRun"], None]


@dataclass
class ObservationRecord:
    """Which truth object (if any) caused a detection: for scoring, never for the nodes."""

    time_s: float
    nation: str
    sensor_id: str
    truth_id: str | None


@dataclass
class ExerciseRun:
    scenario: Scenario
    world: TruthWorld
    nodes: dict[str, NationalNode]
    events: EventSink
    observations: list[ObservationRecord] = field(default_factory=list)
    wall_time_s: float = 0.0
    sim_time_s: float = 0.0


def run_exercise(
    scenario: Scenario,
    out_dir: Path | None,
    *,
    progress: Progress | None = None,
    speed: float | None = None,
    on_tick: TickHook | None = None,
    on_start: Callable[[ExerciseRun], None] | None = None,
) -> ExerciseRun:
    """Run a scenario to its end; with out_dir, stream events and the audit log there.

    on_start(run) is called once the nodes exist (to subscribe to events); on_tick(t, run) at
    the start of every tick, before the nodes step (a live COP takes acknowledgements, holds a
    paused run and paces it there).
    """
    wall0 = time.perf_counter()
    world = TruthWorld.from_scenario(scenario)
    sensors = build_sensors(scenario.sensors, list(scenario.nations), scenario.epoch)
    # One stream per consumer, spawned from the seed: a nation's node run in its own process
    # (deployed fabric) draws exactly what it draws here.
    root = np.random.SeedSequence(scenario.seed)
    node_seeds, sensor_seeds = root.spawn(2)
    sensor_rngs = [np.random.default_rng(s) for s in sensor_seeds.spawn(len(sensors))]
    seeds = node_seeds.spawn(len(scenario.nations))
    events = EventSink(out_dir / "events.jsonl" if out_dir else None)
    clock = SimClock(scenario)
    audit_path = out_dir / "audit.sqlite" if out_dir else ":memory:"
    nodes, audit = build_nodes(scenario, clock, events, audit_path, [np.random.default_rng(s) for s in seeds], sensors)
    run = ExerciseRun(scenario, world, nodes, events)
    if on_start:
        on_start(run)
    queues: dict[str, list] = {n: [] for n in nodes}
    faults = FaultSchedule(scenario.faults)
    bus = next(iter(nodes.values())).endpoint.transport  # the shared in-process bus: it cuts and heals links
    order = itertools.count()  # tie-breaker so the heap never compares Detections
    n_ticks = int(np.floor(scenario.duration_s / scenario.tick_s)) + 1
    for k in range(n_ticks):
        t = k * scenario.tick_s
        clock.now_s = t
        if on_tick:
            on_tick(t, run)
        scene = world.scene_at(t)
        for sensor, rng in zip(sensors, sensor_rngs, strict=True):
            for obs in sensor.observe(scene, rng):
                d = obs.detection
                run.observations.append(ObservationRecord(d.time_s, d.nation, d.sensor_id, obs.truth_id))
                if d.nation in queues:
                    heapq.heappush(queues[d.nation], (d.report_time_s, next(order), d))
        faults.step(t, bus, events)
        up = {n: node for n, node in nodes.items() if not faults.down(n, t)}  # a node out of service does nothing
        for nation, node in nodes.items():
            due = []
            q = queues[nation]
            while q and q[0][0] <= t:
                due.append(heapq.heappop(q)[2])
            if nation in up:  # a down node's reports are lost: nobody is there to take them
                node.track(t, due)
        for node in up.values():
            node.receive(t)
        for node in up.values():
            node.warn(t)
        for node in up.values():
            node.receive(t)
        for node in up.values():
            node.command(t)
        if k % max(1, round(PICTURE_PERIOD_S / scenario.tick_s)) == 0:
            for node in up.values():
                node.snapshot(t)
        if progress:
            progress(t, run)
        if speed:
            lag = t / speed - (time.perf_counter() - wall0)
            if lag > 0:
                time.sleep(lag)
    for nation, node in nodes.items():
        if faults.down(nation, scenario.duration_s):
            continue
        node.receive(scenario.duration_s)
        node.endpoint.commit()  # handled: the last batch's receive rows go to the audit log
    run.sim_time_s = scenario.duration_s
    run.wall_time_s = time.perf_counter() - wall0
    events.close()
    audit.close()
    return run
