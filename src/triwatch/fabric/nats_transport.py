"""NatsTransport: the fabric over NATS JetStream (nats-py), one connection per nation.

Same two calls as the MemoryBus (``send``, ``receive``), so an Endpoint does not know which
it uses. Layout of accounts, subjects and streams: see :mod:`triwatch.fabric.nats_server`.

- ``send`` publishes ``tw.<me>.<to>.<kind>`` with JetStream and waits for the receiving
  stream's acknowledgement, so a send that returns is stored at the receiver's side.
  The header ``Nats-Msg-Id`` (a hash of the bytes) lets the stream drop a retried copy.
- ``receive`` hands over what a background pull loop fetched from this nation's durable
  consumer, and acknowledges it (flushed to the server) before returning: a node that dies
  and comes back resumes after the last message it took, and anything fetched but not yet
  handed over is delivered again after ``ack_wait_s``.

nats-py is asyncio; the Endpoint is synchronous. The transport runs its own event loop
in a daemon thread and the synchronous calls wait on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
from nats.js.errors import BadRequestError

from .nats_server import CONSUMER_NAME, Credentials, inbound_subjects, links, stream_name, subject

FETCH_BATCH = 256


async def _ensure_stream(js: Any, nation: str, subjects: list[str]) -> None:
    config = StreamConfig(name=stream_name(nation), subjects=subjects, duplicate_window=120.0)
    try:
        await js.add_stream(config)
    except BadRequestError:  # exists with other settings: bring the subjects up to date
        await js.update_stream(config)


def tls_context(ca_file: str | Path | None) -> ssl.SSLContext | None:
    """A client TLS context that trusts only ``ca_file`` (None: no TLS)."""
    if ca_file is None:
        return None
    if not Path(ca_file).is_file():
        raise FileNotFoundError(f"tls_ca: {ca_file} missing")
    return ssl.create_default_context(cafile=str(ca_file))


def provision_streams(
    url: str,
    creds: dict[str, Credentials],
    nations: Sequence[str],
    topology: str,
    hub: str,
    *,
    tls_ca: str | Path | None = None,
) -> None:
    """Create every nation's inbound stream (each with that nation's own login) before anyone publishes."""

    async def run() -> None:
        for n in nations:
            nc = await nats.connect(
                url, user=creds[n].user, password=creds[n].password, connect_timeout=5, tls=tls_context(tls_ca)
            )
            try:
                await _ensure_stream(nc.jetstream(), n, inbound_subjects(n, nations, topology, hub))
            finally:
                await nc.close()

    asyncio.run(run())


class NatsTransport:
    """One nation's connection to the NATS fabric (it can send and receive only as that nation)."""

    def __init__(
        self,
        url: str,
        creds: Credentials,
        nations: Sequence[str],
        *,
        topology: str = "hub",
        hub: str = "USA",
        ack_wait_s: float = 5.0,
        timeout_s: float = 5.0,
        tls_ca: str | Path | None = None,
    ) -> None:
        self.nation = creds.nation
        self._tls = tls_context(tls_ca)
        self.url = url
        self.timeout_s = timeout_s
        self._links = set(links(nations, topology, hub))
        self._subjects = inbound_subjects(self.nation, nations, topology, hub)
        self._ready: deque[Any] = deque()
        self._errors: deque[str] = deque(maxlen=100)
        self._closing = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"nats-{self.nation}", daemon=True)
        self._thread.start()
        try:
            self._call(self._connect(creds, ack_wait_s), timeout_s + 5)
        except Exception:
            self.close()
            raise

    # ------------------------------------------------------------ event loop side
    def _call(self, coro: Any, timeout: float | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout or self.timeout_s)

    async def _on_error(self, exc: Exception) -> None:
        self._errors.append(str(exc))

    async def _connect(self, creds: Credentials, ack_wait_s: float) -> None:
        self._nc = await nats.connect(
            self.url,
            user=creds.user,
            password=creds.password,
            name=f"triwatch-{self.nation}",
            connect_timeout=self.timeout_s,
            error_cb=self._on_error,
            max_reconnect_attempts=-1,
            tls=self._tls,
        )
        self._js = self._nc.jetstream()
        if self._subjects:
            await _ensure_stream(self._js, self.nation, self._subjects)
            config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=ack_wait_s, max_ack_pending=10_000)
            self._sub = await self._js.pull_subscribe(
                "", durable=CONSUMER_NAME, stream=stream_name(self.nation), config=config
            )
            self._pump_task = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        while not self._closing:
            try:
                msgs = await self._sub.fetch(FETCH_BATCH, timeout=1.0)
            except (TimeoutError, nats.errors.TimeoutError):
                continue
            except asyncio.CancelledError:
                return
            except Exception as exc:  # connection trouble: note it, back off, keep pulling
                self._errors.append(f"fetch: {exc}")
                await asyncio.sleep(0.2)
                continue
            self._ready.extend(msgs)

    async def _publish(self, subj: str, data: bytes) -> None:
        headers = {"Nats-Msg-Id": hashlib.blake2b(data, digest_size=16).hexdigest()}
        await self._js.publish(subj, data, timeout=self.timeout_s, headers=headers)

    async def _ack(self, msgs: list[Any]) -> None:
        for m in msgs:
            await m.ack()
        await self._nc.flush(timeout=self.timeout_s)

    # ---------------------------------------------------------------- public
    def send(self, sender: str, to: str, kind: str, data: bytes) -> None:
        """Publish ``data`` to ``to``'s stream and wait for its acknowledgement (ConnectionError if none)."""
        if sender != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).send: cannot send as {sender}")
        if (sender, to) not in self._links:
            raise ValueError(f"NatsTransport({self.nation}).send: no link {sender}->{to} in this topology")
        subj = subject(sender, to, kind)
        for attempt in (1, 2):  # one retry: the stream's duplicate window drops a second copy
            try:
                self._call(self._publish(subj, bytes(data)), self.timeout_s + 1)
                return
            except Exception as exc:
                if attempt == 2:
                    raise ConnectionError(f"NatsTransport({self.nation}): publish to {subj} failed: {exc!r}") from exc

    def receive(self, nation: str) -> list[bytes]:
        """Everything fetched for this nation so far, acknowledged before it is returned."""
        if nation != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).receive: cannot read {nation}'s inbox")
        msgs = []
        while self._ready:
            msgs.append(self._ready.popleft())
        if msgs:
            try:
                self._call(self._ack(msgs))
            except Exception as exc:  # not acknowledged: the server redelivers, the replay window drops the copies
                self._errors.append(f"ack: {exc!r}")
        return [m.data for m in msgs]

    def errors(self) -> list[str]:
        """Errors the server or the client reported (e.g. permission violations)."""
        return list(self._errors)

    def close(self) -> None:
        """Stop pulling, close the connection and the event loop thread."""
        if self._closing:
            return
        self._closing = True

        async def shutdown() -> None:
            task = getattr(self, "_pump_task", None)
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            nc = getattr(self, "_nc", None)
            if nc is not None and not nc.is_closed:
                await nc.close()

        try:
            self._call(shutdown(), self.timeout_s + 2)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            if not self._thread.is_alive():
                self._loop.close()

    def __enter__(self) -> NatsTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
