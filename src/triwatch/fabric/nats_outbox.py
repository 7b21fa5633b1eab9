"""Store and forward: a nation's messages to a partner wait in JetStream on the sender's side.

With an outbox, ``send`` stores each message first in the sender's own stream for that partner,
``OUT_<ME>_<TO>`` (subjects ``out.<me>.<to>.<kind>``, in the sender's own account: reachable
whatever happens to the links; a work queue, so a message leaves it once forwarded). A forwarder in the same transport takes them from a durable
consumer (``forward``) in order and publishes them on the link (``tw.<me>.<to>.<kind>``); it
acknowledges a stored message only once the partner's stream has acknowledged the forwarded
copy. So during a link cut the backlog waits *in JetStream*, survives a crash of the sender
(its next transport resumes from the consumer's ack floor), and drains in order when the link
heals; a copy forwarded twice carries the same ``Nats-Msg-Id`` and is dropped by the partner's
stream (or later by the Endpoint's replay window).

The price is one more JetStream store and delivery on the way (see bench/fabric_latency.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import partial
from typing import Any

from .nats_publisher import LinkPublisher, Outgoing
from .nats_server import subject
from .nats_setup import consumer_config, ensure_stream

FORWARDER = "forward"
#: The forwarder holds a message until the link takes it; redelivery meanwhile would only duplicate it.
FORWARD_ACK_WAIT_S = 3600.0


def outbox_stream(nation: str, to: str) -> str:
    return f"OUT_{nation}_{to}"


def outbox_subject(nation: str, to: str, kind: str = ">") -> str:
    return f"out.{nation.lower()}.{to.lower()}.{kind}"


class Outbox:
    """One nation's outboxes (one per partner) and their forwarder; lives on the transport's event loop."""

    def __init__(self, js: Any, nation: str, partners: Sequence[str], publisher: LinkPublisher) -> None:
        self.js = js
        self.nation = nation
        self.partners = list(partners)
        self.publisher = publisher
        self._forwarding: dict[str, set[int]] = {to: set() for to in self.partners}  # outbox seqs on the link

    async def start(self) -> None:
        """Create the outbox streams and bind the forwarder to each (resuming what a dead predecessor left)."""
        for to in self.partners:
            stream = outbox_stream(self.nation, to)
            await ensure_stream(self.js, stream, [outbox_subject(self.nation, to)], work_queue=True)
            config = await consumer_config(self.js, stream, FORWARD_ACK_WAIT_S, durable=FORWARDER, work_queue=True)
            await self.js.subscribe(
                "", durable=FORWARDER, stream=stream, config=config, cb=partial(self._forward, to), manual_ack=True
            )

    def store(self, to: str, kind: str, data: bytes, msg_id: str | None = None) -> None:
        """Queue ``data`` for ``to``'s outbox (its send slot is freed once the outbox holds it)."""
        item = Outgoing(to, kind, outbox_subject(self.nation, to, kind), data, msg_id=msg_id)
        self.publisher.enqueue_on(f"out:{to}", item)

    async def _forward(self, to: str, msg: Any) -> None:
        seq = msg.metadata.sequence.stream
        if seq in self._forwarding[to]:  # already on its way
            return
        self._forwarding[to].add(seq)
        kind = msg.subject.rsplit(".", 1)[1]

        def forwarded() -> None:
            self._forwarding[to].discard(seq)
            asyncio.ensure_future(msg.ack())  # the outbox may drop it now

        msg_id = (msg.headers or {}).get("Nats-Msg-Id")  # the id it was stored with: the partner drops copies
        item = Outgoing(
            to, kind, subject(self.nation, to, kind), msg.data, done=forwarded, slot=False, patient=True, msg_id=msg_id
        )
        self.publisher.enqueue_on(to, item)

    async def settled(self, wait_for_stalled: bool) -> bool:
        """True when every outbox is empty of messages not yet forwarded (skipping stalled links if asked)."""
        stalled = set(self.publisher.stalled())
        for to in self.partners:
            if not wait_for_stalled and to in stalled:
                continue
            if self._forwarding[to]:
                return False
            info = await self.js.consumer_info(outbox_stream(self.nation, to), FORWARDER)
            if info.num_pending or info.num_ack_pending:
                return False
        return True
