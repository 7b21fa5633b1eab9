"""Fabric latency and cost figures: publish -> delivery, in process and over NATS JetStream.

Run: PYTHONPATH=src python bench/fabric_latency.py [--n 500]

Prints, for a track-sized payload (state, 6x6 covariance, ids; ~1 kB on the wire):
- the cost of each step (body encoding, frame decoding, Ed25519 sign and verify, audit append);
- publish -> delivery latency p50/p99 on the MemoryBus (direct, and relayed by the hub);
- the same over a local NATS JetStream server (direct, and relayed by the hub), one message
  in flight at a time, each receiving node waiting on its inbox (``poll(wait_s=...)``);
- raw JetStream on the same path in the same run (same server layout: accounts, service
  imports, streams, durable push consumers, explicit acks; bytes of the envelope's size, no
  envelope, policy, signature or audit), and the ratio fabric / raw (goal < 2x);
- raw NATS core publish/subscribe on a plain server, the floor of any NATS path;
- the throughput of a burst over NATS, each acknowledgement awaited in turn against pipelined;
- where the time of one direct message goes, stage by stage (bench/fabric_breakdown.py).
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime

import nats
import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.js.api import AckPolicy, ConsumerConfig

from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.envelope import ENVELOPE_VERSION, Envelope, decode_signed, encode, signing_bytes, wire_label
from triwatch.fabric.nats_server import LocalNatsServer, find_server_binary, free_port
from triwatch.fabric.nats_transport import NatsTransport

NATIONS = ["USA", "JPN", "KOR"]


def make_track_payload(i: int) -> dict:
    rng = np.random.default_rng(i)
    return {
        "track_id": f"KOR-T{i:05d}",
        "time_s": 100.0 + i,
        "state_ecef": rng.normal(size=6).tolist(),
        "cov": rng.normal(size=36).tolist(),
        "status": "confirmed",
        "launch_point": {"lat_deg": 39.66, "lon_deg": 124.7, "cov_km2": [4.0, 0.1, 0.1, 4.0]},
    }


PAYLOADS = [make_track_payload(i) for i in range(50)]


def track_payload(i: int) -> dict:
    return PAYLOADS[i % len(PAYLOADS)]


def pct(samples: list[float]) -> str:
    a = np.array(samples) * 1e6
    return f"p50 {np.percentile(a, 50):8.1f} us   p99 {np.percentile(a, 99):8.1f} us   (n={len(a)})"


def per_op(fn, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def step_costs(n: int) -> None:
    keys = KeyRing.generate(["KOR"])
    policy = ReleasePolicy.from_config(NATIONS)
    env = Envelope(
        ENVELOPE_VERSION,
        "KOR-1-x",
        "KOR",
        1,
        "2022-10-03T22:22:00Z",
        "tracks",
        wire_label(policy.label_for("KOR", "tracks")),
        track_payload(0),
    )
    body = signing_bytes(env)
    sig = keys.sign("KOR", body)
    frame = body + sig
    print(f"wire size (msgpack body + signature) {len(frame)} B")
    print(f"body encoding       {per_op(lambda: signing_bytes(env), n) * 1e6:8.1f} us   (the exact bytes signed)")
    print(f"frame decoding      {per_op(lambda: decode_signed(frame), n) * 1e6:8.1f} us   (validated envelope + body)")
    # The ring signs and verifies in libsodium (PyNaCl); the same key through OpenSSL (cryptography),
    # measured in alternating rounds, for comparison.
    ossl = Ed25519PrivateKey.generate()
    ossl_pub, ossl_sig = ossl.public_key(), ossl.sign(body)
    costs: dict[str, list[float]] = {k: [] for k in ("sign", "verify", "ossl sign", "ossl verify")}
    for _ in range(5):
        costs["sign"].append(per_op(lambda: keys.sign("KOR", body), max(1, n // 5)))
        costs["verify"].append(per_op(lambda: keys.verify("KOR", body, sig), max(1, n // 5)))
        costs["ossl sign"].append(per_op(lambda: ossl.sign(body), max(1, n // 5)))
        costs["ossl verify"].append(per_op(lambda: ossl_pub.verify(ossl_sig, body), max(1, n // 5)))
    med = {k: float(np.median(v)) * 1e6 for k, v in costs.items()}
    print(f"Ed25519 sign        {med['sign']:8.1f} us   (libsodium; OpenSSL {med['ossl sign']:.1f} us)")
    print(f"Ed25519 verify      {med['verify']:8.1f} us   (libsodium; OpenSSL {med['ossl verify']:.1f} us)")
    mem = AuditLog(":memory:")
    print(f"audit append (mem)  {per_op(lambda: mem.append('KOR', 'publish', {'msg_id': 'x'}), n) * 1e6:8.1f} us")
    with tempfile.TemporaryDirectory() as d:
        disk = AuditLog(f"{d}/audit.sqlite")
        print(f"audit append (WAL)  {per_op(lambda: disk.append('KOR', 'publish', {'msg_id': 'x'}), n) * 1e6:8.1f} us")
        disk.close()
        batched = AuditLog(f"{d}/batched.sqlite", flush_every=256)
        cost = per_op(lambda: batched.append("KOR", "publish", {"msg_id": "x"}), max(n, 2560))
        print(f"audit append (WAL, flush_every=256) {cost * 1e6:8.1f} us")
        batched.close()


def ping(ep: dict[str, Endpoint], origin: str, target: str, n: int, poll_order: list[str]) -> list[float]:
    """Publish one message at a time from origin; time until target's poll returns it."""
    out = []
    for i in range(n):
        payload = track_payload(i)
        t = time.perf_counter()
        ep[origin].publish("tracks", payload)
        while True:
            got = []
            for nation in poll_order:
                got += [d for d in ep[nation].poll() if nation == target]
            if got:
                out.append(time.perf_counter() - t)
                break
            time.sleep(0)  # let the transport's I/O thread take the GIL, as a node's loop would
    return out


