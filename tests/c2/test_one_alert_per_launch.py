"""Three national nodes on one fabric: each launch gets one launch alert and one warning per threatened nation.

The nodes' pictures are fed national tracks of a real ballistic flight (no sensors, no
trackers), so what is tested is the issuing rule end to end: fabric, desk, C2.
"""

from datetime import UTC, datetime

import numpy as np
import pytest

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy
from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.areas import area_at
from triwatch.messages import TrackReport, to_payload
from triwatch.node.events import EventSink
from triwatch.node.national import NationalNode
from triwatch.physics.flight import design_flight
from triwatch.tracking import NationalTracker, TrackerConfig
from triwatch.warning.authority import LAUNCH, Authority
from triwatch.warning.desk import AlertDesk

NATIONS = ["USA", "JPN", "KOR"]
LAUNCH_S = 0.0


@pytest.fixture(scope="module")
def rv():
    """An MRBM from near Pyongyang into Japan's EEZ (39.1 N 134.9 E), its warhead's trajectory."""
    flight = design_flight(
        np.radians(39.2), np.radians(125.67), "mrbm", aim_lat_rad=np.radians(39.1), aim_lon_rad=np.radians(134.9)
    )
    s = flight.summary
    assert area_at(s.impact_lat_rad, s.impact_lon_rad) == "JPN-EEZ"
    return flight.objects[0]


def make_nodes(policy_overrides=None, *, auto_ack=True):
    policy = ReleasePolicy.from_config(NATIONS, policy_overrides)
    keyring, bus, audit = KeyRing.generate(NATIONS), MemoryBus(), AuditLog(":memory:")
    events = EventSink(None)
    return {
        n: NationalNode(
            n,
            tracker=NationalTracker(TrackerConfig(id_prefix=n)),
            endpoint=Endpoint(n, policy, keyring, bus, audit, lambda: datetime(2023, 4, 13, tzinfo=UTC)),
            picture=AlliedPicture(n),
            alerts=AlertDesk(Authority(n, "USA", tuple(NATIONS))),
            c2=CommandCentre(n, np.random.default_rng(7), auto_ack=auto_ack),
            events=events,
            protected_nations=set(NATIONS),
        )
        for n in NATIONS
    }


def fly(nodes, rv, *, up, seers, t0=100.0, t1=200.0):
    """The exercise's step order, for the nodes that are up; `seers` publish a track of the warhead every second."""
    for t in np.arange(t0, t1, 1.0):
        r, v, _, _ = rv.state_at(t - LAUNCH_S)
        P = np.diag([150.0**2] * 3 + [3.0**2] * 3)
        for n in seers:
            report = TrackReport(f"{n}-0001", float(t), np.r_[r, v].tolist(), P.tolist(), "confirmed")
            nodes[n].picture.ingest(n, report)
            nodes[n].endpoint.publish("tracks", to_payload(report))
        for step in ("receive", "warn", "receive", "command"):
            for n in up:
                getattr(nodes[n], step)(float(t))


def area_warnings(node):
    return [w for w in node.delivered_warnings if w.scope not in ("", LAUNCH)]


def first_named(node, nation="JPN"):
    return min(w.time_s for w in node.delivered_warnings if any(a.startswith(nation) for a in w.areas))


def test_all_up_every_centre_gets_one_launch_alert_and_one_warning_for_japan(rv):
    nodes = make_nodes()
    fly(nodes, rv, up=NATIONS, seers=NATIONS)
    for n, node in nodes.items():
        ids = {(w.issuer, w.warning_id, w.scope) for w in node.delivered_warnings}
        assert {(i, s) for i, _, s in ids} == {("USA", LAUNCH), ("JPN", "JPN")}, n
        assert len(ids) == 2, n
        assert area_warnings(node)[0].areas == ["JPN-EEZ"]
        # Every centre acknowledged the warning's first revision.
        first = area_warnings(node)[0]
        assert (first.warning_id, first.revision, first.issuer) in node.c2.acked, n
    # Every centre hears it in the tick Japan issues it.
    assert first_named(nodes["USA"]) == first_named(nodes["JPN"]) == first_named(nodes["KOR"])


def test_japan_down_the_hub_warns_for_japan_after_the_grace(rv):
    nodes = make_nodes()
    fly(nodes, rv, up=["USA", "KOR"], seers=["USA", "KOR"])
    for n in ("USA", "KOR"):
        issuers = {(w.issuer, w.scope) for w in nodes[n].delivered_warnings}
        assert issuers == {("USA", LAUNCH), ("USA", "JPN")}, n
    reference = make_nodes()
    fly(reference, rv, up=NATIONS, seers=["USA", "KOR"])
    assert first_named(nodes["KOR"]) == first_named(reference["KOR"]) + 8.0  # one grace, one rank


def test_japan_blind_gets_the_hubs_warning_about_its_own_areas_and_acknowledges_it(rv):
    # Japan's node is up but holds no track: no sensor of its own and no partner track releasable to it.
    nodes = make_nodes({"USA": {"tracks": {"rel_to": ["KOR"]}}, "KOR": {"tracks": {"rel_to": ["USA"]}}})
    fly(nodes, rv, up=NATIONS, seers=["USA", "KOR"])
    assert not nodes["JPN"].picture.tracks
    mine = area_warnings(nodes["JPN"])
    assert {(w.issuer, w.scope) for w in mine} == {("USA", "JPN")} and mine[0].areas == ["JPN-EEZ"]
    assert (mine[0].warning_id, mine[0].revision, mine[0].issuer) in nodes["JPN"].c2.acked
    assert len({w.warning_id for w in nodes["KOR"].delivered_warnings}) == 2


def test_an_unacknowledged_warning_still_escalates(rv):
    nodes = make_nodes(auto_ack=False)
    fly(nodes, rv, up=NATIONS, seers=NATIONS, t1=205.0)
    escalated = [d for d in nodes["KOR"].c2.log if d.action == "escalated"]
    assert {d.warning_id for d in escalated} == {w.warning_id for w in nodes["KOR"].delivered_warnings}
    assert all(d.detail == "to USFK" for d in escalated)
