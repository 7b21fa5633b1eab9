"""What a nation's NATS consumer has delivered: arrived, handed to the node, committed, acknowledged.

The durable push consumer hands each stored message to :meth:`Inbox.arrived` (the subscription's
callback, on the transport's loop). A message then moves through three queues, oldest first:

- ``ready``: arrived, not yet handed over (:meth:`Inbox.take` empties it);
- ``taken``: handed to the node, not yet committed (it may die before handling them: JetStream
  delivers them again to its next connection);
- ``to_ack``: committed (:meth:`Inbox.commit`), acknowledgement not yet sent: they go out every
  ``ACK_PERIOD_S`` (:meth:`Inbox.ack_periodically`) without waiting for the server. Up to 20 ms
  late costs nothing (the server waits ``ack_wait_s``); an acknowledgement lost on the way, or a
  crash in between, only causes a redelivery, which the Endpoint's replay window drops.

A thread waiting for the next arrival turns the loop until :meth:`Inbox.arrival`'s future is done:
the callback completes it, so the loop stops on the very turn that read the message.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

#: Committed messages are acknowledged about this long after the commit (the next turn of the loop after it).
ACK_PERIOD_S = 0.02


class Inbox:
    """One nation's delivered messages (see the module docstring); lives on the transport's loop."""

    def __init__(self, errors: deque[str]) -> None:
        self.ready: deque[Any] = deque()
        self.taken: list[Any] = []
        self.to_ack: deque[Any] = deque()
        self._waiter: asyncio.Future | None = None
        self._errors = errors

    async def arrived(self, msg: Any) -> None:
        """The subscription's callback: one more message stored for this nation."""
        self.ready.append(msg)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def arrival(self, wait_s: float) -> Callable[[asyncio.AbstractEventLoop], asyncio.Future]:
        """A future done at the next arrival or after ``wait_s`` (made on the loop by the thread turning it)."""

        def make(loop: asyncio.AbstractEventLoop) -> asyncio.Future:
            waiter = loop.create_future()
            if self.ready:  # the background pump read something while this thread waited for the loop
                waiter.set_result(None)
                return waiter
            timer = loop.call_later(wait_s, _settle, waiter)  # a plain timer: no task, no wrapper per wait
            waiter.add_done_callback(self._done_waiting(timer))
            self._waiter = waiter
            return waiter

        return make

    def _done_waiting(self, timer: asyncio.TimerHandle) -> Callable[[asyncio.Future], None]:
        def done(_: asyncio.Future) -> None:
            timer.cancel()
            self._waiter = None

        return done

    def take(self) -> list[Any]:
        """Hand over everything that arrived, oldest first (it stays unacknowledged until committed)."""
        msgs = list(self.ready)
        self.ready.clear()
        self.taken.extend(msgs)
        return msgs

    def commit(self, count: int | None = None) -> int:
        """The node handled the oldest ``count`` messages taken (all if None): acknowledge them soon."""
        n = len(self.taken) if count is None else min(count, len(self.taken))
        msgs, self.taken = self.taken[:n], self.taken[n:]
        self.to_ack.extend(msgs)
        return n

    async def ack_periodically(self) -> None:
        """Send the acknowledgements of committed messages every ACK_PERIOD_S (whenever the loop turns)."""
        while True:
            await asyncio.sleep(ACK_PERIOD_S)
            await self.send_acks()

    async def send_acks(self) -> None:
        queue = self.to_ack
        while queue:
            m = queue.popleft()
            try:
                await m.ack()
            except Exception as exc:  # not acknowledged: the server redelivers, the replay window drops the copy
                self._errors.append(f"ack: {exc!r}")


def _settle(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
