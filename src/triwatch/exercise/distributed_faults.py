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
"""

from __future__ import annotations

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
