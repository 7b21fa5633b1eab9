"""Checks on what the after-action report is given, with errors that name the place at fault.

The report reads three things a run left behind: the run summary (INTERFACES.md),
the event list (docs/events.md) and, optionally, the truth trajectories the lead
samples every second. A figure the report cannot compute from them is left out
with a sentence saying why; a value of the wrong shape is an error, because a
report that silently drops a malformed launch would mislead an exercise planner.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EVENT_REQUIRED = ("t_s", "node", "type")


class ReportInputError(ValueError):
    """The summary, the events or the truth handed to the report are not of the documented shape."""


@dataclass(frozen=True)
class TruthTrack:
    """One truth object sampled on the scenario clock: t_s (N,) increasing, r_ecef (N, 3) metres."""

    object_id: str
    t_s: np.ndarray
    r_ecef: np.ndarray

    @property
    def launch_id(self) -> str:
        """Truth ids are 'LAUNCH/OBJECT' (payload first): the launch is the part before the slash."""
        return self.object_id.split("/", 1)[0]


def check_summary(summary: Any) -> dict:
    """The summary as a dict; every launch a dict with an id, and `nations` a dict of dicts."""
    if not isinstance(summary, Mapping):
        raise ReportInputError(f"summary: expected a JSON object (dict), got {type(summary).__name__}")
    launches = summary.get("launches", [])
    if not isinstance(launches, Sequence) or isinstance(launches, str | bytes):
        raise ReportInputError(f"summary.launches: expected a list, got {type(launches).__name__}")
    for i, launch in enumerate(launches):
        if not isinstance(launch, Mapping):
            raise ReportInputError(f"summary.launches[{i}]: expected an object, got {type(launch).__name__}")
        if "id" not in launch:
            raise ReportInputError(f"summary.launches[{i}].id: missing")
        for part in ("truth", "estimate"):
            if not isinstance(launch.get(part, {}), Mapping):
                raise ReportInputError(f"summary.launches[{i}].{part}: expected an object")
    nations = summary.get("nations", {})
    if not isinstance(nations, Mapping):
        raise ReportInputError(f"summary.nations: expected an object keyed by nation, got {type(nations).__name__}")
    for name, block in nations.items():
        if not isinstance(block, Mapping):
            raise ReportInputError(f"summary.nations.{name}: expected an object, got {type(block).__name__}")
    metrics = summary.get("metrics", {})
    if not isinstance(metrics, Mapping):
        raise ReportInputError(f"summary.metrics: expected an object, got {type(metrics).__name__}")
    return dict(summary)


def check_events(events: Any) -> list[dict]:
    """Events as a list of dicts, each with a numeric t_s, a node and a type."""
    if not isinstance(events, Sequence) or isinstance(events, str | bytes):
        raise ReportInputError(f"events: expected a list of event objects, got {type(events).__name__}")
    for i, e in enumerate(events):
        if not isinstance(e, Mapping):
            raise ReportInputError(f"events[{i}]: expected an object, got {type(e).__name__}")
        missing = [k for k in EVENT_REQUIRED if k not in e]
        if missing:
            raise ReportInputError(f"events[{i}]: missing field(s) {', '.join(missing)}")
        if isinstance(e["t_s"], bool) or not isinstance(e["t_s"], int | float):
            raise ReportInputError(f"events[{i}].t_s: expected a number of seconds, got {e['t_s']!r}")
        _check_event_arrays(i, e)
    return list(events)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and bool(np.isfinite(v))


def _check_event_arrays(i: int, e: Mapping) -> None:
    """The numeric arrays the figures read: a state x, picture positions, an impact point."""
    x = e.get("x")
    if x is not None:
        if np.shape(x) not in ((6,), (3,)):
            raise ReportInputError(
                f"events[{i}].x: expected an ECEF state of 6 (or position of 3), got shape {np.shape(x)}"
            )
        if not np.all(np.isfinite(np.asarray(x, float))):
            raise ReportInputError(f"events[{i}].x: must be finite numbers")
    positions = e.get("positions")
    if positions is not None and len(positions) > 0:
        try:
            p = np.asarray(positions, dtype=float)
        except (ValueError, TypeError):  # ragged or non-numeric
            p = None
        if p is None or p.ndim != 2 or p.shape[1] != 3 or not np.all(np.isfinite(p)):
            raise ReportInputError(f"events[{i}].positions: expected finite ECEF positions, one [x, y, z] each")
    ellipse = e.get("impact_ellipse")
    if ellipse is not None:
        keys = ("lat_deg", "lon_deg", "semi_major_m", "semi_minor_m")
        if not isinstance(ellipse, Mapping) or not all(_is_number(ellipse.get(k)) for k in keys):
            raise ReportInputError(f"events[{i}].impact_ellipse: expected an object with numbers {', '.join(keys)}")
    impact = e.get("impact")
    if impact is not None:
        ok = (isinstance(impact, Mapping) and {"lat_deg", "lon_deg"} <= set(impact)) or np.shape(impact) == (2,)
        if not ok:
            raise ReportInputError(
                f"events[{i}].impact: expected [lat, lon] in degrees (or an ellipse with lat_deg, lon_deg)"
            )


def check_truth(truth: Any) -> list[TruthTrack] | None:
    """Truth as TruthTracks; None stays None (the accuracy section is then omitted)."""
    if truth is None:
        return None
    if not isinstance(truth, Mapping):
        raise ReportInputError(
            f"truth: expected a dict of truth object id -> {{t_s, r_ecef}}, got {type(truth).__name__}"
        )
    tracks = []
    for object_id, block in truth.items():
        where = f"truth[{object_id!r}]"
        if not isinstance(block, Mapping) or "t_s" not in block or "r_ecef" not in block:
            raise ReportInputError(f"{where}: expected an object with arrays t_s and r_ecef")
        t = np.asarray(block["t_s"], dtype=float)
        r = np.asarray(block["r_ecef"], dtype=float)
        if t.ndim != 1 or t.size == 0:
            raise ReportInputError(f"{where}.t_s: expected a non-empty 1-D array of seconds, got shape {t.shape}")
        if r.shape != (t.size, 3):
            raise ReportInputError(f"{where}.r_ecef: expected shape ({t.size}, 3) to match t_s, got {r.shape}")
        if t.size > 1 and np.any(np.diff(t) <= 0):
            raise ReportInputError(f"{where}.t_s: times must increase strictly")
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(r))):
            raise ReportInputError(f"{where}: t_s and r_ecef must be finite numbers")
        tracks.append(TruthTrack(str(object_id), t, r))
    return tracks
