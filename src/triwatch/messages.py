"""The vocabulary of what travels between national nodes: payloads, as typed structs.

The fabric carries payloads as plain dicts inside a labelled, signed envelope;
these structs give them a shape. `from_payload` validates a received dict and
raises `PayloadError` naming the field, so a partner's malformed message is
refused rather than half-read. Units on the wire are SI except where a field
name says otherwise (lat/lon in degrees, as every map and partner expects).

What is deliberately absent: the sensors that made a track (their identity and
location are a separate, sensitive kind of data, `sensor-identity`) and any
pre-launch intelligence.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import msgspec

WarningKind = Literal["launch", "threat", "overflight", "correction", "withdrawal", "impact", "all-clear"]
# What a warning's areas rest on (`triwatch.warning.assessment.Assessment.basis`); "" for none (a launch alert).
WarningBasis = Literal["", "ballistic", "boost-bound", "boost-hypothesis"]


class PayloadError(ValueError):
    """A received payload that does not have the shape of its kind."""


class GroundPoint(msgspec.Struct, frozen=True):
    """A point on the ground with its uncertainty: an East/North covariance (m^2) and a time (s)."""

    lat_deg: float
    lon_deg: float
    time_s: float
    cov_en_m2: list[list[float]]
    time_sigma_s: float = 0.0


class TrackReport(msgspec.Struct, frozen=True):
    """A national (local) track as released to partners: ECEF state and covariance at time_s."""

    track_id: str
    time_s: float
    x: list[float]
    P: list[list[float]]
    status: str
    thrusting: bool = False
    launch: GroundPoint | None = None
    impact: GroundPoint | None = None
    apogee_m: float | None = None
    category: str | None = None
    profile: str | None = None
    parent_id: str | None = None
    beta_kg_m2: float | None = None  # estimated ballistic coefficient (kg/m^2), exp of the mean of ln beta
    log_beta_sigma: float | None = None  # sigma of ln beta: ~1 (the prior) until the air has shown the drag


class Ellipse(msgspec.Struct, frozen=True):
    """A 95 % ellipse on the ground: centre, semi-axes (m), orientation of the major axis (deg from North)."""

    lat_deg: float
    lon_deg: float
    semi_major_m: float
    semi_minor_m: float
    orientation_deg: float


class WarningReport(msgspec.Struct, frozen=True):
    """A warning issued by a nation's warning engine about one system track.

    warning_id is stable for a threat; revision grows with each update,
    correction, withdrawal or all-clear of it. scope says what the alert is about
    ("launch", or the nation whose areas it names; "" when one alert covers all,
    see `triwatch.warning.authority`); tracks names the national tracks of the
    issuer's system track ("NATION/track-id"), by which partners recognise the
    same threat in their own pictures. basis says what the named areas rest on: "ballistic"
    (the coasting track's predicted impact and path), "boost-bound" (every possible remaining
    burn agrees), "boost-hypothesis" (a precautionary overflight warning: every full-burn flight
    of a library vehicle consistent with the track agrees; CAP certainty "Possible").
    """

    warning_id: str
    revision: int
    kind: WarningKind
    issuer: str
    system_track: str
    time_s: float
    areas: list[str] = []
    subregions: list[str] = []
    impact: Ellipse | None = None
    impact_time_s: float | None = None
    launch: GroundPoint | None = None
    category: str | None = None
    text: str = ""
    cause_wall_ns: int = 0
    scope: str = ""
    tracks: list[str] = []
    basis: WarningBasis = ""


class AckReport(msgspec.Struct, frozen=True):
    """A command centre's acknowledgement of a warning revision."""

    warning_id: str
    revision: int
    centre: str
    nation: str
    time_s: float
    role: str = "watch-officer"
    issuer: str = ""  # who issued the revision ("" from a sender before it was named): see warning.takeover


S = TypeVar("S", bound=msgspec.Struct)


def to_payload(msg: msgspec.Struct) -> dict[str, Any]:
    """Plain-dict form of a payload struct, for the fabric."""
    return msgspec.to_builtins(msg)


def from_payload(data: Any, kind: type[S]) -> S:
    """Validate a received dict into its struct; PayloadError names the field at fault."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        raise PayloadError(f"{kind.__name__}: {exc}") from None
