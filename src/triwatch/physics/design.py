"""Choosing the pitch kick and cut-off time that give a requested flight (scipy.optimize root finding).

Two numbers shape a flight from a given site along a given azimuth: the kick
(how flat) and the cut-off time (how much energy). The requests:

- apogee A and range R: for a kick, the cut-off that peaks at A is the root of
  apogee(t) - A (apogee only grows while the engine burns); the range there grows
  with the kick, so the kick is the root of range(kick) - R. Both roots by Brent's
  method, bracketed on the table grid. (Range is not monotonic in burn time for
  lofted shots, as the Earth turns under a long flight; apogee is.)
- minimum-energy for range R: the kick whose cut-off for R is earliest (least
  propellant burnt), by bounded scalar minimisation.
- lofted for range R: the whole propellant load (the highest the vehicle can fly
  to R), the smallest kick whose range is R.
- depressed for range R: apogee = vehicle.depressed_apogee_fraction times the
  minimum-energy apogee, then as for (A, R).

Closed-form coasting ignores J2 and drag; ``flight.design_flight`` corrects for them
by re-aiming against the full numerical flight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from triwatch.physics.boost_table import BoostTable

PROFILES = ("minimum-energy", "lofted", "depressed")


class DesignError(ValueError):
    """An infeasible or malformed trajectory request; the message names the field."""


@dataclass(frozen=True)
class BoostPlan:
    """The solved pitch programme: launch azimuth, kick and thrust cut-off time."""

    azimuth_rad: float
    kick_rad: float
    cutoff_s: float


def _first_up_crossing(values: np.ndarray, level: float) -> int | None:
    """Smallest j >= 1 with values[j-1] < level <= values[j] (NaNs never cross)."""
    below = values[:-1] < level
    above = values[1:] >= level
    hits = np.flatnonzero(below & above)
    return int(hits[0]) + 1 if hits.size else None


def _earliest_cutoff(table: BoostTable, kick: float, scanned: np.ndarray, field: str, level: float) -> float | None:
    """Earliest cut-off time at which this kick's flight outcome `field` reaches `level`; None if never.

    The table's scan (a spherical estimate on the time grid) brackets the first up-crossing; the
    exact outcome, which differs from the scan by < 0.5 %, is then solved with brentq, widening
    the bracket if the scan's crossing was a step off.
    """
    j = _first_up_crossing(scanned, level)
    if j is None:
        return None

    def miss(t: float) -> float:
        return getattr(table.outcome(kick, t), field) - level

    t = table.t
    n = len(t)
    for lo, hi in ((j - 1, j), (j - 2, j + 1), (j - 4, j + 3)):
        a, b = t[max(lo, 0)], t[min(hi, n - 1)]
        fa, fb = miss(a), miss(b)
        if np.isfinite(fa) and np.isfinite(fb) and fa < 0.0 <= fb:
            return brentq(miss, a, b, xtol=1e-6)
    return None


def cutoff_for_range(table: BoostTable, kick: float, range_m: float) -> float | None:
    """Earliest cut-off time at which this kick's flight reaches range_m; None if it never does."""
    rng, _ = table.scan(kick)
    return _earliest_cutoff(table, kick, rng, "range_m", range_m)


def cutoff_for_apogee(table: BoostTable, kick: float, apogee_m: float) -> float | None:
    """Earliest cut-off time at which this kick's flight peaks at apogee_m; None if it never does.

    Apogee only grows while the engine burns along the velocity, so the root is unique.
    """
    _, apo = table.scan(kick)
    return _earliest_cutoff(table, kick, apo, "apogee_m", apogee_m)


def _range_at_apogee(table: BoostTable, apogee_m: float) -> np.ndarray:
    """For each grid kick, the (signed) range of the flight cut off when its apogee reaches apogee_m.

    A kick whose full burn peaks below apogee_m gets its full-burn range plus the
    shortfall in apogee: this continues the function across the edge of the
    vehicle's reach (where the cut-off is exactly at burnout), so a root just inside
    that edge can still be bracketed on the grid.
    """
    out = np.full(table.kicks.shape, np.nan)
    for k in range(table.kicks.size):
        rng, apo = table.scan_range[k], table.scan_apogee[k]
        j = _first_up_crossing(apo, apogee_m)
        if j is not None and np.isfinite(rng[j - 1]) and np.isfinite(rng[j]):
            f = (apogee_m - apo[j - 1]) / (apo[j] - apo[j - 1])
            out[k] = rng[j - 1] + f * (rng[j] - rng[j - 1])
        elif j is None and np.isfinite(apo[-1]) and apo[-1] < apogee_m:
            out[k] = rng[-1] + (apogee_m - apo[-1])
    return out


