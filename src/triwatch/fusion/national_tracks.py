"""When each national track was heard: first report, latest report, start of its current arc.

A nation's tracker numbers its tracks; the allied picture only sees the reports. Two of one
nation's tracks are two objects at once when they were *concurrent*: each was reported after the
other's first report,

    max(first_a, first_b) < min(last_a, last_b).

A tracker that loses an object and picks it up again under a new id gives two tracks that are
not concurrent (the old one falls silent before the new one starts); a tracker that follows a
warhead and the stage flying metres from it gives two that are, however irregularly each is
updated (one may go 20 s between reports while the other is updated every second). Freshness
alone (heard within a few seconds) cannot tell these apart; concurrency can.
"""

from __future__ import annotations

from dataclasses import dataclass

Key = tuple[str, str]  # (origin nation, national track id)


@dataclass
class Heard:
    first_s: float  # state time of the first report
    last_s: float  # state time of the latest report
    arc_since_s: float  # start of the current arc (see NationalTracks.heard)


class NationalTracks:
    """Report times of every national track a picture has heard (first, last, current arc)."""

    def __init__(self, stale_s: float) -> None:
        self.stale_s = stale_s
        self._heard: dict[Key, Heard] = {}

    def heard(self, key: Key, t_s: float) -> float:
        """Note a report of key at state time t_s; return the start of the track's current arc.

        A new arc starts with the first report and after a silence longer than stale_s: a tracker
        that coasts a track through a long gap (a lofted missile above every radar) and then
        updates it again under the same id has, in effect, a new track whose velocity was found
        again from the new measurements alone.
        """
        h = self._heard.get(key)
        if h is None:
            self._heard[key] = Heard(t_s, t_s, t_s)
            return t_s
        if t_s - h.last_s > self.stale_s:
            h.arc_since_s = t_s
        h.last_s = max(h.last_s, t_s)
        h.first_s = min(h.first_s, t_s)
        return h.arc_since_s

    def first_s(self, key: Key) -> float:
        return self._heard[key].first_s

    def last_s(self, key: Key) -> float:
        return self._heard[key].last_s

    def concurrent(self, a: Key, b: Key) -> bool:
        """Whether tracks a and b were both alive at once: each reported after the other's first report."""
        ha, hb = self._heard.get(a), self._heard.get(b)
        if ha is None or hb is None or a == b:
            return False
        return max(ha.first_s, hb.first_s) < min(ha.last_s, hb.last_s)

    def succeeds(self, new: Key, old: Key) -> bool:
        """Whether new started after old fell silent (a fragment that may replace it)."""
        hn, ho = self._heard.get(new), self._heard.get(old)
        return hn is not None and ho is not None and new != old and hn.first_s > ho.last_s
