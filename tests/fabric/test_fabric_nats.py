"""The fabric over a real NATS JetStream server (started and stopped by these tests)."""

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from fabric_net import StepClock

import triwatch
from triwatch.fabric import AuditLog, Endpoint, KeyRing, ReleasePolicy
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.nats_server import LocalNatsServer
from triwatch.fabric.nats_transport import NatsTransport

NATIONS = ["USA", "JPN", "KOR"]
HERE = Path(__file__).parent
# The child processes import the same triwatch as this test, whatever the working directory.
CHILD_ENV = {
    **os.environ,
    "PYTHONPATH": os.pathsep.join([str(Path(triwatch.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]),
}


@pytest.fixture(scope="module")
def server():
    with LocalNatsServer(NATIONS) as srv:
        yield srv


@pytest.fixture(scope="module")
def keys():
    return KeyRing.generate(NATIONS)


def _wait_for(fn, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fn():
            return True
        time.sleep(0.01)
    return False


def test_hub_relay_over_nats(server, keys):
    policy = ReleasePolicy.from_config(NATIONS, {"KOR": {"tracks": {"rel_to": ["JPN"]}}})
    audit = AuditLog(":memory:")
    transports = {n: NatsTransport(server.url, server.creds[n], NATIONS, ack_wait_s=1) for n in NATIONS}
    try:
        clock = StepClock()
        start = sequence_start_from_clock()
        ep = {n: Endpoint(n, policy, keys, transports[n], audit, clock, first_sequence=start) for n in NATIONS}
        for i in range(20):
            ep["KOR"].publish("tracks", {"i": i})
        ep["USA"].publish("warnings", {"w": 1})
        got = {n: [] for n in NATIONS}

        def pump():
            for n in NATIONS:
                got[n].extend(ep[n].poll())
            return len(got["JPN"]) == 21 and len(got["KOR"]) == 1

        assert _wait_for(pump)
        for n in NATIONS:  # handled: nothing stays unacknowledged for the next test on this server
            ep[n].commit()
        assert sorted(d.payload.get("i", -1) for d in got["JPN"]) == [-1, *range(20)]
        assert got["USA"] == []  # relayed KOR->JPN, not releasable to the hub
        assert ep["USA"].stats()["relayed"] == {"KOR": {"tracks": 20}}
        assert all(ep[n].stats()["refused"]["count"] == 0 for n in NATIONS)
        with pytest.raises(ValueError, match="no link KOR->JPN"):
            transports["KOR"].send("KOR", "JPN", "tracks", b"x")  # hub topology: no direct spoke link
        with pytest.raises(ValueError, match="cannot send as KOR"):
            transports["JPN"].send("KOR", "USA", "tracks", b"x")
        with pytest.raises(ValueError, match="cannot read KOR"):
            transports["JPN"].receive("KOR")
    finally:
        for t in transports.values():
            t.close()


def test_jpn_identity_cannot_act_as_korea(server, keys):
    usa = NatsTransport(server.url, server.creds["USA"], NATIONS, ack_wait_s=1)

    async def attempt():
        errors = []

        async def on_error(exc):
            errors.append(str(exc))

        c = server.creds["JPN"]
        jpn = await nats.connect(server.url, user=c.user, password=c.password, error_cb=on_error)
        await jpn.publish("tw.kor.usa.tracks", b"spoofed as KOR")  # KOR's subject into the hub
        await jpn.subscribe("tw.kor.>")  # read KOR's traffic
        await jpn.subscribe("tw.usa.kor.>")  # read USA->KOR-only traffic
        await jpn.flush()
        for _ in range(200):  # the server's three refusals come back asynchronously: up to 10 s on a loaded machine
            if len(errors) >= 3:
                break
            await asyncio.sleep(0.05)
        await jpn.close()
        with pytest.raises(nats.errors.Error):  # JPN's password does not open KOR's user
            await nats.connect(
                server.url, user="kor", password=c.password, allow_reconnect=False, max_reconnect_attempts=0
            )
        return errors

    try:
        errors = asyncio.run(attempt())
        assert any("permissions violation for publish" in e.lower() and "tw.kor.usa.tracks" in e for e in errors)
        assert sum("permissions violation for subscription" in e.lower() for e in errors) == 2
        time.sleep(0.2)
        assert usa.receive("USA") == []  # the spoofed message never reached the hub's stream
    finally:
        usa.close()


@pytest.mark.parametrize("mode", ["before-handling", "after-commit"])
def test_node_killed_mid_stream_catches_up_without_loss_or_double_handling(keys, tmp_path, mode):
    """SIGKILL between poll and handling: the batch comes again (acks follow handling, not polling).
    SIGKILL after handling and commit: the acks may not have left, so copies come again, and the
    replay window restored from the audit log refuses them as duplicates: each id handled once."""
    setup = tmp_path / "setup"
    with LocalNatsServer(NATIONS) as server:
        keys.save(setup / "keys", private_for=["JPN"])
        (setup / "setup.json").write_text(
            json.dumps({"url": server.url, "nations": NATIONS, "creds": server.creds["JPN"].__dict__})
        )
        out = tmp_path / "received.txt"
        total, die_after = 120, 30
        policy = ReleasePolicy.from_config(NATIONS)
        pub_t = NatsTransport(server.url, server.creds["USA"], NATIONS)
        publisher = Endpoint("USA", policy, keys, pub_t, AuditLog(":memory:"), lambda: datetime.now(UTC))
        sent = []
        try:
            proc = [sys.executable, str(HERE / "nats_subscriber_proc.py"), str(setup), str(out)]
            first = subprocess.Popen(
                [*proc, str(total), str(die_after), mode], stdout=subprocess.PIPE, text=True, env=CHILD_ENV
            )
            assert first.stdout.readline().strip() == "ready"
            for i in range(total):
                sent.append(publisher.publish("tracks", {"i": i}).msg_id)
                if i % 10 == 0:
                    time.sleep(0.01)  # a stream, not one burst
            assert publisher.flush() == 0
            first.wait(20)
            assert first.returncode == -9  # SIGKILL: died mid-stream
            done_before = len(out.read_text().split())
            assert done_before < total
            assert done_before < die_after if mode == "before-handling" else done_before >= die_after
            second = subprocess.run([*proc, str(total - done_before)], timeout=30, env=CHILD_ENV)
            assert second.returncode == 0
            received = out.read_text().split()
            assert len(received) == len(set(received)), "a message was handled twice"
            assert set(received) == set(sent), "a message was lost"
        finally:
            pub_t.close()


def test_redelivered_copies_are_refused_as_duplicates(keys):
    """A batch not committed within ack_wait comes again while the node still runs: refused, not handled twice."""
    policy = ReleasePolicy.from_config(NATIONS)
    server = LocalNatsServer(NATIONS).start()  # its own: the durable consumer is made with this ack_wait
    usa = NatsTransport(server.url, server.creds["USA"], NATIONS)
    kor = NatsTransport(server.url, server.creds["KOR"], NATIONS, ack_wait_s=0.3)
    try:
        start = sequence_start_from_clock()
        pub = Endpoint("USA", policy, keys, usa, AuditLog(":memory:"), StepClock(), first_sequence=start)
        node = Endpoint("KOR", policy, keys, kor, AuditLog(":memory:"), StepClock())
        for i in range(5):
            pub.publish("warnings", {"i": i})
        assert pub.flush() == 0
        # All five pushed to KOR before its first poll (whatever the load): one poll takes them all.
        assert _wait_for(lambda: len(kor._inbox.ready) >= 5)  # noqa: SLF001 - arrived, not yet taken
        got = []
        assert _wait_for(lambda: got.extend(node.poll()) or len(got) >= 5)
        time.sleep(0.6)  # handed over but not committed within ack_wait: JetStream sends them again
        again = []
        assert _wait_for(lambda: again.extend(node.poll()) or node.stats()["refused"]["count"] >= 5)
        assert [d.payload["i"] for d in got] == [0, 1, 2, 3, 4]
        assert again == []  # the copies were refused, not handled a second time
        refused = node.stats()["refused"]["reasons"]
        assert set(refused) == {"duplicate"} and refused["duplicate"] >= 5  # each copy refused (maybe sent twice)
    finally:
        usa.close()
        kor.close()
        server.stop()


def test_mesh_topology_links_spokes_directly(keys):
    policy = ReleasePolicy.from_config(NATIONS, topology="mesh")
    with LocalNatsServer(NATIONS, topology="mesh") as srv:
        transports = {n: NatsTransport(srv.url, srv.creds[n], NATIONS, topology="mesh") for n in ("JPN", "KOR")}
        try:
            start = sequence_start_from_clock()
            ep = {
                n: Endpoint(n, policy, keys, t, AuditLog(":memory:"), StepClock(), first_sequence=start)
                for n, t in transports.items()
            }
            # No USA node runs: in a mesh KOR->JPN does not go through the hub (USA's stream still stores its copy).
            res = ep["KOR"].publish("warnings", {"w": "JPN-EEZ"})
            assert res.sent_to == ("USA", "JPN")
            got = []
            assert _wait_for(lambda: got.extend(ep["JPN"].poll()) or got)
            assert [(d.origin, d.payload) for d in got] == [("KOR", {"w": "JPN-EEZ"})]
        finally:
            for t in transports.values():
                t.close()


def test_messages_survive_a_server_restart(keys, tmp_path):
    """JetStream keeps the streams on disk: a message not yet taken is still there after the server restarts."""
    srv = LocalNatsServer(NATIONS, workdir=tmp_path / "nats")
    srv.start()
    try:
        usa = NatsTransport(srv.url, srv.creds["USA"], NATIONS)
        usa.send("USA", "JPN", "tracks", b"kept on disk")
        usa.close()
        srv.stop()
        srv.start()  # same folder, port and logins
        jpn = NatsTransport(srv.url, srv.creds["JPN"], NATIONS)
        got = []
        try:
            assert _wait_for(lambda: got.extend(jpn.receive("JPN")) or got)
        finally:
            jpn.close()
        assert got == [b"kept on disk"]
    finally:
        srv.stop()


def test_commit_acknowledges_only_what_the_node_was_handed(keys):
    """A wrapper (lockstep) that takes messages early commits only those it passed on: the rest stay unacknowledged."""
    from triwatch.node.lockstep import LockstepInbox, link_sender_rule

    with LocalNatsServer(NATIONS) as srv:
        usa = NatsTransport(srv.url, srv.creds["USA"], NATIONS)
        jpn = NatsTransport(srv.url, srv.creds["JPN"], NATIONS)
        try:
            for i in range(5):
                usa.send("USA", "JPN", "warnings", b"m%d" % i)
            assert usa.flush() == []
            inbox = LockstepInbox(jpn, "JPN", link_sender_rule("JPN", "hub", "USA"))
            inbox.stage([("USA", 5)], timeout_s=5)  # all five taken from the transport
            first = inbox.receive("JPN")
            assert len(first) == 5 and inbox.commit("JPN") == 5
            for i in range(5, 8):
                usa.send("USA", "JPN", "warnings", b"m%d" % i)
            usa.flush()
            assert _wait_for(lambda: len(jpn._inbox.ready) == 3)  # noqa: SLF001 - arrived, not yet taken
            got = jpn.receive("JPN")
            assert len(got) == 3 and jpn.commit("JPN", count=1) == 1  # the node handled only the first
            jpn.flush()  # sends the acknowledgements; the server applies them a moment later

            def ack_pending() -> int:
                return jpn._call(jpn._js.consumer_info("IN_JPN", "node")).num_ack_pending  # noqa: SLF001

            assert _wait_for(lambda: ack_pending() == 2)
            with pytest.raises(ValueError, match="count must be >= 0"):
                jpn.commit("JPN", count=-1)
        finally:
            usa.close()
            jpn.close()


def test_send_returns_with_the_message_handed_to_the_client_in_order():
    """``send`` turns the transport's loop on the caller's thread until its message is written
    (fabric/loop_runner.py); a burst is published at once, acknowledged in order; the receiver gets
    everything, in order, and nothing else.

    Its own server: on the module's shared server JPN's durable consumer could still hold messages
    an earlier test took but never committed (test_hub_relay_over_nats once left 11), redelivered to
    this test's fresh connection first: counted towards the 21, they once made it stop at "10 of
    21" although nothing was lost (reproduced; the rest arrived in order just after)."""
    server = LocalNatsServer(NATIONS).start()
    usa = NatsTransport(server.url, server.creds["USA"], NATIONS)
    jpn = NatsTransport(server.url, server.creds["JPN"], NATIONS)
    try:
        sent = [f"order-{time.time_ns()}-{i}".encode() for i in range(21)]
        usa.send("USA", "JPN", "tracks", sent[0])
        assert usa._out.published("JPN") == usa._out.enqueued("JPN") == 1  # noqa: SLF001 - handed over at once
        for data in sent[1:]:
            usa.send("USA", "JPN", "tracks", data)
        got: list[bytes] = []
        assert _wait_for(lambda: got.extend(jpn.receive("JPN", wait_s=0.5)) or set(sent) <= set(got), timeout=30)
        got.extend(jpn.receive("JPN", wait_s=0.1))
        assert got == sent
        assert usa.flush() == []
    finally:
        usa.close()
        jpn.close()
        server.stop()
