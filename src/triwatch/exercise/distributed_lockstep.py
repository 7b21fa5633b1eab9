"""The coordinator's side of lockstep: stepping node processes through each phase (`--fabric nats`).

What is in flight to each node, the log of phases each ran (to rebuild a restarted one), and
what the live COP may ask of a node process (a person's acknowledgement, :class:`RemoteNode`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from triwatch.exercise.node_fleet import NodeFleet, NodeProcessError
from triwatch.exercise.run import ExerciseRun, ObservationRecord
from triwatch.messages import WarningReport, from_payload

#: Refusals a node process reports for a person's acknowledgement, raised again here as the
#: same exception type so the API answers as it does in process.
REFUSALS = {"KeyError": KeyError, "PermissionError": PermissionError, "ValueError": ValueError}


@dataclass
class NodeOutcome:
    """What a node process reports at the end of the run: what the run summary reads of a node."""

    nation: str
    reports_processed: int
    stats: dict
    delivered_warnings: list[WarningReport] = field(default_factory=list)

    def fabric_stats(self) -> dict:
        return self.stats


#: Phases in which nodes only send, never take from the fabric: every node runs them at once.
CONCURRENT_PHASES = frozenset({"track", "warn", "command", "snapshot"})


class Lockstep:
    """Steps the node processes through each phase; keeps what is in flight to each and each one's phase log.

    In flight to a node: segments ``[link sender, count]`` in the order the in-process bus would
    have queued them (phase by phase, senders in nation order; see :mod:`triwatch.node.lockstep`).
    The log (``[op, t, segments]`` per phase a node ran, ``["skip", t, []]`` per tick it was down)
    and what it reported sending per hop are what a restarted node needs to rebuild its state
    (:func:`triwatch.exercise.node_process.recover`).
    """

    def __init__(self, fleet: NodeFleet, run: ExerciseRun, timeout_s: float) -> None:
        self.fleet = fleet
        self.run = run
        self.timeout_s = timeout_s
        nations = run.scenario.nations
        self.in_flight: dict[str, list[list]] = {n: [] for n in nations}
        self.held: dict[frozenset[str], list[tuple[str, list]]] = {}  # per cut link: (to, segment) in order
        self.log: dict[str, list[list]] = {n: [] for n in nations}
        self.sent: dict[str, Counter[str]] = {n: Counter() for n in nations}
        # Each nation's first sequence number (its first process's): a rebuilt process resumes from it.
        self.first_sequence = {n: fleet.nodes[n].hello.get("first_sequence") for n in nations}
        self.crashes: list[dict] = []  # planned crashes in the middle of a phase, as they happened

    def phase(
        self,
        op: str,
        t: float,
        nations: list[str],
        crash: dict[str, int] | None = None,
        restart: Callable[[str], None] | None = None,
    ) -> set[str]:
        """Run one phase on ``nations``: all at once if it only sends, else one after the other in
        nation order (receive phases take what is in flight to them).

        ``crash``: nation -> k, that nation's process kills itself after its k-th send of this
        (sending) phase (:mod:`triwatch.exercise.node_crash`); ``restart(nation)`` then brings up
        and rebuilds a fresh one, which runs the phase again. Returns the nations whose crash
        came (a node that sent fewer than k in the phase answered as usual: its crash did not)."""
        crash = crash or {}
        crashed: set[str] = set()
        if crash and (op not in CONCURRENT_PHASES or restart is None or not set(crash) <= set(nations)):
            raise ValueError(f"phase {op} at t={t}: a crash needs a sending phase, a restart and a running node")
        if op in CONCURRENT_PHASES:
            msgs = {n: {"op": op, "t": t} for n in nations}
            for n in nations:
                self.fleet.nodes[n].send({**msgs[n], "crash_after_sends": crash[n]} if n in crash else msgs[n])
            for n in nations:  # answers taken in nation order: events and segments in the one-process order
                if n in crash:
                    reply = self._crashed(n, msgs[n], crash[n], restart)
                    if reply.pop("crashed", False):
                        crashed.add(n)
                else:
                    reply = self.fleet.nodes[n].result(msgs[n], self.timeout_s)
                self._done(n, msgs[n], reply)
            return crashed
        for nation in nations:
            msg: dict = {"op": op, "t": t}
            if op == "receive":
                msg["segments"], self.in_flight[nation] = self.in_flight[nation], []
            self._done(nation, msg, self.fleet.nodes[nation].call(msg, self.timeout_s))
        return crashed

    def _crashed(self, nation: str, msg: dict, after: int, restart: Callable[[str], None]) -> dict:
        """The planned crash of ``nation`` in this phase: see it happen, restart, run the phase again
        (the answer then says ``crashed``); a node that sent fewer than ``after`` answered as usual."""
        handle = self.fleet.nodes[nation]
        try:
            return handle.result(msg, self.timeout_s)  # it did not send that many: no crash this time
        except NodeProcessError:
            if handle.process.poll() is None:
                raise  # not the crash planned: the process is still there
        restart(nation)
        reply = self.fleet.nodes[nation].call(msg, self.timeout_s)
        self.crashes.append({"nation": nation, "op": msg["op"], "t": msg["t"], "after_sends": after})
        return {**reply, "crashed": True}

    def _done(self, nation: str, msg: dict, reply: dict) -> None:
        self.absorb(reply, nation)
        self.sent[nation].update(reply.get("sent", {}))
        self.log[nation].append([msg["op"], msg["t"], msg.get("segments", msg.get("args", []))])

    def acknowledge(
        self, nation: str, warning_id: str, revision: int, t: float, role: str, issuer: str | None = None
    ) -> RemoteAck:
        """A person at ``nation``'s centre acknowledges a warning revision (live COP): the node
        process does it (its C2 records it, its fabric endpoint publishes it) at tick ``t``, before
        the tick's phases, as the in-process run does. A refusal (no such pending warning, a role
        that may not) is raised here as the node raised it; the log keeps the request either way,
        so a restarted node replays it."""
        handle = self.fleet.nodes[nation]
        if handle.conn is None:
            raise RuntimeError(f"{nation}: its node process is down; acknowledge when it is back")
        args = [warning_id, int(revision), role] + ([issuer] if issuer is not None else [])
        msg = {"op": "acknowledge", "t": t, "args": args}
        reply = handle.call(msg, self.timeout_s)
        self._done(nation, msg, reply)
        if "refused" in reply:
            kind, text = reply["refused"]
            raise REFUSALS.get(kind, RuntimeError)(text)
        return RemoteAck(reply["ack"]["centre"], float(reply["ack"]["time_s"]))

    def skip(self, nation: str, t: float) -> None:
        """The nation's node is down for tick t: its sensors still observe (the draws go on)."""
        self.log[nation].append(["skip", t, []])

    def recover(self, nation: str) -> dict:
        """Have a freshly started node rebuild its state from its log and its JetStream stream."""
        backlog = sum(count for _, count in self.in_flight[nation])
        msg = {
            "op": "recover",
            "log": self.log[nation],
            "sent": dict(self.sent[nation]),
            "backlog": backlog,
            "first_sequence": self.first_sequence[nation],
        }
        return self.absorb(self.fleet.nodes[nation].call(msg, self.timeout_s * 4), nation)

    def cut(self, a: str, b: str) -> None:
        """Segments sent on the link a-b (either way) wait for :meth:`heal`, as on the in-process bus."""
        self.held.setdefault(frozenset((a, b)), [])

    def heal(self, a: str, b: str) -> None:
        """What waited on the link is in flight to its receivers now, in the order it was sent."""
        for to, segment in self.held.pop(frozenset((a, b)), []):
            self.in_flight[to].append(segment)

    def absorb(self, reply: dict, sender: str) -> dict:
        for hop, count in reply.get("sent", {}).items():
            if not count:
                continue
            held = self.held.get(frozenset((sender, hop)))
            if held is not None:
                held.append((hop, [sender, count]))
            else:
                self.in_flight[hop].append([sender, count])
        for event in reply.get("events", []):
            self.run.events.append(event)
        for time_s, nation, sensor, truth_id in reply.get("observations", []):
            self.run.observations.append(ObservationRecord(time_s, nation, sensor, truth_id))
        return reply

    def finish(self, nation: str) -> NodeOutcome:
        reply = self.absorb(self.fleet.nodes[nation].call({"op": "finish"}, self.timeout_s), nation)
        return NodeOutcome(
            nation,
            reply["reports_processed"],
            reply["stats"],
            [from_payload(w, WarningReport) for w in reply["delivered"]],
        )


@dataclass(frozen=True)
class RemoteAck:
    """A person's acknowledgement as the node process recorded it."""

    centre: str
    time_s: float


class RemoteNode:
    """A node process seen from the coordinator, for the live COP (``--serve``): it can take a
    person's acknowledgement, which runs in the node process between two phases."""

    def __init__(self, step: Lockstep, nation: str) -> None:
        self.step = step
        self.nation = nation

    def acknowledge(
        self, warning_id: str, revision: int, now_s: float, role: str, issuer: str | None = None
    ) -> RemoteAck:
        return self.step.acknowledge(self.nation, warning_id, revision, now_s, role, issuer)
