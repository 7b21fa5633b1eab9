"""Link cuts on the in-process bus: messages wait on the cut link, in order, and arrive when it heals."""

import pytest
from fabric_net import make_net

from triwatch.fabric import MemoryBus


def test_a_cut_link_holds_its_messages_in_order_until_healed(keys3):
    net = make_net(keys=keys3)
    net.bus.cut_link("JPN", "USA")
    for i in range(5):
        net.ep["USA"].publish("warnings", {"i": i})
    net.ep["KOR"].publish("tracks", {"k": 1})  # KOR -> USA works; USA's relay to JPN waits on the cut link
    got = net.settle()
    assert [d.payload["i"] for d in got["KOR"]] == list(range(5))  # the USA-KOR link is untouched
    assert [d.payload for d in got["USA"]] == [{"k": 1}]
    assert got["JPN"] == []
    assert net.bus.held("USA", "JPN") == 6 and net.bus.held() == 6
    net.bus.heal_link("USA", "JPN")
    assert net.bus.held() == 0
    got = net.settle()
    assert [d.payload.get("i", "k") for d in got["JPN"]] == [0, 1, 2, 3, 4, "k"]  # in the order sent, once
    assert all(ep.stats()["refused"]["count"] == 0 for ep in net.ep.values())


def test_messages_sent_back_across_the_cut_wait_too_and_healing_twice_is_harmless():
    bus = MemoryBus()
    bus.cut_link("USA", "JPN")
    bus.send("JPN", "USA", "acks", b"1")
    bus.send("USA", "JPN", "warnings", b"2")
    assert bus.receive("USA") == [] and bus.receive("JPN") == []
    bus.heal_link("JPN", "USA")
    bus.heal_link("JPN", "USA")
    assert bus.receive("USA") == [b"1"] and bus.receive("JPN") == [b"2"]
    with pytest.raises(ValueError, match="two different nations, got USA twice"):
        bus.cut_link("USA", "USA")
