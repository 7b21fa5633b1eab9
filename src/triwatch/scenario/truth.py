"""Truth: the flights a scenario's launches make, and the scene sensors see at an instant.

Truth lives here and in scoring only. Sensors read a `Scene`; nothing built from
truth is handed to trackers, fusion or warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from triwatch.geo.places import place
from triwatch.physics.flight import Flight, design_flight
from triwatch.scenario.schema import Launch, Scenario
from triwatch.sensors.scene import Scene
from triwatch.sensors.signatures import default_rcs_m2, ir_intensity_w_sr


def launch_site_deg(launch: Launch) -> tuple[float, float]:
    """(lat, lon) in degrees of a launch's site, named or given."""
    if isinstance(launch.site, str):
        return place(launch.site)
    return launch.site.lat, launch.site.lon


def design_launch(launch: Launch) -> Flight:
    """Design the flight of one launch from its site, vehicle and target or aim point."""
    lat, lon = launch_site_deg(launch)
    kwargs: dict = {"profile": launch.profile}
    if launch.target is not None:
        kwargs["azimuth_rad"] = np.radians(launch.target.azimuth_deg)
        kwargs["range_m"] = launch.target.range_km * 1e3
        if launch.target.apogee_km is not None:
            kwargs["apogee_m"] = launch.target.apogee_km * 1e3
    else:
        kwargs["aim_lat_rad"] = np.radians(launch.aim.lat)
        kwargs["aim_lon_rad"] = np.radians(launch.aim.lon)
    return design_flight(np.radians(lat), np.radians(lon), launch.vehicle.lower(), **kwargs)


def build_flights(scenario: Scenario) -> dict[str, Flight]:
    """Every launch's flight, keyed by launch id."""
    return {launch.id: design_launch(launch) for launch in scenario.launches}


@dataclass
class TruthWorld:
    """All truth objects of a scenario, with their launch times, able to make a Scene at any time."""

    scenario: Scenario
    flights: dict[str, Flight]

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> TruthWorld:
        return cls(scenario, build_flights(scenario))

    def launch_time(self, launch_id: str) -> float:
        return next(lt.time_s for lt in self.scenario.launches if lt.id == launch_id)

    def scene_at(self, t_s: float) -> Scene:
        """Positions of every object alive at scenario time t_s (ids are 'LAUNCH/OBJECT')."""
        ids: list[str] = []
        rs, vs, thr, rcs, ir = [], [], [], [], []
        for launch in self.scenario.launches:
            dt = t_s - launch.time_s
            if dt < 0:
                continue
            for obj in self.flights[launch.id].objects:
                r, v, thrusting, alive = obj.state_at(dt)
                if not bool(alive):
                    continue
                ids.append(f"{launch.id}/{obj.object_id}")
                rs.append(r)
                vs.append(v)
                thr.append(bool(thrusting))
                rcs.append(default_rcs_m2(obj.role))
                ir.append(ir_intensity_w_sr(obj.role, bool(thrusting)))
        k = len(ids)
        return Scene(
            time_s=t_s,
            object_ids=tuple(ids),
            r_ecef=np.reshape(np.array(rs, float), (k, 3)),
            v_ecef=np.reshape(np.array(vs, float), (k, 3)),
            thrusting=np.array(thr, bool),
            rcs_m2=np.array(rcs, float),
            ir_w_sr=np.array(ir, float),
        )
