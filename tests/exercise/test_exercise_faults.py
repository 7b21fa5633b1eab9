"""Faults in a simulated exercise: a node out of service, a link cut; the others carry on, the late ones catch up."""

from collections import defaultdict

import pytest
from srbm_shot import srbm_shot

from triwatch.exercise.faults import FaultSchedule
from triwatch.exercise.run import run_exercise
from triwatch.fabric import MemoryBus
from triwatch.node.events import EventSink
from triwatch.scenario.schema import LinkCut, NodeDown

DOWN, UP = 40.0, 80.0  # KOR out of service
CUT, HEAL = 38.0, 70.0  # USA-JPN link down (the hub's launch alert, at 40 s, waits on it)


@pytest.fixture(scope="module")
def run():
    """A short-range shot into the Sea of Japan; KOR's node down 40-80 s, the USA-JPN link cut 38-70 s."""
    sc = srbm_shot(
        "faults",
        110,
        [
            {"kind": "node-down", "nation": "KOR", "from_s": DOWN, "to_s": UP},
            {"kind": "link-cut", "between": ["USA", "JPN"], "from_s": CUT, "to_s": HEAL},
        ],
    )
    return run_exercise(sc, None)


def _revisions(events, node, type_):
    return [
        (e["t_s"], e.get("issuer", node), e["warning_id"], e["revision"])
        for e in events
        if e["node"] == node and e["type"] == type_
    ]


def test_a_down_node_does_nothing_then_catches_up_with_every_warning_once(run):
    ev = run.events.events
    assert [e["t_s"] for e in ev if e["node"] == "KOR" and e["type"] != "fault" and DOWN <= e["t_s"] < UP] == []
    issued = {(i, w, r) for n in ("USA", "JPN") for _, i, w, r in _revisions(ev, n, "warning-issued")}
    during = {(i, w, r) for n in ("USA", "JPN") for t, i, w, r in _revisions(ev, n, "warning-issued") if DOWN <= t < UP}
    assert during, "the scenario should issue warnings while KOR is down"
    at_kor = _revisions(ev, "KOR", "warning-delivered")
    got = [(i, w, r) for _, i, w, r in at_kor]
    assert issued <= set(got), "a partner's warning never reached KOR"
    assert len(got) == len(set(got)), "a warning revision was delivered twice"
    assert min(t for t, i, w, r in at_kor if (i, w, r) in during) == UP  # caught up at once on return


def test_a_cut_link_delays_its_traffic_to_the_heal_and_loses_nothing(run):
    ev = run.events.events
    jpn_from_usa = [e for e in ev if e["node"] == "JPN" and e["type"] == "track-received" and e["origin"] != "JPN"]
    assert not [e for e in jpn_from_usa if CUT <= e["t_s"] < HEAL]  # USA's and KOR's (relayed) tracks wait
    crossing = 0
    for a, b in (("USA", "JPN"), ("JPN", "USA")):  # a warning revision issued on one side during the cut
        at_b = {(i, w, r): t for t, i, w, r in _revisions(ev, b, "warning-delivered")}
        for t, i, w, r in _revisions(ev, a, "warning-issued"):
            if CUT <= t < HEAL:
                assert at_b[(i, w, r)] == HEAL  # reaches the other side when the link heals
                crossing += 1
    assert crossing, "the scenario should issue a warning across the link while it is cut"
    refused = defaultdict(int)
    for node in run.nodes.values():
        refused[node.nation] = node.endpoint.stats()["refused"]["count"]
    assert dict(refused) == {"USA": 0, "JPN": 0, "KOR": 0}
    switches = [(e["node"], e["kind"], e["state"], e["t_s"]) for e in ev if e["type"] == "fault"]
    assert switches == [
        ("USA", "link-cut", "begin", CUT),
        ("JPN", "link-cut", "begin", CUT),
        ("KOR", "node-down", "begin", DOWN),
        ("USA", "link-cut", "end", HEAL),
        ("JPN", "link-cut", "end", HEAL),
        ("KOR", "node-down", "end", UP),
    ]


def test_schedule_heals_before_it_cuts_and_knows_who_is_down():
    faults = [
        LinkCut(kind="link-cut", between=["USA", "JPN"], from_s=0, to_s=10),
        LinkCut(kind="link-cut", between=["JPN", "USA"], from_s=10, to_s=20),
        NodeDown(kind="node-down", nation="KOR", from_s=5, to_s=10),
    ]
    schedule, bus, sink = FaultSchedule(faults), MemoryBus(), EventSink()
    assert schedule.step(0, bus, sink) == [("link-cut", "begin")]
    assert schedule.down("KOR", 5) and not schedule.down("KOR", 10) and not schedule.down("USA", 5)
    assert schedule.step(10, bus) == [("link-cut", "end"), ("link-cut", "begin")]
    bus.send("USA", "JPN", "warnings", b"w")
    assert bus.held("USA", "JPN") == 1  # still cut: the second outage follows the first
    assert schedule.step(20, bus) == [("link-cut", "end")] and bus.receive("JPN") == [b"w"]
    assert [e["node"] for e in sink.events] == ["USA", "JPN"]
