"""Design a ballistic flight from a launch site and a request, and fly it: the truth of one launch.

Accepted requests (angles rad, lengths m):

- azimuth, apogee and range: fly along the launch azimuth through that apogee to that ground range;
- azimuth, range and profile: ``minimum-energy`` | ``lofted`` | ``depressed``;
- aim point (lat, lon) and profile: as above, re-aimed so the RV lands on the aim point
  despite the Earth turning under it.

The solver (``design``) works on closed-form coasting, so it misses by the effect of
J2 and re-entry drag (kilometres). We fly the plan with full dynamics, measure
the miss, shift the request by it and solve again (a fixed-point iteration that
converges in two or three passes because the miss barely changes between them).
Range is the geodesic distance on WGS84 (geographiclib); apogee the greatest
geodetic height.
"""

from __future__ import annotations

import math

import numpy as np
from geographiclib.geodesic import Geodesic

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.physics.boost_table import BoostTable
from triwatch.physics.design import PROFILES, BoostPlan, DesignError, solve_apogee_range, solve_profile
from triwatch.physics.simulate import fly_plan
from triwatch.physics.trajectory import Flight, FlightSummary, ObjectTrajectory
from triwatch.physics.vehicles import VEHICLES, get_vehicle, vehicle_names

__all__ = ["DesignError", "Flight", "FlightSummary", "ObjectTrajectory", "design_flight", "vehicle_names", "VEHICLES"]

MAX_PASSES = 6
REL_TOL = 1e-3  # how close to the request a flight must land (fraction of range / apogee)
ABS_TOL_M = 300.0


def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2.0 * math.pi) - math.pi


def _check_finite(name: str, value: float | None) -> None:
    if value is not None and not math.isfinite(value):
        raise DesignError(f"{name}: must be a finite number, got {value!r}")


def _apogee_of(rv: ObjectTrajectory) -> float:
    """Greatest geodetic height of the RV, refined on a 0.5 s grid around the highest sample."""
    _, _, h = ecef_to_geodetic(rv.r_ecef_m)
    i = int(np.argmax(h))
    lo, hi = rv.t_s[max(i - 1, 0)], rv.t_s[min(i + 1, len(rv.t_s) - 1)]
    r, _, _, _ = rv.state_at(np.linspace(lo, hi, max(3, int((hi - lo) / 0.5) + 1)))
    return float(max(np.max(ecef_to_geodetic(r)[2]), h[i]))


def _summarise(vehicle: str, profile: str, lat: float, lon: float, objects: list[ObjectTrajectory], plan: BoostPlan):
    rv = objects[0]
    ilat, ilon, _ = ecef_to_geodetic(rv.r_ecef_m[-1])
    g = Geodesic.WGS84.Inverse(math.degrees(lat), math.degrees(lon), float(np.degrees(ilat)), float(np.degrees(ilon)))
    r_bo, v_bo, _, _ = rv.state_at(plan.cutoff_s)
    summary = FlightSummary(
        vehicle=vehicle,
        profile=profile,
        launch_lat_rad=lat,
        launch_lon_rad=lon,
        impact_lat_rad=float(ilat),
        impact_lon_rad=float(ilon),
        impact_time_s=rv.impact_s,
        apogee_m=_apogee_of(rv),
        range_m=float(g["s12"]),
        flight_time_s=rv.impact_s,
        burnout_time_s=plan.cutoff_s,
        burnout_r_ecef_m=r_bo,
        burnout_v_ecef_m_s=v_bo,
    )
    return summary, math.radians(g["azi1"])


