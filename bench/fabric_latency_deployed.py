"""Fabric latency over NATS in the deployed layout: one process per nation, against raw JetStream.

Run: PYTHONPATH=src python bench/fabric_latency_deployed.py [--n 500] [--block 25]

``bench/fabric_latency.py`` runs every nation's endpoint in one Python process, so the three
transports' threads and the bench share one GIL; a deployed fabric runs one process per nation
(``triwatch node``). Here each nation is its own process, for the fabric and for the raw path
alike:

- fabric: each process holds its nation's Endpoint (envelope, policy, Ed25519 with its own
  private key and the partners' public keys, replay window, audit log) on a NatsTransport, and
  waits on its inbox (``poll(wait_s=...)``) as a node does; the hub relays as it polls;
- raw: each process holds one nats-py connection in one asyncio loop, the same server layout
  (accounts, service imports, streams, durable push consumers, explicit acks), the bytes of an
  envelope's size with a ``Nats-Msg-Id``; the sender awaits the stream acknowledgement
  concurrently, the receiver acknowledges in its callback, the hub's callback publishes on.

Latency is publish -> the receiving process has the message (fabric: ``poll`` returned it,
verified; raw: the callback ran), timed with ``perf_counter`` (CLOCK_MONOTONIC, one clock for
every process on Linux). One message in flight at a time; fabric and raw alternate in blocks of
``--block`` messages so both see the same load on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from fabric_latency import NATIONS, pct, track_payload, wire_size_probe

from triwatch.fabric import AuditLog, Endpoint, KeyRing, ReleasePolicy
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.nats_server import Credentials, LocalNatsServer

#: USA's tracks go to JPN only (the direct path: one message to one receiver, as the raw one);
#: KOR's keep the default (USA and JPN): the hub reads them and relays them to JPN.
POLICY = {"USA": {"tracks": {"rel_to": ["JPN"]}}}
ROUTES = {"direct": ("USA", "tw.usa.jpn.tracks"), "relayed": ("KOR", "tw.kor.usa.tracks")}


def fabric_worker(nation: str, url: str, creds: Credentials, keys_dir: str, conn) -> None:
    """One nation's endpoint. Between blocks the parent gives it a role: ``send`` (wait for a
    command, publish), ``relay`` (the hub: poll as a node does, relaying), ``receive`` (poll,
    report each delivery's time) or ``idle``; a node waiting for work blocks, it does not spin."""
    from triwatch.fabric.nats_transport import NatsTransport  # noqa: PLC0415 - in the child only

    keys = KeyRing.load(keys_dir, nation)
    policy = ReleasePolicy.from_config(NATIONS, POLICY)
    transport = NatsTransport(url, creds, NATIONS)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    audit = AuditLog(":memory:", flush_every=256)
    ep = Endpoint(nation, policy, keys, transport, audit, clock, first_sequence=sequence_start_from_clock())
    conn.send("ready")
    role = "idle"
    try:
        while True:
            if role in ("idle", "send") or conn.poll(0):
                cmd = conn.recv()  # blocks: a sender or an idle node has nothing else to do
                if cmd is None:
                    return
                if isinstance(cmd, str):
                    role = cmd
                    conn.send("ok")
                    continue
                t0 = time.perf_counter()
                ep.publish("tracks", track_payload(cmd))
                conn.send(("sent", t0))
                continue
            for d in ep.poll(wait_s=0.05):
                if role == "receive":
                    conn.send(("got", time.perf_counter(), d.payload["track_id"]))
    finally:
        transport.close()


def raw_worker(nation: str, url: str, creds: Credentials, size: int, conn) -> None:
    """One nation's raw connection in one asyncio loop: publish on command, callbacks receive."""
    import nats  # noqa: PLC0415
    from nats.js.api import AckPolicy, ConsumerConfig  # noqa: PLC0415

    async def main() -> None:
        nc = await nats.connect(url, user=creds.user, password=creds.password)
        js = nc.jetstream()
        stop = asyncio.Event()
        acks: set[asyncio.Future] = set()

        def keep(fut: asyncio.Future) -> None:
            acks.add(fut)
            fut.add_done_callback(acks.discard)

        async def cb(msg) -> None:
            t1 = time.perf_counter()
            if nation == "USA" and msg.subject.startswith("tw.kor."):
                keep(asyncio.ensure_future(js.publish("tw.usa.jpn.tracks", msg.data, headers=msg.headers)))
            await msg.ack()
            if nation == "JPN":
                conn.send(("got", t1, msg.data[:12].decode()))

        if nation in ("USA", "JPN"):
            config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT)
            await js.subscribe("", durable="raw", stream=f"IN_{nation}", cb=cb, manual_ack=True, config=config)

        def command() -> None:
            cmd = conn.recv()
            if cmd is None:
                stop.set()
                return
            count, subj = cmd
            data = f"{count:012d}".encode().ljust(size, b"x")  # unique: the stream drops repeated ids
            t0 = time.perf_counter()
            keep(asyncio.ensure_future(js.publish(subj, data, headers={"Nats-Msg-Id": data[:12].decode()})))
            conn.send(("sent", t0))

        asyncio.get_running_loop().add_reader(conn.fileno(), command)
        conn.send("ready")
        await stop.wait()
        await nc.close()

    asyncio.run(main())


