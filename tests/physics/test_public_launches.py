"""Designed flights reproduce publicly reported launches (flight time within 5 %, no per-launch tuning)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from triwatch.physics.flight import design_flight

DATA = Path(__file__).parent / "data" / "launches-public.csv"

# Which built-in profile a report's "type" column names, by keyword.
TYPE_TO_VEHICLE = (("ICBM", "icbm"), ("Hwasong-17", "icbm"), ("IRBM", "irbm"), ("SRBM", "kn-23"), ("SLBM", "slbm"))


def _rows() -> list[dict]:
    lines = [ln for ln in DATA.read_text().splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def _vehicle(kind: str) -> str:
    for key, name in TYPE_TO_VEHICLE:
        if key in kind:
            return name
    raise AssertionError(f"no vehicle for launch type {kind!r}")


TIMED = [r for r in _rows() if r["flight_time_s"].strip()]


def test_csv_has_timed_rows():
    assert len(TIMED) >= 2


@pytest.mark.parametrize("row", TIMED, ids=[r["id"] for r in TIMED])
def test_flight_time_matches_report(row):
    # Launched eastward from the Pyongyang area: the reports give no azimuth, and flight time
    # for a given apogee and range hardly depends on it.
    flight = design_flight(
        math.radians(39.2),
        math.radians(125.7),
        _vehicle(row["type"]),
        azimuth_rad=math.radians(90.0),
        apogee_m=float(row["apogee_km"]) * 1e3,
        range_m=float(row["range_km"]) * 1e3,
    )
    s = flight.summary
    assert s.apogee_m == pytest.approx(float(row["apogee_km"]) * 1e3, rel=0.005)
    assert s.range_m == pytest.approx(float(row["range_km"]) * 1e3, rel=0.005)
    assert s.flight_time_s == pytest.approx(float(row["flight_time_s"]), rel=0.05)
