"""Where the time of one fabric message over NATS goes: a per-stage breakdown, publish -> delivery.

Run: PYTHONPATH=src python bench/fabric_breakdown.py [--n 400] [--path direct|relayed]

One message in flight at a time over a local NATS JetStream server (the layout of an exercise:
accounts, TLS off, streams, durable push consumers), timed with ``perf_counter`` stamps taken at
each stage by wrapping the fabric's own functions (nothing of the fabric is changed):

- sender: label and envelope; the body encoded and its exact bytes signed (Ed25519); the
  transport's ``send`` on this thread, without a turn of its event loop (``LoopRunner.run_now``):
  the message handed to the client at once (``publish_async``; the previous message's stream
  acknowledgement is taken in later, by the link's task), written to the socket
  (fabric/nats_write.py), ``send`` returns;
- NATS: JetStream store, push to the receiver, the receiver's read callback (run by the receiving
  thread, which turns its transport's loop while it waits in ``poll``);
- receiver: back in the Endpoint, decode, Ed25519 verify of the body bytes as received,
  label/policy/replay checks, relay, delivery.

Prints the median and p90 of each stage, and of the whole, so the cost is measured, not assumed.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from datetime import UTC, datetime

import numpy as np

from triwatch.fabric import AuditLog, Endpoint, KeyRing, ReleasePolicy, nats_inbox, nats_publisher
from triwatch.fabric import endpoint as endpoint_mod
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.nats_server import LocalNatsServer
from triwatch.fabric.nats_transport import NatsTransport

NATIONS = ["USA", "JPN", "KOR"]
STAMPS: dict[str, float] = {}


def stamp(name: str) -> None:
    STAMPS.setdefault(name, time.perf_counter())


def wrap(owner: object, attr: str, before: str | None, after: str | None) -> None:
    """Replace owner.attr with a wrapper stamping ``before`` and ``after`` (first occurrence per message)."""
    fn = getattr(owner, attr)

    def timed(*a, **kw):
        if before:
            stamp(before)
        out = fn(*a, **kw)
        if after:
            stamp(after)
        return out

    setattr(owner, attr, timed)


def wrap_async(owner: object, attr: str, before: str) -> None:
    fn = getattr(owner, attr)

    async def timed(*a, **kw):
        stamp(before)
        return await fn(*a, **kw)

    setattr(owner, attr, timed)


def instrument() -> None:
    wrap(endpoint_mod, "seal", "label+envelope", "body encode+sign (send)")
    wrap(endpoint_mod, "decode_signed", "back in the endpoint", "decode")
    wrap(Endpoint, "_send", None, "send returns (written)")
    wrap_async(nats_publisher.LinkPublisher, "publish_on", "on the loop (send)")
    wrap_async(nats_publisher.LinkPublisher, "_publish", "publish_async (send)")
    wrap_async(nats_inbox.Inbox, "arrived", "NATS: store, push, read callback")
    keyring_verify = KeyRing.verify

    def verify(self, nation, data, sig):
        stamp("before verify")
        ok = keyring_verify(self, nation, data, sig)
        stamp("verify")
        return ok

    KeyRing.verify = verify


ORDER = [
    "label+envelope",
    "body encode+sign (send)",
    "on the loop (send)",
    "publish_async (send)",
    "send returns (written)",
    "NATS: store, push, read callback",
    "back in the endpoint",
    "decode",
    "before verify",
    "verify",
    "checks+delivery",
]


def run(n: int, path: str) -> None:
    with LocalNatsServer(NATIONS) as srv:
        keys = KeyRing.generate(NATIONS)
        policy = ReleasePolicy.from_config(NATIONS, {"USA": {"tracks": {"rel_to": ["JPN"]}}})
        transports = {x: NatsTransport(srv.url, srv.creds[x], NATIONS) for x in NATIONS}
        clock = lambda: datetime.now(UTC)  # noqa: E731
        start = sequence_start_from_clock()
        ep = {
            x: Endpoint(x, policy, keys, t, AuditLog(":memory:", flush_every=256), clock, first_sequence=start)
            for x, t in transports.items()
        }
        from fabric_latency import track_payload  # noqa: PLC0415 - the same payload as the latency bench

        origin, hops = ("USA", ["JPN"]) if path == "direct" else ("KOR", ["USA", "JPN"])
        spans: dict[str, list[float]] = defaultdict(list)
        since: dict[str, list[float]] = defaultdict(list)
        totals = []
        try:
            for i in range(n + 20):
                STAMPS.clear()
                t0 = time.perf_counter()
                STAMPS["start"] = t0
                ep[origin].publish("tracks", track_payload(i))
                for nation in hops[:-1]:  # the hub reads KOR's track and relays it to JPN
                    while not ep[nation].poll(wait_s=1.0):
                        pass
                last = hops[-1]
                while True:
                    got = ep[last].poll(wait_s=1.0)
                    if got:
                        break
                t1 = time.perf_counter()
                if i < 20:
                    continue
                totals.append(t1 - t0)
                prev = t0
                for name, at in STAMPS.items():
                    since[name].append(at - t0)
                for name in ORDER[:-1]:
                    if name in STAMPS:
                        spans[name].append(STAMPS[name] - prev)
                        prev = STAMPS[name]
                spans["checks+delivery"].append(t1 - prev)
        finally:
            for t in transports.values():
                t.close()
    print(f"== fabric over NATS, {path}: per-stage time, one message in flight (n={n}) ==")
    print(f"{'stage (time since the previous stamp)':40s} {'p50 us':>8s} {'p90 us':>8s}")
    for name in ORDER:
        if spans.get(name):
            a = np.array(spans[name]) * 1e6
            print(f"{name:40s} {np.percentile(a, 50):8.1f} {np.percentile(a, 90):8.1f}")
    print("time since publish started (p50 us):", {k: round(float(np.median(v)) * 1e6, 1) for k, v in since.items()})
    a = np.array(totals) * 1e6
    print(f"{'total publish -> delivery':40s} {np.percentile(a, 50):8.1f} {np.percentile(a, 90):8.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--path", choices=["direct", "relayed"], default="direct")
    args = ap.parse_args()
    instrument()
    run(args.n, args.path)


if __name__ == "__main__":
    main()
