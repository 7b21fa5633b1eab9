"""Serve the COP from a background thread, so the exercise keeps the main thread.

    handle = start_server(source, "127.0.0.1", 8080, control=control)
    ...  # run the exercise
    handle.stop()

uvicorn's `Server.run` in a daemon thread; uvicorn installs signal handlers
only in the main thread, so Ctrl-C still reaches the exercise. `port=0` picks
a free port (tests, benchmarks): `handle.port` tells which.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass

import uvicorn

from triwatch.server.app import create_app
from triwatch.server.control import RunControl
from triwatch.server.sources import EventSource


@dataclass
class ServerHandle:
    server: uvicorn.Server
    thread: threading.Thread
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving: close open event streams, let requests finish, join the thread."""
        self.server.config.app.state.stopping = True
        self.server.should_exit = True
        self.thread.join(timeout)
        if self.thread.is_alive():
            self.server.force_exit = True
            self.thread.join(timeout)


def start_server(
    source: EventSource,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    control: RunControl | None = None,
    log_level: str = "warning",
    startup_timeout_s: float = 10.0,
) -> ServerHandle:
    """Start the COP over `source` in a background thread; returns once it accepts connections."""
    app = create_app(source, control)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, ws="websockets-sansio", lifespan="off")
    server = uvicorn.Server(config)

    def run() -> None:
        with contextlib.suppress(SystemExit):  # uvicorn exits so when it cannot bind; the wait below reports it
            server.run()

    thread = threading.Thread(target=run, name="triwatch-cop-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"COP server could not start on {host}:{port} (port in use or not permitted?)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"COP server did not start on {host}:{port} within {startup_timeout_s} s")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
    return ServerHandle(server, thread, host, int(bound))
