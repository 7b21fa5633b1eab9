"""Link outages over a real NATS server: cut a link between two nations, send through the cut, heal it."""

import time

import pytest
from fabric_net import StepClock

from triwatch.fabric import AuditLog, Endpoint, KeyRing, ReleasePolicy
from triwatch.fabric.endpoint import sequence_start_from_clock
from triwatch.fabric.nats_server import LocalNatsServer, server_config
from triwatch.fabric.nats_transport import NatsTransport

NATIONS = ["USA", "JPN", "KOR"]


@pytest.fixture(scope="module")
def keys():
    return KeyRing.generate(NATIONS)


def _collect(ep: Endpoint, want: int, timeout: float = 10.0) -> list:
    got: list = []
    end = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < end:
        got.extend(ep.poll(wait_s=0.05))
    return got


def test_messages_sent_during_a_link_cut_arrive_after_healing_in_order_once(keys):
    policy = ReleasePolicy.from_config(NATIONS)
    with LocalNatsServer(NATIONS) as srv:
        tr = {n: NatsTransport(srv.url, srv.creds[n], NATIONS) for n in NATIONS}
        try:
            start = sequence_start_from_clock()
            ep = {
                n: Endpoint(n, policy, keys, tr[n], AuditLog(":memory:"), StepClock(), first_sequence=start)
                for n in NATIONS
            }
            ep["USA"].publish("warnings", {"i": 0})
            assert [d.payload["i"] for d in _collect(ep["JPN"], 1)] == [0]

            srv.cut_link("USA", "JPN")
            for i in range(1, 41):
                ep["USA"].publish("warnings", {"i": i})
            ep["KOR"].publish("tracks", {"k": 1})  # KOR -> USA still works; USA's relay to JPN waits
            kor_got = _collect(ep["KOR"], 41)
            usa_got = _collect(ep["USA"], 1)
            assert [d.payload["i"] for d in kor_got] == list(range(41))  # the other link is untouched
            assert [d.payload for d in usa_got] == [{"k": 1}]
            time.sleep(0.5)
            assert ep["JPN"].poll() == []  # nothing crosses the cut line
            assert ep["USA"].flush(wait_for_stalled=False) == 0  # returns: KOR's copies stored, JPN's held
            assert tr["USA"].in_flight() == 41 and tr["USA"].stalled() == ["JPN"]  # held by the sender, retried

            srv.heal_link("USA", "JPN")
            assert ep["USA"].flush() == 0  # every held message is now stored at JPN's side
            assert tr["USA"].stalled() == []
            got = _collect(ep["JPN"], 41)
            warnings = [d.payload["i"] for d in got if d.kind == "warnings"]
            assert warnings == list(range(1, 41)), "lost, duplicated or out of order"
            assert [d.payload for d in got if d.kind == "tracks"] == [{"k": 1}]  # the relayed one too
            time.sleep(0.3)
            assert ep["JPN"].poll() == []
            assert all(ep[n].stats()["refused"]["count"] == 0 for n in NATIONS)
        finally:
            for t in tr.values():
                t.close()


def test_with_an_outbox_the_backlog_waits_in_jetstream_and_survives_a_sender_restart(keys):
    """Store and forward: what USA sends during the cut is kept in USA's own stream, not in USA's memory."""
    policy = ReleasePolicy.from_config(NATIONS, {"USA": {"warnings": {"rel_to": ["JPN"]}}})
    with LocalNatsServer(NATIONS) as srv:
        usa = NatsTransport(srv.url, srv.creds["USA"], NATIONS, outbox=True)
        jpn = NatsTransport(srv.url, srv.creds["JPN"], NATIONS)
        try:
            clock = StepClock()
            pub = Endpoint(
                "USA", policy, keys, usa, AuditLog(":memory:"), clock, first_sequence=sequence_start_from_clock()
            )
            node = Endpoint("JPN", policy, keys, jpn, AuditLog(":memory:"), StepClock())
            pub.publish("warnings", {"i": 0})
            assert pub.flush() == 0
            assert [d.payload["i"] for d in _collect(node, 1)] == [0]
            srv.cut_link("USA", "JPN")
            for i in range(1, 31):
                pub.publish("warnings", {"i": i})
            assert pub.flush(wait_for_stalled=False) == 0 and usa.stalled() == ["JPN"]
            held = usa._call(usa._js.stream_info("OUT_USA_JPN")).state.messages  # noqa: SLF001
            assert held == 30  # the first one left the outbox (a work queue) once forwarded
            usa.close(flush=False)  # the sender dies with the link still down: its memory is gone
            srv.heal_link("USA", "JPN")
            usa = NatsTransport(srv.url, srv.creds["USA"], NATIONS, outbox=True)  # restarted: forwards the backlog
            assert usa.flush() == []
            got = _collect(node, 30)
            assert [d.payload["i"] for d in got] == list(range(1, 31)), "lost, duplicated or out of order"
            time.sleep(0.3)
            assert node.poll() == [] and node.stats()["refused"]["count"] == 0
        finally:
            usa.close()
            jpn.close()


