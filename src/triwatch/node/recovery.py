"""A node process that crashed comes back with the state it had: replay from its JetStream stream.

A node's state (tracks, allied picture, alert book, C2 deadlines, random draws) is a
deterministic function of what it was given: its own sensor reports, and its partners'
envelopes in the order it took them. Both survive the crash: the reports come again from
the sensor feed, and every envelope ever sent to the node is still in its inbound JetStream
stream (``IN_<NATION>``, kept on disk; the durable consumer only marks how far it has read).

So a restarted node, before it does anything else, replays its earlier life phase by phase
with the first ``n`` messages of its stream, where ``n`` is what it had taken before the
crash. Nothing leaves during the replay (its partners already have what it sent then), and
its events and audit rows are not written again. Its messages are numbered from the killed
process's first sequence number, so the replay ends at the very number the killed one had
reached: a message it then sends again (a crash in the middle of a phase) is the same message,
with the same ``msg_id``, and the partner's stream keeps only the first copy. Afterwards it holds the same tracks, the same
system track numbers and the same alert book: it neither re-issues, under new ids, a warning
it had issued, nor forgets one. Then the durable consumer hands it what its partners sent while
it was down, and it carries on.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from triwatch.fabric.deploy import load_node_config
from triwatch.fabric.nats_server import stream_name
from triwatch.fabric.nats_transport import tls_context


def read_inbound(fabric_json: str | Path, count: int, *, timeout_s: float = 10.0) -> list[bytes]:
    """The first ``count`` messages of this node's inbound stream, oldest first (stream sequence 1..count)."""
    if count < 0:
        raise ValueError(f"read_inbound: count must be >= 0, got {count}")
    if count == 0:
        return []
    cfg = load_node_config(fabric_json)
    ca = Path(fabric_json).parent / cfg.tls_ca if cfg.tls_ca else None

    async def read() -> list[bytes]:
        import nats

        nc = await nats.connect(
            cfg.url, user=cfg.user, password=cfg.password, tls=tls_context(ca), connect_timeout=timeout_s
        )
        try:
            js = nc.jetstream(timeout=timeout_s)
            return [(await js.get_msg(stream_name(cfg.nation), seq)).data for seq in range(1, count + 1)]
        finally:
            await nc.close()

    return asyncio.run(read())


class StreamHistory:
    """A transport over recorded messages, for the replay: ``receive`` hands them all over once,
    ``send`` lets nothing leave (the partners have what the node sent in its earlier life)."""

    def __init__(self, history: list[bytes]) -> None:
        self._history = list(history)

    def send(self, sender: str, to: str, kind: str, data: bytes, *, msg_id: str | None = None) -> None:
        return None

    def receive(self, nation: str) -> list[bytes]:
        out, self._history = self._history, []
        return out

    def close(self) -> None:
        return None
