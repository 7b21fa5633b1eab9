"""Publishing over JetStream in order per link, many messages in flight, retried through outages.

One :class:`LinkPublisher` serves one NATS connection; it lives on the connection's event loop
(every method but :meth:`LinkPublisher.take_slot` runs there). Each *lane* (a partner nation, or
this nation's outbox for it) keeps two queues, in order:

- ``waiting``: messages to publish (first time, or again after a failure);
- ``in_flight``: messages published whose stream acknowledgement has not come back yet.

**A healthy lane publishes at once.** :meth:`LinkPublisher.send_now` hands a message to the
client (``publish_async``: no task, no turn of the event loop per message) the moment it is
sent, whatever is still in flight before it: the previous message's acknowledgement is taken in
later, by the lane's task, off the message's way out. NATS keeps one connection's publishes in
order, so the partner's stream stores them in the order sent.

**Acknowledgements are taken in order.** The lane's task awaits the oldest acknowledgement,
then the next: nothing is confirmed (its send slot freed, its ``done`` run) before everything
sent before it on the lane. From the first message left unacknowledged (an error, or none
within ``timeout_s``) every message after it, in flight or waiting, is published again, in
order, after a pause that doubles up to 1 s; meanwhile new messages wait behind them. So a link
that comes back delivers its backlog in order. A copy that had in fact been stored is dropped by
the stream (same ``Nats-Msg-Id``: the envelope's ``msg_id``, within the stream's duplicate window)
or later by the receiver's replay window. After ``retry_for_s`` without success the messages are given up
and reported as :class:`SendFailure` by :meth:`LinkPublisher.take_failures`.

A lane whose messages are being retried is *stalled* (a cut link, a server away).
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
from dataclasses import dataclass, field
from typing import Any

from .nats_server import subject

PAUSE_S, MAX_PAUSE_S = 0.05, 1.0
#: Loop iterations a send through the outbox turns at most for its message to be published.
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
    published_once: bool = False
    msg_id: str | None = None  # its Nats-Msg-Id (the envelope's id); None: a hash of the bytes


@dataclass
class _Lane:
    waiting: deque[Outgoing] = field(default_factory=deque)
    in_flight: deque[tuple[Outgoing, asyncio.Future, float]] = field(default_factory=deque)  # (item, ack, deadline)
    task: asyncio.Task | None = None
    enqueued: int = 0  # messages queued so far
    published: int = 0  # messages handed to the client so far (first time)
    failing_since: float | None = None  # when its oldest unconfirmed message first failed
    pause: float = PAUSE_S


class LinkPublisher:
    """Per-lane ordered, pipelined JetStream publishing with retries (see the module docstring)."""

    def __init__(
        self,
        js: Any,
        sender: str,
        max_in_flight: int,
        retry_for_s: float,
        timeout_s: float,
        write_now: Callable[[], bool] | None = None,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError(f"max_in_flight: must be >= 1, got {max_in_flight}")
        self.js = js
        self.sender = sender
        self.retry_for_s = retry_for_s
        self.timeout_s = timeout_s
        self.max_in_flight = max_in_flight
        self.write_now = write_now  # writes what was published to the socket at once (else: the client's flusher)
        self.closing = False
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._lanes: dict[str, _Lane] = {}
        self._stalled: set[str] = set()
        self._failures: deque[SendFailure] = deque()

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
    def enqueued(self, lane: str) -> int:
        """Messages queued on ``lane`` so far."""
        return self._lane(lane).enqueued

    def published(self, lane: str) -> int:
        """Messages of ``lane`` handed to the client so far (written with its next flush)."""
        return self._lane(lane).published

    def enqueue(self, to: str, kind: str, data: bytes) -> None:
        """Queue one message for ``to``'s stream (its slot already taken); the lane's task publishes it."""
        self.enqueue_on(to, Outgoing(to, kind, subject(self.sender, to, kind), data))

    def enqueue_on(self, lane: str, item: Outgoing) -> None:
        """Queue ``item`` on ``lane`` (a partner, or an outbox) behind what waits there; the lane's task publishes it."""
        state = self._lane(lane)
        state.enqueued += 1
        state.waiting.append(item)
        self._wake(lane, state)

    async def publish_on(self, lane: str, item: Outgoing) -> None:
        """Publish ``item`` on ``lane`` now if nothing waits before it there (the lane is not being
        retried), else queue it behind; its acknowledgement is taken in by the lane's task."""
        state = self._lane(lane)
        state.enqueued += 1
        if not state.waiting and lane not in self._stalled:
            try:
                await self._publish(lane, state, item)
            except Exception:  # e.g. the connection is closed: the lane's task retries it
                state.waiting.append(item)
        else:
            state.waiting.append(item)
        self._wake(lane, state)

    async def send_now(
        self,
        to: str,
        kind: str,
        data: bytes,
        *,
        msg_id: str | None = None,
        store: Callable | None = None,
        forward_wait_s: float = 0.0,
    ) -> None:
        """Publish a message for ``to`` on the caller's turn of the loop, and let the client write it.

        Without ``store``: straight on the link (:meth:`publish_on`), written to the socket at once
        (``write_now``). With ``store`` (an outbox: ``store(to, kind, data, msg_id)`` queues it on lane
        ``out:<to>``), the lane's task publishes it to this nation's own stream; it comes back from
        there to be forwarded on the link: wait up to ``forward_wait_s`` (not on a cut link) for that
        forward to be published too. Otherwise one more turn: the client's flusher writes it.
        """
        if store is None:
            await self.publish_on(to, Outgoing(to, kind, subject(self.sender, to, kind), data, msg_id=msg_id))
            if self.write_now is not None and self.write_now():
                return
        else:
            lane = f"out:{to}"
            forwards = self.enqueued(to)
            store(to, kind, data, msg_id)
            want = self.enqueued(lane)
            for _ in range(SEND_TURNS):
                if self.published(lane) >= want:
                    break
                await asyncio.sleep(0)
            if to not in self._stalled:
                deadline = time.monotonic() + forward_wait_s
                while self.published(to) <= forwards and time.monotonic() < deadline:
                    await asyncio.sleep(0.0002)  # the loop waits on the socket meanwhile
        await asyncio.sleep(0)  # the flusher writes what was published

    async def drain(self, wait_for_stalled: bool = True) -> None:
        """Return once every lane is acknowledged (or given up); skip stalled lanes if asked."""
        while True:
            busy = [
                s.task
                for name, s in self._lanes.items()
                if s.task is not None and (wait_for_stalled or name not in self._stalled)
            ]
            if not busy:
                return
            await asyncio.wait(busy, timeout=0.05)  # look again: a lane may stall or recover meanwhile

    async def cancel(self) -> None:
        tasks = [s.task for s in self._lanes.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- the lanes' tasks -------------------------------------------------------------------
    def _lane(self, lane: str) -> _Lane:
        state = self._lanes.get(lane)
        if state is None:
            state = self._lanes[lane] = _Lane()
        return state

    def _wake(self, lane: str, state: _Lane) -> None:
        if state.task is None and (state.waiting or state.in_flight):
            state.task = asyncio.get_running_loop().create_task(self._run_lane(lane, state))

    async def _publish(self, lane: str, state: _Lane, item: Outgoing) -> None:
        headers = {"Nats-Msg-Id": item.msg_id or _msg_id(item.data)}
        ack = await self.js.publish_async(item.subject, item.data, headers=headers)
        state.in_flight.append((item, ack, time.monotonic() + self.timeout_s))
        if not item.published_once:
            item.published_once = True
            state.published += 1

    async def _run_lane(self, lane: str, state: _Lane) -> None:
        """Publish what waits, confirm what is in flight in order, retry from the first failure."""
        try:
            while state.waiting or state.in_flight:
                error = await self._publish_waiting(lane, state)
                if error is None and state.in_flight:
                    error = await self._confirm_oldest(lane, state)
                if error is not None:
                    await self._retry_later(lane, state, error)
        finally:
            state.task = None

    async def _publish_waiting(self, lane: str, state: _Lane) -> BaseException | None:
        while state.waiting:
            try:
                await self._publish(lane, state, state.waiting[0])
            except Exception as exc:  # e.g. the connection is closed: this and the rest are retried
                return exc
            state.waiting.popleft()
        return None

    async def _confirm_oldest(self, lane: str, state: _Lane) -> BaseException | None:
        item, ack, deadline = state.in_flight[0]
        if not ack.done():
            await asyncio.wait([ack], timeout=max(0.0, deadline - time.monotonic()))
        if not ack.done():
            return TimeoutError(f"no stream acknowledgement within {self.timeout_s} s")
        error = None if ack.cancelled() else ack.exception()
        if error is not None:
            return error
        state.in_flight.popleft()
        state.failing_since, state.pause = None, PAUSE_S
        self._stalled.discard(lane)
        if item.slot:
            self._slots.release()
        if item.done is not None:
            item.done()
        return None

    async def _retry_later(self, lane: str, state: _Lane, error: BaseException) -> None:
        """Everything unconfirmed goes back to ``waiting``, in order; pause, or give it up."""
        again = []
        for item, ack, _ in state.in_flight:
            ack.cancel()  # frees its place in the client's table of acknowledgements awaited
            again.append(item)
        state.in_flight.clear()
        state.waiting.extendleft(reversed(again))
        now = time.monotonic()
        if state.failing_since is None:
            state.failing_since = now
        give_up = state.failing_since + self.retry_for_s
        if self.closing or (not state.waiting[0].patient and now + state.pause > give_up):
            for m in state.waiting:
                if not m.patient:
                    self._failures.append(SendFailure(m.to, m.kind, f"{type(error).__name__}: {error}"[:300]))
                if m.slot:
                    self._slots.release()
            state.waiting.clear()
            state.failing_since, state.pause = None, PAUSE_S
            self._stalled.discard(lane)
            return
        self._stalled.add(lane)
        await asyncio.sleep(state.pause)
        state.pause = min(state.pause * 2, MAX_PAUSE_S)


def _msg_id(data: bytes) -> str:
    """JetStream's de-duplication id: the same bytes always get the same id."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
