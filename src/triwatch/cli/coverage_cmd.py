"""`triwatch coverage SCENARIO.yaml [--altitude-km H] [--out FILE.png]`: who sees where, and the gaps per launch.

A plain function the lead registers with Typer. It builds the scenario's sensors,
maps which nations' radars see each point of the region at one altitude (a PNG
drawn with matplotlib's Agg backend, coastlines from triwatch.geo.areas), and
prints, for each launch, the spans of its flight each nation's sensors hold and
the gaps between - first for radars, then counting the space infrared layers too. Space IR
is counted by line of sight (Earth clear, range, plume altitude): a coasting body is in
fact seen by the LEO layer only against space and within its shorter body range.
Returns the exit code: 0 done, 2 bad input.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from triwatch.geo.frames import ecef_to_geodetic
from triwatch.sensors.base import Sensor
from triwatch.sensors.coverage import CoverageGrid, Visibility, coverage_grid, visibility_spans

NATION_COLOURS = {"USA": "tab:blue", "JPN": "tab:red", "KOR": "tab:green", "AUS": "tab:orange", "PHL": "tab:purple"}
GRID_STEP_DEG = 0.25
TRACK_STEP_S = 5.0
REGION = (20.0, 50.0, 115.0, 185.0)  # lat min, lat max, lon min, lon max (deg, lon continuous past 180)
MARGIN_DEG = 5.0


def trajectory_samples(flight, step_s: float = TRACK_STEP_S) -> tuple[np.ndarray, np.ndarray]:
    """(times after launch (T,), ECEF positions (T, 3)) of a flight's payload from launch to impact."""
    payload = flight.objects[0]
    end = float(flight.summary.flight_time_s)
    times = np.append(np.arange(0.0, end, step_s), end)
    r = np.array([np.asarray(payload.state_at(float(t))[0], float).reshape(3) for t in times])
    return times, r


def format_spans(spans: Sequence[tuple[float, float]]) -> str:
    return ", ".join(f"{a:.0f}-{b:.0f} s" for a, b in spans) if spans else "none"


def visibility_lines(vis: dict[str, Visibility], flight_s: float) -> list[str]:
    """One line per nation: seen spans, gaps, share of the flight seen."""
    lines = []
    for nation, v in vis.items():
        share = 100.0 * v.seen_s / flight_s if flight_s > 0 else 0.0
        lines.append(
            f"    {nation}: seen {format_spans(v.spans)} ({share:.0f}% of flight); gaps {format_spans(v.gaps)}"
        )
    return lines


def launch_report(
    sensors: Sequence[Sensor], nations: Sequence[str], launch_id: str, launch_time_s: float, times, r_ecef
) -> list[str]:
    """The printed block of one launch (times after launch; sensors asked at scenario time)."""
    flight_s = float(times[-1] - times[0])
    t_scenario = np.asarray(times) + launch_time_s
    lines = [f"Launch {launch_id} (at t={launch_time_s:.0f} s, flight {flight_s:.0f} s; times after launch):"]
    for title, kinds in (("radars", ["radar"]), ("all sensors incl. space IR (IR: line of sight only)", None)):
        vis = visibility_spans(sensors, t_scenario, r_ecef, kinds=kinds, nations=nations)
        vis = {
            n: Visibility(n, _shift(v.spans, -launch_time_s), _shift(v.gaps, -launch_time_s)) for n, v in vis.items()
        }
        lines.append(f"  {title}:")
        lines += visibility_lines(vis, flight_s)
    return lines


def _shift(spans, dt):
    return [(a + dt, b + dt) for a, b in spans]


def region_for(sensors: Sequence[Sensor], tracks: dict[str, np.ndarray]) -> tuple[float, float, float, float]:
    """The map's (lat0, lat1, lon0, lon1): the default region grown to hold every radar site and track, with a margin.

    Longitudes are taken in [0, 360) so a region across the antimeridian stays in one piece.
    """
    lats, lons = [], []
    for s in sensors:
        if s.kind == "radar":
            d = s.descriptor()
            lats.append(d["lat_deg"])
            lons.append(d["lon_deg"] % 360.0)
    for r in tracks.values():
        lat, lon, _ = ecef_to_geodetic(r)
        lats += list(np.degrees(lat))
        lons += list(np.degrees(lon) % 360.0)
    if not lats:
        return REGION
    lat0, lat1 = max(min(lats) - MARGIN_DEG, -89.0), min(max(lats) + MARGIN_DEG, 89.0)
    lon0, lon1 = min(lons) - MARGIN_DEG, max(lons) + MARGIN_DEG
    return (min(lat0, REGION[0]), max(lat1, REGION[1]), min(lon0, REGION[2]), max(lon1, REGION[3]))


