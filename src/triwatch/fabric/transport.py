"""Transports move opaque envelope bytes between nations; they never read or judge them.

Every transport offers the same two calls, so an :class:`~triwatch.fabric.endpoint.Endpoint`
works unchanged in process or over NATS:

- ``send(sender, to, kind, data)``: hand ``data`` (one encoded envelope) from ``sender`` to
  the inbox of ``to``;
- ``receive(nation, wait_s=0.0)``: take everything waiting in ``nation``'s inbox, oldest
  first (a transport fed from elsewhere may wait up to ``wait_s`` for the first message);
- ``commit(nation, count=None)``: the node has handled what ``receive`` returned (all, or the
  oldest ``count``); a transport that stores messages acknowledges them now and would
  otherwise deliver them again.

:class:`MemoryBus` is the in-process transport: one FIFO inbox per nation, the hand-over is
synchronous (``send`` returns once the bytes are in the inbox), so a run is deterministic. A
link between two nations can be cut (``cut_link``): what is sent on it then waits on the link,
in order, and reaches the inboxes when the link is healed (``heal_link``), as messages held in
a store-and-forward fabric would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Transport(Protocol):
    """What an Endpoint needs from a transport."""

    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        """Hand ``data`` towards ``to``. ``msg_id``: the envelope's id; a transport that stores
        messages (NATS) drops a second copy of the same id (a node rebuilt after a crash that
        sends again what the dead process had sent)."""

    def receive(self, nation: str, wait_s: float = 0.0) -> list[bytes]: ...

    def commit(self, nation: str, count: int | None = None) -> int: ...


Tap = Callable[[str, str, str, bytes], None]


class MemoryBus:
    """In-process transport: a FIFO inbox per nation, synchronous and deterministic.

    ``tap``, if given, sees every (sender, to, kind, data) hand-over: tests use it to check
    what crossed the wire, an exercise to count traffic per link.
    """

    def __init__(self, tap: Tap | None = None) -> None:
        self._inboxes: dict[str, deque[bytes]] = {}
        self._tap = tap
        self.links: dict[tuple[str, str], int] = {}
        self._held: dict[frozenset[str], deque[tuple[str, bytes]]] = {}  # per cut link: (to, data) in order

    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        if not isinstance(data, bytes | bytearray):
            raise TypeError(f"MemoryBus.send({sender}->{to}): data must be bytes, got {type(data).__name__}")
        held = self._held.get(frozenset((sender, to)))
        if held is not None:  # the link is cut: the message waits for it, in order
            held.append((to, bytes(data)))
        else:
            self._inboxes.setdefault(to, deque()).append(bytes(data))
        self.links[(sender, to)] = self.links.get((sender, to), 0) + 1
        if self._tap is not None:
            self._tap(sender, to, kind, bytes(data))

    def receive(self, nation: str, wait_s: float = 0.0) -> list[bytes]:
        """Take the inbox; ``wait_s`` is ignored: in one process nothing can arrive while we wait."""
        inbox = self._inboxes.get(nation)
        if not inbox:
            return []
        out = list(inbox)
        inbox.clear()
        return out

    def commit(self, nation: str, count: int | None = None) -> int:
        """Nothing to acknowledge: an in-process inbox hands each message over once."""
        return 0

    def cut_link(self, a: str, b: str) -> None:
        """Cut the link between ``a`` and ``b`` (both directions): what is sent on it waits until healed."""
        if a == b:
            raise ValueError(f"MemoryBus.cut_link: a link joins two different nations, got {a} twice")
        self._held.setdefault(frozenset((a, b)), deque())

    def heal_link(self, a: str, b: str) -> None:
        """Restore the link: what waited on it reaches its inboxes now, in the order it was sent."""
        for to, data in self._held.pop(frozenset((a, b)), ()):
            self._inboxes.setdefault(to, deque()).append(data)

    def held(self, a: str | None = None, b: str | None = None) -> int:
        """Messages waiting on one cut link (a, b), or on all."""
        if a is not None and b is not None:
            return len(self._held.get(frozenset((a, b)), ()))
        return sum(len(q) for q in self._held.values())

    def inject(self, to: str, data: bytes) -> None:
        """Put raw bytes in ``to``'s inbox as if from the wire (tests of forged or malformed input)."""
        self._inboxes.setdefault(to, deque()).append(bytes(data))

    def pending(self, nation: str | None = None) -> int:
        """Messages waiting in one inbox, or in all."""
        if nation is not None:
            return len(self._inboxes.get(nation, ()))
        return sum(len(q) for q in self._inboxes.values())
