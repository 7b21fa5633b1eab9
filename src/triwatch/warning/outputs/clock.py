"""Scenario time to UTC, in the three spellings the output formats require.

A run's time is float seconds on the scenario clock after the scenario's UTC epoch;
every output speaks UTC:

- CAP 1.2 `sent`/`onset`: whole seconds with an explicit offset, `2022-10-03T22:22:00+00:00`
  (the schema's pattern forbids fractions and the `Z` suffix);
- Cursor on Target `time`/`start`/`stale`: milliseconds and `Z`, `2022-10-03T22:22:00.000Z`;
- Atom and CZML: RFC 3339 / ISO 8601 with `Z`.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta


def utc_at(epoch: datetime, t_s: float) -> datetime:
    """The UTC instant of scenario time t_s; the epoch must be timezone-aware."""
    if epoch.tzinfo is None:
        raise ValueError(f"epoch {epoch.isoformat()}: must be timezone-aware (UTC), e.g. 2022-10-03T22:22:00+00:00")
    if not math.isfinite(t_s):
        raise ValueError(f"time_s: must be a finite number of seconds, got {t_s!r}")
    return (epoch + timedelta(seconds=float(t_s))).astimezone(UTC)


def cap_time(epoch: datetime, t_s: float) -> str:
    """CAP dateTime: whole seconds (rounded down) with a +00:00 offset."""
    return utc_at(epoch, t_s).replace(microsecond=0).isoformat()


def cot_time(epoch: datetime, t_s: float) -> str:
    """CoT dateTime: milliseconds and Z."""
    return utc_at(epoch, t_s).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iso_z(epoch: datetime, t_s: float) -> str:
    """ISO 8601 UTC with Z, to the second when whole (Atom, CZML, GeoJSON properties)."""
    t = utc_at(epoch, t_s)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")
