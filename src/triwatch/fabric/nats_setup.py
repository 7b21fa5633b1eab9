"""Setting up a nation's side of the NATS fabric: its inbound stream and consumer, and TLS for its connection."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, RetentionPolicy, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from .nats_server import CONSUMER_NAME, Credentials, inbound_subjects, stream_name


async def ensure_stream(js: Any, stream: str, subjects: list[str], *, work_queue: bool = False) -> None:
    """Create a stream (a 120 s duplicate window drops retried copies), or bring its subjects up to date.

    ``work_queue``: a message is removed once acknowledged (an outbox: it has been forwarded).
    """
    retention = RetentionPolicy.WORK_QUEUE if work_queue else RetentionPolicy.LIMITS
    config = StreamConfig(name=stream, subjects=subjects, duplicate_window=120.0, retention=retention)
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
                await ensure_stream(nc.jetstream(), stream_name(n), inbound_subjects(n, nations, topology, hub))
            finally:
                await nc.close()

    asyncio.run(run())


async def consumer_config(
    js: Any, stream: str, ack_wait_s: float, durable: str = CONSUMER_NAME, *, work_queue: bool = False
) -> ConsumerConfig:
    """The durable consumer's settings; after a crash, a fresh consumer that resumes at once.

    If this nation's previous connection died holding messages it had not committed, the
    server would redeliver them only after ``ack_wait``. Instead the old consumer is replaced
    by one starting right after the last message acknowledged in order (the ack floor): the
    node gets them again at once. Messages past the floor that had been acknowledged come again
    too; the Endpoint's replay window, restored from its audit log, refuses them as duplicates.
    """
    config = ConsumerConfig(
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ack_wait_s,
        max_ack_pending=20_000,
        deliver_policy=DeliverPolicy.ALL,
    )
    try:
        info = await js.consumer_info(stream, durable)
    except NotFoundError:
        return config
    if info.num_ack_pending and not info.push_bound:
        floor = info.ack_floor.stream_seq if info.ack_floor else 0
        await js.delete_consumer(stream, durable)
        if not work_queue:  # a work queue holds only what is unacknowledged: deliver all of it
            config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
            config.opt_start_seq = floor + 1
    return config
