"""Replay protection and de-duplication: a sliding window of sequence numbers per origin.

Each origin numbers its messages 1, 2, 3, ... (a deployed node may start higher, e.g. from
the clock, so a restart never reuses numbers). A receiver keeps, per origin, the highest
sequence accepted ``top`` and the msg_ids of the last ``size`` sequence numbers, as IPsec
and DTLS do (RFC 4303 §3.4.3):

- ``seq > top``: new; accepted, the window slides up.
- ``top - size < seq <= top``: accepted once if that number is unseen (late, out-of-order
  delivery is normal over a relay); an exact copy (same msg_id) is a **duplicate**, another
  message claiming a used number is a **replay**.
- ``seq <= top - size``: too old to tell; refused as a **replay**.

Memory is bounded: ``size`` entries per origin.
"""

from __future__ import annotations

from collections import OrderedDict

DEFAULT_WINDOW = 4096


class ReplayWindow:
    """Per-origin sliding window of accepted sequence numbers."""

    def __init__(self, size: int = DEFAULT_WINDOW) -> None:
        if size < 1:
            raise ValueError(f"ReplayWindow.size: must be >= 1, got {size}")
        self.size = size
        self._top: dict[str, int] = {}
        self._seen: dict[str, OrderedDict[int, str]] = {}

    def check(self, origin: str, sequence: int, msg_id: str) -> str | None:
        """None if (origin, sequence, msg_id) would be accepted, else "duplicate" or "replay"."""
        top = self._top.get(origin)
        if top is None or sequence > top:
            return None
        if sequence <= top - self.size:
            return "replay"
        seen = self._seen[origin].get(sequence)
        if seen is None:
            return None
        return "duplicate" if seen == msg_id else "replay"

    def accept(self, origin: str, sequence: int, msg_id: str) -> None:
        """Record an accepted message (call only after :meth:`check` returned None)."""
        seen = self._seen.setdefault(origin, OrderedDict())
        seen[sequence] = msg_id
        top = max(self._top.get(origin, sequence), sequence)
        self._top[origin] = top
        floor = top - self.size
        # Entries leave in insertion order, which is near enough sequence order; drop any below the floor.
        while seen:
            oldest = next(iter(seen))
            if oldest > floor and len(seen) <= self.size:
                break
            seen.popitem(last=False)

    def top(self, origin: str) -> int | None:
        """Highest sequence accepted from ``origin`` so far."""
        return self._top.get(origin)
