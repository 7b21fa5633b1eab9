"""`/ws`: a WebSocket streaming the session's nation's new events as they are recorded.

The session comes from `?token=` (browsers cannot set headers on a WebSocket)
or the session cookie. Messages are `{"seq": first, "next": n, "t_s": sim
time, "events": [...]}`; `?since=N` resumes after a reconnect.

The run appends events on another thread, so the stream polls the source
every POLL_S: simpler and safer than crossing into the event loop from the
runner's thread, and a COP refreshes at 1 Hz anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from triwatch.server.auth import COOKIE, SessionError
from triwatch.server.deps import token_of

POLL_S = 0.2
BATCH = 2000  # events per message, so a late joiner's backlog arrives in pieces
router = APIRouter()


@router.websocket("/ws")
async def stream(websocket: WebSocket) -> None:
    app = websocket.app
    origin = websocket.headers.get("origin")
    if origin and urlsplit(origin).netloc != websocket.headers.get("host"):
        # a page from another site may not open this stream with the user's cookie (cross-site WebSocket hijacking)
        await websocket.close(code=4403, reason="cross-origin stream refused")
        return
    token = websocket.query_params.get("token") or token_of(
        websocket.headers.get("authorization"), websocket.cookies.get(COOKIE)
    )
    try:
        if token is None:
            raise SessionError("not logged in")
        who = app.state.signer.verify(token)
    except SessionError as exc:
        await websocket.close(code=4401, reason=str(exc)[:120])  # before accept: the handshake is refused
        return
    since = websocket.query_params.get("since", "0")
    seq = int(since) if since.isdigit() else 0
    await websocket.accept()
    closed = asyncio.Event()

    async def watch_for_close() -> None:
        try:
            while (await websocket.receive())["type"] != "websocket.disconnect":
                pass
        finally:
            closed.set()

    reader = asyncio.create_task(watch_for_close())
    source = app.state.source
    try:
        while not closed.is_set() and not app.state.stopping:
            new = source.events(who.nation, seq)[:BATCH]
            if new:
                await websocket.send_json(
                    {"seq": seq, "next": seq + len(new), "t_s": source.info().sim_time_s, "events": new}
                )
                seq += len(new)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closed.wait(), POLL_S)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the browser went away mid-send
    finally:
        reader.cancel()
        with contextlib.suppress(Exception):
            await websocket.close()
