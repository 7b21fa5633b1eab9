"""The COP web application: the API routes, the event stream and the offline web UI in one FastAPI app.

`create_app(source, control)` serves one run. Everything the browser needs
(HTML, JavaScript, Leaflet, milsymbol) ships in `static/`, so the COP works
with no network. Input errors come back as 422 with one readable line per
problem (`query.since: Input should be greater than or equal to 0`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from triwatch.server import api, ws
from triwatch.server.auth import SessionSigner
from triwatch.server.books import TrackBooks
from triwatch.server.control import RunControl
from triwatch.server.sources import EventSource, SourceError

STATIC_DIR = Path(__file__).parent / "static"


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()))
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    return JSONResponse(
        status_code=422, content={"detail": "; ".join(problems) or "invalid request", "problems": problems}
    )


def _source_error(request: Request, exc: SourceError) -> JSONResponse:
    return JSONResponse(status_code=exc.status, content={"detail": str(exc)})


# The page loads nothing from elsewhere (it must work offline), so the browser is told to refuse anything that
# tries: a CDN link slipped into a later edit fails loudly in the browser test instead of silently online.
# Leaflet positions its elements with inline styles, and milsymbol's SVG arrives as markup, hence those two.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(source: EventSource, control: RunControl | None = None, signer: SessionSigner | None = None) -> FastAPI:
    """The COP for one run (replay or live); `control` lets commanders pause/pace a live run."""
    app = FastAPI(
        title="triwatch COP",
        version="0.1.0",
        description="Common operational picture of one nation's node: tracks, warnings, acknowledgements, events.",
    )
    app.state.source = source
    app.state.control = control
    app.state.books = TrackBooks(source)
    app.state.signer = signer or SessionSigner()
    app.state.stopping = False
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SourceError, _source_error)
    app.add_middleware(GZipMiddleware, minimum_size=2048, compresslevel=5)  # GeoJSON and replays compress ~5x

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    app.include_router(api.router)
    app.include_router(ws.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    return app
