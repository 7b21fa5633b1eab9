"""Helpers of the fabric tests (importable by name): a three-nation network on a MemoryBus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy

NATIONS = ["USA", "JPN", "KOR"]


class StepClock:
    """A deterministic clock: each call returns a time 1 ms later than the last."""

    def __init__(self) -> None:
        self.now = datetime(2022, 10, 3, 22, 22, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


@dataclass
class Net:
    policy: ReleasePolicy
    keys: KeyRing
    bus: MemoryBus
    audit: AuditLog
    ep: dict[str, Endpoint]

    def settle(self) -> dict[str, list]:
        """Poll every endpoint, hub first, until no inbox holds anything; deliveries per nation."""
        got: dict[str, list] = {n: [] for n in self.ep}
        order = sorted(self.ep, key=lambda n: n != self.policy.hub)
        while self.bus.pending():
            for n in order:
                got[n].extend(self.ep[n].poll())
        return got


_CREATED: list[Net] = []


def make_net(nations=NATIONS, overrides=None, topology="hub", hub="USA", keys=None) -> Net:
    policy = ReleasePolicy.from_config(list(nations), overrides, topology=topology, hub=hub)
    keys = keys or KeyRing.generate(nations)
    bus = MemoryBus()
    audit = AuditLog(":memory:")
    clock = StepClock()
    ep = {n: Endpoint(n, policy, keys, bus, audit, clock) for n in nations}
    net = Net(policy, keys, bus, audit, ep)
    _CREATED.append(net)
    return net
