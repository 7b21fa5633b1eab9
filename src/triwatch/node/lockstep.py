"""Lockstep delivery: a node process takes exactly the messages the in-process fabric would hand it.

In one process the exercise steps every node through each tick's phases in nation order
(track, receive, warn, receive, command), and the in-process bus delivers synchronously: when
a node polls, its inbox holds exactly what was sent to it before, in the order it was sent:
phase by phase, and within a phase sender by sender in nation order. Node processes on NATS
reproduce that under a coordinator:

- phases that only send (track, warn, command, snapshot) run on all nodes at once; receive
  phases run one node at a time in nation order (the hub relays while it receives);
- after each phase a node reports how many envelopes it handed the transport per next hop
  (relays included); the coordinator appends, per receiving node, one *segment*
  ``(link sender, count)`` per sender in nation order;
- a node's receive phase gets those segments and takes exactly that many envelopes from each
  link sender, in segment order: it waits until all have arrived, so none is left for a later
  phase and none taken early, whatever order concurrent senders' messages reached its stream in.

The link sender of an envelope is the hub for a spoke in hub topology (spokes hear only the
hub) and otherwise the envelope's origin (nobody else relays). One sender's messages to one
node stay in order: it publishes them in order on its one connection (NATS keeps a connection's
publishes in order), the stream's acknowledgements are confirmed in order, and a failure sends
everything after it again, in order (:mod:`triwatch.fabric.nats_publisher`).
So a node processes the same deliveries in the same order in both runs, and issues the same
warnings.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Sequence
from typing import Any

from triwatch.fabric import MalformedEnvelopeError, Transport
from triwatch.fabric.envelope import decode

#: The phases a coordinator steps a node through, in tick order (snapshot every picture period).
PHASES = ("track", "receive", "warn", "command", "snapshot")


class LockstepError(RuntimeError):
    """The fabric did not deliver what the coordinator said was sent (lost, late or extra messages)."""


LinkSender = Callable[[bytes], str]


def link_sender_rule(nation: str, topology: str, hub: str) -> LinkSender:
    """Which partner handed ``nation`` an envelope: the hub for a spoke in hub topology, else its origin."""
    if topology == "hub" and nation != hub:
        return lambda data: hub

    def origin(data: bytes) -> str:
        try:
            return decode(data).origin
        except MalformedEnvelopeError as exc:
            raise LockstepError(f"{nation}: a message whose sender cannot be told: {exc}") from None

    return origin


class LockstepInbox:
    """Wraps a node's transport: counts what it sends per hop; hands over only staged messages.

    ``stage(segments)`` pulls from the wrapped transport until, for each ``(sender, count)``,
    that many messages from that link sender have arrived, and stages them in segment order
    (the Endpoint's next ``poll`` receives them); ``take_sent()`` returns and resets the per-hop
    send counts. With ``strict`` (live), a message beyond the segments is an error; without
    (a replay of a recorded stream), later messages wait for later segments. Every other
    attribute is the wrapped transport's.
    """

    def __init__(
        self,
        inner: Transport,
        nation: str,
        link_sender: LinkSender,
        *,
        strict: bool = True,
        poll_interval_s: float = 0.0005,
    ) -> None:
        self.inner = inner
        self.nation = nation
        self.link_sender = link_sender
        self.strict = strict
        self.poll_interval_s = poll_interval_s
        self._arrived: dict[str, deque[bytes]] = defaultdict(deque)
        self._staged: list[bytes] = []
        self._sent: Counter[str] = Counter()
        self._seen: set[bytes] = set()
        self.total_sent: Counter[str] = Counter()
        self.redelivered = 0

    # -- the Transport interface the Endpoint uses -----------------------------------------
    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        self.inner.send(sender, to, kind, data, msg_id=msg_id)
        self._sent[to] += 1
        self.total_sent[to] += 1

    def receive(self, nation: str) -> list[bytes]:
        if nation != self.nation:
            raise ValueError(f"LockstepInbox({self.nation}).receive: cannot read {nation}'s inbox")
        out, self._staged = self._staged, []
        return out

    # -- lockstep --------------------------------------------------------------------------
    def _take_in(self, messages: list[bytes]) -> None:
        for data in messages:
            # A copy of a message already here is a redelivery: JetStream hands a message out
            # again when its acknowledgement waits longer than ack_wait (a long pause, e.g. a
            # partner's crash recovery). Envelopes are unique (id, sequence), so equal bytes are
            # the same message; the copy is dropped, and counted.
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest in self._seen:
                self.redelivered += 1
                continue
            self._seen.add(digest)
            self._arrived[self.link_sender(data)].append(data)

    def stage(self, segments: Sequence[Sequence], timeout_s: float) -> None:
        """Wait until every segment's messages have arrived and stage them for the next poll.

        LockstepError if they do not all arrive within ``timeout_s``, or (strict) if more arrived
        than partners sent (the runs would no longer match).
        """
        need: Counter[str] = Counter()
        for sender, count in segments:
            if count < 0:
                raise ValueError(f"LockstepInbox.stage: count from {sender} must be >= 0, got {count}")
            need[sender] += int(count)
        deadline = time.monotonic() + timeout_s
        while short := {s: n - len(self._arrived[s]) for s, n in need.items() if len(self._arrived[s]) < n}:
            got = self.inner.receive(self.nation)
            if got:
                self._take_in(got)
                continue
            if time.monotonic() > deadline:
                raise LockstepError(
                    f"{self.nation}: messages still missing after {timeout_s} s: "
                    + ", ".join(f"{n} from {s}" for s, n in sorted(short.items()))
                )
            time.sleep(self.poll_interval_s)
        if self.strict:
            self._take_in(self.inner.receive(self.nation))
            extra = {s: len(q) - need[s] for s, q in self._arrived.items() if len(q) > need[s]}
            if extra:
                raise LockstepError(
                    f"{self.nation}: more messages arrived than partners sent: "
                    + ", ".join(f"{n} more from {s}" for s, n in sorted(extra.items()))
                )
        for sender, count in segments:
            queue = self._arrived[sender]
            self._staged.extend(queue.popleft() for _ in range(int(count)))

    def preload(self, messages: list[bytes]) -> None:
        """Take in messages read from the stream by other means (a restarted node's backlog, in stream
        order): they wait for their segments, and the copies the consumer delivers later are dropped."""
        self._take_in(messages)

    def seen(self, messages: list[bytes]) -> None:
        """Mark messages as already taken (a restarted node's replayed history): copies are dropped."""
        self._seen.update(hashlib.blake2b(m, digest_size=16).digest() for m in messages)

    def waiting(self) -> int:
        """Messages arrived but not yet staged."""
        return sum(len(q) for q in self._arrived.values())

    def commit(self, nation: str, count: int | None = None) -> int:
        """The Endpoint has handled what it was handed: acknowledge it to the wrapped transport (a
        transport that acknowledges after handling, e.g. NATS). After a strict ``stage`` nothing the
        wrapped transport handed over waits here (all staged, or dropped as a redelivered copy), so
        all of it is acknowledged; ``count`` is accepted for the Transport interface."""
        commit = getattr(self.inner, "commit", None)
        return commit(nation) if commit is not None else 0

    def take_sent(self) -> dict[str, int]:
        """Envelopes handed to the transport per next hop since the last call, once they are stored.

        A transport that sends asynchronously (has ``flush``, e.g. NATS) is flushed first: the
        phase ends only when what it sent is at the receivers (and a crash right after loses nothing).
        """
        flush = getattr(self.inner, "flush", None)
        if flush is not None:
            failures = flush(wait_for_stalled=False)  # a cut link's messages go when it heals
            if failures:
                raise LockstepError(f"{self.nation}: {len(failures)} message(s) not stored: {failures[0]}")
        out = dict(self._sent)
        self._sent.clear()
        return out

    def __getattr__(self, name: str) -> Any:  # close(), errors(), ... of the wrapped transport
        return getattr(self.inner, name)
