"""The event log a run keeps: every event a node produced or received, in order.

Events are plain dicts with at least `t_s` (scenario time), `node` and `type`;
`wall_ns` is the wall clock (time.perf_counter_ns) when it happened, for latency.
The sink keeps them in memory for scoring and streams them to events.jsonl.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(event: dict[str, Any]) -> str:
    """One event as a JSON line's text (NumPy values as plain numbers and lists)."""
    return json.dumps(event, default=_jsonable)


class EventSink:
    """Collects events; writes each as one JSON line when given a file."""

    def __init__(self, path: Path | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self._fh: TextIO | None = path.open("w", encoding="utf-8") if path else None
        self._listeners: list = []

    def emit(self, t_s: float, node: str, type_: str, **detail: Any) -> dict[str, Any]:
        event = {"t_s": round(float(t_s), 3), "node": node, "type": type_, "wall_ns": time.perf_counter_ns(), **detail}
        return self.append(event)

    def append(self, event: dict[str, Any]) -> dict[str, Any]:
        """Record an event made elsewhere as it is (a node process's event, merged by the coordinator)."""
        self.events.append(event)
        if self._fh:
            self._fh.write(to_json(event) + "\n")
        for listener in self._listeners:
            listener(event)
        return event

    def subscribe(self, listener) -> None:
        """Call listener(event) for every event from now on (live tables, the web UI)."""
        self._listeners.append(listener)

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] in types]

    def close(self) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None
