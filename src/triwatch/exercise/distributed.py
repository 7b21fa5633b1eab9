"""The exercise with one process per nation over NATS JetStream (`exercise run --fabric nats`).

The coordinator starts a local NATS server (one account per nation, TLS, generated keys),
writes each nation's deployment files and node configuration, spawns one `triwatch node`
per nation and steps them in lockstep on the scenario clock, exactly as
:func:`~triwatch.exercise.run.run_exercise` steps its in-process nodes: per tick every
node tracks, then every node receives, warns, receives again and commands, one node at a
time in nation order -- the phases that only send on all nodes at once (see
:mod:`triwatch.node.lockstep` for why that makes both runs issue the same warnings). The coordinator merges the nodes' events into the one run folder in the
order they happened, and keeps the truth world for scoring only.

Faults: ``kills`` lists ``(nation, down_at_s, up_at_s)``: the node process is killed
(SIGKILL) at the start of tick ``down_at_s`` and a fresh process is started at the start of
tick ``up_at_s`` (at once if ``up_at_s == down_at_s``).
While it is down its partners' messages wait in its JetStream stream; the fresh process first
rebuilds the state of the killed one (:mod:`triwatch.node.recovery`), then catches up.
``crashes`` lists ``(nation, at_s, phase, k)``: the node process dies in the middle of a sending
phase (track, warn, command, snapshot), right after its ``k``-th publish, in the first such phase
from the tick at ``at_s`` on that sends that many, and a fresh process runs the phase again
(:mod:`triwatch.exercise.node_crash`); a crash that never comes fails the run.
"""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from triwatch.exercise.distributed_faults import (
    NatsLinks,
    check_crashes,
    crashes_came,
    crashes_due,
    crashes_left,
    scenario_faults,
)
from triwatch.exercise.distributed_lockstep import Lockstep, RemoteNode
from triwatch.exercise.node_fleet import NodeFleet, NodeProcessError, quiet_tls_eof_warning
from triwatch.exercise.run import PICTURE_PERIOD_S, ExerciseRun
from triwatch.fabric import KeyRing, ReleasePolicy
from triwatch.fabric.deploy import prepare_deployment
from triwatch.fabric.nats_server import LocalNatsServer
from triwatch.node.events import EventSink
from triwatch.scenario.loader import load_scenario
from triwatch.scenario.truth import TruthWorld

Progress = Callable[[float, ExerciseRun], None]


def run_distributed(
    scenario_file: Path,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    speed: float | None = None,
    timeout_s: float = 60.0,
    kills: list[tuple[str, float, float]] | None = None,
    crashes: list[tuple[str, float, str, int]] | None = None,
    on_start: Callable[[ExerciseRun], None] | None = None,
    on_tick: Progress | None = None,
) -> ExerciseRun:
    """Run a scenario file with one node process per nation over a local NATS server; write the run folder.

    ``on_start(run)`` once the node processes are up (``run.events`` merges their events as they
    come; ``run.nodes`` maps each nation to a :class:`RemoteNode` until the end, when it holds
    their outcomes) and ``on_tick(t, run)`` at the start of every tick: the hooks of
    :func:`~triwatch.exercise.run.run_exercise`, for the live COP (``--serve``).

    Raises ScenarioError for a bad scenario, ValueError for a bad kill or crash plan, NodeProcessError
    when a node fails (or a planned crash does not come); every process it started is stopped whatever happens.
    """
    wall0 = time.perf_counter()
    quiet_tls_eof_warning()
    sc = load_scenario(scenario_file)
    nations = list(sc.nations)
    schedule, scenario_kills = scenario_faults(sc)
    kills = _check_kills((kills or []) + scenario_kills, nations, sc.duration_s)
    planned = check_crashes(crashes or [], nations, sc.duration_s)
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario_copy = out_dir / "scenario.yaml"  # the nodes read the very file the run folder keeps
    if Path(scenario_file).resolve() != scenario_copy.resolve():
        shutil.copyfile(scenario_file, scenario_copy)
    policy = ReleasePolicy.from_config(nations, sc.policy, topology=sc.topology)
    run = ExerciseRun(sc, TruthWorld.from_scenario(sc), {}, EventSink(out_dir / "events.jsonl"))
    previous = _stop_on_sigterm()
    try:
        with (
            LocalNatsServer(nations, topology=sc.topology, hub=policy.hub, tls=True) as server,
            NodeFleet(out_dir) as fleet,
        ):
            paths = prepare_deployment(out_dir / "fabric", server, KeyRing.generate(nations))
            configs = {
                n: fleet.node_config(n, scenario_copy, paths[n], out_dir / "audit.sqlite", timeout_s) for n in nations
            }
            for n in nations:
                fleet.start(n, configs[n])
            _write_processes(out_dir, server, fleet)
            fleet.connect()
            step = Lockstep(fleet, run, timeout_s)
            run.nodes = {n: RemoteNode(step, n) for n in nations}
            if on_start:
                on_start(run)

            def restart(nation: str) -> None:
                fleet.kill(nation)  # a crashed process: reaped, its connection closed
                fleet.start(nation, configs[nation])
                _write_processes(out_dir, server, fleet)
                fleet.connect()
                step.recover(nation)

            def tick_start(t: float) -> None:
                if on_tick:  # where the in-process run calls it: before the tick's faults and phases
                    on_tick(t, run)
                if schedule is not None:  # the in-process run switches faults at the same point
                    schedule.step(t, NatsLinks(server, step), run.events)

            _drive(sc, step, fleet, restart, (kills, planned), progress, speed, wall0, tick_start)
            if planned:  # which crashes came, where (each one checked to have come in its phase)
                (out_dir / "crashes.json").write_text(json.dumps(step.crashes, indent=2) + "\n", encoding="utf-8")
            step.phase("receive", sc.duration_s, nations)
            run.nodes = {n: step.finish(n) for n in nations}
            for handle in fleet.nodes.values():
                handle.process.wait(30)
    finally:
        _restore_sigterm(previous)
        run.events.close()
    run.sim_time_s = sc.duration_s
    run.wall_time_s = time.perf_counter() - wall0
    return run


