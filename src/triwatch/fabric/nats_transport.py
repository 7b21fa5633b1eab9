"""NatsTransport: the fabric over NATS JetStream (nats-py), one connection per nation.

Same calls as the MemoryBus (``send``, ``receive``, ``commit``), so an Endpoint does not know
which it uses. Layout of accounts, subjects and streams: see :mod:`triwatch.fabric.nats_server`.

**Send** writes the message to the socket and returns: JetStream publishes go out pipelined, in
order per link, and their acknowledgements are collected later (:mod:`triwatch.fabric.nats_publisher`);
:meth:`NatsTransport.flush` waits until everything is stored at its receiver's side and reports
what could not be.

**Receive** uses a durable *push* consumer on this nation's inbound stream: the server sends
each message to the transport's inbox subscription the moment it is stored, so nothing waits
for a poll or a fetch round trip. ``receive`` hands over what arrived; the messages stay
unacknowledged until ``commit``: a node that dies between taking messages and handling them
gets them again (JetStream redelivers unacknowledged messages after ``ack_wait_s``; a restarted
node gets them at once, see :func:`~triwatch.fabric.nats_setup.consumer_config`). The queues and
the acknowledgements: :mod:`triwatch.fabric.nats_inbox`.

**Link cut** (:meth:`~triwatch.fabric.nats_server.LocalNatsServer.cut_link`): publishes across
the cut find no route; the transport holds them (in memory; in JetStream with ``outbox=True``,
see :mod:`triwatch.fabric.nats_outbox`) and retries them in order until the link heals.

nats-py is asyncio; the Endpoint is synchronous. The transport's event loop is turned on the
caller's thread whenever the Endpoint needs it (:mod:`triwatch.fabric.loop_runner`): ``send``
publishes and writes the message to the socket on the caller's thread without even a turn of the
loop (``run_now``; the stream's acknowledgement is taken in at a later turn), ``receive(wait_s)``
turns it until a message arrives (the client's read callback then runs on the caller's thread). A background thread
turns it every 5 ms in between (acknowledgements, pings, reconnects, retries, arrivals while
the node is busy). No message waits for a hand-off between threads on its way out or in.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import nats

from .loop_runner import LoopRunner, turns
from .nats_inbox import Inbox
from .nats_outbox import Outbox
from .nats_publisher import LinkPublisher, SendFailure
from .nats_server import CONSUMER_NAME, Credentials, inbound_subjects, links, stream_name
from .nats_setup import consumer_config, ensure_stream, provision_streams, tls_context
from .nats_write import write_pending

__all__ = ["NatsTransport", "SendFailure", "provision_streams", "tls_context"]

#: Publishes waiting for their stream acknowledgement before ``send`` blocks.
MAX_IN_FLIGHT = 4096
#: With an outbox, how long a send waits for its message to be forwarded on the link (the store's
#: acknowledgement and the forwarder's delivery come back from the server first).
OUTBOX_FORWARD_WAIT_S = 0.02


class NatsTransport:
    """One nation's connection to the NATS fabric (it can send and receive only as that nation).

    ``outbox=True``: store and forward (:mod:`triwatch.fabric.nats_outbox`): what is sent waits in
    this nation's own JetStream outbox until the partner's stream has it, through link cuts and
    restarts of this node. ``retry_for_s``: how long a publish keeps being retried when no acknowledgement comes (a
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
        outbox: bool = False,
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
        self._errors: deque[str] = deque(maxlen=100)
        self._inbox = Inbox(self._errors)
        self.send_at_once = True  # False: a send turns the loop until written (the way before; for A/B benches)
        self._max_in_flight = max_in_flight
        self._partners = [b for a, b in links(nations, topology, hub) if a == self.nation]
        self._outbox: Outbox | None = None
        self._use_outbox = outbox
        self._closing = False
        self._runner = LoopRunner(f"nats-{self.nation}")
        try:
            self._call(self._connect(creds, ack_wait_s), timeout_s + 5)
        except Exception:
            self.close()
            raise

    # ------------------------------------------------------------ event loop side
    def _call(self, coro: Any, timeout: float | None = None) -> Any:
        return self._runner.run(coro, timeout or self.timeout_s)

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
        # Room for every send slot plus the outbox's forwards in the client's table of awaited acknowledgements.
        self._js = self._nc.jetstream(publish_async_max_pending=2 * self._max_in_flight + 1000)
        self._out = LinkPublisher(
            self._js,
            self.nation,
            self._max_in_flight,
            self.retry_for_s,
            self.timeout_s,
            partial(write_pending, self._nc),
        )
        if self._use_outbox:
            self._outbox = Outbox(self._js, self.nation, self._partners, self._out)
            await self._outbox.start()
        if self._subjects:
            await ensure_stream(self._js, stream_name(self.nation), self._subjects)
            config = await consumer_config(self._js, stream_name(self.nation), ack_wait_s)
            self._sub = await self._js.subscribe(
                "",
                durable=CONSUMER_NAME,
                stream=stream_name(self.nation),
                config=config,
                cb=self._inbox.arrived,
                manual_ack=True,
            )
            self._acker = asyncio.ensure_future(self._inbox.ack_periodically())

    async def _drain(self, wait_for_stalled: bool = True) -> None:
        await self._out.drain(wait_for_stalled)
        while self._outbox is not None and not await self._outbox.settled(wait_for_stalled):
            await asyncio.sleep(0.02)
            await self._out.drain(wait_for_stalled)
        await self._inbox.send_acks()
        await self._nc.flush(timeout=self.timeout_s)

    # ---------------------------------------------------------------- public
    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        """Write ``data`` for ``to``'s stream and return (see :meth:`flush` for the outcome).

        ``msg_id`` (the envelope's id) is the publish's ``Nats-Msg-Id``: the stream drops a second
        copy of it within its duplicate window (without one: a hash of the bytes)."""
        if sender != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).send: cannot send as {sender}")
        if (sender, to) not in self._links:
            raise ValueError(f"NatsTransport({self.nation}).send: no link {sender}->{to} in this topology")
        if self._closing:
            raise ConnectionError(f"NatsTransport({self.nation}).send: transport is closed")
        if not self._out.take_slot(self.timeout_s + self.retry_for_s):
            raise ConnectionError(f"NatsTransport({self.nation}).send: no acknowledgements, {to} link backed up")
        store = self._outbox.store if self._outbox is not None else None
        sending = self._out.send_now(
            to, kind, bytes(data), msg_id=msg_id, store=store, forward_wait_s=OUTBOX_FORWARD_WAIT_S
        )
        if store is None and self.send_at_once:
            self._runner.run_now(sending)  # published and written without a turn of the loop
        else:
            self._runner.run(sending)

    def flush(self, timeout_s: float | None = None, *, wait_for_stalled: bool = True) -> list[SendFailure]:
        """Wait until every publish so far is acknowledged or given up; return (and forget) the failures.

        ``wait_for_stalled=False``: do not wait for links whose publishes are being retried (a cut
        link): their messages stay queued, in order, and go when the link returns. A node in
        lockstep uses it to know that everything that *can* be delivered is stored.
        """
        if not self._closing:
            self._call(self._drain(wait_for_stalled), timeout_s or (self.retry_for_s + self.timeout_s + 5))
        return self._out.take_failures()

    def stalled(self) -> list[str]:
        """Lanes being retried: partners (a cut link), or ``out:<partner>`` (this nation's outbox, server away)."""
        return self._out.stalled()

    def in_flight(self) -> int:
        """Publishes sent but not yet acknowledged or given up."""
        return self._out.in_flight()

    def receive(self, nation: str, wait_s: float = 0.0) -> list[bytes]:
        """Everything that arrived for this nation so far, oldest first; unacknowledged until :meth:`commit`.

        ``wait_s`` > 0: if nothing is there yet, turn the event loop on this thread until something
        arrives or ``wait_s`` passes; 0: read what has arrived, without waiting.
        """
        if nation != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).receive: cannot read {nation}'s inbox")
        if not self._inbox.ready and not self._closing:  # the read callback runs on this thread
            if wait_s > 0:
                self._runner.run_until(self._inbox.arrival(wait_s))
            else:
                self._runner.run(turns(2))  # read what has arrived, without waiting
        return [m.data for m in self._inbox.take()]

    def commit(self, nation: str, count: int | None = None) -> int:
        """Acknowledge what :meth:`receive` handed over (the node has handled it): all of it, or the
        oldest ``count`` messages (a wrapper that holds some back for later); returns how many."""
        if nation != self.nation:
            raise ValueError(f"NatsTransport({self.nation}).commit: cannot commit {nation}'s inbox")
        if count is not None and count < 0:
            raise ValueError(f"NatsTransport({self.nation}).commit: count must be >= 0, got {count}")
        if self._closing:
            return 0
        return self._inbox.commit(count)  # acknowledged within about nats_inbox.ACK_PERIOD_S

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
        if hasattr(self, "_out"):
            self._out.closing = True

        async def shutdown() -> None:
            if hasattr(self, "_out"):
                await self._out.cancel()
            acker = getattr(self, "_acker", None)
            if acker is not None:
                acker.cancel()
                await asyncio.gather(acker, return_exceptions=True)
            nc = getattr(self, "_nc", None)
            if nc is not None and not nc.is_closed:
                await nc.close()

        try:
            self._call(shutdown(), self.timeout_s + 2)
        finally:
            self._runner.close()

    def __enter__(self) -> NatsTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
