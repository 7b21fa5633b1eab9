"""The in-process fabric of a whole exercise: one MemoryBus, one audit log, an Endpoint per nation.

``MemoryFabric.build`` wires it from the scenario's nations and ``policy:`` block;
``deliver_all`` polls every endpoint, the hub first, until no inbox holds anything, so a
message published in a step (relays included) is delivered in that same step and the
order is the same in every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .audit import AuditLog
from .endpoint import Delivery, Endpoint
from .keys import KeyRing
from .policy import ReleasePolicy
from .transport import MemoryBus

#: A relay loop bound: in hub topology a message needs two hops, so three rounds always suffice.
MAX_ROUNDS = 8


@dataclass
class MemoryFabric:
    """Everything the in-process fabric of one run holds."""

    policy: ReleasePolicy
    keys: KeyRing
    bus: MemoryBus
    audit: AuditLog
    endpoints: dict[str, Endpoint]

    @classmethod
    def build(
        cls,
        nations: list[str],
        overrides: dict | None,
        clock: Callable[[], datetime],
        *,
        audit_path: str | Path = ":memory:",
        audit_flush_every: int = 256,
        topology: str = "hub",
        hub: str = "USA",
        keys: KeyRing | None = None,
        **endpoint_options: object,
    ) -> MemoryFabric:
        """Policy (PolicyError on a bad ``policy:`` block), fresh keys, bus, audit log and endpoints.

        The audit log writes in batches of ``audit_flush_every`` rows; close it (``fabric.audit.close()``)
        at the end of the run to write the rest.
        """
        policy = ReleasePolicy.from_config(nations, overrides, topology=topology, hub=hub)
        keys = keys or KeyRing.generate(policy.nations)
        bus = MemoryBus()
        audit = AuditLog(audit_path, flush_every=audit_flush_every)
        endpoints = {
            n: Endpoint(n, policy, keys, bus, audit, clock, **endpoint_options)  # type: ignore[arg-type]
            for n in policy.nations
        }
        return cls(policy, keys, bus, audit, endpoints)

    def deliver_all(self) -> dict[str, list[Delivery]]:
        """Poll every endpoint (hub first) until every inbox is empty; deliveries per nation, in order."""
        order = sorted(self.endpoints, key=lambda n: (n != self.policy.hub, self.policy.nations.index(n)))
        out: dict[str, list[Delivery]] = {n: [] for n in self.endpoints}
        for _ in range(MAX_ROUNDS):
            if not self.bus.pending():
                return out
            for n in order:
                out[n].extend(self.endpoints[n].poll())
        raise RuntimeError(f"MemoryFabric.deliver_all: inboxes still busy after {MAX_ROUNDS} rounds")

    def stats(self) -> dict[str, dict]:
        """Each nation's endpoint stats, for the run summary's ``nations`` block."""
        return {n: ep.stats() for n, ep in self.endpoints.items()}