def test_a_cut_longer_than_the_retry_budget_is_reported_as_send_failed(keys):
    policy = ReleasePolicy.from_config(NATIONS)
    with LocalNatsServer(NATIONS) as srv:
        usa = NatsTransport(srv.url, srv.creds["USA"], NATIONS, retry_for_s=0.3, timeout_s=0.5)
        try:
            audit = AuditLog(":memory:")
            ep = Endpoint("USA", policy, keys, usa, audit, StepClock(), first_sequence=sequence_start_from_clock())
            srv.cut_link("JPN", "USA")
            ep.publish("warnings", {"i": 1})  # returns at once: the outcome comes with flush()
            assert ep.flush() == 1  # JPN's copy gave up; KOR's was stored
            assert ep.stats()["send_failed"] == {"JPN": 1}
            failed = [r["detail"] for r in audit.rows() if r["event"] == "send-failed"]
            assert failed[0]["to"] == "JPN" and failed[0]["kind"] == "warnings"
        finally:
            usa.close()


def test_cut_names_a_link_the_topology_has(keys):
    srv = LocalNatsServer(NATIONS)  # not started: the link is checked first
    with pytest.raises(ValueError, match="link JPN-KOR: no such link in the hub topology"):
        srv.cut_link("JPN", "KOR")
    with pytest.raises(ValueError, match="link USA-AUS"):
        srv.cut_link("USA", "AUS")
    with pytest.raises(RuntimeError, match="not running"):
        srv.cut_link("USA", "JPN")


def test_config_without_a_cut_link_has_no_export_or_import_for_it():
    creds = {n: type("C", (), {"user": n.lower(), "password": "p"})() for n in NATIONS}
    text = server_config(NATIONS, creds, port=4222, store_dir="/tmp/x", cut={frozenset(("USA", "JPN"))})
    assert "tw.usa.jpn" not in text and "tw.jpn.usa" not in text
    assert "tw.usa.kor" in text and "tw.kor.usa" in text


def test_transport_settings_are_checked_before_connecting():
    creds = type("C", (), {"nation": "USA", "user": "usa", "password": "p"})()
    for bad, match in (
        ({"max_in_flight": 0}, "max_in_flight: must be >= 1, got 0"),
        ({"ack_wait_s": 0}, "ack_wait_s and timeout_s must be > 0"),
        ({"retry_for_s": -1}, "retry_for_s >= 0"),
    ):
        with pytest.raises(ValueError, match=match):
            NatsTransport("nats://127.0.0.1:1", creds, NATIONS, **bad)


def test_memory_transport_commit_and_flush_are_no_ops(keys):
    from fabric_net import make_net

    net = make_net(keys=keys)
    net.ep["USA"].publish("warnings", {"w": 1})
    assert net.ep["USA"].flush() == 0  # in process a send is stored when it returns
    assert [d.payload for d in net.ep["JPN"].poll(wait_s=5.0)] == [{"w": 1}]  # wait_s ignored: nothing can arrive
    assert net.ep["JPN"].commit() == 1  # the receive row is written now that the node has handled it
    assert net.bus.commit("JPN") == 0
