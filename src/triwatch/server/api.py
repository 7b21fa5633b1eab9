"""The COP's HTTP API: login, the run, tracks, warnings (and acknowledging them), events, control, geography.

Every data route reads only the session's nation's events; the routes never
see truth, only what the run's nodes recorded. Refusals name their reason:
401 no/invalid session, 403 another nation's data or a role not allowed,
404 no such warning revision for this nation, 409 the source will not do it
(a replay is read-only; already acknowledged), 422 malformed input.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from triwatch.server import geo_layers
from triwatch.server.auth import COOKIE, ROLES, Principal, SessionSigner
from triwatch.server.books import FastJSON, TrackBooks
from triwatch.server.control import RunControl
from triwatch.server.deps import OwnNation, Session, get_books, get_control, get_signer, get_source
from triwatch.server.sources import EventSource
from triwatch.server.warning_view import find_revisions, warnings_view

router = APIRouter(prefix="/api")
CACHE_A_DAY = {"Cache-Control": "public, max-age=86400"}  # the bundled geography changes only with the package
Source = Annotated[EventSource, Depends(get_source)]
Control = Annotated[RunControl | None, Depends(get_control)]
Signer = Annotated[SessionSigner, Depends(get_signer)]
Books = Annotated[TrackBooks, Depends(get_books)]
AtTime = Annotated[
    float | None,
    Query(ge=0, allow_inf_nan=False, description="Scenario time (s): the state as it was then (replay timeline)"),
]
Role = Literal["watch-officer", "commander", "analyst", "auditor"]  # auth.ROLES, spelt out for the OpenAPI schema


class LoginRequest(BaseModel):
    nation: str = Field(min_length=1, max_length=16, examples=["JPN"])
    role: Role


class LoginResponse(BaseModel):
    token: str
    nation: str
    role: str
    expires_in_s: int


class ControlRequest(BaseModel):
    # strict: "yes" is not a boolean; forbid: a misspelt {"pause": true} is an error, not a silent no-op
    model_config = ConfigDict(strict=True, extra="forbid")

    paused: bool | None = None
    speed: float | None = Field(None, gt=0, allow_inf_nan=False, description="x real time")


@router.post("/login", response_model=LoginResponse)
def login(body: LoginRequest, response: Response, source: Source, signer: Signer) -> LoginResponse:
    """Open a session for one nation and role; the token goes back as JSON and as an HttpOnly cookie."""
    nations = source.nations
    if body.nation not in nations:
        raise HTTPException(422, f"nation: unknown nation {body.nation!r}; this run has: {', '.join(nations)}")
    token = signer.issue(Principal(body.nation, body.role))
    response.set_cookie(COOKIE, token, max_age=signer.max_age_s, httponly=True, samesite="strict")
    return LoginResponse(token=token, nation=body.nation, role=body.role, expires_in_s=signer.max_age_s)


@router.post("/logout")
def logout(response: Response) -> dict[str, bool]:
    response.delete_cookie(COOKIE)
    return {"logged_out": True}


@router.get("/session")
def session(who: Session) -> dict[str, Any]:
    return {
        "nation": who.nation,
        "role": who.role,
        "may_acknowledge": who.may_acknowledge,
        "may_control": who.may_control,
    }


@router.get("/runs/current")
def current_run(source: Source, control: Control) -> dict[str, Any]:
    """The run being shown: name, nations (for the login screen), scenario time, replay or live."""
    info = source.info()
    return {
        "scenario": info.scenario,
        "nations": list(info.nations),
        "sim_time_s": info.sim_time_s,
        "duration_s": info.duration_s,
        "mode": info.mode,
        "finished": info.finished,
        "read_only": info.mode == "replay",
        "control": control.snapshot() if control is not None and info.mode == "live" else None,
        "roles": list(ROLES),
        "geo": geo_layers.layers_available(),
    }


@router.get("/tracks", response_class=FastJSON)
def tracks(nation: OwnNation, books: Books, t: AtTime = None) -> FastJSON:
    """The nation's allied picture (system tracks, with pedigree) and own local tracks, with flown paths."""
    view = books.latest(nation) if t is None else books.at(nation, t)
    return FastJSON({"nation": nation, **view})


@router.get("/warnings", response_class=FastJSON)
def warnings(nation: OwnNation, source: Source, t: AtTime = None) -> FastJSON:
    """Warning revisions delivered to the nation, their acknowledgement state and the threatened areas."""
    return FastJSON({"nation": nation, **warnings_view(source.events(nation), t)})