def design_flight(
    site_lat_rad: float,
    site_lon_rad: float,
    vehicle: str,
    *,
    azimuth_rad: float | None = None,
    apogee_m: float | None = None,
    range_m: float | None = None,
    aim_lat_rad: float | None = None,
    aim_lon_rad: float | None = None,
    profile: str = "minimum-energy",
    dt_s: float = 1.0,
) -> Flight:
    """Design and fly one launch; DesignError names the field of an infeasible or malformed request.

    dt_s is the integration step of the boost and the longest step in the air (re-entry
    steps shrink further, see ``coast``); midcourse steps are up to 10 s. It is also the
    boost's sample spacing in the returned trajectories.
    """
    for name, value in (
        ("site_lat_rad", site_lat_rad),
        ("site_lon_rad", site_lon_rad),
        ("azimuth_rad", azimuth_rad),
        ("apogee_m", apogee_m),
        ("range_m", range_m),
        ("aim_lat_rad", aim_lat_rad),
        ("aim_lon_rad", aim_lon_rad),
        ("dt_s", dt_s),
    ):
        _check_finite(name, value)
    if abs(site_lat_rad) > math.pi / 2:
        raise DesignError(f"site_lat_rad: {site_lat_rad!r} is outside [-pi/2, pi/2]")
    try:
        veh = get_vehicle(vehicle)
    except KeyError as exc:
        raise DesignError(f"vehicle: {exc.args[0]}") from None
    if profile not in PROFILES:
        raise DesignError(f"profile: unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    if not 0.01 <= dt_s <= 10.0:
        raise DesignError(f"dt_s: {dt_s!r} must be between 0.01 and 10 s")
    has_aim = aim_lat_rad is not None or aim_lon_rad is not None
    has_target = azimuth_rad is not None or apogee_m is not None or range_m is not None
    if has_aim and has_target:
        raise DesignError("aim_lat_rad/aim_lon_rad: give either an aim point or azimuth/apogee/range, not both")
    if range_m is not None and range_m <= 0.0:
        raise DesignError(f"range_m: must be > 0, got {range_m!r}")
    if apogee_m is not None and apogee_m <= 0.0:
        raise DesignError(f"apogee_m: must be > 0, got {apogee_m!r}")

    want_az: float | None = None
    if has_aim:
        if aim_lat_rad is None or aim_lon_rad is None:
            raise DesignError("aim_lat_rad/aim_lon_rad: both are needed for an aim point")
        g = Geodesic.WGS84.Inverse(
            math.degrees(site_lat_rad), math.degrees(site_lon_rad), math.degrees(aim_lat_rad), math.degrees(aim_lon_rad)
        )
        want_range, want_az = float(g["s12"]), math.radians(g["azi1"])
        if want_range < 1000.0:
            raise DesignError("aim_lat_rad/aim_lon_rad: the aim point is less than 1 km from the launch site")
        launch_az = want_az
        want_apogee = None
    else:
        if azimuth_rad is None or range_m is None:
            raise DesignError(
                "azimuth_rad/range_m: give (azimuth, apogee, range), (azimuth, range, profile) or (aim point, profile)"
            )
        launch_az, want_range, want_apogee = azimuth_rad, range_m, apogee_m
    label = "apogee-range" if want_apogee is not None else profile

    goal_range, goal_apogee = want_range, want_apogee
    # (what we asked the solver for, what the flight did) per pass, for range, apogee and azimuth
    history: dict[str, list[tuple[float, float]]] = {"range": [], "apogee": [], "azimuth": []}
    best = None
    table = None
    for _ in range(MAX_PASSES):
        if table is None or table.azimuth != launch_az:  # the table depends only on the azimuth
            table = BoostTable(veh, site_lat_rad, site_lon_rad, launch_az, dt_s)
        try:
            if goal_apogee is not None:
                plan = solve_apogee_range(table, goal_apogee, goal_range)
            else:
                plan = solve_profile(table, goal_range, profile)
        except DesignError as exc:
            if want_az is None:
                raise
            raise DesignError(
                f"aim_lat_rad/aim_lon_rad: the aim point is {want_range / 1e3:.0f} km away; {exc}"
            ) from None
        objects = fly_plan(veh, table.frame, plan, dt_s)
        summary, impact_az = _summarise(veh.name, label, site_lat_rad, site_lon_rad, objects, plan)
        miss_range = want_range - summary.range_m
        miss_apogee = 0.0 if want_apogee is None else want_apogee - summary.apogee_m
        miss_az = 0.0 if want_az is None else _wrap(want_az - impact_az)
        err = max(
            abs(miss_range) / (REL_TOL * want_range + ABS_TOL_M),
            0.0 if want_apogee is None else abs(miss_apogee) / (REL_TOL * want_apogee + ABS_TOL_M),
            abs(miss_az) * want_range / (REL_TOL * want_range + ABS_TOL_M),
        )
        if best is None or err < best[0]:
            best = (err, Flight(veh.name, objects, summary))
        if err <= 1.0:
            break
        history["range"].append((goal_range, summary.range_m))
        history["apogee"].append((goal_apogee or 0.0, summary.apogee_m))
        history["azimuth"].append((launch_az, launch_az + _wrap(impact_az - launch_az)))
        # Shift the request by the miss, scaled by how much the last shift actually moved the
        # flight (secant gain): drag on depressed flights eats part of every range shift, and
        # on a lofted flight the turning Earth amplifies every change of launch azimuth.
        goal_range += miss_range * _gain(history["range"], 1.0, 4.0)
        if goal_apogee is not None:
            goal_apogee += miss_apogee * _gain(history["apogee"], 1.0, 4.0)
        launch_az = _wrap(launch_az + miss_az * _gain(history["azimuth"], 0.1, 2.0))
    err, flight = best
    if err > 20.0:
        s = flight.summary
        raise DesignError(
            f"{'apogee_m/range_m' if want_apogee is not None else 'range_m'}: vehicle {veh.name!r} cannot fly this "
            f"once drag and J2 are included; closest flight peaks at {s.apogee_m / 1e3:.0f} km and lands "
            f"{s.range_m / 1e3:.0f} km away"
        )
    return flight


def _gain(history: list[tuple[float, float]], low: float, high: float) -> float:
    """d(goal)/d(achieved) from the last two passes, kept within [low, high]; 1 with one pass."""
    if len(history) < 2:
        return 1.0
    (g0, a0), (g1, a1) = history[-2], history[-1]
    if abs(a1 - a0) < 1e-12:
        return 1.0
    return float(np.clip((g1 - g0) / (a1 - a0), low, high))
