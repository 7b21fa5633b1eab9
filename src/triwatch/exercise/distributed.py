"""The exercise with one process per nation over NATS JetStream (`exercise run --fabric nats`).

The coordinator starts a local NATS server (one account per nation, TLS, generated keys),
writes each nation's deployment files and node configuration, spawns one `triwatch node`
per nation and steps them in lockstep on the scenario clock, exactly as
:func:`~triwatch.exercise.run.run_exercise` steps its in-process nodes: per tick every
node tracks, then every node receives, warns, receives again and commands, one node at a
time in nation order (see :mod:`triwatch.node.lockstep` for why that makes both runs issue
the same warnings). The coordinator merges the nodes' events into the one run folder in the
order they happened, and keeps the truth world for scoring only.

Faults: ``kills`` lists ``(nation, down_at_s, up_at_s)``: the node process is killed
(SIGKILL) in tick ``down_at_s`` right after it has taken its partners' messages, and a fresh
process is started at the start of tick ``up_at_s`` (at once if ``up_at_s == down_at_s``).
While it is down its partners' messages wait in its JetStream stream; the fresh process first
rebuilds the state of the killed one (:mod:`triwatch.node.recovery`), then catches up.
"""

from __future__ import annotations

import json
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from triwatch.exercise.node_fleet import NodeFleet, NodeProcessError, quiet_tls_eof_warning
from triwatch.exercise.run import PICTURE_PERIOD_S, ExerciseRun, ObservationRecord
from triwatch.fabric import KeyRing, ReleasePolicy
from triwatch.fabric.deploy import prepare_deployment
from triwatch.fabric.nats_server import LocalNatsServer
from triwatch.messages import WarningReport, from_payload
from triwatch.node.events import EventSink
from triwatch.scenario.loader import load_scenario
from triwatch.scenario.truth import TruthWorld

Progress = Callable[[float, ExerciseRun], None]


@dataclass
class NodeOutcome:
    """What a node process reports at the end of the run: what the run summary reads of a node."""

    nation: str
    reports_processed: int
    stats: dict
    delivered_warnings: list[WarningReport] = field(default_factory=list)

    def fabric_stats(self) -> dict:
        return self.stats


class Lockstep:
    """Steps the node processes through each phase; keeps what is in flight to each and each one's phase log.

    The log (``[op, t, expect]`` per phase a node ran, ``["skip", t, 0]`` per tick it was down) and
    what it reported sending per hop are what a restarted node needs to rebuild its state
    (:func:`triwatch.exercise.node_process.recover`).
    """

    def __init__(self, fleet: NodeFleet, run: ExerciseRun, timeout_s: float) -> None:
        self.fleet = fleet
        self.run = run
        self.timeout_s = timeout_s
        nations = run.scenario.nations
        self.in_flight: dict[str, int] = {n: 0 for n in nations}
        self.log: dict[str, list[list]] = {n: [] for n in nations}
        self.sent: dict[str, Counter[str]] = {n: Counter() for n in nations}

    def phase(self, op: str, t: float, nations: list[str], *, then: Callable[[str], None] | None = None) -> None:
        """Run one phase on each of ``nations`` in turn (receive phases take what is in flight to them);
        ``then(nation)`` runs right after each node's turn, before the next node's."""
        for nation in nations:
            msg: dict = {"op": op, "t": t}
            if op == "receive":
                msg["expect"] = self.in_flight[nation]
                self.in_flight[nation] = 0
            reply = self.absorb(self.fleet.nodes[nation].call(msg, self.timeout_s))
            self.sent[nation].update(reply.get("sent", {}))
            self.log[nation].append([op, t, msg.get("expect", 0)])
            if then is not None:
                then(nation)

    def skip(self, nation: str, t: float) -> None:
        """The nation's node is down for tick t: its sensors still observe (the draws go on)."""
        self.log[nation].append(["skip", t, 0])

    def recover(self, nation: str) -> dict:
        """Have a freshly started node rebuild its state from its log and its JetStream stream."""
        msg = {"op": "recover", "log": self.log[nation], "sent": dict(self.sent[nation])}
        return self.absorb(self.fleet.nodes[nation].call(msg, self.timeout_s * 4))

    def absorb(self, reply: dict) -> dict:
        for hop, count in reply.get("sent", {}).items():
            self.in_flight[hop] += count
        for event in reply.get("events", []):
            self.run.events.append(event)
        for time_s, nation, sensor, truth_id in reply.get("observations", []):
            self.run.observations.append(ObservationRecord(time_s, nation, sensor, truth_id))
        return reply

    def finish(self, nation: str) -> NodeOutcome:
        reply = self.absorb(self.fleet.nodes[nation].call({"op": "finish"}, self.timeout_s))
        return NodeOutcome(
            nation,
            reply["reports_processed"],
            reply["stats"],
            [from_payload(w, WarningReport) for w in reply["delivered"]],
        )


