"""Publishing over JetStream in order per link, many messages in flight, retried through outages.

One :class:`LinkPublisher` serves one NATS connection; it lives on the connection's event loop
(every method but :meth:`LinkPublisher.take_slot` runs there). Each link (partner nation) has a
queue and one task draining it:

- everything queued on the link is published at once (pipelined, ``publish_async``: no task
  and no turn of the event loop per message) and the stream acknowledgements are awaited
  together, instead of one round trip per message;
- from the first message left unacknowledged, the rest of the batch is published again, after a
  pause that doubles up to 1 s: nothing after a lost message is confirmed before it, so a link
  that comes back delivers its backlog in order. A copy that had in fact been stored is dropped by
  the stream (same ``Nats-Msg-Id``, a hash of the bytes, within its duplicate window) or later by
  the receiver's replay window;
- after ``retry_for_s`` without success the messages are given up and reported as
  :class:`SendFailure` by :meth:`LinkPublisher.take_failures`.

A link whose messages are being retried is *stalled* (a cut link, a server away).
At most ``max_in_flight`` messages wait for their acknowledgement; beyond that the sending
thread blocks in :meth:`take_slot` (back-pressure).
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .nats_server import subject

PAUSE_S, MAX_PAUSE_S = 0.05, 1.0
#: Loop iterations a send turns at most for its message to be published (a read, the
#: acknowledgement task it wakes, the link's task it releases).
SEND_TURNS = 8


@dataclass(frozen=True)
class SendFailure:
    """A publish that no stream acknowledged, even after retries."""

    to: str
    kind: str
    error: str


@dataclass
class Outgoing:
    """One message to publish on a lane.

    ``slot``: it holds a send slot, released once stored or given up. ``patient``: it is never
    given up (it is safe in an outbox stream; only closing stops the retries). ``done`` runs once
    it is stored.
    """

    to: str
    kind: str
    subject: str
    data: bytes
    done: Callable[[], None] | None = None
    slot: bool = True
    patient: bool = False


class LinkPublisher:
    """Per-link ordered, pipelined JetStream publishing with retries (see the module docstring)."""

    def __init__(self, js: Any, sender: str, max_in_flight: int, retry_for_s: float, timeout_s: float) -> None:
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight: must be >= 1, got {max_in_flight}")
        self.js = js
        self.sender = sender
        self.retry_for_s = retry_for_s
        self.timeout_s = timeout_s
        self.max_in_flight = max_in_flight
        self.closing = False
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._queues: dict[str, deque[Outgoing]] = {}
        self._workers: dict[str, asyncio.Task] = {}
        self._stalled: set[str] = set()
        self._failures: deque[SendFailure] = deque()
        self._enqueued: dict[str, int] = {}  # per lane: messages queued so far
        self._published: dict[str, int] = {}  # per lane: messages handed to the client so far (first time)

    # -- sending thread -------------------------------------------------------------------
    def take_slot(self, timeout_s: float) -> bool:
        """Reserve room for one more message in flight (False if none came free in time)."""
        return self._slots.acquire(timeout=timeout_s)

    def in_flight(self) -> int:
        """Messages queued or published but not yet acknowledged or given up."""
        return self.max_in_flight - self._slots._value  # noqa: SLF001 - BoundedSemaphore has no public count

    def stalled(self) -> list[str]:
        """Lanes (partners, or ``out:<partner>`` outboxes) whose publishes are being retried."""
        return sorted(self._stalled)

    def take_failures(self) -> list[SendFailure]:
        out = list(self._failures)
        self._failures.clear()
        return out

    # -- event loop -----------------------------------------------------------------------
    def enqueue(self, to: str, kind: str, data: bytes) -> None:
        """Queue one message for ``to``'s stream (its slot already taken)."""
        self.enqueue_on(to, Outgoing(to, kind, subject(self.sender, to, kind), data))

    def enqueue_on(self, lane: str, item: Outgoing) -> None:
        """Queue ``item`` on ``lane`` (a partner, or an outbox); start the lane's task if idle."""
        self._queues.setdefault(lane, deque()).append(item)
        self._enqueued[lane] = self._enqueued.get(lane, 0) + 1
        if lane not in self._workers:
            self._workers[lane] = asyncio.get_running_loop().create_task(self._drain_lane(lane))

    async def send_now(self, lane: str, to: str, store: Callable, args: tuple, forward_wait_s: float) -> None:
        """Queue a message with ``store(*args)`` (on ``lane``: ``to`` itself, or its outbox), then
        turn the loop (on the caller's thread) until the message is written to the socket.

        The link's task publishes it at once if the link is idle, or once the acknowledgements of
        the batch before it are in (usually already read: turning the loop handles them); the
        client's flusher then writes it. A link waiting on acknowledgements still on their way,
        or being retried, keeps the message queued for its next batch (turned by the background
        pump or the next call). Through an outbox, the message comes back from this nation's own
        stream to be forwarded on the link: wait up to ``forward_wait_s`` (not on a cut link) for
        that forward to be written too.
        """
        forwards = self.enqueued(to)
        store(*args)
        want = self.enqueued(lane)
        for _ in range(SEND_TURNS):
            if self.published(lane) >= want:
                break
            await asyncio.sleep(0)
        if lane != to and to not in self._stalled:
            deadline = time.monotonic() + forward_wait_s
            while self.published(to) <= forwards and time.monotonic() < deadline:
                await asyncio.sleep(0.0002)  # the loop waits on the socket meanwhile
        await asyncio.sleep(0)  # the flusher writes what was published

    def enqueued(self, lane: str) -> int:
        """Messages queued on ``lane`` so far."""
        return self._enqueued.get(lane, 0)

    def published(self, lane: str) -> int:
        """Messages of ``lane`` handed to the client so far (written with its next flush)."""
        return self._published.get(lane, 0)

    async def drain(self, wait_for_stalled: bool = True) -> None:
        """Return once every link's queue is published (or given up); skip stalled links if asked."""
        while True:
            busy = [w for to, w in self._workers.items() if wait_for_stalled or to not in self._stalled]
            if not busy:
                return
            await asyncio.wait(busy, timeout=0.05)  # look again: a link may stall or recover meanwhile

    async def cancel(self) -> None:
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _drain_lane(self, lane: str) -> None:
        queue = self._queues[lane]
        try:
            while queue:
                batch = [queue.popleft() for _ in range(len(queue))]
                self._published[lane] = self._published.get(lane, 0) + len(batch)  # published next, at once
                await self._publish_in_order(lane, batch)
        finally:
            del self._workers[lane]

    async def _publish_in_order(self, lane: str, items: list[Outgoing]) -> None:
        give_up = time.monotonic() + self.retry_for_s
        pause = PAUSE_S
        while items:
            results = await self._publish_all(items)
            bad = next((i for i, r in enumerate(results) if isinstance(r, BaseException)), len(items))
            for m in items[:bad]:
                self._stored(m)
            if bad == len(items):
                self._stalled.discard(lane)
                return
            items, error = items[bad:], results[bad]
            if self.closing or (not items[0].patient and time.monotonic() + pause > give_up):
                for m in items:
                    if not m.patient:
                        self._failures.append(SendFailure(m.to, m.kind, f"{type(error).__name__}: {error}"[:300]))
                    if m.slot:
                        self._slots.release()
                self._stalled.discard(lane)
                return
            self._stalled.add(lane)
            await asyncio.sleep(pause)
            pause = min(pause * 2, MAX_PAUSE_S)

    async def _publish_all(self, items: list[Outgoing]) -> list[Any]:
        """Publish every item now, in order, then await their stream acknowledgements together.

        ``publish_async`` writes the message to the connection's buffer and returns a future for
        its acknowledgement without a task per message or a wait, so the whole batch leaves in
        the next write of the connection (the first message of a quiet link without any extra
        turn of the event loop). Returns, per item, its acknowledgement or the exception
        (``TimeoutError`` when none came within ``timeout_s``); items after a failed publish get
        that failure too (they are published again, in order, with it).
        """
        acks: list[Any] = []
        failed: BaseException | None = None
        for m in items:
            try:
                acks.append(await self.js.publish_async(m.subject, m.data, headers={"Nats-Msg-Id": _msg_id(m.data)}))
            except Exception as exc:  # e.g. the connection is closed: this and the rest are retried
                failed = exc
                break
        if acks:
            _, pending = await asyncio.wait(acks, timeout=self.timeout_s)
            for f in pending:
                f.cancel()  # frees its place in the client's table of acknowledgements awaited
        results: list[Any] = []
        for f in acks:
            if f.cancelled():
                results.append(TimeoutError(f"no stream acknowledgement within {self.timeout_s} s"))
            else:
                results.append(f.exception() or f.result())
        results += [failed] * (len(items) - len(acks))
        return results

    def _stored(self, m: Outgoing) -> None:
        if m.slot:
            self._slots.release()
        if m.done is not None:
            m.done()


def _msg_id(data: bytes) -> str:
    """JetStream's de-duplication id: the same bytes always get the same id."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
