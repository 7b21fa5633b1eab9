"""The result of assessing one track: predicted impact with its ellipse, and the areas at risk."""

from __future__ import annotations

from dataclasses import dataclass, field

from triwatch.messages import Ellipse


@dataclass
class Assessment:
    time_s: float
    impact_lat_rad: float
    impact_lon_rad: float
    impact_time_s: float
    ellipse: Ellipse | None  # None: the impact is not yet known (a missile still under thrust)
    impact_areas: list[str] = field(default_factory=list)
    overflight_areas: list[str] = field(default_factory=list)
    subregions: list[str] = field(default_factory=list)
    over_now: list[str] = field(default_factory=list)  # protected land under the object at time_s

    @property
    def areas(self) -> list[str]:
        return sorted(set(self.impact_areas) | set(self.overflight_areas))
