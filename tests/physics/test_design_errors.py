"""Bad design requests raise DesignError naming the field."""

from __future__ import annotations

import math

import pytest

from triwatch.physics.flight import DesignError, design_flight

LAT, LON = math.radians(39.22), math.radians(125.67)
EAST = math.radians(90.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vehicle": "irbm", "azimuth_rad": EAST, "apogee_m": 900e3, "range_m": -5.0}, "range_m: must be > 0"),
        ({"vehicle": "irbm", "azimuth_rad": EAST, "apogee_m": 60e3, "range_m": 4600e3}, "apogee_m: 60 km is too low"),
        ({"vehicle": "mrbm", "azimuth_rad": EAST, "apogee_m": 3000e3, "range_m": 500e3}, "apogee_m: 3000 km is above"),
        ({"vehicle": "hwasong-99", "azimuth_rad": EAST, "range_m": 1e6}, "vehicle: unknown vehicle 'hwasong-99'"),
        ({"vehicle": "irbm", "azimuth_rad": EAST, "range_m": 1e6, "profile": "sideways"}, "profile: unknown profile"),
        (
            {"vehicle": "irbm", "azimuth_rad": EAST, "range_m": 1e6, "aim_lat_rad": 0.7, "aim_lon_rad": 2.3},
            "aim_lat_rad/aim_lon_rad: give either",
        ),
        ({"vehicle": "irbm", "aim_lat_rad": 0.7}, "both are needed"),
        ({"vehicle": "irbm", "range_m": 1e6}, "azimuth_rad/range_m: give"),
        ({"vehicle": "irbm", "azimuth_rad": EAST, "range_m": float("nan")}, "range_m: must be a finite number"),
        ({"vehicle": "srbm", "azimuth_rad": EAST, "range_m": 5000e3}, "range_m: 5000 km is beyond vehicle 'srbm'"),
        ({"vehicle": "irbm", "azimuth_rad": EAST, "range_m": 1e6, "dt_s": 0.0}, "dt_s:"),
        ({"vehicle": "srbm", "aim_lat_rad": 0.75, "aim_lon_rad": 2.6}, "aim_lat_rad/aim_lon_rad: the aim point is"),
    ],
)
def test_bad_requests(kwargs, message):
    vehicle = kwargs.pop("vehicle")
    with pytest.raises(DesignError) as err:
        design_flight(LAT, LON, vehicle, **kwargs)
    assert message in str(err.value)


def test_design_error_is_a_value_error():
    assert issubclass(DesignError, ValueError)
