"""Lineage families of national tracks, and whether a nation's tracker could have tied two of its tracks.

A track born from another (`TrackReport.parent_id`, `triwatch.tracking.lineage`) is of its
parent's family (union-find over "track -> parent"; lineage is per nation, as track ids are).
A nation's two tracks of different families deny that the objects are one launch only if its
tracker watched them apart (`watched`): a tracker ties a child to a parent whose recorded path
the child's flight meets, so tracks it (re-)acquired together (a node back from an outage, in
the same seconds) carry no lineage either way. Measured: irbm-2022-10-04-faults, KOR back from
its outage re-acquired the warhead and the stage 0-2 s apart, and its silence split the launch
into three launch alerts.
"""

from __future__ import annotations

Key = tuple[str, str]  # (nation, national track id)

# A tracker needs a few seconds of a parent's path before a child is born to test lineage
# (`tracking.lineage` keeps it every 2 s): tracks whose arcs began closer than this were
# acquired together, and their lack of lineage denies nothing.
WATCH_S = 10.0


class Families:
    """Union-find of national tracks by lineage (a track and its parent are one family)."""

    def __init__(self) -> None:
        self._up: dict[Key, Key] = {}
        self._arc_start: dict[Key, float] = {}  # live national track -> start of its current arc (s)

    def find(self, k: Key) -> Key:
        self._up.setdefault(k, k)
        root = k
        while self._up[root] != root:
            root = self._up[root]
        while self._up[k] != root:  # path compression
            self._up[k], k = root, self._up[k]
        return root

    def join(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._up[max(ra, rb)] = min(ra, rb)

    def started(self, arcs: dict[Key, float]) -> None:
        """Record the start of each live track's current arc (s; `fusion.picture.Member.since_s`)."""
        self._arc_start.update(arcs)

    def watched(self, a: Key, b: Key) -> bool:
        """Whether a nation's tracker, holding both tracks, could have tied one to the other.

        They are its tracks of two families, and the families were first held WATCH_S apart: a
        family starts with the earliest current arc of its tracks (a child born later of a track
        acquired together with the other one was not watched apart from it either).
        """
        if a[0] != b[0] or self.find(a) == self.find(b):
            return False
        start_a, start_b = self.family_start(a), self.family_start(b)
        if start_a == start_b == -float("inf"):
            return True  # arcs unknown: a nation holding both tracks watched both
        return abs(start_a - start_b) >= WATCH_S

    def family_start(self, k: Key) -> float:
        root = self.find(k)
        starts = [t for key, t in self._arc_start.items() if self.find(key) == root]
        return min(starts, default=-float("inf"))
