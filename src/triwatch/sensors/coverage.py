"""Coverage: which nations' sensors can see where, and when a trajectory is in view (pure functions).

Both rest on each sensor's geometric `can_see(r, t)` (range, horizon with 4/3-Earth
refraction, field of regard, Earth limb), not on detection draws: coverage says
where a sensor *could* hold a target; detection probability then decides how often.

- coverage_grid: for a lat/lon grid at one altitude, a (nations, lat, lon) bool
  array, true where at least one sensor of that nation sees the point.
- visibility_spans: for a sampled trajectory (times, ECEF positions), per nation
  the time spans during which some sensor of that nation sees it, and the gaps
  between launch and impact when none does. A span runs from the first to the
  last sample seen; a gap from the last sample seen to the next one seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.sensors.base import Sensor

Span = tuple[float, float]


@dataclass(frozen=True)
class CoverageGrid:
    """Coverage of a lat/lon grid (degrees) at one altitude (m): seen[i] is nations[i]'s (nlat, nlon) mask."""

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    altitude_m: float
    nations: tuple[str, ...]
    seen: np.ndarray

    def count(self) -> np.ndarray:
        """(nlat, nlon) number of nations seeing each point."""
        return self.seen.sum(axis=0)

    def fraction(self, nation: str) -> float:
        """Share of grid points (not area-weighted) the nation sees."""
        return float(self.seen[self.nations.index(nation)].mean())


@dataclass(frozen=True)
class Visibility:
    """When a trajectory is in view of one nation's sensors."""

    nation: str
    spans: list[Span]
    gaps: list[Span]

    @property
    def seen_s(self) -> float:
        return float(sum(b - a for a, b in self.spans))


def _select(sensors: Iterable[Sensor], kinds: Sequence[str] | None) -> list[Sensor]:
    return [s for s in sensors if kinds is None or s.kind in kinds]


def _nations(sensors: Sequence[Sensor], nations: Sequence[str] | None) -> tuple[str, ...]:
    if nations is not None:
        return tuple(nations)
    return tuple(dict.fromkeys(s.nation for s in sensors))


def coverage_grid(
    sensors: Sequence[Sensor],
    lat_deg: np.ndarray,
    lon_deg: np.ndarray,
    altitude_m: float,
    t_s: float = 0.0,
    kinds: Sequence[str] | None = None,
    nations: Sequence[str] | None = None,
) -> CoverageGrid:
    """Which nations' sensors (optionally only of some kinds) see each grid point at altitude_m at time t_s."""
    lat_deg = np.asarray(lat_deg, float)
    lon_deg = np.asarray(lon_deg, float)
    chosen = _select(sensors, kinds)
    order = _nations(chosen, nations)
    lat_g, lon_g = np.meshgrid(np.radians(lat_deg), np.radians(lon_deg), indexing="ij")
    points = geodetic_to_ecef(lat_g.ravel(), lon_g.ravel(), altitude_m)
    seen = np.zeros((len(order), lat_deg.size * lon_deg.size), bool)
    for s in chosen:
        if s.nation in order:
            i = order.index(s.nation)
            seen[i] |= np.asarray(s.can_see(points, t_s), bool)
    return CoverageGrid(
        lat_deg, lon_deg, float(altitude_m), order, seen.reshape(len(order), lat_deg.size, lon_deg.size)
    )


def spans_of(times: np.ndarray, mask: np.ndarray) -> list[Span]:
    """Contiguous runs of True samples, as (first time, last time) pairs."""
    times = np.asarray(times, float)
    mask = np.asarray(mask, bool)
    if not mask.any():
        return []
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return [(float(times[a]), float(times[b])) for a, b in zip(starts, ends, strict=True)]


def gaps_between(spans: list[Span], t_start: float, t_end: float) -> list[Span]:
    """The parts of [t_start, t_end] outside the spans (spans sorted and disjoint)."""
    gaps, cursor = [], float(t_start)
    for a, b in spans:
        if a > cursor:
            gaps.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < t_end:
        gaps.append((cursor, float(t_end)))
    return gaps


def visible_masks(sensors: Sequence[Sensor], times: np.ndarray, r_ecef: np.ndarray) -> np.ndarray:
    """(S, T) bool: sensor s sees the trajectory sample r_ecef[k] at times[k].

    A sensor fixed in ECEF (radars, GEO; `static = True`) is asked once for all samples;
    moving ones (LEO satellites) once per sample time, all of them at one time before the
    next, so a constellation propagates once per time.
    """
    out = np.zeros((len(sensors), times.size), bool)
    moving = []
    for i, s in enumerate(sensors):
        if getattr(s, "static", False):
            out[i] = np.asarray(s.can_see(r_ecef, float(times[0])), bool)
        else:
            moving.append(i)
    for k, t in enumerate(times):
        for i in moving:
            out[i, k] = bool(sensors[i].can_see(r_ecef[k : k + 1], float(t))[0])
    return out


def visibility_spans(
    sensors: Sequence[Sensor],
    times: np.ndarray,
    r_ecef: np.ndarray,
    kinds: Sequence[str] | None = None,
    nations: Sequence[str] | None = None,
) -> dict[str, Visibility]:
    """Per nation, the spans of a sampled trajectory (times (T,), r_ecef (T, 3)) seen by its sensors, and the gaps."""
    times = np.asarray(times, float)
    r_ecef = np.asarray(r_ecef, float).reshape(-1, 3)
    if times.shape != (r_ecef.shape[0],):
        raise ValueError(f"visibility_spans: {times.size} times for {r_ecef.shape[0]} positions")
    if times.size == 0:
        raise ValueError("visibility_spans: empty trajectory")
    chosen = _select(sensors, kinds)
    order = _nations(chosen, nations)
    chosen = [s for s in chosen if s.nation in order]
    seen = visible_masks(chosen, times, r_ecef)
    out = {}
    for n in order:
        mine = [i for i, s in enumerate(chosen) if s.nation == n]
        spans = spans_of(times, seen[mine].any(axis=0) if mine else np.zeros(times.size, bool))
        out[n] = Visibility(n, spans, gaps_between(spans, times[0], times[-1]))
    return out
