"""A scenario's ``faults:`` (link cuts, nodes out of service) in an exercise over NATS.

The same schedule as the in-process run (:class:`triwatch.exercise.faults.FaultSchedule`, with
the same ``fault`` events) switches them at the start of each tick:

- **link-cut**: the NATS server is reloaded without the link's exports and imports (a real
  outage: publishes on it find no route and wait in the sender's transport), and the lockstep
  holds the segments sent on the link until it heals, when they are in flight again in the
  order they were sent -- as the in-process bus holds the messages themselves;
- **node-down** over ``[from_s, to_s)``: the node process is killed at the start of tick
  ``from_s`` and a fresh one rebuilds its state at ``to_s`` (see :mod:`triwatch.node.recovery`);
  in between it neither senses nor processes, and its partners' messages wait in its stream.

And the crashes a test or bench plans (``run_distributed(crashes=...)``): a node process that
dies in the middle of a sending phase, while it publishes (:class:`Crash`).
"""

from __future__ import annotations

from dataclasses import dataclass

from triwatch.exercise.distributed_lockstep import CONCURRENT_PHASES
from triwatch.exercise.faults import FaultSchedule
from triwatch.fabric.nats_server import LocalNatsServer
from triwatch.scenario.schema import Scenario


class NatsLinks:
    """Cuts and heals links at the NATS server and in the lockstep's bookkeeping (a ``LinkControl``)."""

    def __init__(self, server: LocalNatsServer, step) -> None:
        self.server = server
        self.step = step

    def cut_link(self, a: str, b: str) -> None:
        self.server.cut_link(a, b)
        self.step.cut(a, b)

    def heal_link(self, a: str, b: str) -> None:
        self.server.heal_link(a, b)
        self.step.heal(a, b)


def scenario_faults(scenario: Scenario):
    """(the scenario's fault schedule or None, its node-down spans as kills ``(nation, from_s, to_s)``)."""
    faults = list(scenario.faults)
    if not faults:
        return None, []
    kills = [(f.nation, f.from_s, f.to_s) for f in faults if f.kind == "node-down"]
    return FaultSchedule(faults), kills


@dataclass
class Crash:
    """A node process that dies in the middle of a sending ``phase``, right after its
    ``after_sends``-th publish (:mod:`triwatch.exercise.node_crash`): in the first such phase from
    the tick at ``at_s`` on in which the node sends that many (armed until then)."""

    nation: str
    at_s: float
    phase: str
    after_sends: int
    done: bool = False


def check_crashes(crashes: list[tuple[str, float, str, int]], nations: list[str], duration_s: float) -> list[Crash]:
    """The crash plan of ``run_distributed``; ValueError naming the entry at fault."""
    out = []
    for i, (nation, at_s, phase, after) in enumerate(crashes):
        if nation not in nations:
            raise ValueError(f"crashes[{i}]: {nation} is not one of the scenario's nations {nations}")
        if not 0 <= at_s <= duration_s:
            raise ValueError(f"crashes[{i}]: at_s must be within [0, {duration_s}], got {at_s}")
        if phase not in CONCURRENT_PHASES:
            raise ValueError(f"crashes[{i}]: {phase!r} is not a sending phase ({', '.join(sorted(CONCURRENT_PHASES))})")
        if after < 1:
            raise ValueError(f"crashes[{i}]: after_sends must be >= 1, got {after}")
        out.append(Crash(nation, float(at_s), phase, int(after)))
    return out


def crashes_due(crashes: list[Crash], t: float, phase: str, up: list[str]) -> dict[str, int]:
    """nation -> k for the crashes armed in this phase of the tick at ``t`` (a node down then: not yet)."""
    return {
        c.nation: c.after_sends for c in crashes if not c.done and c.phase == phase and t >= c.at_s and c.nation in up
    }


def crashes_came(crashes: list[Crash], phase: str, nations: set[str]) -> None:
    """Disarm the crashes of ``nations`` in ``phase``: they came."""
    for c in crashes:
        if not c.done and c.phase == phase and c.nation in nations:
            c.done = True


def crashes_left(crashes: list[Crash]) -> list[str]:
    """The planned crashes that never came (the node never sent that many in that phase)."""
    return [f"{c.nation} in {c.phase} after {c.after_sends} sends from t={c.at_s}" for c in crashes if not c.done]
