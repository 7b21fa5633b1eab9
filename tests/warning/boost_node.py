"""A lone JPN node on an in-process bus, for the tests that feed it boost-phase track reports."""

from datetime import UTC, datetime

import numpy as np

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy
from triwatch.fusion.picture import AlliedPicture
from triwatch.node.events import EventSink
from triwatch.node.national import NationalNode
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.warning.lifecycle import AlertBook

NATIONS = ["USA", "JPN", "KOR"]


def jpn_node(**warning_options) -> NationalNode:
    """JPN's node with its own alert book (no alliance desk); warning_options go to NationalNode."""
    policy = ReleasePolicy.from_config(NATIONS)
    endpoint = Endpoint(
        "JPN",
        policy,
        KeyRing.generate(NATIONS),
        MemoryBus(),
        AuditLog(":memory:"),
        lambda: datetime(2022, 10, 3, tzinfo=UTC),
    )
    return NationalNode(
        "JPN",
        tracker=NationalTracker(TrackerConfig(id_prefix="JPN")),
        endpoint=endpoint,
        picture=AlliedPicture("JPN"),
        alerts=AlertBook("JPN"),
        c2=CommandCentre("JPN", np.random.default_rng(1)),
        events=EventSink(),
        protected_nations=set(NATIONS),
        **warning_options,
    )