@router.post("/warnings/{warning_id}/{revision}/ack")
def acknowledge(
    who: Session,
    source: Source,
    warning_id: Annotated[str, Path(min_length=1, max_length=200)],
    revision: Annotated[int, Path(ge=0, le=1_000_000)],
    issuer: Annotated[str | None, Query(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")] = None,
) -> dict[str, Any]:
    """Acknowledge a warning revision delivered to your nation (watch officers and commanders).

    `?issuer=` names whose revision it is; it is needed only when two nations issued that
    revision number (an owner and its stand-in cut off from each other, warning.takeover)."""
    if not who.may_acknowledge:
        raise HTTPException(403, f"role {who.role!r} may not acknowledge warnings; watch-officer or commander may")
    if source.mode == "replay":
        raise HTTPException(409, "replay is read-only: acknowledgements are made during a live run")
    named = f"warning {warning_id!r} revision {revision}" + (f" by {issuer}" if issuer else "")
    revs = find_revisions(warnings_view(source.events(who.nation)), warning_id, revision, issuer)
    if not revs:
        raise HTTPException(404, f"{named} was not delivered to {who.nation}")
    if len(revs) > 1:  # a collision: unambiguous once all but one of them are acknowledged
        revs = [r for r in revs if r["state"] != "acknowledged"] or revs[:1]
    if len(revs) > 1:
        issuers = ", ".join(sorted(r["issuer"] for r in revs))
        raise HTTPException(409, f"{named} was issued by {issuers}: name the issuer (?issuer=)")
    rev = revs[0]
    if rev["state"] == "acknowledged":
        raise HTTPException(409, f"{named} already acknowledged by {rev['centre']} at t={rev['acknowledged_s']} s")
    result = source.acknowledge(who.nation, warning_id, revision, who.role, rev["issuer"])
    return {
        "acknowledged": True,
        "warning_id": warning_id,
        "revision": revision,
        "issuer": rev["issuer"],
        "nation": who.nation,
        "role": who.role,
        "result": result,
    }


@router.get("/events", response_class=FastJSON)
def events(
    nation: OwnNation,
    source: Source,
    since: Annotated[int, Query(ge=0, description="The nation's own event sequence number to start from")] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> FastJSON:
    """The nation's raw events from sequence number `since`; `next` is where to continue."""
    batch = source.events(nation, since)[:limit]
    return {
        "nation": nation,
        "since": since,
        "next": since + len(batch),
        "total": source.count(nation),
        "events": batch,
    }


@router.get("/control")
def get_run_control(who: Session, source: Source, control: Control) -> dict[str, Any]:
    if control is None or source.mode != "live":
        return {"available": False, "paused": None, "speed": None}
    return {"available": True, **control.snapshot()}


@router.post("/control")
def set_run_control(body: ControlRequest, who: Session, source: Source, control: Control) -> dict[str, Any]:
    """Pause, resume or pace a live run (commanders only)."""
    if not who.may_control:
        raise HTTPException(403, f"role {who.role!r} may not control the run; commander may")
    if control is None or source.mode != "live":
        raise HTTPException(409, "this run has no live control (a replay is played back with the timeline)")
    try:
        if body.paused is not None:
            control.set_paused(body.paused)
        if "speed" in body.model_fields_set:
            control.set_speed(body.speed)
    except ValueError as exc:  # RunControl names the field and the reason
        raise HTTPException(422, str(exc)) from None
    return {"available": True, **control.snapshot()}


GEOJSON = {200: {"content": {"application/geo+json": {}}, "description": "GeoJSON FeatureCollection"}}


@router.get("/geo/land", response_class=Response, responses=GEOJSON)
def geo_land() -> Response:
    """Land territories near the theatre as GeoJSON, one MultiPolygon per nation ({"nation": "JPN"})."""
    return Response(geo_layers.layer_bytes("land"), media_type="application/geo+json", headers=CACHE_A_DAY)


@router.get("/geo/eez", response_class=Response, responses=GEOJSON)
def geo_eez() -> Response:
    """Derived exclusive economic zones as GeoJSON, one MultiPolygon per nation ({"nation": "JPN"})."""
    return Response(geo_layers.layer_bytes("eez"), media_type="application/geo+json", headers=CACHE_A_DAY)