def memory_bench(n: int) -> None:
    keys = KeyRing.generate(NATIONS)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    for audit_rows in (True, False):
        policy = ReleasePolicy.from_config(NATIONS)
        bus, audit = MemoryBus(), AuditLog(":memory:")
        ep = {n_: Endpoint(n_, policy, keys, bus, audit, clock, audit_deliveries=audit_rows) for n_ in NATIONS}
        tag = "audit every delivery" if audit_rows else "audit publish+refusals only"
        print(f"memory  USA->JPN direct       {pct(ping(ep, 'USA', 'JPN', n, ['JPN', 'KOR']))}  [{tag}]")
        print(f"memory  KOR->USA->JPN relayed {pct(ping(ep, 'KOR', 'JPN', n, ['USA', 'JPN']))}  [{tag}]")
    policy = ReleasePolicy.from_config(NATIONS)
    bus, audit = MemoryBus(), AuditLog(":memory:")
    ep = {n_: Endpoint(n_, policy, keys, bus, audit, clock) for n_ in NATIONS}
    m = 5 * n
    t = time.perf_counter()
    for i in range(m):
        ep["KOR"].publish("tracks", track_payload(i))
    for nation in ("USA", "JPN"):
        ep[nation].poll()
    dt = time.perf_counter() - t
    print(f"memory  throughput KOR tracks to USA and JPN via hub: {m / dt:8.0f} msg/s published and delivered twice")


def ping_waiting(ep: dict[str, Endpoint], origin: str, path: list[str], n: int) -> list[float]:
    """Over NATS: publish one message at a time; each nation on the path waits (GIL released) for it.

    The hub's poll relays the message onwards, then the next nation waits for it: the time is
    from ``publish`` until the last nation's ``poll`` returns it, as a node waiting on its inbox sees it.
    """
    out = []
    for i in range(n):
        t = time.perf_counter()
        ep[origin].publish("tracks", track_payload(i))
        for nation in path:
            while not ep[nation].poll(wait_s=1.0):
                pass
        out.append(time.perf_counter() - t)
    return out


