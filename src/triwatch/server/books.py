"""Per-nation track books kept between requests, and a JSON response that is fast on large pictures.

A live COP asks for the picture every second; rebuilding it from every event
of the run each time would grow with the run. `TrackBooks.latest(nation)`
instead advances that nation's book by the events recorded since the last
request. A timeline request (`t`) rebuilds from the start up to `t`; for a
finished run those answers never change, so the last few are kept.

FastAPI's default encoder walks a large picture in Python (~0.4 s for 400
tracks with paths); msgspec encodes the same in ~40 ms, so the picture
routes return `FastJSON` directly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import msgspec
from fastapi.responses import JSONResponse

from triwatch.server.sources import EventSource
from triwatch.server.track_view import TrackBook, tracks_view

TIMELINE_CACHE = 32  # timeline answers kept per server (a replay's slider revisits times)


class FastJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return msgspec.json.encode(content)


class TrackBooks:
    def __init__(self, source: EventSource) -> None:
        self.source = source
        self._lock = threading.Lock()  # FastAPI runs sync routes on a thread pool
        self._books: dict[str, TrackBook] = {}
        self._timeline: OrderedDict[tuple[str, float], dict[str, Any]] = OrderedDict()

    def latest(self, nation: str) -> dict[str, Any]:
        with self._lock:
            book = self._books.setdefault(nation, TrackBook())
            book.ingest(self.source.events(nation, book.consumed))
            return {"t_s": None, **book.view()}

    def at(self, nation: str, t_s: float) -> dict[str, Any]:
        if not self.source.finished:
            return tracks_view(self.source.events(nation), t_s)
        key = (nation, t_s)
        with self._lock:
            if key in self._timeline:
                self._timeline.move_to_end(key)
                return self._timeline[key]
        view = tracks_view(self.source.events(nation), t_s)
        with self._lock:
            self._timeline[key] = view
            while len(self._timeline) > TIMELINE_CACHE:
                self._timeline.popitem(last=False)
        return view
