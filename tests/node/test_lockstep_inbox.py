"""Lockstep delivery: exactly the expected messages from each link sender, in segment order, or a clear error."""

from datetime import UTC, datetime

import pytest

from triwatch.fabric import MemoryBus, MemoryFabric
from triwatch.node.lockstep import LockstepError, LockstepInbox, link_sender_rule
from triwatch.node.recovery import StreamHistory


def by_prefix(data: bytes) -> str:
    """Test messages are b"SENDER:text"."""
    return data.split(b":")[0].decode()


def test_segments_restore_the_one_process_order_whatever_the_arrival_order():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "USA", by_prefix)
    # JPN and KOR published at once: their messages reached the stream interleaved.
    for data in (b"KOR:k0", b"JPN:j0", b"KOR:k1", b"JPN:j1", b"JPN:j2"):
        bus.send(by_prefix(data), "USA", "tracks", data)
    inbox.stage([["JPN", 2], ["KOR", 2], ["JPN", 1]], timeout_s=1.0)
    assert inbox.receive("USA") == [b"JPN:j0", b"JPN:j1", b"KOR:k0", b"KOR:k1", b"JPN:j2"]
    assert inbox.receive("USA") == []  # nothing until the next stage
    inbox.stage([], timeout_s=1.0)
    assert inbox.receive("USA") == []


def test_a_redelivered_copy_is_dropped_not_counted_as_extra():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "JPN", by_prefix)
    bus.send("USA", "JPN", "tracks", b"USA:t0")
    inbox.stage([["USA", 1]], timeout_s=1.0)
    assert inbox.receive("JPN") == [b"USA:t0"]
    bus.send("USA", "JPN", "tracks", b"USA:t0")  # the server hands it out again (its ack waited too long)
    bus.send("USA", "JPN", "tracks", b"USA:t1")
    inbox.stage([["USA", 1]], timeout_s=1.0)
    assert inbox.receive("JPN") == [b"USA:t1"]
    assert inbox.redelivered == 1 and inbox.waiting() == 0


def test_sends_are_counted_per_hop_and_passed_on():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "USA", by_prefix)
    inbox.send("USA", "JPN", "tracks", b"a")
    inbox.send("USA", "JPN", "warnings", b"b")
    inbox.send("USA", "KOR", "tracks", b"c")
    assert inbox.take_sent() == {"JPN": 2, "KOR": 1}
    assert inbox.take_sent() == {}
    assert dict(inbox.total_sent) == {"JPN": 2, "KOR": 1}
    assert bus.pending("JPN") == 2 and bus.pending("KOR") == 1
    assert inbox.pending() == 3  # anything else is the wrapped transport's


def test_missing_and_extra_messages_are_errors():
    bus = MemoryBus()
    inbox = LockstepInbox(bus, "USA", by_prefix)
    bus.send("KOR", "USA", "tracks", b"KOR:one")
    with pytest.raises(LockstepError, match="messages still missing after 0.05 s: 1 from KOR"):
        inbox.stage([["KOR", 2]], timeout_s=0.05)
    bus.send("KOR", "USA", "tracks", b"KOR:two")
    bus.send("JPN", "USA", "tracks", b"JPN:unannounced")
    with pytest.raises(LockstepError, match="more messages arrived than partners sent: 1 more from JPN"):
        inbox.stage([["KOR", 2]], timeout_s=0.05)
    with pytest.raises(ValueError, match="count from KOR must be >= 0"):
        inbox.stage([["KOR", -1]], timeout_s=0.05)
    with pytest.raises(ValueError, match="cannot read JPN's inbox"):
        inbox.receive("JPN")


def test_a_replay_keeps_later_messages_for_later_segments_and_sends_nothing():
    history = StreamHistory([b"JPN:j0", b"KOR:k0", b"JPN:j1"])
    replay = LockstepInbox(history, "USA", by_prefix, strict=False)
    replay.stage([["KOR", 1]], timeout_s=0.0)
    assert replay.receive("USA") == [b"KOR:k0"] and replay.waiting() == 2
    replay.send("USA", "JPN", "tracks", b"x")  # dropped: the partners have it already
    replay.stage([["JPN", 2]], timeout_s=0.0)
    assert replay.receive("USA") == [b"JPN:j0", b"JPN:j1"] and replay.waiting() == 0
    assert dict(replay.total_sent) == {"JPN": 1}


def test_link_sender_is_the_hub_for_a_spoke_and_the_origin_otherwise():
    fabric = MemoryFabric.build(["USA", "JPN", "KOR"], None, lambda: datetime.now(UTC))
    fabric.endpoints["KOR"].publish("tracks", {"t": 1})
    (data,) = fabric.bus.receive("USA")
    assert link_sender_rule("USA", "hub", "USA")(data) == "KOR"  # the hub hears spokes directly
    assert link_sender_rule("JPN", "hub", "USA")(data) == "USA"  # a spoke hears only the hub
    assert link_sender_rule("JPN", "mesh", "USA")(data) == "KOR"
    with pytest.raises(LockstepError, match="USA: a message whose sender cannot be told"):
        link_sender_rule("USA", "mesh", "USA")(b"\x00not an envelope")


class AsyncTransport(MemoryBus):
    """A MemoryBus that, like NATS, sends asynchronously (flush) and acknowledges after handling (commit)."""

    def __init__(self, failures=()):
        super().__init__()
        self.flushed = self.committed = 0
        self.failures = list(failures)

    def flush(self, wait_for_stalled=True):
        assert not wait_for_stalled  # a cut link's messages must not hold the phase up
        self.flushed += 1
        return self.failures

    def commit(self, nation, count=None):
        self.committed += 1
        return 0


def test_a_phase_ends_once_its_sends_are_stored_and_handled_messages_are_committed():
    inner = AsyncTransport()
    inbox = LockstepInbox(inner, "USA", by_prefix)
    inbox.send("USA", "JPN", "tracks", b"USA:a")
    assert inbox.take_sent() == {"JPN": 1} and inner.flushed == 1
    inbox.commit("USA")
    assert inner.committed == 1
    failing = LockstepInbox(AsyncTransport(failures=["JPN: timeout"]), "USA", by_prefix)
    with pytest.raises(LockstepError, match="USA: 1 message\\(s\\) not stored: JPN: timeout"):
        failing.take_sent()
    assert LockstepInbox(MemoryBus(), "USA", by_prefix).commit("USA") == 0  # nothing to acknowledge in process
