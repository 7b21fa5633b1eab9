"""LinkPublisher (fabric/nats_publisher.py) against a scripted JetStream: pipelining, in-order confirmation, retries."""

import asyncio

import pytest

from triwatch.fabric.nats_publisher import LinkPublisher
from triwatch.fabric.nats_write import write_pending


class ScriptedJetStream:
    """publish_async records the subject and payload and hands back an acknowledgement future the test settles."""

    def __init__(self) -> None:
        self.published: list[bytes] = []
        self.acks: list[asyncio.Future] = []

    async def publish_async(self, subject: str, data: bytes, headers: dict) -> asyncio.Future:
        assert subject == "tw.usa.jpn.tracks" and "Nats-Msg-Id" in headers
        self.published.append(data)
        ack = asyncio.get_running_loop().create_future()
        self.acks.append(ack)
        return ack


async def _turn(n: int = 5) -> None:
    for _ in range(n):
        await asyncio.sleep(0)


def _publisher(js: ScriptedJetStream, **kw) -> LinkPublisher:
    return LinkPublisher(js, "USA", max_in_flight=8, retry_for_s=kw.get("retry_for_s", 5.0), timeout_s=1.0)


def test_a_healthy_link_publishes_each_send_at_once_and_confirms_in_order():
    async def scenario() -> None:
        js = ScriptedJetStream()
        out = _publisher(js)
        for data in (b"a", b"b", b"c"):
            assert out.take_slot(0)
            await out.send_now("JPN", "tracks", data)
        # all three handed to the client before any acknowledgement came back
        assert js.published == [b"a", b"b", b"c"] and out.published("JPN") == 3 and out.in_flight() == 3
        js.acks[1].set_result("stored")  # b's acknowledgement first: b is not confirmed before a
        await _turn()
        assert out.in_flight() == 3
        js.acks[0].set_result("stored")
        js.acks[2].set_result("stored")
        await asyncio.wait_for(out.drain(), 2)
        assert out.in_flight() == 0 and out.take_failures() == [] and out.stalled() == []

    asyncio.run(scenario())


def test_from_the_first_failure_everything_after_it_goes_again_in_order():
    async def scenario() -> None:
        js = ScriptedJetStream()
        out = _publisher(js)
        for data in (b"a", b"b", b"c"):
            out.take_slot(0)
            await out.send_now("JPN", "tracks", data)
        js.acks[0].set_result("stored")
        js.acks[1].set_exception(ConnectionError("no route"))  # b lost; c may or may not have been stored
        await _turn()
        assert out.stalled() == ["JPN"]
        out.take_slot(0)
        await out.send_now("JPN", "tracks", b"d")  # sent while the link is retried: waits behind b and c
        assert js.published == [b"a", b"b", b"c"]
        deadline = asyncio.get_running_loop().time() + 2
        while len(js.published) < 6 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)
        assert js.published == [b"a", b"b", b"c", b"b", b"c", b"d"]  # after the pause: b, c again, then d
        for ack in js.acks[3:]:
            ack.set_result("stored")
        await asyncio.wait_for(out.drain(), 2)
        assert out.in_flight() == 0 and out.stalled() == [] and out.take_failures() == []

    asyncio.run(scenario())


def test_a_link_failing_beyond_its_retry_budget_reports_every_message_once():
    async def scenario() -> None:
        js = ScriptedJetStream()
        out = _publisher(js, retry_for_s=0.0)
        for data in (b"a", b"b"):
            out.take_slot(0)
            await out.send_now("JPN", "tracks", data)
        js.acks[0].set_exception(ConnectionError("no route"))
        await asyncio.wait_for(out.drain(), 2)
        failures = out.take_failures()
        assert [(f.to, f.kind) for f in failures] == [("JPN", "tracks")] * 2
        assert "ConnectionError: no route" in failures[0].error
        assert out.in_flight() == 0 and out.stalled() == []

    asyncio.run(scenario())


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="max_in_flight: must be >= 1"):
        LinkPublisher(ScriptedJetStream(), "USA", max_in_flight=0, retry_for_s=1.0, timeout_s=1.0)


class FakeClient:
    def __init__(self, connected: bool = True) -> None:
        self._pending = [b"PUB a 1\r\nx\r\n", b"PUB b 1\r\ny\r\n"]
        self._pending_data_size = sum(map(len, self._pending))
        self.is_connected = connected
        self.written: list[bytes] = []
        self._transport = self

    def writelines(self, chunks: list[bytes]) -> None:
        self.written += chunks


def test_write_pending_writes_what_the_flusher_would_and_leaves_it_empty():
    nc = FakeClient()
    assert write_pending(nc) is True
    assert nc.written == [b"PUB a 1\r\nx\r\n", b"PUB b 1\r\ny\r\n"] and nc._pending == [] and nc._pending_data_size == 0
    assert write_pending(nc) is False  # nothing left: the flusher finds nothing either


def test_write_pending_leaves_a_disconnected_or_unknown_client_to_its_flusher():
    nc = FakeClient(connected=False)
    assert write_pending(nc) is False and nc.written == [] and len(nc._pending) == 2
    assert write_pending(object()) is False
