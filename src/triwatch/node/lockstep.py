"""Lockstep delivery: a node process takes exactly the messages the in-process fabric would hand it.

In one process the exercise steps every node through each tick's phases in nation order
(track, receive, warn, receive, command), and the in-process bus delivers synchronously: when
a node polls, its inbox holds exactly what was sent to it before, in the order it was sent.
Node processes on NATS reproduce that under a coordinator:

- the coordinator runs the phases one node at a time, in nation order, as the one-process run does;
- after each phase a node reports how many envelopes it handed the transport per next hop
  (relays included: the hub forwards while it polls), and the coordinator adds them up;
- a node's receive phase is told how many envelopes wait for it, and takes exactly that many:
  it waits until all have arrived, so none is left for a later phase and none taken early.

Each sender publishes and awaits the stream's acknowledgement one message at a time, and no two
nodes send at once, so a node's inbound stream holds the messages in the order they were sent:
the same order the in-process bus keeps. A node therefore processes the same deliveries in the
same order in both runs, and issues the same warnings.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from typing import Any

from triwatch.fabric import Transport

#: The phases a coordinator steps a node through, in tick order (snapshot every picture period).
PHASES = ("track", "receive", "warn", "command", "snapshot")


class LockstepError(RuntimeError):
    """The fabric did not deliver what the coordinator said was sent (lost, late or extra messages)."""


class LockstepInbox:
    """Wraps a node's transport: counts what it sends per hop; hands over only staged messages.

    ``stage(n)`` pulls from the wrapped transport until exactly ``n`` messages have arrived (the
    Endpoint's next ``poll`` then receives those ``n``); ``take_sent()`` returns and resets the
    per-hop send counts. Every other attribute is the wrapped transport's.
    """

    def __init__(self, inner: Transport, nation: str, *, poll_interval_s: float = 0.0005) -> None:
        self.inner = inner
        self.nation = nation
        self.poll_interval_s = poll_interval_s
        self._arrived: deque[bytes] = deque()
        self._staged: list[bytes] = []
        self._sent: Counter[str] = Counter()

    # -- the Transport interface the Endpoint uses -----------------------------------------
    def send(self, sender: str, to: str, kind: str, data: bytes) -> None:
        self.inner.send(sender, to, kind, data)
        self._sent[to] += 1

    def receive(self, nation: str) -> list[bytes]:
        if nation != self.nation:
            raise ValueError(f"LockstepInbox({self.nation}).receive: cannot read {nation}'s inbox")
        out, self._staged = self._staged, []
        return out

    # -- lockstep --------------------------------------------------------------------------
    def stage(self, expect: int, timeout_s: float) -> None:
        """Wait until ``expect`` messages have arrived and stage them for the next poll.

        LockstepError if they do not all arrive within ``timeout_s``, or if more arrived than
        partners sent (the runs would no longer match).
        """
        if expect < 0:
            raise ValueError(f"LockstepInbox.stage: expect must be >= 0, got {expect}")
        deadline = time.monotonic() + timeout_s
        while len(self._arrived) < expect:
            got = self.inner.receive(self.nation)
            if got:
                self._arrived.extend(got)
                continue
            if time.monotonic() > deadline:
                raise LockstepError(
                    f"{self.nation}: {len(self._arrived)} of {expect} expected messages arrived within {timeout_s} s"
                )
            time.sleep(self.poll_interval_s)
        self._arrived.extend(self.inner.receive(self.nation))
        if len(self._arrived) > expect:
            raise LockstepError(f"{self.nation}: {len(self._arrived)} messages arrived, partners sent {expect}")
        self._staged.extend(self._arrived)
        self._arrived.clear()

    def take_sent(self) -> dict[str, int]:
        """Envelopes handed to the transport per next hop since the last call."""
        out = dict(self._sent)
        self._sent.clear()
        return out

    def __getattr__(self, name: str) -> Any:  # close(), errors(), ... of the wrapped transport
        return getattr(self.inner, name)
