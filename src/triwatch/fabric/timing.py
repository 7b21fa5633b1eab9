"""Time on the fabric: message stamps in UTC, and sequence numbers that keep rising across restarts."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def sequence_start_from_clock() -> int:
    """A first sequence number for a deployed node: microseconds since 1970.

    A node that restarts must not reuse sequence numbers its partners have seen (they would
    refuse them as replays); starting from the clock keeps numbers rising across restarts as
    long as the node sends fewer than a million messages a second.
    """
    return time.time_ns() // 1000


def utc_iso(moment: datetime) -> str:
    """ISO 8601 UTC with a Z suffix; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
