"""A node process that crashed comes back with the state it had: replay from its JetStream stream.

A node's state (tracks, allied picture, alert book, C2 deadlines, random draws) is a
deterministic function of what it was given: its own sensor reports, and its partners'
envelopes in the order it took them. Both survive the crash: the reports come again from
the sensor feed, and every envelope ever sent to the node is still in its inbound JetStream
stream (``IN_<NATION>``, kept on disk; the durable consumer only marks how far it has read).

So a restarted node, before it does anything else, replays its earlier life phase by phase
with the first ``n`` messages of its stream, where ``n`` is what it had taken before the
crash. Nothing leaves during the replay (its partners already have what it sent then), and
its events and audit rows are not written again. Afterwards it holds the same tracks, the same
system track numbers and the same alert book: it neither re-issues, under new ids, a warning
it had issued, nor forgets one. Then the durable consumer hands it what its partners sent while
it was down, and it carries on.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from pathlib import Path

from triwatch.fabric.deploy import load_node_config
from triwatch.fabric.nats_server import stream_name
from triwatch.fabric.nats_transport import tls_context
from triwatch.node.lockstep import LockstepError


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


class ReplayInbox:
    """A transport for the replay: hands over recorded messages as staged, and lets nothing leave.

    It has the calls of :class:`~triwatch.node.lockstep.LockstepInbox` that a phase uses
    (``stage``, ``take_sent``) and counts what the node would have sent per hop, so the replay
    can be checked against what the crashed process had reported sending.
    """

    def __init__(self, nation: str, history: list[bytes]) -> None:
        self.nation = nation
        self._history = deque(history)
        self._staged: list[bytes] = []
        self._sent: Counter[str] = Counter()
        self.total_sent: Counter[str] = Counter()

    def send(self, sender: str, to: str, kind: str, data: bytes) -> None:
        self._sent[to] += 1
        self.total_sent[to] += 1

    def receive(self, nation: str) -> list[bytes]:
        out, self._staged = self._staged, []
        return out

    def stage(self, expect: int, timeout_s: float = 0.0) -> None:
        if expect > len(self._history):
            raise LockstepError(
                f"{self.nation} replay: {expect} messages wanted, {len(self._history)} left in the stream"
            )
        self._staged.extend(self._history.popleft() for _ in range(expect))

    def take_sent(self) -> dict[str, int]:
        out = dict(self._sent)
        self._sent.clear()
        return out

    def remaining(self) -> int:
        return len(self._history)

    def close(self) -> None:
        return None
