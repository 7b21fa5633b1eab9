"""One nation's node in its own process, on the deployed NATS fabric (`triwatch node`).

The process holds the nation's node (tracker, endpoint, picture, alerts, C2) and, on the
exercise side, the nation's simulated sensors (:class:`~triwatch.exercise.feed.SensorFeed`;
the node only ever gets their Detections). Scenario time advances in one of two ways:

- **lockstep**: an exercise coordinator (:mod:`triwatch.exercise.distributed`) sends one
  command per phase -- ``{"op": "track" | "receive" | "warn" | "command" | "snapshot", "t": t}``
  (``receive`` also carries ``segments``, ``[[link sender, count], ...]``: what partners sent it
  since its last receive, in the order the in-process bus would deliver it) -- and the node answers ``{"ok": true, "sent": {hop: n}, "events": [...],
  "observations": [...]}``. ``{"op": "finish"}`` closes the run: the node answers with what
  the run summary needs (reports processed, fabric stats, warnings delivered) and exits.
  The control connection is a ``multiprocessing.connection`` socket (HMAC challenge with the
  shared ``authkey``) carrying JSON documents.
- **wall**: free-running, as a real deployment: each tick when the wall clock reaches it, the
  node senses, tracks, takes whatever has arrived, warns and acknowledges, until the
  scenario's end.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Client, Connection
from pathlib import Path

import numpy as np

from triwatch.exercise.build import SimClock, make_node
from triwatch.exercise.feed import SensorFeed, seed_streams
from triwatch.exercise.node_crash import CrashAfterSends
from triwatch.exercise.node_fleet import quiet_tls_eof_warning
from triwatch.exercise.run import PICTURE_PERIOD_S
from triwatch.fabric import AuditLog, ReleasePolicy
from triwatch.fabric.deploy import connect_endpoint
from triwatch.messages import to_payload
from triwatch.node.events import EventSink, to_json
from triwatch.node.lockstep import LockstepError, LockstepInbox, link_sender_rule
from triwatch.node.national import NationalNode
from triwatch.node.process_config import NodeConfigError, NodeProcessConfig, WallClock
from triwatch.node.recovery import StreamHistory, read_inbound
from triwatch.scenario.loader import load_scenario
from triwatch.scenario.schema import Scenario

AUDIT_BATCH = 256  # audit rows written per transaction at most; lockstep also flushes after every phase


@dataclass
class NodeProcess:
    """Everything one node process holds."""

    scenario: Scenario
    nation: str
    node: NationalNode
    feed: SensorFeed
    clock: SimClock
    audit: AuditLog
    events: EventSink
    inbox: LockstepInbox
    fabric: Path

    def close(self) -> None:
        try:
            self.inbox.close()
        finally:
            self.audit.close()
            self.events.close()


def open_node_process(cfg: NodeProcessConfig) -> NodeProcess:
    """Load the scenario, build the sensors and the node, and join the fabric."""
    quiet_tls_eof_warning()
    sc = load_scenario(cfg.scenario)
    if cfg.nation not in sc.nations:
        raise NodeConfigError(str(cfg.scenario), [f"nation: {cfg.nation} is not one of the scenario's {sc.nations}"])
    feed = SensorFeed(sc, [cfg.nation])
    node_seeds, _ = seed_streams(sc, len(feed.all_sensors))
    rng = np.random.default_rng(node_seeds[list(sc.nations).index(cfg.nation)])
    clock = SimClock(sc)
    policy = ReleasePolicy.from_config(list(sc.nations), sc.policy, topology=sc.topology)
    audit = AuditLog(cfg.audit, flush_every=AUDIT_BATCH)
    endpoint = connect_endpoint(cfg.fabric, policy, audit, clock.utc)
    if endpoint.nation != cfg.nation:
        endpoint.transport.close()
        raise NodeConfigError(str(cfg.fabric), [f"nation: fabric file is {endpoint.nation}'s, not {cfg.nation}'s"])
    inbox = LockstepInbox(endpoint.transport, cfg.nation, link_sender_rule(cfg.nation, policy.topology, policy.hub))
    endpoint.transport = inbox
    cfg.run_dir.mkdir(parents=True, exist_ok=True)
    events = EventSink(cfg.run_dir / "events.jsonl")
    node = make_node(sc, cfg.nation, endpoint, events, rng, feed.all_sensors)
    return NodeProcess(sc, cfg.nation, node, feed, clock, audit, events, inbox, cfg.fabric)


def run_node(proc: NodeProcess, cfg: NodeProcessConfig) -> None:
    """Run an opened node to the end of its exercise, stepped by a coordinator or by the wall clock; close it."""
    try:
        if isinstance(cfg.clock, WallClock):
            start = cfg.clock.start_utc.timestamp() if cfg.clock.start_utc else time.time()
            run_free(proc, cfg.clock.speed, start)
        else:
            host, port = cfg.clock.address()
            conn = Client((host, port), authkey=bytes.fromhex(cfg.clock.authkey))
            try:
                serve_lockstep(proc, conn, cfg.clock.timeout_s)
            finally:
                conn.close()
    finally:
        proc.close()


# -- lockstep ------------------------------------------------------------------------------
def serve_lockstep(proc: NodeProcess, conn: Connection, timeout_s: float) -> None:
    """Answer the coordinator's phase commands until ``finish`` (or the coordinator goes away)."""
    outbox: list[str] = []
    proc.events.subscribe(lambda e: outbox.append(to_json(e)))
    first_sequence = proc.node.endpoint.next_sequence  # a process rebuilt after a crash resumes from it
    conn.send_bytes(json.dumps({"hello": proc.nation, "pid": os.getpid(), "first_sequence": first_sequence}).encode())
    while True:
        try:
            msg = json.loads(conn.recv_bytes())
        except EOFError:  # the coordinator stopped: nothing more to do
            return
        op = msg.get("op")
        try:
            reply = _phase(proc, op, float(msg.get("t", 0.0)), msg, timeout_s)
        except Exception as exc:
            failure = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()[-4000:]}
            conn.send_bytes(json.dumps(failure).encode())
            raise
        proc.audit.flush()  # what this phase did is on disk before the coordinator hears of it (a crash loses nothing)
        # The events are JSON text already (as the node's events.jsonl has them): splice them in.
        text = json.dumps(reply)[:-1] + ', "events": [' + ",".join(outbox) + "]}"
        outbox.clear()
        conn.send_bytes(text.encode())
        if op == "finish":
            return


