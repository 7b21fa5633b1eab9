"""Streaming CoT over TCP, both ways a TAK deployment uses it.

- `CotServer`: a small asyncio TCP server that TAK clients (ATAK/WinTAK as a "streaming" server
  connection, pytak, a TAK gateway) connect to; every event broadcast is written to every
  connected client. This is the mode for a watch floor without a TAK Server.
- `send_cot`: a client that connects out to a TAK Server's plain-TCP CoT input (TAK Server's
  default streaming input is port 8087) and writes the events; the server fans them out.

Both take an optional `ssl.SSLContext` for TLS, as TAK Servers are usually run (mutual TLS with
enrolled client certificates). Framing is TAK protocol version 0 (XML): each event is one complete `<?xml ...?><event>...</event>`
document written back to back, with no separator, as TAK Server and pytak (which reads up to
`</event>`) expect. Nothing here knows what the events mean; `cot.py` makes them.

`load_run_cot` + `replay` play a finished run folder's cot/ to connected clients, optionally
paced against the wall clock (speed x real time), for watch-floor rehearsal and TAK testing.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path


def _check_event(event: bytes, index: int) -> bytes:
    data = bytes(event).strip()
    if not data.startswith(b"<") or not data.endswith(b"</event>"):
        raise ValueError(f"events[{index}]: not a CoT XML event (must end with </event>): {data[:60]!r}")
    return data


class CotServer:
    """Broadcast CoT events to every TAK client connected over TCP.

    Usage: `server = CotServer("127.0.0.1", 8088); await server.start(); await
    server.broadcast(event_bytes); await server.close()`. port 0 picks a free port (see `.port`).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8088, *, tls: ssl.SSLContext | None = None) -> None:
        if not 0 <= int(port) <= 65535:
            raise ValueError(f"port: must be within 0..65535, got {port}")
        self.host = host
        self.port = int(port)
        self.tls = tls
        self._server: asyncio.base_events.Server | None = None
        self._clients: set[asyncio.StreamWriter] = set()
        self._joined = asyncio.Condition()
        self.sent = 0

    async def start(self) -> tuple[str, int]:
        """Listen; return the (host, port) actually bound."""
        self._server = await asyncio.start_server(self._on_client, self.host, self.port, ssl=self.tls)
        self.host, self.port = self._server.sockets[0].getsockname()[:2]
        return self.host, self.port

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async with self._joined:
            self._clients.add(writer)
            self._joined.notify_all()
        try:
            while await reader.read(65536):  # TAK clients send pings and their own position; not ours to use
                pass
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._clients.discard(writer)
            writer.close()

    @property
    def clients(self) -> int:
        return len(self._clients)

    async def wait_for_clients(self, n: int = 1, timeout_s: float = 5.0) -> None:
        """Wait until at least n clients are connected (TimeoutError otherwise)."""
        async with self._joined:
            await asyncio.wait_for(self._joined.wait_for(lambda: len(self._clients) >= n), timeout_s)

    async def broadcast(self, event: bytes) -> int:
        """Write one event to every client; a client that has gone is dropped. Returns how many got it."""
        data = _check_event(event, self.sent)
        delivered = 0
        for writer in list(self._clients):
            try:
                writer.write(data)
                await writer.drain()
                delivered += 1
            except ConnectionError:
                self._clients.discard(writer)
        self.sent += 1
        return delivered

    async def close(self) -> None:
        for writer in list(self._clients):
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        self._clients.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None


async def send_cot(
    host: str, port: int, events: Iterable[bytes], *, timeout_s: float = 10.0, tls: ssl.SSLContext | None = None
) -> int:
    """Connect out to a TAK Server's CoT input and write the events; returns how many were sent.

    Plain TCP by default (TAK Server's port 8087); with `tls`, an SSL context holding the client
    certificate the TAK Server enrolled and its CA (TAK Server's streaming TLS port is 8089).
    """
    checked = [_check_event(e, i) for i, e in enumerate(events)]
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, ssl=tls), timeout_s)
    try:
        for data in checked:
            writer.write(data)
        await asyncio.wait_for(writer.drain(), timeout_s)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return len(checked)


def event_time(event: bytes) -> str:
    """The `time` attribute of a CoT event (ISO 8601 UTC text, which sorts as time)."""
    head = bytes(event)[: bytes(event).find(b">", bytes(event).find(b"<event")) + 1]
    start = head.find(b' time="')
    if start < 0:
        raise ValueError(f"not a CoT event with a time attribute: {head[:80]!r}")
    return head[start + 7 : head.find(b'"', start + 7)].decode()


def load_run_cot(run_dir: Path) -> list[bytes]:
    """Every CoT event a run folder holds (cot/tracks, cot/system *.cot and cot/alerts/*.xml), in time order."""
    cot_dir = Path(run_dir) / "cot"
    if not cot_dir.is_dir():
        raise FileNotFoundError(f"{cot_dir}: no cot/ folder; write the run's outputs first (write_outputs)")
    events = []
    for f in sorted([*cot_dir.glob("tracks/*.cot"), *cot_dir.glob("system/*.cot")]):
        events += [line for line in f.read_bytes().splitlines() if line.strip()]
    events += [f.read_bytes().strip() for f in sorted(cot_dir.glob("alerts/*.xml"))]
    return sorted(events, key=event_time)


async def replay(server: CotServer, events: Sequence[bytes], *, speed: float | None = None) -> int:
    """Broadcast events in order; with speed, paced at `speed` x the events' own clock. Returns the count."""
    if speed is not None and not speed > 0:
        raise ValueError(f"speed: must be > 0, got {speed}")
    t0 = wall0 = None
    loop = asyncio.get_running_loop()
    for event in events:
        if speed is not None:
            t = datetime.fromisoformat(event_time(event).replace("Z", "+00:00")).timestamp()
            if t0 is None:
                t0, wall0 = t, loop.time()
            delay = (t - t0) / speed - (loop.time() - wall0)
            if delay > 0:
                await asyncio.sleep(delay)
        await server.broadcast(event)
    return len(events)