@dataclass
class Kill:
    """A node process crash: killed (SIGKILL) at the start of tick ``down_at_s`` and started afresh at
    the start of tick ``up_at_s`` (at once if equal); in between the node does nothing (its sensors'
    reports that come due are lost), as a scenario's ``node-down`` fault over ``[down_at_s, up_at_s)``."""

    nation: str
    down_at_s: float
    up_at_s: float
    done: bool = False


def _drive(sc, step: Lockstep, fleet: NodeFleet, restart, faults, progress, speed, wall0, tick_start) -> None:
    kills, crashes = faults
    nations = list(sc.nations)
    down: dict[str, Kill] = {}
    n_ticks = int(np.floor(sc.duration_s / sc.tick_s)) + 1
    snapshot_every = max(1, round(PICTURE_PERIOD_S / sc.tick_s))
    for k in range(n_ticks):
        t = k * sc.tick_s
        tick_start(t)
        for kill in kills:
            if not kill.done and t >= kill.down_at_s:
                kill.done = True
                fleet.kill(kill.nation)
                down[kill.nation] = kill
        for nation, kill in list(down.items()):
            if t >= kill.up_at_s:
                restart(nation)
                down.pop(nation)
        for nation in down:
            step.skip(nation, t)
        up = [n for n in nations if n not in down]
        for op in ("track", "receive", "warn", "receive", "command") + (
            ("snapshot",) if k % snapshot_every == 0 else ()
        ):
            crashes_came(crashes, op, step.phase(op, t, up, crashes_due(crashes, t, op, up), restart))
        if progress:
            progress(t, step.run)
        if speed:
            lag = t / speed - (time.perf_counter() - wall0)
            if lag > 0:
                time.sleep(lag)
    if down:
        raise NodeProcessError(f"{', '.join(sorted(down))} still down at the end of the run (kill plan)")
    if left := crashes_left(crashes):
        raise NodeProcessError(f"planned crashes that never came: {'; '.join(left)}")


def _check_kills(kills: list[tuple[str, float, float]], nations: list[str], duration_s: float) -> list[Kill]:
    out = []
    for i, (nation, down_at, up_at) in enumerate(kills):
        if nation not in nations:
            raise ValueError(f"kills[{i}]: {nation} is not one of the scenario's nations {nations}")
        if not 0 <= down_at <= up_at <= duration_s:
            raise ValueError(f"kills[{i}]: need 0 <= down_at_s <= up_at_s <= duration_s, got {down_at}, {up_at}")
        if any(k.nation == nation for k in out):
            raise ValueError(f"kills[{i}]: one kill per nation and run ({nation} twice)")
        out.append(Kill(nation, float(down_at), float(up_at)))
    return out


def _write_processes(out_dir: Path, server: LocalNatsServer, fleet: NodeFleet) -> None:
    """processes.json: the pids this run started (to check that none outlives it)."""
    pids = {"nats-server": server.process.pid if server.process else None, **fleet.pids()}
    (out_dir / "processes.json").write_text(json.dumps(pids, indent=2) + "\n", encoding="utf-8")


def _stop_on_sigterm():
    """Turn SIGTERM into KeyboardInterrupt while the run goes, so the clean-up runs as for Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    return signal.signal(signal.SIGTERM, interrupt)


def _restore_sigterm(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)