class Layout:
    """One process per nation on its own server, for the fabric or the raw path."""

    def __init__(self, kind: str, srv: LocalNatsServer, keys_dir: str, size: int) -> None:
        ctx = mp.get_context("spawn")
        self.kind = kind
        self.count = 0
        self.conns, self.procs = {}, []
        for nation in NATIONS:
            parent, child = ctx.Pipe()
            if kind == "fabric":
                args = (nation, srv.url, srv.creds[nation], keys_dir, child)
                proc = ctx.Process(target=fabric_worker, args=args, daemon=True)
            else:
                proc = ctx.Process(
                    target=raw_worker, args=(nation, srv.url, srv.creds[nation], size, child), daemon=True
                )
            proc.start()
            self.conns[nation], self.procs = parent, [*self.procs, proc]
        for c in self.conns.values():
            if not c.poll(60) or c.recv() != "ready":
                raise RuntimeError(f"{kind}: a worker did not start")

    def roles(self, route: str) -> None:
        """Tell each fabric process its part on ``route`` (the raw processes need none)."""
        if self.kind != "fabric":
            return
        sender = ROUTES[route][0]
        for nation, c in self.conns.items():
            role = (
                "send"
                if nation == sender
                else "receive"
                if nation == "JPN"
                else "relay"
                if route == "relayed"
                else "idle"
            )
            c.send(role)
            if c.recv() != "ok":
                raise RuntimeError(f"{nation}: no answer to its role")

    def run(self, route: str, count: int) -> list[float]:
        sender, subj = ROUTES[route]
        out = []
        for _ in range(count):
            self.count += 1
            self.conns[sender].send(self.count if self.kind == "fabric" else (self.count, subj))
            tag, t0 = self.conns[sender].recv()
            tag, t1, _ = self.conns["JPN"].recv()
            out.append(t1 - t0)
        return out

    def close(self) -> None:
        self.roles("direct")  # every fabric process back to reading commands
        for c in self.conns.values():
            c.send(None)
        for p in self.procs:
            p.join(10)
            if p.is_alive():
                p.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="samples per figure")
    ap.add_argument("--block", type=int, default=25, help="messages per alternating block")
    args = ap.parse_args()
    size = len(wire_size_probe())
    with (
        LocalNatsServer(NATIONS) as fabric_srv,
        LocalNatsServer(NATIONS) as raw_srv,
        tempfile.TemporaryDirectory() as keys_dir,
    ):
        KeyRing.generate(NATIONS).save(Path(keys_dir))
        layouts = {
            "fabric": Layout("fabric", fabric_srv, keys_dir, size),
            "raw": Layout("raw", raw_srv, keys_dir, size),
        }
        try:
            print(f"== one process per nation, {size} B envelopes, one message in flight ==")
            for route in ROUTES:
                samples: dict[str, list[float]] = {name: [] for name in layouts}
                for layout in layouts.values():
                    layout.roles(route)
                    layout.run(route, 20)  # warm-up
                for _ in range(max(1, args.n // args.block)):
                    for name, layout in layouts.items():
                        samples[name] += layout.run(route, args.block)
                hops = "USA->JPN" if route == "direct" else "KOR->USA->JPN"
                r_s, f_s = samples["raw"], samples["fabric"]
                print(f"raw     JetStream {route:8s} {pct(r_s)}  [{hops}, a process per nation]")
                print(f"nats    fabric {route:8s}    {pct(f_s)}  [{hops}, a process per nation]")
                r50 = np.percentile(f_s, 50) / np.percentile(r_s, 50)
                r99 = np.percentile(f_s, 99) / np.percentile(r_s, 99)
                print(f"ratio   fabric/raw {route:8s} p50 {r50:5.2f}x   p99 {r99:5.2f}x   (goal < 2x)")
        finally:
            for layout in layouts.values():
                layout.close()


if __name__ == "__main__":
    main()
