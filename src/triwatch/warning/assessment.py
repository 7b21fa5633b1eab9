"""The result of assessing one track: predicted impact with its ellipse, and the areas at risk."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

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
    subregions_of: dict[str, list[str]] = field(default_factory=dict)  # overflown land area -> its subregions
    # Probability that the impact falls in each protected area it reaches (`warning.impact_mass`); empty when
    # the areas rest on a boost bound or hypothesis rather than an impact distribution.
    impact_mass: dict[str, float] = field(default_factory=dict)
    # What the areas rest on: "ballistic" (the coasting track's impact prediction and path),
    # "boost-bound" (every possible remaining burn, early cut-offs included, agrees) or
    # "boost-hypothesis" (a precautionary overflight: every full-burn flight of a consistent vehicle agrees).
    basis: str = "ballistic"

    @property
    def areas(self) -> list[str]:
        return sorted(set(self.impact_areas) | set(self.overflight_areas))

    def for_nation(self, nation: str) -> Assessment:
        """The same assessment restricted to one nation's areas ("JPN" keeps JPN-land and JPN-EEZ).

        Subregions follow their land area when the assessment knows which is which
        (`subregions_of`); otherwise they are kept only if that nation's land is overflown.
        """
        mine = [a for a in self.areas if a.split("-", 1)[0] == nation]
        over = [a for a in self.overflight_areas if a in mine]
        if self.subregions_of:
            subs = sorted({s for a in over for s in self.subregions_of.get(a, [])})
        else:
            subs = list(self.subregions) if over else []
        return replace(
            self,
            impact_areas=[a for a in self.impact_areas if a in mine],
            overflight_areas=over,
            subregions=subs,
            over_now=[a for a in self.over_now if a in mine],
            subregions_of={a: s for a, s in self.subregions_of.items() if a in over},
            impact_mass={a: p for a, p in self.impact_mass.items() if a.split("-", 1)[0] == nation},
        )
