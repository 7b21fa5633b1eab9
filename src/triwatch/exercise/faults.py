"""An exercise's faults on the clock: nodes out of service, links cut, each from ``from_s`` to ``to_s``.

The run asks, every tick, :meth:`FaultSchedule.step` to switch links at the fabric and
:meth:`FaultSchedule.down` which nodes to leave out:

- **node-down**: the nation's node is out of service over ``[from_s, to_s)``. It neither senses
  (its sensors' reports that come due meanwhile are lost: nobody is there to take them), nor
  processes, warns, acknowledges or publishes. Its state is kept, as a node restarted from its
  saved state. Its partners' messages wait in its inbox (the MemoryBus, or its JetStream stream
  over NATS) and are processed when it comes back.
- **link-cut**: the link between two nations is down over ``[from_s, to_s)``: what is sent on it
  waits on the link and arrives, in order, once it heals. The schedule does this through any
  ``LinkControl``: the in-process :class:`~triwatch.fabric.transport.MemoryBus` or a
  :class:`~triwatch.fabric.nats_server.LocalNatsServer` (same two calls).

Every switch is logged as a ``fault`` event for each nation it concerns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from triwatch.node.events import EventSink
from triwatch.scenario.schema import LinkCut, NodeDown


class LinkControl(Protocol):
    """Whatever can cut and heal the link between two nations."""

    def cut_link(self, a: str, b: str) -> None: ...

    def heal_link(self, a: str, b: str) -> None: ...


class FaultSchedule:
    """The scenario's faults and which of them are in force."""

    def __init__(self, faults: Sequence[LinkCut | NodeDown]) -> None:
        self.faults = list(faults)
        self._on: set[int] = set()

    def down(self, nation: str, t: float) -> bool:
        """True if ``nation``'s node is out of service at scenario time ``t``."""
        return any(isinstance(f, NodeDown) and f.nation == nation and f.from_s <= t < f.to_s for f in self.faults)

    def step(self, t: float, links: LinkControl, events: EventSink | None = None) -> list[tuple[str, str]]:
        """Switch every fault whose span starts or ends by ``t``; returns (kind, "begin"/"end") per switch.

        Links are healed before others are cut, so back-to-back outages on one link never leave it
        healed by mistake.
        """
        switches: list[tuple[int, bool]] = []
        for i, f in enumerate(self.faults):
            on = f.from_s <= t < f.to_s
            if on != (i in self._on):
                switches.append((i, on))
        switches.sort(key=lambda s: s[1])  # ends first
        out = []
        for i, on in switches:
            f = self.faults[i]
            if isinstance(f, LinkCut):
                (links.cut_link if on else links.heal_link)(*f.between)
            (self._on.add if on else self._on.discard)(i)
            state = "begin" if on else "end"
            out.append((f.kind, state))
            if events is not None:
                for nation in f.between if isinstance(f, LinkCut) else [f.nation]:
                    events.emit(t, nation, "fault", kind=f.kind, state=state, **_what(f))
        return out


def _what(f: LinkCut | NodeDown) -> dict:
    where = {"between": list(f.between)} if isinstance(f, LinkCut) else {"nation": f.nation}
    return {**where, "from_s": f.from_s, "to_s": f.to_s}