def _phase(proc: NodeProcess, op: str | None, t: float, msg: dict, timeout_s: float) -> dict:
    proc.clock.now_s = t
    node = proc.node
    reply: dict = {"ok": True}
    if "crash_after_sends" in msg:  # a planned crash in the middle of this phase (exercise.node_crash)
        node.endpoint.transport = CrashAfterSends(proc.inbox, int(msg["crash_after_sends"]))
    if op == "track":
        due, records = proc.feed.step(t)
        node.track(t, due.get(proc.nation, []))
        reply["observations"] = [[r.time_s, r.nation, r.sensor_id, r.truth_id] for r in records]
    elif op == "receive":
        proc.inbox.stage(msg["segments"], timeout_s)
        node.receive(t)
    elif op == "warn":
        node.warn(t)
    elif op == "command":
        node.command(t)
    elif op == "snapshot":
        node.snapshot(t)
    elif op == "acknowledge":  # a person's acknowledgement from the live COP, before the tick's phases
        warning_id, revision, role, *issuer = msg["args"]  # issuer only when the person named one
        try:
            ack = node.acknowledge(str(warning_id), int(revision), t, str(role), *(str(i) for i in issuer))
            reply["ack"] = {"centre": ack.centre, "time_s": ack.time_s}
        except (KeyError, PermissionError, ValueError) as exc:  # refused: the node carries on
            reply["refused"] = [type(exc).__name__, str(exc.args[0]) if exc.args else type(exc).__name__]
    elif op == "recover":
        reply.update(recover(proc, msg["log"], msg["sent"], int(msg["backlog"]), msg.get("first_sequence")))
    elif op == "finish":
        _commit(node)
        reply.update(
            reports_processed=node.reports_processed,
            stats=node.fabric_stats(),
            delivered=[to_payload(w) for w in node.delivered_warnings],
        )
    else:
        raise ValueError(f"lockstep: unknown op {op!r}")
    if isinstance(node.endpoint.transport, CrashAfterSends):  # a planned crash that did not come
        node.endpoint.transport = proc.inbox
    reply["sent"] = proc.inbox.take_sent()
    return reply


