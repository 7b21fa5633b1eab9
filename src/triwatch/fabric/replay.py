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

DEFAULT_WINDOW = 4096


class ReplayWindow:
    """Per-origin sliding window of accepted sequence numbers."""

    def __init__(self, size: int = DEFAULT_WINDOW) -> None:
        if size < 1:
            raise ValueError(f"ReplayWindow.size: must be >= 1, got {size}")
        self.size = size
        self._top: dict[str, int] = {}
        self._seen: dict[str, dict[int, str]] = {}

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
        seen = self._seen.setdefault(origin, {})
        seen[sequence] = msg_id
        old_top = self._top.get(origin, sequence)
        top = max(old_top, sequence)
        self._top[origin] = top
        if top > old_top:
            self._forget_below(seen, old_top - self.size, top - self.size)

    @staticmethod
    def _forget_below(seen: dict[int, str], old_floor: int, floor: int) -> None:
        """Drop numbers that slid out of the window: walk the slid range or the dict, whichever is shorter."""
        if floor - old_floor <= len(seen):
            for seq in range(old_floor + 1, floor + 1):
                seen.pop(seq, None)
        else:
            for seq in [s for s in seen if s <= floor]:
                del seen[seq]

    def top(self, origin: str) -> int | None:
        """Highest sequence accepted from ``origin`` so far."""
        return self._top.get(origin)
