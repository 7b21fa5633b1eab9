"""Hand acknowledgements from the web server's thread to the exercise's thread, and the answer back.

A nation's CommandCentre belongs to the exercise loop (main thread) and is not
thread-safe; the API receives an acknowledgement on the server's thread. The
desk is the LiveSource's `ack` callback: it queues the request and waits for
the runner, which serves the queue once per tick with the real handler:

    desk = AckDesk()
    source = LiveSource(name, nations, ack=desk)
    ...
    while not control.wait_while_paused(0.1):   # paused: keep serving acknowledgements
        desk.process(handle_ack)
    desk.process(handle_ack)                    # each tick, in the exercise thread

`handle_ack(nation, warning_id, revision, role, issuer) -> dict` calls the node's
`CommandCentre.acknowledge`, publishes the AckReport and records the `ack`
event. Its exceptions travel back to the API (KeyError -> 409). A runner that
does not answer within `timeout_s` gets the request dropped and the API says
so (503) rather than hanging the browser.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from triwatch.server.sources import SourceError

AckHandler = Callable[[str, str, int, str, str | None], dict]  # nation, warning id, revision, role, issuer


class RunNotAnsweringError(SourceError):
    status = 503


class AckDesk:
    def __init__(self, timeout_s: float = 5.0) -> None:
        self.timeout_s = timeout_s
        self._queue: queue.Queue[tuple[tuple[str, str, int, str, str | None], Future]] = queue.Queue()

    def __call__(self, nation: str, warning_id: str, revision: int, role: str, issuer: str | None = None) -> dict:
        """Queue one acknowledgement and wait for the runner's answer (called on the server's thread)."""
        future: Future = Future()
        self._queue.put(((nation, warning_id, revision, role, issuer), future))
        try:
            return future.result(self.timeout_s)
        except FutureTimeout:
            future.cancel()  # the runner will skip it
            raise RunNotAnsweringError(
                f"the run did not take the acknowledgement of {warning_id} revision {revision} within {self.timeout_s} s"
            ) from None

    def process(self, handler: AckHandler) -> int:
        """Serve every queued acknowledgement with handler (called on the exercise's thread); how many were served."""
        served = 0
        while True:
            try:
                args, future = self._queue.get_nowait()
            except queue.Empty:
                return served
            if not future.set_running_or_notify_cancel():
                continue  # the API gave up waiting
            try:
                future.set_result(handler(*args))
            except Exception as exc:  # travels back to the API thread, which turns it into a 4xx
                future.set_exception(exc)
            served += 1
