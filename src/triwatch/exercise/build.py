"""Build the national nodes of an exercise from a validated scenario.

Every nation gets the same parts; only its configuration differs. Random
generators are spawned from the scenario seed, one stream per consumer, so
adding a sensor does not change another nation's draws.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.c2.organisations import hub_nation
from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy
from triwatch.fusion.picture import AlliedPicture
from triwatch.node.events import EventSink
from triwatch.node.national import NationalNode
from triwatch.scenario.schema import Scenario
from triwatch.sensors.base import Sensor
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.warning.authority import Authority
from triwatch.warning.desk import AlertDesk


class SimClock:
    """Scenario time, readable as UTC for message stamps."""

    def __init__(self, scenario: Scenario) -> None:
        self.epoch = scenario.epoch
        self.now_s = 0.0

    def utc(self):
        return self.epoch + timedelta(seconds=self.now_s)


def build_nodes(
    scenario: Scenario,
    clock: SimClock,
    events: EventSink,
    audit_path: Path | str,
    rngs: list[np.random.Generator],
    sensors: list[Sensor],
) -> tuple[dict[str, NationalNode], AuditLog]:
    """One NationalNode per nation on a shared in-process bus, with a shared audit log."""
    nations = list(scenario.nations)
    policy = ReleasePolicy.from_config(nations, scenario.policy, topology=scenario.topology)
    keyring = KeyRing.generate(nations)
    audit = AuditLog(audit_path)
    bus = MemoryBus()
    nodes: dict[str, NationalNode] = {}
    for nation, rng in zip(nations, rngs, strict=True):
        endpoint = Endpoint(nation, policy, keyring, bus, audit, clock.utc)
        nodes[nation] = make_node(scenario, nation, endpoint, events, rng, sensors)
    return nodes, audit


def make_node(
    scenario: Scenario,
    nation: str,
    endpoint: Endpoint,
    events: EventSink,
    rng: np.random.Generator,
    sensors: list[Sensor],
) -> NationalNode:
    """One nation's node on an endpoint of any transport: the same parts in process or deployed.

    It holds its reports for the largest report latency of its own sensors, so that they
    reach its tracker in measurement-time order. Its warning desk issues what the alliance
    rule gives this nation to issue (`triwatch.warning.authority`), with the hub of
    `c2.organisations` as the first stand-in.
    """
    nations = tuple(scenario.nations)
    return NationalNode(
        nation,
        tracker=NationalTracker(TrackerConfig(id_prefix=nation)),
        endpoint=endpoint,
        picture=AlliedPicture(nation),
        alerts=AlertDesk(Authority(nation, hub_nation(nations), nations)),
        c2=CommandCentre(nation, rng),
        events=events,
        protected_nations=set(scenario.nations),
        reorder_window_s=max((s.latency_s for s in sensors if s.nation == nation), default=0.0),
        precautionary_overflight=scenario.warnings.precautionary_overflight,
        precautionary_support=scenario.warnings.precautionary_support,
    )
