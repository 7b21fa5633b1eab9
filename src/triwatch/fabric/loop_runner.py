"""An asyncio event loop for synchronous code: turned by the thread that needs it, kept turning in between.

A node is synchronous; nats-py is asyncio. Running the client's loop in a thread of its own and
handing it every message costs two thread hand-offs per message: the node wakes the loop thread
to publish, and the loop thread wakes the node when a message arrives. Each hand-off is a
wake-up and a GIL transfer: tens of microseconds, more on a loaded machine, and together the
largest share of the fabric's own latency over NATS (``bench/fabric_breakdown.py``).

Here the loop is turned *on the caller's thread* whenever the caller needs it:

- :meth:`LoopRunner.run` runs a coroutine to completion on this thread; :meth:`LoopRunner.run_now`
  runs one that waits for nothing (a publish written to the socket) straight through, without
  a turn of the loop (``asyncio.events._set_running_loop``, as the loop does while it runs);
  :meth:`LoopRunner.run_until` turns it until a future is done (a wait for messages: the
  client's read callback then runs on this very thread, with no hand-off);
- between calls a background thread turns the loop every ``period_s`` (acknowledgements, the
  client's pings and reconnects, retries, arrivals while the node is busy elsewhere), only when
  no caller is turning it, and never making a caller wait longer than a few loop iterations.

One thread at a time turns the loop (a lock): asyncio lets a loop be run from different threads
one after the other, never at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

_log = logging.getLogger(__name__)

#: How often the background thread turns the loop when no caller does.
PUMP_PERIOD_S = 0.005
#: Loop iterations in one background turn: a read, the task it wakes, and a write it causes.
PUMP_TURNS = 4


async def turns(n: int) -> None:
    """Let the loop run ``n`` iterations (each handles what is ready, without waiting)."""
    for _ in range(n):
        await asyncio.sleep(0)


async def _carry_on(coro: Coroutine[Any, Any, Any], waits_on: Any) -> Any:
    """Drive a coroutine already started by hand (:meth:`LoopRunner.run_now`) to its end, as a task
    would: wait for what it yielded (a future, or nothing: one turn), then resume it."""
    while True:
        if waits_on is None:
            await asyncio.sleep(0)
        else:
            waits_on._asyncio_future_blocking = False
            await asyncio.wait([waits_on])  # done (or failed): the coroutine takes its result itself
        try:
            waits_on = coro.send(None)
        except StopIteration as done:
            return done.value


async def _within(coro: Coroutine[Any, Any, Any], timeout_s: float) -> Any:
    # asyncio.timeout, not wait_for: no second task and no extra turns of the loop per call.
    async with asyncio.timeout(timeout_s):
        return await coro


class LoopRunner:
    """An event loop turned by whichever thread needs it, and by a background pump in between."""

    def __init__(self, name: str = "loop", period_s: float = PUMP_PERIOD_S) -> None:
        if period_s <= 0:
            raise ValueError(f"LoopRunner.period_s: must be > 0, got {period_s}")
        self.loop = asyncio.new_event_loop()
        self.period_s = period_s
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._stop = threading.Event()
        self._pump_thread = threading.Thread(target=self._background, name=f"{name}-pump", daemon=True)
        self._pump_thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout_s: float | None = None) -> Any:
        """Run ``coro`` on this thread until it completes; TimeoutError (``coro`` cancelled) after
        ``timeout_s``. RuntimeError if called from a callback of this very loop, or after close."""
        if self._owner == threading.get_ident() or self.loop.is_closed():
            coro.close()
            raise RuntimeError("LoopRunner.run: called from inside its own loop, or after close")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                if timeout_s is None:
                    return self.loop.run_until_complete(coro)
                return self.loop.run_until_complete(_within(coro, timeout_s))
            finally:
                self._owner = None

    def run_now(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro`` straight through on this thread, as the loop's running code, without
        turning the loop: no I/O is polled and nothing else runs (what it schedules runs at the
        next turn: the pump's, or a caller's). For a short step that waits for nothing (a publish
        written to the socket), this costs no turn of the loop at all. If ``coro`` does wait, the
        loop is turned on this thread until it has finished, as :meth:`run` would."""
        if self._owner == threading.get_ident() or self.loop.is_closed():
            coro.close()
            raise RuntimeError("LoopRunner.run_now: called from inside its own loop, or after close")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                outer = asyncio.events._get_running_loop()
                asyncio.events._set_running_loop(self.loop)  # as the loop itself does while it runs
                try:
                    waits_on = coro.send(None)
                except StopIteration as done:
                    return done.value
                finally:
                    asyncio.events._set_running_loop(outer)
                return self.loop.run_until_complete(_carry_on(coro, waits_on))
            finally:
                self._owner = None

    def run_until(self, make: Callable[[asyncio.AbstractEventLoop], asyncio.Future]) -> Any:
        """Make a future on the loop (``make(loop)``, under the lock, as only the thread turning the
        loop may touch it) and turn the loop on this thread until the future is done; its result.

        Cheaper than :meth:`run` for a plain wait (an arrival): no task, and the loop stops on the
        very turn that completes the future. The future must complete by itself (e.g. a timer)."""
        if self._owner == threading.get_ident() or self.loop.is_closed():
            raise RuntimeError("LoopRunner.run_until: called from inside its own loop, or after close")
        with self._lock:
            self._owner = threading.get_ident()
            try:
                return self.loop.run_until_complete(make(self.loop))
            finally:
                self._owner = None

    def _background(self) -> None:
        while not self._stop.wait(self.period_s):
            if not self._lock.acquire(blocking=False):
                continue  # a caller is turning it
            try:
                if not self.loop.is_closed():
                    self.loop.run_until_complete(turns(PUMP_TURNS))
            except Exception:  # a pump that died would leave acknowledgements and pings unsent: log, go on
                _log.exception("LoopRunner %s: the background turn failed", self._pump_thread.name)
            finally:
                self._lock.release()

    def close(self) -> None:
        """Stop the background pump and close the loop (once everything on it has finished)."""
        self._stop.set()
        self._pump_thread.join(5)
        with self._lock:
            if not self.loop.is_closed():
                self.loop.close()
