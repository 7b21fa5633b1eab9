"""Write what a nats-py client has queued to its socket now, on the caller's turn of the loop.

nats-py queues every command (a publish, an acknowledgement) in the client's pending buffer and
wakes its *flusher* task, which writes the buffer on the loop's next iteration. On a message's
way out that is one more turn of the loop (an epoll and the flusher's step, 10-20 µs here) before
the bytes leave. :func:`write_pending` writes the buffer at once, exactly as the flusher would
(the same transport call, the buffer then emptied); the flusher, when it runs, finds nothing left.

It reads the client's private buffer (``_pending``, ``_pending_data_size``, ``_transport``: nats-py
2.x). If a future nats-py has none of these, or the client is not connected (a reconnect replays
the buffer itself), it does nothing and the flusher writes as before: only the saving is lost.
"""

from __future__ import annotations

from typing import Any


def write_pending(nc: Any) -> bool:
    """Write the client's pending commands to its socket now; False if left to the client's flusher."""
    pending = getattr(nc, "_pending", None)
    transport = getattr(nc, "_transport", None)
    if not pending or transport is None or not hasattr(nc, "_pending_data_size") or not nc.is_connected:
        return False
    transport.writelines(pending[:])
    nc._pending = []  # noqa: SLF001 - as the client's own flusher does after writing
    nc._pending_data_size = 0  # noqa: SLF001
    return True
