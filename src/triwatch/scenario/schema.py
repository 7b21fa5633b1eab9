"""The scenario (exercise) file: its fields, types and limits, as pydantic models.

A scenario says *what happens* (launches: where, when, which vehicle, aimed how)
and *who watches* (nations, sensors, sharing policy). Validation reports every
problem at once with its path in the file; see `loader.load_scenario`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Nation = Literal["USA", "JPN", "KOR", "AUS", "PHL"]
Profile = Literal["minimum-energy", "lofted", "depressed"]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt field must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")


class LatLon(Strict):
    lat: Annotated[float, Field(ge=-90.0, le=90.0)]
    lon: Annotated[float, Field(ge=-180.0, le=360.0)]


class Target(Strict):
    """Aim by trajectory shape: apogee and ground range along an azimuth."""

    apogee_km: Annotated[float, Field(gt=0.0)] | None = None
    range_km: Annotated[float, Field(gt=0.0)]
    azimuth_deg: Annotated[float, Field(ge=0.0, lt=360.0)]


class Launch(Strict):
    id: Annotated[str, Field(min_length=1)]
    time_s: Annotated[float, Field(ge=0.0)]
    site: str | LatLon
    vehicle: Annotated[str, Field(min_length=1)]
    target: Target | None = None
    aim: LatLon | None = None
    profile: Profile = "minimum-energy"

    @model_validator(mode="after")
    def _one_aim(self) -> Launch:
        if (self.target is None) == (self.aim is None):
            raise ValueError("give exactly one of `target` (apogee/range/azimuth) or `aim` (lat/lon)")
        return self


class LinkCut(Strict):
    """The line between two nations is down from ``from_s`` to ``to_s``: messages on it wait, then arrive."""

    kind: Literal["link-cut"]
    between: Annotated[list[Nation], Field(min_length=2, max_length=2)]
    from_s: Annotated[float, Field(ge=0.0)]
    to_s: float


class NodeDown(Strict):
    """A nation's node is out of service from ``from_s`` to ``to_s``: it neither senses, processes nor publishes."""

    kind: Literal["node-down"]
    nation: Nation
    from_s: Annotated[float, Field(ge=0.0)]
    to_s: float


Fault = Annotated[LinkCut | NodeDown, Field(discriminator="kind")]


class WarningOptions(Strict):
    """How the nodes warn, beyond the ballistic rule every node always applies.

    ``precautionary_overflight``: also issue the precautionary overflight warning (basis
    ``boost-hypothesis``, CAP certainty ``Possible``) while a missile is still under thrust and every
    full-burn flight of every library vehicle consistent with its track overflies the same land.
    Off by default: it warns earlier on some flights and can name land a flight that cuts off early
    never reaches (see docs/architecture.md, "Precautionary overflight").

    ``precautionary_support``: with the class on, name land once the probability that the flight is a
    standard (not lofted) one crossing it reaches this value (``warning.boost_precaution``; 0.8 is the
    argued choice) instead of waiting until every full-burn candidate crosses it (null, the default).
    """

    precautionary_overflight: bool = False
    precautionary_support: Annotated[float, Field(gt=0.0, le=1.0)] | None = None

    @model_validator(mode="after")
    def _support_needs_the_class(self) -> WarningOptions:
        if self.precautionary_support is not None and not self.precautionary_overflight:
            raise ValueError("precautionary_support needs precautionary_overflight: true (the class it tunes is off)")
        return self


class Scenario(Strict):
    name: Annotated[str, Field(min_length=1)]
    epoch: datetime
    seed: int = 0
    duration_s: Annotated[float, Field(gt=0.0, le=86400.0)]
    tick_s: Annotated[float, Field(gt=0.0, le=60.0)] = 1.0
    nations: Annotated[list[Nation], Field(min_length=1)]
    topology: Literal["hub", "mesh"] = "hub"
    launches: list[Launch] = Field(default_factory=list)
    sensors: list[dict[str, Any]] = Field(default_factory=lambda: [{"use": "default-laydown"}])
    policy: dict[str, Any] = Field(default_factory=dict)
    faults: list[Fault] = Field(default_factory=list)
    warnings: WarningOptions = Field(default_factory=WarningOptions)
    description: str = ""

    @field_validator("epoch")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        if v.tzinfo is None or v.utcoffset() is None:
            raise ValueError("must carry a time zone, e.g. 2022-10-03T22:22:00Z")
        return v
