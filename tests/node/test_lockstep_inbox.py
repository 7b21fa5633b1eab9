"""Lockstep delivery and replay inboxes: exactly the expected messages, or a clear error."""

import pytest

from triwatch.fabric import MemoryBus
from triwatch.node.lockstep import LockstepError, LockstepInbox
from triwatch.node.recovery import ReplayInbox


def test_stage_hands_over_exactly_what_was_sent_in_order():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "JPN")
    for i in range(3):
        bus.send("USA", "JPN", "tracks", b"m%d" % i)
    inbox.stage(3, timeout_s=1.0)
    assert inbox.receive("JPN") == [b"m0", b"m1", b"m2"]
    assert inbox.receive("JPN") == []  # nothing until the next stage
    inbox.stage(0, timeout_s=1.0)
    assert inbox.receive("JPN") == []


def test_sends_are_counted_per_hop_and_passed_on():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "USA")
    inbox.send("USA", "JPN", "tracks", b"a")
    inbox.send("USA", "JPN", "warnings", b"b")
    inbox.send("USA", "KOR", "tracks", b"c")
    assert inbox.take_sent() == {"JPN": 2, "KOR": 1}
    assert inbox.take_sent() == {}
    assert bus.pending("JPN") == 2 and bus.pending("KOR") == 1
    assert inbox.pending() == 3  # anything else is the wrapped transport's


def test_missing_and_extra_messages_are_errors():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "KOR")
    bus.send("USA", "KOR", "tracks", b"only one")
    with pytest.raises(LockstepError, match="1 of 2 expected messages arrived within 0.05 s"):
        inbox.stage(2, timeout_s=0.05)
    bus.send("USA", "KOR", "tracks", b"two")
    bus.send("USA", "KOR", "tracks", b"three")
    with pytest.raises(LockstepError, match="3 messages arrived, partners sent 2"):
        inbox.stage(2, timeout_s=0.05)
    with pytest.raises(ValueError, match="expect must be >= 0"):
        inbox.stage(-1, timeout_s=0.05)
    with pytest.raises(ValueError, match="cannot read USA's inbox"):
        inbox.receive("USA")


def test_replay_inbox_replays_history_and_lets_nothing_leave():
    replay = ReplayInbox("JPN", [b"h0", b"h1", b"h2"])
    replay.stage(2)
    assert replay.receive("JPN") == [b"h0", b"h1"]
    replay.send("JPN", "USA", "tracks", b"x")
    assert replay.take_sent() == {"USA": 1} and dict(replay.total_sent) == {"USA": 1}
    assert replay.remaining() == 1
    with pytest.raises(LockstepError, match="2 messages wanted, 1 left in the stream"):
        replay.stage(2)
