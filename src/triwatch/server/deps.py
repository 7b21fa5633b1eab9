"""Request dependencies shared by the routes: the run's objects, the session, the nation scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request

from triwatch.server.auth import COOKIE, Principal, SessionError, SessionSigner
from triwatch.server.books import TrackBooks
from triwatch.server.control import RunControl
from triwatch.server.sources import EventSource


def get_source(request: Request) -> EventSource:
    return request.app.state.source


def get_control(request: Request) -> RunControl | None:
    return request.app.state.control


def get_books(request: Request) -> TrackBooks:
    return request.app.state.books


def get_signer(request: Request) -> SessionSigner:
    return request.app.state.signer


def token_of(authorization: str | None, cookie: str | None) -> str | None:
    """The session token from `Authorization: Bearer ...`, else from the session cookie."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return cookie or None


def principal(request: Request) -> Principal:
    """Who is asking; 401 when there is no valid session."""
    token = token_of(request.headers.get("authorization"), request.cookies.get(COOKIE))
    if token is None:
        raise HTTPException(401, "not logged in: POST /api/login {nation, role} first", {"WWW-Authenticate": "Bearer"})
    try:
        return get_signer(request).verify(token)
    except SessionError as exc:
        raise HTTPException(401, str(exc), {"WWW-Authenticate": "Bearer"}) from None


Session = Annotated[Principal, Depends(principal)]


def own_nation(
    who: Session,
    nation: Annotated[
        str | None,
        Query(max_length=16, description="Must be your own nation if given: a session sees only its nation's data"),
    ] = None,
) -> str:
    """The nation whose data a request reads: always the session's own; asking for another is 403."""
    if nation is not None and nation != who.nation:
        raise HTTPException(403, f"nation {nation!r}: a {who.nation} session may see only {who.nation} data")
    return who.nation


OwnNation = Annotated[str, Depends(own_nation)]