class FabricPath:
    """The fabric over NATS: envelope, policy, Ed25519, audit, NatsTransport (threads as a node runs them)."""

    def __init__(self, srv: LocalNatsServer, *, outbox: bool = False) -> None:
        keys = KeyRing.generate(NATIONS)
        # USA's tracks to JPN only, so the direct path is one message to one receiver, as the raw one;
        # KOR's tracks keep the default (USA and JPN): the hub reads them and relays them to JPN.
        policy = ReleasePolicy.from_config(NATIONS, {"USA": {"tracks": {"rel_to": ["JPN"]}}})
        self.transports = {n: NatsTransport(srv.url, srv.creds[n], NATIONS, outbox=outbox) for n in NATIONS}
        start = sequence_start_from_clock()
        clock = lambda: datetime.now(UTC)  # noqa: E731
        # The audit log writes its hash chain in batches of 256 rows, as an exercise's MemoryFabric does.
        self.ep = {
            n: Endpoint(n, policy, keys, t, AuditLog(":memory:", flush_every=256), clock, first_sequence=start)
            for n, t in self.transports.items()
        }

    def run(self, path: str, count: int) -> list[float]:
        if path == "direct":
            return ping_waiting(self.ep, "USA", ["JPN"], count)
        return ping_waiting(self.ep, "KOR", ["USA", "JPN"], count)

    def close(self) -> None:
        for t in self.transports.values():
            t.close()


class RawPath:
    """The same JetStream path with nothing of ours on top, in one asyncio loop of this thread.

    Same server layout (accounts, service imports, streams, durable push consumers with explicit
    acks), opaque bytes of the envelope's size. A sender publishes on its link subject
    (``tw.usa.jpn.tracks``) and awaits the stream's acknowledgement concurrently; the receiver's
    callback acknowledges the message. Relayed: the hub's callback publishes it on to JPN.
    Timed: from publish to the receiving callback.
    """

    def __init__(self, srv: LocalNatsServer, size: int) -> None:
        self.size = size
        self.count = 0
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._connect(srv))

    async def _connect(self, srv: LocalNatsServer) -> None:
        self.conns = {}
        for nation in NATIONS:
            c = srv.creds[nation]
            self.conns[nation] = await nats.connect(srv.url, user=c.user, password=c.password)
        self.arrived: dict[str, asyncio.Queue[float]] = {nation: asyncio.Queue() for nation in NATIONS}
        self.forwards: set[asyncio.Future] = set()
        config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT)
        for nation in ("JPN", "USA"):
            await (
                self.conns[nation]
                .jetstream()
                .subscribe(
                    "", durable="raw", stream=f"IN_{nation}", cb=self._receiver(nation), manual_ack=True, config=config
                )
            )

    def _receiver(self, nation: str):
        async def cb(msg) -> None:
            if nation == "USA" and msg.subject.startswith("tw.kor."):  # the hub relays KOR's message to JPN
                fwd = asyncio.ensure_future(self.conns["USA"].jetstream().publish("tw.usa.jpn.tracks", msg.data))
                self.forwards.add(fwd)
                fwd.add_done_callback(self.forwards.discard)
            self.arrived[nation].put_nowait(time.perf_counter())  # arrived: stamped before the ack, as delivered
            await msg.ack()

        return cb

    async def _ping(self, path: str, count: int) -> list[float]:
        sender, subj = ("USA", "tw.usa.jpn.tracks") if path == "direct" else ("KOR", "tw.kor.usa.tracks")
        js = self.conns[sender].jetstream()
        out = []
        for _ in range(count):
            self.count += 1
            data = f"{self.count:012d}".encode().ljust(self.size, b"x")  # unique: the stream drops repeated ids
            t = time.perf_counter()
            ack = asyncio.ensure_future(js.publish(subj, data, headers={"Nats-Msg-Id": data[:12].decode()}))
            if path == "relayed":
                await self.arrived["USA"].get()
            got = await self.arrived["JPN"].get()
            await ack
            out.append(got - t)
        return out

    def run(self, path: str, count: int) -> list[float]:
        return self.loop.run_until_complete(self._ping(path, count))

    def close(self) -> None:
        for nc in self.conns.values():
            self.loop.run_until_complete(nc.close())
        self.loop.close()


