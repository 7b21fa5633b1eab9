"""A planned crash of a node process in the middle of a phase, while it publishes (fault injection).

The coordinator asks for it with the phase command (``{"op": "warn", "t": 100.0,
"crash_after_sends": 2}``): the node process runs the phase, and right after it has handed the
fabric its ``k``-th envelope of the phase it makes sure those ``k`` are stored at their receivers
(a flush), then kills itself with SIGKILL: no answer, no clean shutdown, the rest of the phase
never sent. What a real crash in the middle of publishing leaves behind: partners' streams hold
the first messages of a phase the coordinator never heard the end of.

The coordinator then starts a fresh process, which rebuilds the dead one's state
(:mod:`triwatch.node.recovery`) numbering its messages from the dead process's first sequence
number, and runs the phase again: the messages the dead process had sent come out
the same messages (same sequence numbers, the scenario clock's time stamps, so the same
``msg_id``), and the partner's stream drops the second copy of each (the envelope's ``msg_id``
is its ``Nats-Msg-Id``): every partner takes each message once, in order, as in an
uninterrupted run. The copy kept is the first: byte for byte the dead process's.
"""

from __future__ import annotations

import os
import signal
from typing import Any


class CrashAfterSends:
    """Wraps a node's transport for one phase: after the ``after``-th send, flush and SIGKILL this process."""

    def __init__(self, inner: Any, after: int) -> None:
        if after < 1:
            raise ValueError(f"crash_after_sends: must be >= 1, got {after}")
        self._inner = inner
        self._after = after
        self._sent = 0

    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        self._inner.send(sender, to, kind, data, msg_id=msg_id)
        self._sent += 1
        if self._sent == self._after:
            self._inner.flush()  # the messages sent so far are stored at their receivers' side
            os.kill(os.getpid(), signal.SIGKILL)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