def _commit(node: NationalNode) -> None:
    """Tell the endpoint the deliveries polled so far are handled, where the Endpoint has that step
    (acknowledged after handling); a poll commits the batch before it, so only the last needs it."""
    commit = getattr(node.endpoint, "commit", None)
    if commit is not None:
        commit()


def recover(
    proc: NodeProcess, log: list, sent_before: dict[str, int], backlog: int, first_sequence: int | None = None
) -> dict:
    """Rebuild the state of this node's earlier life by replaying ``log`` (see :mod:`triwatch.node.recovery`).

    ``log`` is every phase the coordinator ran on this nation so far, ``[op, t, segments]``
    (``["acknowledge", t, [warning_id, revision, role(, issuer)]]`` for a person's acknowledgement), with
    ``["skip", t, []]`` for ticks it was down (its sensors observed; nobody listened).
    ``sent_before`` is what it had reported sending per hop: the replay must send the same.
    ``backlog`` is the number of messages sent to it since it last received: they are read from
    the stream too, in stream order, and wait for its next receive (the consumer's copies of them,
    and of anything the killed process had fetched but not acknowledged, are dropped).
    ``first_sequence``: the killed process's first sequence number; the replay numbers its messages
    from there, so this process carries on with the very numbers the killed one would have used.
    """
    node = proc.node
    if first_sequence is not None:
        node.endpoint.resume_sequence(int(first_sequence))
    total = sum(int(count) for op, _, segments in log if op == "receive" for _, count in segments)
    messages = read_inbound(proc.fabric, total + backlog)
    replay = LockstepInbox(StreamHistory(messages[:total]), proc.nation, proc.inbox.link_sender, strict=False)
    live = (proc.inbox, node.endpoint.transport, node.endpoint.audit, node.events)
    proc.inbox = node.endpoint.transport = replay
    node.endpoint.audit = AuditLog(":memory:")  # its rows are in the run's audit log already
    node.events = EventSink(None)  # and its events in the run's event log
    try:
        for op, t, segments in log:
            if op == "skip":
                proc.clock.now_s = float(t)
                proc.feed.step(float(t))
            else:
                _phase(proc, op, float(t), {"segments": segments, "args": segments}, 0.0)
        _commit(node)  # the replay's receive rows (an Endpoint that audits at commit) go to the throwaway log
    finally:
        proc.inbox, node.endpoint.transport, node.endpoint.audit, node.events = live
    if replay.waiting():
        raise LockstepError(f"{proc.nation} replay: {replay.waiting()} of the {total} recorded messages left over")
    if dict(replay.total_sent) != {k: v for k, v in sent_before.items() if v}:
        raise LockstepError(
            f"{proc.nation} replay sent {dict(replay.total_sent)}, its earlier life had sent {sent_before}"
        )
    proc.inbox.seen(messages[:total])
    proc.inbox.preload(messages[total:])
    return {"replayed_phases": len(log), "replayed_messages": total, "backlog": backlog}


# -- free-running --------------------------------------------------------------------------
def run_free(proc: NodeProcess, speed: float, start_s: float) -> None:
    """Step through the scenario as the wall clock passes: scenario time = speed x (time.time() - start_s).

    A node that starts late, or falls behind, runs the ticks it owes as fast as it can.
    """
    sc = proc.scenario
    node = proc.node
    n_ticks = int(np.floor(sc.duration_s / sc.tick_s)) + 1
    snapshot_every = max(1, round(PICTURE_PERIOD_S / sc.tick_s))
    inner = proc.inbox.inner  # no coordinator: take whatever has arrived
    proc.node.endpoint.transport = inner
    for k in range(n_ticks):
        t = k * sc.tick_s
        lag = t / speed - (time.time() - start_s)
        if lag > 0:
            time.sleep(lag)
        proc.clock.now_s = t
        due, _ = proc.feed.step(t)
        node.track(t, due.get(proc.nation, []))
        node.receive(t)
        node.warn(t)
        node.receive(t)
        node.command(t)
        if k % snapshot_every == 0:
            node.snapshot(t)
        proc.audit.flush()
    node.receive(sc.duration_s)