def region_grid(
    region: tuple[float, float, float, float] = REGION, step_deg: float = GRID_STEP_DEG
) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (deg) of the map grid over a region (lat0, lat1, lon0, lon1)."""
    lat0, lat1, lon0, lon1 = region
    return np.arange(lat0, lat1 + 1e-9, step_deg), np.arange(lon0, lon1 + 1e-9, step_deg)


def _coastlines():
    try:
        from triwatch.geo.areas import coastline_polylines
    except ImportError:  # the geography part not merged: draw without coastlines rather than fail
        return []
    lines = []
    for line in coastline_polylines():
        lon = np.where(line[:, 0] < 0, line[:, 0] + 360.0, line[:, 0])
        cut = np.flatnonzero(np.abs(np.diff(lon)) > 180.0) + 1  # split where a line crosses the seam
        lines += [(lo, la) for lo, la in zip(np.split(lon, cut), np.split(line[:, 1], cut), strict=True)]
    return lines


def draw_map(grid: CoverageGrid, sensors: Sequence[Sensor], tracks: dict[str, np.ndarray], out: Path) -> None:
    """PNG: shaded by how many nations' radars see each point, each nation's coverage outlined, sites and tracks."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap

    fig, ax = plt.subplots(figsize=(12, 6.5), dpi=110)
    n = len(grid.nations)
    cmap = ListedColormap(["#ffffff", "#dbe9f6", "#9ecae1", "#4292c6", "#08519c", "#08306b"][: n + 1])
    mesh = ax.pcolormesh(
        grid.lon_deg,
        grid.lat_deg,
        grid.count(),
        cmap=cmap,
        norm=BoundaryNorm(np.arange(-0.5, n + 1), cmap.N),
        shading="nearest",
    )
    fig.colorbar(mesh, ax=ax, ticks=range(n + 1), label="nations whose radars see the point", shrink=0.8)
    for i, nation in enumerate(grid.nations):
        colour = NATION_COLOURS.get(nation, "black")
        if grid.seen[i].any() and not grid.seen[i].all():
            ax.contour(
                grid.lon_deg, grid.lat_deg, grid.seen[i].astype(float), levels=[0.5], colors=[colour], linewidths=1.6
            )
        sites = [s.descriptor() for s in sensors if s.nation == nation and s.kind == "radar"]
        ax.plot(
            [d["lon_deg"] % 360 for d in sites],
            [d["lat_deg"] for d in sites],
            "^",
            color=colour,
            markeredgecolor="black",
            markersize=7,
            label=f"{nation} radars",
        )
    for lon, lat in _coastlines():
        ax.plot(lon, lat, color="0.35", linewidth=0.5)
    for launch_id, r in tracks.items():
        lat, lon, _ = ecef_to_geodetic(r)
        lon_deg = np.degrees(lon) % 360.0
        ax.plot(lon_deg, np.degrees(lat), "k--", linewidth=1.2)
        ax.annotate(launch_id, (lon_deg[0], np.degrees(lat[0])), fontsize=8, xytext=(3, 3), textcoords="offset points")
    lat0, lat1, lon0, lon1 = grid.lat_deg[0], grid.lat_deg[-1], grid.lon_deg[0], grid.lon_deg[-1]
    ax.set(
        xlim=(lon0, lon1),
        ylim=(lat0, lat1),
        xlabel="longitude (deg E)",
        ylabel="latitude (deg N)",
        title=f"Radar coverage at {grid.altitude_m / 1e3:.0f} km altitude (approximate public laydown)",
    )
    ax.set_aspect(1.0 / np.cos(np.radians(0.5 * (lat0 + lat1))))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def coverage(scenario: Path, altitude_km: float = 100.0, out: Path | None = None) -> int:
    """Draw the coverage map of SCENARIO at altitude_km into out (default SCENARIO-coverage.png) and print the gaps."""
    if not np.isfinite(altitude_km) or not 0.0 <= altitude_km <= 5000.0:
        print(f"--altitude-km: must be within [0, 5000] km, got {altitude_km}", file=sys.stderr)
        return 2
    # Imported here: the scenario package pulls in the physics of flights, needed only by this command.
    from triwatch.scenario.loader import ScenarioError, load_scenario
    from triwatch.sensors.factory import SensorSpecError, build_sensors

    try:
        sc = load_scenario(scenario)
        sensors = build_sensors(sc.sensors, list(sc.nations), sc.epoch)
    except (ScenarioError, SensorSpecError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from triwatch.scenario.truth import build_flights

    nations = list(sc.nations)
    out = Path(out) if out is not None else Path(f"{Path(scenario).stem}-coverage.png")
    try:
        flights = build_flights(sc)
    except ValueError as exc:  # physics refuses a launch it cannot fly (e.g. an impossible apogee for the range)
        print(f"{scenario}: launches: {exc}", file=sys.stderr)
        return 2
    samples = {launch.id: trajectory_samples(flights[launch.id]) for launch in sc.launches}
    tracks = {launch_id: r for launch_id, (_, r) in samples.items()}
    lat, lon = region_grid(region_for(sensors, tracks))
    grid = coverage_grid(sensors, lat, lon, altitude_km * 1e3, kinds=["radar"], nations=nations)
    shares = ", ".join(f"{n} {100 * grid.fraction(n):.0f}%" for n in nations)
    print(f"{sc.name}: radar coverage of the map at {altitude_km:g} km altitude: {shares}")
    for launch in sc.launches:
        times, r = samples[launch.id]
        print("\n".join(launch_report(sensors, nations, launch.id, launch.time_s, times, r)))
    draw_map(grid, sensors, tracks, out)
    print(f"coverage map written to {out}")
    return 0
