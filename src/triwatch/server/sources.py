"""Where the COP's events come from: a finished run folder (replay) or a run in progress (live).

Both kinds keep the events per nation, in arrival order, because a nation may
see exactly the events whose `node` is that nation (docs/events.md). A
nation's sequence numbers count only its own events, so `since=N` paging and
the WebSocket stream reveal nothing about how much the other nations saw.

One interface, used by the API:

    source.info() -> RunInfo
    source.events(nation, since=0) -> list of that nation's events from its seq `since`
    source.count(nation) -> how many events the nation has
    source.acknowledge(nation, warning_id, revision, role) -> dict   (LiveSource only)
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AckCallback = Callable[[str, str, int, str, str | None], dict]  # nation, warning id, revision, role, issuer


class SourceError(Exception):
    """A request the source refuses; `status` is the HTTP status the API answers with."""

    status = 409


class ReadOnlyError(SourceError):
    status = 409


class AckRefusedError(SourceError):
    status = 409


class BadAckError(SourceError):
    status = 422


class RunFolderError(ValueError):
    """A run folder that cannot be replayed; the message names the file and line at fault."""


@dataclass(frozen=True)
class RunInfo:
    scenario: str
    nations: tuple[str, ...]
    sim_time_s: float
    mode: str  # "replay" | "live"
    finished: bool
    duration_s: float | None = None


@dataclass
class NationLogs:
    """Events split by nation, safe to append from one thread while others read."""

    _by_nation: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    last_t_s: float = 0.0

    def append(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._by_nation.setdefault(event["node"], []).append(event)
            self.last_t_s = max(self.last_t_s, float(event["t_s"]))

    def since(self, nation: str, since: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._by_nation.get(nation, ())[since:])

    def count(self, nation: str) -> int:
        with self._lock:
            return len(self._by_nation.get(nation, ()))

    def nations(self) -> set[str]:
        with self._lock:
            return set(self._by_nation)


def check_event(event: Any, where: str) -> dict[str, Any]:
    """An event must be an object with a string `node`, a string `type` and a finite `t_s`."""
    if not isinstance(event, dict):
        raise RunFolderError(f"{where}: an event must be a JSON object, got {type(event).__name__}")
    for key in ("node", "type"):
        if not isinstance(event.get(key), str) or not event[key]:
            raise RunFolderError(f"{where}.{key}: missing or not a string")
    t = event.get("t_s")
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
        raise RunFolderError(f"{where}.t_s: missing or not a finite number")
    return event


class EventSource:
    """The common part of both sources: per-nation logs and the run's identity."""

    mode = "replay"

    def __init__(self, scenario: str, nations: Iterable[str], duration_s: float | None = None) -> None:
        self.scenario = scenario
        self._nations = tuple(nations)
        self.duration_s = duration_s
        self.logs = NationLogs()
        self.finished = False

    @property
    def nations(self) -> tuple[str, ...]:
        extra = sorted(self.logs.nations() - set(self._nations))
        return self._nations + tuple(extra)

    def info(self) -> RunInfo:
        """The run now; a finished run's time is its full duration (the last event may come earlier)."""
        done = self.finished and self.duration_s is not None
        sim_time = max(self.duration_s, self.logs.last_t_s) if done else self.logs.last_t_s
        return RunInfo(self.scenario, self.nations, sim_time, self.mode, self.finished, self.duration_s)

    def events(self, nation: str, since: int = 0) -> list[dict[str, Any]]:
        return self.logs.since(nation, since)

    def count(self, nation: str) -> int:
        return self.logs.count(nation)

    def acknowledge(self, nation: str, warning_id: str, revision: int, role: str, issuer: str | None = None) -> dict:
        raise ReadOnlyError("replay is read-only: acknowledgements are made during a live run")


class ReplaySource(EventSource):
    """A finished run folder: events.jsonl (required) and summary.json (for the name and nations).

    Only the summary's name, nations and simulated time are used: its `truth`
    blocks are for the after-action report and never reach the COP.
    """

    mode = "replay"

    def __init__(self, run_dir: Path | str) -> None:
        run_dir = Path(run_dir)
        events_path = run_dir / "events.jsonl"
        if not run_dir.is_dir():
            raise RunFolderError(f"{run_dir}: not a folder (expected a run folder with events.jsonl)")
        if not events_path.is_file():
            raise RunFolderError(f"{events_path}: missing (is {run_dir} a run folder?)")
        summary = self._read_summary(run_dir / "summary.json")
        events = list(self._read_events(events_path))
        nations = summary.get("nations")
        nation_names = list(nations) if isinstance(nations, dict) else sorted({e["node"] for e in events})
        sim_time = summary.get("sim_time_s")
        super().__init__(
            str(summary.get("scenario") or run_dir.name),
            nation_names,
            float(sim_time) if isinstance(sim_time, (int, float)) else None,
        )
        for event in events:
            self.logs.append(event)
        self.finished = True
        self.run_dir = run_dir

    @staticmethod
    def _read_summary(path: Path) -> dict:
        if not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RunFolderError(f"{path}: not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise RunFolderError(f"{path}: must hold a JSON object")
        return data

    @staticmethod
    def _read_events(path: Path) -> Iterable[dict[str, Any]]:
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    event = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RunFolderError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
                yield check_event(event, f"{path}:{lineno}")


def _plain(value: Any) -> Any:
    """JSON fallback for what a live run's events may hold (NumPy arrays and scalars, sets, tuples)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class LiveSource(EventSource):
    """Events of a run in progress, pushed by the runner: `sink.subscribe(source.on_event)`.

    `ack(nation, warning_id, revision, role, issuer) -> dict` is the runner's hook
    into that nation's command centre (issuer None unless the person named it); it
    is called on the server's thread, so the runner must make it safe to call there
    (e.g. hand it to the exercise thread).
    It raises KeyError when the centre has no such pending warning.
    """

    mode = "live"

    def __init__(
        self,
        scenario: str,
        nations: Iterable[str],
        *,
        ack: AckCallback | None = None,
        duration_s: float | None = None,
    ) -> None:
        super().__init__(scenario, nations, duration_s)
        self.refused: list[str] = []  # why events from the runner could not be taken (never raised into the run)
        self._ack = ack
        self._ack_lock = threading.Lock()

    def on_event(self, event: dict[str, Any]) -> None:
        """The EventSink listener: copy the event as plain JSON (the runner may reuse its arrays).

        It runs inside the exercise's emit, so it never raises: an event the
        COP cannot hold is counted in `refused` with its reason, and the run goes on.
        """
        where = f"event[{event.get('type', '?')}]" if isinstance(event, dict) else "event"
        try:
            plain = json.loads(json.dumps(event, default=_plain, allow_nan=True))
            self.logs.append(check_event(plain, where))
        except (TypeError, ValueError) as exc:
            self.refused.append(str(exc))

    def finish(self) -> None:
        """The run has ended: the COP shows it as finished; acknowledgements are still forwarded."""
        self.finished = True

    def acknowledge(self, nation: str, warning_id: str, revision: int, role: str, issuer: str | None = None) -> dict:
        if self._ack is None:
            raise ReadOnlyError("this live run has no command centre wired for acknowledgements")
        with self._ack_lock:
            try:
                result = self._ack(nation, warning_id, revision, role, issuer)
            except KeyError as exc:  # CommandCentre.acknowledge: nothing pending under that key
                raise AckRefusedError(str(exc.args[0]) if exc.args else f"no pending warning {warning_id}") from None
            except ValueError as exc:  # the runner's handler refused the request itself
                raise BadAckError(str(exc)) from None
        return dict(result) if result else {}