def run_distributed(
    scenario_file: Path,
    out_dir: Path,
    *,
    progress: Progress | None = None,
    speed: float | None = None,
    timeout_s: float = 60.0,
    kills: list[tuple[str, float, float]] | None = None,
) -> ExerciseRun:
    """Run a scenario file with one node process per nation over a local NATS server; write the run folder.

    Raises ScenarioError for a bad scenario, ValueError for a bad kill plan, NodeProcessError
    when a node fails; every process it started is stopped whatever happens.
    """
    wall0 = time.perf_counter()
    quiet_tls_eof_warning()
    sc = load_scenario(scenario_file)
    nations = list(sc.nations)
    kills = _check_kills(kills or [], nations, sc.duration_s)
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

            def restart(nation: str) -> None:
                fleet.start(nation, configs[nation])
                _write_processes(out_dir, server, fleet)
                fleet.connect()
                step.recover(nation)

            _drive(sc, step, fleet, restart, kills, progress, speed, wall0)
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
    """A node process crash: killed (SIGKILL) at tick ``down_at_s`` right after it took its partners'
    messages, and started afresh at tick ``up_at_s`` (at once, within the same tick, if equal)."""

    nation: str
    down_at_s: float
    up_at_s: float
    done: bool = False


def _drive(sc, step: Lockstep, fleet: NodeFleet, restart, kills: list[Kill], progress, speed, wall0) -> None:
    nations = list(sc.nations)
    down: dict[str, Kill] = {}
    n_ticks = int(np.floor(sc.duration_s / sc.tick_s)) + 1
    snapshot_every = max(1, round(PICTURE_PERIOD_S / sc.tick_s))

    def crash_after_receiving(t: float):
        def then(nation: str) -> None:
            for kill in kills:
                if kill.nation == nation and not kill.done and t >= kill.down_at_s:
                    kill.done = True
                    fleet.kill(nation)
                    down[nation] = kill
                    if kill.up_at_s <= t:
                        restart(nation)
                        down.pop(nation)

        return then

    for k in range(n_ticks):
        t = k * sc.tick_s
        for nation, kill in list(down.items()):
            if t >= kill.up_at_s:
                restart(nation)
                down.pop(nation)
        for nation in down:
            step.skip(nation, t)
        step.phase("track", t, [n for n in nations if n not in down])
        step.phase("receive", t, [n for n in nations if n not in down], then=crash_after_receiving(t))
        for op in ("warn", "receive", "command") + (("snapshot",) if k % snapshot_every == 0 else ()):
            step.phase(op, t, [n for n in nations if n not in down])
        if progress:
            progress(t, step.run)
        if speed:
            lag = t / speed - (time.perf_counter() - wall0)
            if lag > 0:
                time.sleep(lag)
    if down:
        raise NodeProcessError(f"{', '.join(sorted(down))} still down at the end of the run (kill plan)")


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
