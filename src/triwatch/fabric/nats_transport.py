"""NatsTransport: the fabric over NATS JetStream (nats-py), one connection per nation.

Same calls as the MemoryBus (``send``, ``receive``, ``commit``), so an Endpoint does not know
which it uses. Layout of accounts, subjects and streams: see :mod:`triwatch.fabric.nats_server`.

**Send** publishes ``tw.<me>.<to>.<kind>`` with JetStream *without waiting* for the stream's
acknowledgement: the publish is handed to the transport's event loop and ``send`` returns.
Acknowledgements are collected in the background (many publishes in flight, as JetStream's
async publish does); a publish that gets none is retried (the header ``Nats-Msg-Id``, a hash
of the bytes, lets the stream drop a second copy) and, if it still fails, reported by
:meth:`NatsTransport.flush`. ``flush`` waits until every publish so far is stored at its
receiver's side. At most ``max_in_flight`` publishes wait for acknowledgement; beyond that
``send`` blocks (back-pressure).

**Receive** uses a durable *push* consumer on this nation's inbound stream: the server sends
each message to the transport's inbox subscription the moment it is stored, so nothing waits
for a poll or a fetch round trip. ``receive`` hands over what arrived; the messages stay
unacknowledged until ``commit``: a node that dies between taking messages and handling them
gets them again (JetStream redelivers unacknowledged messages after ``ack_wait_s``; a restarted
node gets them at once, see ``_consumer_config``). The loop thread sends the acknowledgements of
committed messages every 20 ms without waiting for the server (a commit does not wake it; an
acknowledgement lost on the way only causes a redelivery, which the Endpoint's replay window
drops as a duplicate).

**Link cut.** :meth:`NatsTransport.cut` / ``heal`` are not here: a link outage is made at the
server (:meth:`~triwatch.fabric.nats_server.LocalNatsServer.cut_link`), because that is where
a real outage happens; the transport just sees its publishes on that link go unacknowledged
and retries them until the link comes back (see ``retry_for_s``).

nats-py is asyncio; the Endpoint is synchronous. The transport runs its own event loop in a
daemon thread; the synchronous calls only schedule work on it (``call_soon_threadsafe``), so a
send or a commit costs the node microseconds, not a round trip.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from .nats_server import CONSUMER_NAME, Credentials, inbound_subjects, links, stream_name, subject

#: Publishes waiting for their stream acknowledgement before ``send`` blocks.
MAX_IN_FLIGHT = 4096
#: Committed messages are acknowledged by the loop thread at most this long after the commit.
ACK_PERIOD_S = 0.02


@dataclass(frozen=True)
class SendFailure:
    """A publish that no stream acknowledged, even after retries."""

    to: str
    kind: str
    error: str


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
    """One nation's connection to the NATS fabric (it can send and receive only as that nation).

    ``retry_for_s``: how long a publish keeps being retried when no acknowledgement comes (a
    link cut, a server restart) before it is reported as failed; messages sent during a short
    outage arrive after it, in order.
    """

    def __init__(
        self,
        url: str,
        creds: Credentials,
        nations: Sequence[str],
        *,
        topology: str = "hub",
        hub: str = "USA",
        ack_wait_s: float = 30.0,
        timeout_s: float = 5.0,
        tls_ca: str | Path | None = None,
        max_in_flight: int = MAX_IN_FLIGHT,
        retry_for_s: float = 120.0,
    ) -> None:
        if max_in_flight < 1:
            raise ValueError(f"NatsTransport.max_in_flight: must be >= 1, got {max_in_flight}")
        if ack_wait_s <= 0 or timeout_s <= 0 or retry_for_s < 0:
            raise ValueError("NatsTransport: ack_wait_s and timeout_s must be > 0, retry_for_s >= 0")
        self.nation = creds.nation
        self._tls = tls_context(tls_ca)
        self.url = url
        self.timeout_s = timeout_s
        self.retry_for_s = retry_for_s
        self._links = set(links(nations, topology, hub))
        self._subjects = inbound_subjects(self.nation, nations, topology, hub)
        self._ready: deque[Any] = deque()  # arrived, not yet handed over (appended by the loop thread)
        self._taken: list[Any] = []  # handed over, not yet committed
        self._to_ack: deque[Any] = deque()  # committed, acknowledgement not yet sent (taken by the loop thread)
        self._arrival = threading.Event()  # set by the loop thread when a message arrives
        self._errors: deque[str] = deque(maxlen=100)
        self._failures: deque[SendFailure] = deque()
        self._slots = threading.BoundedSemaphore(max_in_flight)
        self._outbox: dict[str, deque[tuple[str, bytes]]] = {}  # per link, waiting to be published (loop thread)
        self._workers: dict[str, asyncio.Task] = {}  # per link, the task publishing its outbox in order
        self._stalled: set[str] = set()  # links whose publishes are being retried (cut, server away)
        self._max_in_flight = max_in_flight
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
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout or self.timeout_s)
        except TimeoutError:
            future.cancel()  # do not leave the coroutine running on the loop
            raise

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
            reconnect_time_wait=0.2,
            tls=self._tls,
        )
        self._js = self._nc.jetstream()
        if self._subjects:
            await _ensure_stream(self._js, self.nation, self._subjects)
            config = await self._consumer_config(ack_wait_s)
            self._sub = await self._js.subscribe(
                "",
                durable=CONSUMER_NAME,
                stream=stream_name(self.nation),
                config=config,
                cb=self._arrived,
                manual_ack=True,
            )
            self._acker = asyncio.ensure_future(self._ack_committed())

    async def _consumer_config(self, ack_wait_s: float) -> ConsumerConfig:
        """The durable consumer's settings; after a crash, a fresh consumer that resumes at once.

        If this nation's previous connection died holding messages it had not committed, the
        server would redeliver them only after ``ack_wait``. Instead the old consumer is replaced
        by one starting right after the last message acknowledged in order (the ack floor): the
        node gets them again at once. Messages past the floor that had been acknowledged come again
        too; the Endpoint's replay window, restored from its audit log, refuses them as duplicates.
        """
        stream = stream_name(self.nation)
        config = ConsumerConfig(
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=ack_wait_s,
            max_ack_pending=20_000,
            deliver_policy=DeliverPolicy.ALL,
        )
        try:
            info = await self._js.consumer_info(stream, CONSUMER_NAME)
        except NotFoundError:
            return config
        if info.num_ack_pending and not info.push_bound:
            floor = info.ack_floor.stream_seq if info.ack_floor else 0
            await self._js.delete_consumer(stream, CONSUMER_NAME)
            config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
            config.opt_start_seq = floor + 1
        return config

    async def _arrived(self, msg: Any) -> None:
        self._ready.append(msg)
        self._arrival.set()

    def _enqueue(self, to: str, kind: str, data: bytes) -> None:
        self._outbox.setdefault(to, deque()).append((kind, data))
        if to not in self._workers:
            self._workers[to] = self._loop.create_task(self._drain_link(to))

    async def _drain_link(self, to: str) -> None:
        """Publish what waits for ``to``, in order: everything queued goes out at once (pipelined)."""
        queue = self._outbox[to]
        try:
            while queue:
                batch = [queue.popleft() for _ in range(len(queue))]
                await self._publish_in_order(to, batch)
        finally:
            del self._workers[to]

    async def _publish_in_order(self, to: str, batch: list[tuple[str, bytes]]) -> None:
        """Publish ``batch`` and await every acknowledgement; from the first one missing, publish again.

        Re-publishing the tail keeps the link's order: nothing after a lost message is
        confirmed before it. A copy that had in fact been stored is dropped by the stream
        (same ``Nats-Msg-Id`` within its duplicate window) or, later, by the receiver's
        replay window. Retries back off up to 1 s and stop after ``retry_for_s``.
        """
        items = [
            (
                subject(self.nation, to, kind),
                kind,
                data,
                {"Nats-Msg-Id": hashlib.blake2b(data, digest_size=16).hexdigest()},
            )
            for kind, data in batch
        ]
        give_up = time.monotonic() + self.retry_for_s
        pause = 0.05
        while items:
            results = await asyncio.gather(
                *(self._js.publish(subj, data, timeout=self.timeout_s, headers=h) for subj, _, data, h in items),
                return_exceptions=True,
            )
            bad = next((i for i, r in enumerate(results) if isinstance(r, BaseException)), len(items))
            for _ in range(bad):
                self._slots.release()
            if bad == len(items):
                self._stalled.discard(to)
                return
            items, error = items[bad:], results[bad]
            if self._closing or time.monotonic() + pause > give_up:
                for _, kind, _, _ in items:
                    self._failures.append(SendFailure(to, kind, f"{type(error).__name__}: {error}"[:300]))
                    self._slots.release()
                self._stalled.discard(to)
                return
            self._stalled.add(to)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 1.0)

    async def _ack_committed(self) -> None:
        """Send the acknowledgements of committed messages every ACK_PERIOD_S.

        A commit does not wake this thread: waking it would make it compete for the GIL with the
        node at the moment the node verifies the next message. Acknowledging up to 20 ms later
        costs nothing (the server waits ``ack_wait_s``); a crash in between only means a
        redelivery, which the replay window drops.
        """
        while True:
            await asyncio.sleep(ACK_PERIOD_S)
            await self._send_acks()

    async def _send_acks(self) -> None:
        queue = self._to_ack
        while queue:
            m = queue.popleft()
            try:
                await m.ack()
            except Exception as exc:  # not acknowledged: the server redelivers, the replay window drops the copy
                self._errors.append(f"ack: {exc!r}")

    async def _drain(self, wait_for_stalled: bool = True) -> None:
        while True:
            busy = [w for to, w in self._workers.items() if wait_for_stalled or to not in self._stalled]
            if not busy:
                break
            await asyncio.wait(busy, timeout=0.05)  # look again: a link may stall or recover meanwhile
        await self._send_acks()
        await self._nc.flush(timeout=self.timeout_s)

    # ---------------------------------------------------------------- public
    def send(self, sender: str, to: str, kind: str, data: bytes) -> None:
        """Queue ``data`` for ``to``'s stream; returns at once (see :meth:`flush` for the outcome)."""
        if sender != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).send: cannot send as {sender}")
        if (sender, to) not in self._links:
            raise ValueError(f"NatsTransport({self.nation}).send: no link {sender}->{to} in this topology")
        if self._closing:
            raise ConnectionError(f"NatsTransport({self.nation}).send: transport is closed")
        if not self._slots.acquire(timeout=self.timeout_s + self.retry_for_s):
            raise ConnectionError(f"NatsTransport({self.nation}).send: no acknowledgements, {to} link backed up")
        self._loop.call_soon_threadsafe(self._enqueue, to, kind, bytes(data))

    def flush(self, timeout_s: float | None = None, *, wait_for_stalled: bool = True) -> list[SendFailure]:
        """Wait until every publish so far is acknowledged or given up; return (and forget) the failures.

        ``wait_for_stalled=False``: do not wait for links whose publishes are being retried (a cut
        link): their messages stay queued, in order, and go when the link returns. A node in
        lockstep uses it to know that everything that *can* be delivered is stored.
        """
        if not self._closing:
            self._call(self._drain(wait_for_stalled), timeout_s or (self.retry_for_s + self.timeout_s + 5))
        out = list(self._failures)
        self._failures.clear()
        return out

    def stalled(self) -> list[str]:
        """Partners whose link is stalled: publishes to them are being retried (a cut link)."""
        return sorted(self._stalled)

    def in_flight(self) -> int:
        """Publishes sent but not yet acknowledged or given up."""
        return self._max_in_flight - self._slots._value  # noqa: SLF001 - BoundedSemaphore has no public count

    def receive(self, nation: str, wait_s: float = 0.0) -> list[bytes]:
        """Everything that arrived for this nation so far, oldest first; unacknowledged until :meth:`commit`.

        ``wait_s`` > 0: if nothing is there yet, block (without holding the GIL, so the
        transport's thread runs at once) until something arrives or ``wait_s`` passes.
        """
        if nation != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).receive: cannot read {nation}'s inbox")
        ready = self._ready
        if not ready and wait_s > 0:
            self._arrival.clear()
            if not ready:  # a message that arrived between the check and the clear is not missed
                self._arrival.wait(wait_s)
        msgs = []
        while ready:
            msgs.append(ready.popleft())
        self._taken.extend(msgs)
        return [m.data for m in msgs]

    def commit(self, nation: str) -> int:
        """Acknowledge everything handed over by :meth:`receive` so far (the node has handled it); count."""
        if nation != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).commit: cannot commit {nation}'s inbox")
        if not self._taken or self._closing:
            return 0
        msgs, self._taken = self._taken, []
        self._to_ack.extend(msgs)  # sent by the loop thread within ACK_PERIOD_S (see _ack_committed)
        return len(msgs)

    def errors(self) -> list[str]:
        """Errors the server or the client reported (e.g. permission violations)."""
        return list(self._errors)

    def close(self, *, flush: bool = True) -> None:
        """Wait for publishes in flight (unless ``flush=False``), then close the connection and the loop.

        Messages handed over but not committed are *not* acknowledged: JetStream delivers
        them again to the next connection of this nation.
        """
        if self._closing:
            return
        if flush and getattr(self, "_nc", None) is not None:
            try:
                self._call(self._drain(), self.timeout_s + 2)
            except Exception as exc:  # closing anyway; what was not stored is reported by the failures
                self._errors.append(f"close: {exc!r}")
        self._closing = True

        async def shutdown() -> None:
            workers = [*self._workers.values(), *([self._acker] if hasattr(self, "_acker") else [])]
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
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
