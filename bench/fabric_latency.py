"""Fabric latency and cost figures: publish -> delivery, in process and over NATS JetStream.

Run: PYTHONPATH=src python bench/fabric_latency.py [--n 500]

Prints, for a track-sized payload (state, 6x6 covariance, ids; ~1 kB on the wire):
- the cost of each step (canonical encoding, Ed25519 sign and verify, audit append);
- publish -> delivery latency p50/p99 on the MemoryBus (direct, and relayed by the hub);
- the same over a local NATS JetStream server (direct, and relayed by the hub), one message
  in flight at a time;
- raw NATS core publish/subscribe and raw JetStream publish + pull fetch in the same run,
  the floor the fabric adds its checks to.
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
from nats.js.api import StreamConfig

from triwatch.fabric import AuditLog, Endpoint, KeyRing, MemoryBus, ReleasePolicy
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.envelope import ENVELOPE_VERSION, Envelope, encode, signing_bytes, wire_label
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
    print(f"wire size (msgpack) {len(encode(env))} B, canonical JSON {len(body)} B")
    print(f"canonical encoding  {per_op(lambda: signing_bytes(env), n) * 1e6:8.1f} us")
    print(f"Ed25519 sign        {per_op(lambda: keys.sign('KOR', body), n) * 1e6:8.1f} us")
    print(f"Ed25519 verify      {per_op(lambda: keys.verify('KOR', body, sig), n) * 1e6:8.1f} us")
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


def nats_bench(n: int) -> None:
    keys = KeyRing.generate(NATIONS)
    clock = lambda: datetime.now(UTC)  # noqa: E731
    with LocalNatsServer(NATIONS) as srv:
        policy = ReleasePolicy.from_config(NATIONS)
        tr = {n_: NatsTransport(srv.url, srv.creds[n_], NATIONS) for n_ in NATIONS}
        start = sequence_start_from_clock()
        ep = {
            n_: Endpoint(n_, policy, keys, tr[n_], AuditLog(":memory:"), clock, first_sequence=start) for n_ in NATIONS
        }
        print(f"nats    USA->JPN direct       {pct(ping(ep, 'USA', 'JPN', n, ['JPN', 'KOR']))}")
        print(f"nats    KOR->USA->JPN relayed {pct(ping(ep, 'KOR', 'JPN', n, ['USA', 'JPN']))}")
        for t_ in tr.values():
            t_.close()
    asyncio.run(raw_nats(n))


async def raw_nats(n: int) -> None:
    """Raw NATS on a plain server (no accounts, no auth): core pub/sub and JetStream publish + fetch."""
    port = free_port()
    with tempfile.TemporaryDirectory() as store:
        proc = subprocess.Popen(
            [str(find_server_binary()), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", store],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            await raw_nats_on(f"nats://127.0.0.1:{port}", n)
        finally:
            proc.terminate()
            proc.wait(5)


async def raw_nats_on(url: str, n: int) -> None:
    port = int(url.rsplit(":", 1)[1])
    for _ in range(200):  # wait until the server listens
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    nc = await nats.connect(url)
    payload = b"x" * 700
    got: asyncio.Queue[float] = asyncio.Queue()

    async def cb(msg) -> None:
        got.put_nowait(time.perf_counter())

    await nc.subscribe("bench.core", cb=cb)
    core = []
    for _ in range(n):
        t = time.perf_counter()
        await nc.publish("bench.core", payload)
        core.append(await got.get() - t)
    print(f"raw     NATS core pub->sub    {pct(core)}")
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name="BENCH", subjects=["bench.js.>"]))
    sub = await js.pull_subscribe("bench.js.>", durable="b", stream="BENCH")
    jet = []
    for _ in range(n):
        t = time.perf_counter()
        await js.publish("bench.js.x", payload)
        msgs = await sub.fetch(1, timeout=2)
        await msgs[0].ack()
        jet.append(time.perf_counter() - t)
    print(f"raw     JetStream pub+fetch   {pct(jet)}")
    await nc.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="samples per figure")
    args = ap.parse_args()
    print(f"== step costs (mean of {args.n}) ==")
    step_costs(args.n)
    print("== publish -> delivery, one message in flight ==")
    memory_bench(args.n)
    nats_bench(args.n)


if __name__ == "__main__":
    main()