async def raw_core(n: int, size: int) -> list[float]:
    """Raw NATS core publish -> subscribe on a plain server (no JetStream, no accounts): the floor."""
    port = free_port()
    with tempfile.TemporaryDirectory():
        proc = subprocess.Popen(
            [str(find_server_binary()), "-a", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):  # wait until the server listens
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
            nc = await nats.connect(f"nats://127.0.0.1:{port}")
            got: asyncio.Queue[float] = asyncio.Queue()

            async def cb(msg) -> None:
                got.put_nowait(time.perf_counter())

            await nc.subscribe("bench.core", cb=cb)
            core = []
            for _ in range(n):
                t = time.perf_counter()
                await nc.publish("bench.core", b"x" * size)
                core.append(await got.get() - t)
            await nc.close()
            return core
        finally:
            proc.terminate()
            proc.wait(5)


def compare(n: int, block: int = 25) -> None:
    """Fabric and raw JetStream, each on its own server of the same layout, measured in alternating
    blocks of ``block`` messages so both see the same load on the machine."""
    size = len(wire_size_probe())
    print(f"raw     NATS core pub->sub    {pct(asyncio.run(raw_core(n, size)))}  [plain server, {size} B]")
    with (
        LocalNatsServer(NATIONS) as fabric_srv,
        LocalNatsServer(NATIONS) as raw_srv,
        LocalNatsServer(NATIONS) as outbox_srv,
    ):
        paths = {
            "fabric": FabricPath(fabric_srv),
            "raw": RawPath(raw_srv, size),
            "outbox": FabricPath(outbox_srv, outbox=True),
        }
        try:
            for route in ("direct", "relayed"):
                samples: dict[str, list[float]] = {name: [] for name in paths}
                for p in paths.values():
                    p.run(route, 20)  # warm-up: connections, consumers, caches
                for _ in range(max(1, n // block)):
                    for name, p in paths.items():
                        samples[name] += p.run(route, block)
                hops = "USA->JPN" if route == "direct" else "KOR->USA->JPN"
                r_s, f_s = samples["raw"], samples["fabric"]
                print(f"raw     JetStream {route:8s}    {pct(r_s)}  [{hops}, same path, bytes only]")
                print(f"nats    fabric {route:8s}       {pct(f_s)}  [{hops}, envelope+policy+Ed25519+audit]")
                print(f"nats    fabric+outbox {route:8s}{pct(samples['outbox'])}  [{hops}, store and forward]")
                r50 = np.percentile(f_s, 50) / np.percentile(r_s, 50)
                r99 = np.percentile(f_s, 99) / np.percentile(r_s, 99)
                print(f"ratio   fabric/raw {route:8s}   p50 {r50:5.2f}x   p99 {r99:5.2f}x   (goal < 2x)")
        finally:
            for p in paths.values():
                p.close()


def throughput(m: int) -> None:
    """A burst of ``m`` tracks USA -> JPN over NATS until JPN has them all: each publish's stream
    acknowledgement awaited before the next (as the transport did before), against pipelined
    publishes acknowledged in the background (flushed once at the end)."""
    with LocalNatsServer(NATIONS) as srv:
        fabric = FabricPath(srv)
        try:
            usa, jpn = fabric.ep["USA"], fabric.ep["JPN"]
            for label, each in (("one ack at a time", True), ("pipelined", False)):
                t = time.perf_counter()
                for i in range(m):
                    usa.publish("tracks", track_payload(i))
                    if each:
                        usa.flush()
                usa.flush()
                got = 0
                while got < m:
                    got += len(jpn.poll(wait_s=1.0))
                dt = time.perf_counter() - t
                print(f"nats    burst of {m} tracks, {label:18s} {m / dt:8.0f} msg/s published, stored and delivered")
        finally:
            fabric.close()


def wire_size_probe() -> bytes:
    policy = ReleasePolicy.from_config(NATIONS)
    env = Envelope(
        ENVELOPE_VERSION,
        "USA-1795247785710955-cad270238ff689e3",
        "USA",
        1795247785710955,
        "2022-10-03T22:22:00.000000Z",
        "tracks",
        wire_label(policy.label_for("USA", "tracks")),
        track_payload(0),
        b"s" * 64,
    )
    return encode(env)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="samples per figure")
    args = ap.parse_args()
    print(f"== step costs (mean of {args.n}) ==")
    step_costs(args.n)
    print("== publish -> delivery, one message in flight ==")
    memory_bench(args.n)
    print("== over NATS JetStream: the fabric against raw JetStream on the same path ==")
    compare(args.n)
    throughput(5 * args.n)
    # Last, as it wraps the fabric's functions with timers for the rest of this process.
    import fabric_breakdown  # noqa: PLC0415 - bench/ is on the path when this runs as a script

    fabric_breakdown.instrument()
    fabric_breakdown.run(args.n, "direct")


if __name__ == "__main__":
    main()
