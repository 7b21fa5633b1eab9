"""`triwatch trajectory`: design a ballistic trajectory through an apogee and a ground range, print its summary.

Registered by the main app as ``app.command("trajectory")(trajectory)``.
Without ``--vehicle`` the smallest built-in vehicle able to fly the request is used
(srbm, kn-23, mrbm, slbm, irbm, icbm in that order).
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from triwatch.geo.places import place
from triwatch.physics.flight import DesignError, design_flight, vehicle_names

AUTO_ORDER = ("srbm", "kn-23", "mrbm", "slbm", "irbm", "icbm")


def _fail(message: str) -> None:
    typer.echo(f"triwatch trajectory: {message}", err=True)
    raise typer.Exit(2)


def trajectory(
    apogee_km: Annotated[float, typer.Option("--apogee-km", help="Greatest height above the ellipsoid, km.")],
    range_km: Annotated[float, typer.Option("--range-km", help="Geodesic ground range launch -> impact, km.")],
    site: Annotated[str | None, typer.Option("--site", help="Named launch site (triwatch.geo.places).")] = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Launch latitude, degrees.")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Launch longitude, degrees.")] = None,
    azimuth_deg: Annotated[float, typer.Option("--azimuth-deg", help="Launch azimuth, degrees from North.")] = 90.0,
    vehicle: Annotated[str | None, typer.Option("--vehicle", help="Vehicle profile (default: smallest able).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Design a ballistic trajectory through the given apogee and ground range and print its summary."""
    for flag, value in (("--apogee-km", apogee_km), ("--range-km", range_km)):
        if not value > 0.0:
            _fail(f"{flag}: must be > 0, got {value}")
    if site is not None and (lat is not None or lon is not None):
        _fail("--site: give either --site or --lat/--lon, not both")
    if site is not None:
        try:
            lat, lon = place(site)
        except KeyError as exc:
            _fail(f"--site: {exc.args[0]}")
    elif lat is None or lon is None:
        _fail("--lat/--lon: give a launch point, either --site NAME or both --lat and --lon")
    if not -90.0 <= lat <= 90.0:
        _fail(f"--lat: {lat} is outside [-90, 90]")
    if vehicle is not None and vehicle not in vehicle_names():
        _fail(f"--vehicle: unknown vehicle {vehicle!r}; known: {', '.join(vehicle_names())}")
    candidates = [vehicle] if vehicle else list(AUTO_ORDER)
    errors = []
    for name in candidates:
        try:
            flight = design_flight(
                math.radians(lat),
                math.radians(lon),
                name,
                azimuth_rad=math.radians(azimuth_deg),
                apogee_m=apogee_km * 1e3,
                range_m=range_km * 1e3,
            )
            break
        except DesignError as exc:
            errors.append(f"{name}: {exc}")
    else:
        _fail("no vehicle can fly this request; " + "; ".join(errors))
    out = flight.summary.to_json()
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    typer.echo(
        f"{out['vehicle']}: apogee {out['apogee_km']:.1f} km, range {out['range_km']:.1f} km, "
        f"flight {out['flight_time_s']:.0f} s (burnout {out['burnout_time_s']:.0f} s), "
        f"impact {out['impact']['lat']:.3f} N {out['impact']['lon']:.3f} E"
    )
