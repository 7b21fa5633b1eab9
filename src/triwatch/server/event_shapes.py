"""The fields of each run event the COP reads, as typed shapes (docs/events.md).

A replayed log may hold anything: ReplaySource checks only `node`, `type` and
`t_s`. The views read an event through its shape; `shape_of` returns None for
an event whose fields do not fit (a wrong type, a missing id), and the view
skips it, so a malformed line costs one event, never the page. Fields the COP
does not read are ignored. msgspec converts a dict in about a microsecond.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

Vec3 = Annotated[list[float], msgspec.Meta(min_length=3, max_length=3)]
State6 = Annotated[list[float], msgspec.Meta(min_length=6, max_length=6)]
LatLon = Annotated[list[float], msgspec.Meta(min_length=2, max_length=2)]


class EllipseShape(msgspec.Struct):
    lat_deg: float
    lon_deg: float
    semi_major_m: float
    semi_minor_m: float
    orientation_deg: float


class TrackEvent(msgspec.Struct):
    t_s: float
    track_id: str
    x: State6
    status: str | None = None
    category: str | None = None
    apogee_m: float | None = None
    sent_to: list[str] = []
    withheld_from: list[str] = []


class PictureEvent(msgspec.Struct):
    t_s: float
    numbers: list[str] = []
    positions: list[Vec3] = []
    pedigree: list[list[str]] = []


class TrackReceivedEvent(msgspec.Struct):
    t_s: float
    origin: str
    track_id: str
    system_track: str


class WarningIssuedEvent(msgspec.Struct):
    t_s: float
    warning_id: str
    revision: int
    kind: str
    system_track: str | None = None
    impact: LatLon | None = None
    impact_ellipse: EllipseShape | None = None


class WarningDeliveredEvent(msgspec.Struct):
    t_s: float
    warning_id: str
    revision: int
    kind: str
    issuer: str
    areas: list[str] = []
    subregions: list[str] = []
    impact: LatLon | None = None
    impact_ellipse: EllipseShape | None = None
    text: str = ""


class AckEvent(msgspec.Struct):
    t_s: float
    warning_id: str
    revision: int
    centre: str | None = None
    issuer: str | None = None  # whose revision; None in runs from before issuers were named


class AckReceivedEvent(msgspec.Struct):
    t_s: float
    warning_id: str
    revision: int
    origin: str | None = None
    centre: str | None = None
    issuer: str | None = None


class EscalationEvent(msgspec.Struct):
    t_s: float
    warning_id: str
    revision: int
    centre: str | None = None
    detail: str | None = None
    issuer: str | None = None


SHAPES: dict[str, type[msgspec.Struct]] = {
    "track": TrackEvent,
    "picture": PictureEvent,
    "track-received": TrackReceivedEvent,
    "warning-issued": WarningIssuedEvent,
    "warning-delivered": WarningDeliveredEvent,
    "ack": AckEvent,
    "ack-received": AckReceivedEvent,
    "escalation": EscalationEvent,
}


def shape_of(event: dict[str, Any]) -> msgspec.Struct | None:
    """The event read through its type's shape; None if it has no shape here or does not fit it."""
    shape = SHAPES.get(event.get("type"))
    if shape is None:
        return None
    try:
        return msgspec.convert(event, shape)
    except msgspec.ValidationError:
        return None


def ellipse_dict(e: EllipseShape | None) -> dict[str, float] | None:
    return None if e is None else msgspec.structs.asdict(e)