def solve_apogee_range(table: BoostTable, apogee_m: float, range_m: float) -> BoostPlan:
    """Kick and cut-off that fly through apogee_m and land at range_m.

    For each kick, cut off when the apogee reaches apogee_m (the apogee only grows with
    burn time); the range there grows with the kick, so the kick is the root of
    range(kick) - range_m.
    """
    rng = _range_at_apogee(table, apogee_m)
    name = table.vehicle.name
    top = np.nanmax(table.scan_apogee)
    if not top >= apogee_m:
        raise DesignError(
            f"apogee_m: {apogee_m / 1e3:.0f} km is above what vehicle {name!r} reaches ({top / 1e3:.0f} km)"
        )
    k = _first_up_crossing(rng, range_m)
    if k is None:
        reached = np.nanmax(table.scan_apogee, axis=1) >= apogee_m  # kicks that really peak at apogee_m
        lo, hi = np.nanmin(rng[reached]), np.nanmax(rng[reached])
        word = "too low" if range_m > hi else "too high"
        raise DesignError(
            f"apogee_m: {apogee_m / 1e3:.0f} km is {word} for range {range_m / 1e3:.0f} km with vehicle "
            f"{name!r}: flights peaking there land {max(lo, 0.0) / 1e3:.0f}-{hi / 1e3:.0f} km away"
        )

    t_end = float(table.t[-1])

    def miss(kick: float) -> float:
        t = cutoff_for_apogee(table, kick, apogee_m)
        if t is None:
            full = table.outcome(kick, t_end)
            if not full.apogee_m < apogee_m:
                return np.nan
            return full.range_m + (apogee_m - full.apogee_m) - range_m
        return table.outcome(kick, t).range_m - range_m

    a, b = table.kicks[k - 1], table.kicks[k]
    fa, fb = miss(a), miss(b)
    if np.isfinite(fa) and np.isfinite(fb) and fa * fb <= 0.0:
        kick = brentq(miss, a, b, xtol=1e-10)
    else:
        kick = a if abs(rng[k - 1] - range_m) < abs(rng[k] - range_m) else b
    t_cut = cutoff_for_apogee(table, kick, apogee_m)
    if t_cut is None:
        # The root sits on the edge of reach: a full burn, which peaks a little below the request.
        t_cut = t_end
    return BoostPlan(table.azimuth, float(kick), float(t_cut))


def solve_minimum_energy(table: BoostTable, range_m: float) -> BoostPlan:
    """The kick needing the earliest cut-off (least propellant) to reach range_m."""
    kicks = table.kicks
    need = np.full(kicks.shape, np.nan)
    for k in range(kicks.size):
        rng = table.scan_range[k]
        j = _first_up_crossing(rng, range_m)
        if j is not None:
            f = (range_m - rng[j - 1]) / (rng[j] - rng[j - 1])
            need[k] = table.t[j - 1] + f * (table.t[j] - table.t[j - 1])
    if not np.any(np.isfinite(need)):
        reach = np.nanmax(table.scan_range) / 1e3
        raise DesignError(
            f"range_m: {range_m / 1e3:.0f} km is beyond vehicle {table.vehicle.name!r} (reach about {reach:.0f} km)"
        )
    k = int(np.nanargmin(need))
    lo, hi = kicks[max(k - 1, 0)], kicks[min(k + 1, kicks.size - 1)]

    def cost(kick: float) -> float:
        t = cutoff_for_range(table, kick, range_m)
        return 1e9 if t is None else t

    res = minimize_scalar(cost, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    kick = float(res.x) if res.fun < 1e8 else float(kicks[k])
    t_cut = cutoff_for_range(table, kick, range_m)
    if t_cut is None:
        raise DesignError(f"range_m: no minimum-energy flight of {range_m / 1e3:.0f} km found")
    return BoostPlan(table.azimuth, kick, float(t_cut))


def solve_lofted(table: BoostTable, range_m: float) -> BoostPlan:
    """Full burn; the smallest kick (highest flight) that lands at range_m."""
    t_end = float(table.t[-1])
    rng = table.scan_range[:, -1]
    k = _first_up_crossing(rng, range_m)
    if k is None:
        raise DesignError(
            f"range_m: a lofted {table.vehicle.name!r} cannot land at {range_m / 1e3:.0f} km "
            f"(its full-burn ranges span {np.nanmin(rng) / 1e3:.0f}-{np.nanmax(rng) / 1e3:.0f} km)"
        )

    def miss(kick: float) -> float:
        return table.outcome(kick, t_end).range_m - range_m

    a, b = table.kicks[k - 1], table.kicks[k]
    kick = b if miss(a) * miss(b) > 0.0 else brentq(miss, a, b, xtol=1e-09)
    return BoostPlan(table.azimuth, float(kick), t_end)


def solve_profile(table: BoostTable, range_m: float, profile: str) -> BoostPlan:
    """Plan for a range flown on a named profile."""
    if profile == "minimum-energy":
        return solve_minimum_energy(table, range_m)
    if profile == "lofted":
        return solve_lofted(table, range_m)
    if profile == "depressed":
        me = solve_minimum_energy(table, range_m)
        apogee = table.outcome(me.kick_rad, me.cutoff_s).apogee_m * table.vehicle.depressed_apogee_fraction
        return solve_apogee_range(table, apogee, range_m)
    raise DesignError(f"profile: unknown profile {profile!r}; known: {', '.join(PROFILES)}")
