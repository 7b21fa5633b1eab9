"""Publishing, delivery and every refusal reason, on the MemoryBus."""

import msgspec
import pytest
from fabric_net import make_net

from triwatch.fabric import REFUSAL_REASONS, Endpoint, KeyRing, MemoryBus
from triwatch.fabric.envelope import decode, encode, signing_bytes


def _refusals(net, nation):
    return [r["detail"] for r in net.audit.rows() if r["node"] == nation and r["event"] == "refuse"]


def _first_wire(net, kind="tracks", payload=None, origin="KOR"):
    """Publish once from ``origin`` and capture the bytes the hub received (without delivering them)."""
    net.ep[origin].publish(kind, payload or {"track_id": "K1", "lat_deg": 39.1})
    (data,) = net.bus.receive("USA")
    return data


def test_hub_relays_korea_to_japan_and_stats(net):
    res = net.ep["KOR"].publish("tracks", {"track_id": "K1", "x": [1.0, 2.0, 3.0]})
    assert res.sent_to == ("USA", "JPN") and res.withheld_from == ()
    assert net.bus.links == {("KOR", "USA"): 1}  # the spoke sends once, to the hub
    got = net.settle()
    assert net.bus.links[("USA", "JPN")] == 1
    assert [d.payload for d in got["JPN"]] == [{"track_id": "K1", "x": [1.0, 2.0, 3.0]}]
    assert [d.origin for d in got["USA"]] == ["KOR"]
    assert got["KOR"] == []
    assert net.ep["JPN"].stats()["received"] == {"KOR": {"tracks": 1}}
    assert net.ep["USA"].stats()["relayed"] == {"KOR": {"tracks": 1}}
    assert net.ep["KOR"].stats()["sent"] == {"tracks": 1}
    assert net.audit.verify()[0]


def test_hub_relays_without_reading_what_is_not_releasable_to_it(keys3):
    net = make_net(overrides={"KOR": {"tracks": {"rel_to": ["JPN"]}}}, keys=keys3)
    res = net.ep["KOR"].publish("tracks", {"track_id": "K9"})
    assert res.sent_to == ("JPN",) and res.withheld_from == ("USA",)
    got = net.settle()
    assert got["USA"] == []  # relayed, never read into the hub's picture
    assert [d.msg_id for d in got["JPN"]] == [res.msg_id]
    assert net.ep["USA"].stats()["received"] == {}
    assert net.ep["USA"].stats()["refused"]["count"] == 0


def test_mesh_sends_directly(keys3):
    net = make_net(topology="mesh", keys=keys3)
    net.ep["KOR"].publish("warnings", {"id": "W1"})
    assert net.bus.links == {("KOR", "USA"): 1, ("KOR", "JPN"): 1}
    got = net.settle()
    assert len(got["USA"]) == 1 and len(got["JPN"]) == 1


def test_detections_are_withheld_by_default(net):
    res = net.ep["JPN"].publish("detections", {"sensor": "x"})
    assert res.sent_to == () and res.withheld_from == ("USA", "KOR")
    assert net.bus.pending() == 0
    assert net.ep["JPN"].stats()["withheld"] == {"detections": 1}


def test_json_codec_interoperates(keys3):
    net = make_net(keys=keys3)
    net.ep["JPN"].codec = "json"
    net.ep["JPN"].publish("acks", {"warning": "W1", "by": "JJOC"})
    got = net.settle()
    assert got["KOR"][0].payload == {"warning": "W1", "by": "JJOC"}


def test_forged_signature_is_refused(net):
    mallory = KeyRing.generate(["KOR"])  # right name, wrong key
    forged = Endpoint("KOR", net.policy, mallory, net.bus, net.audit, net.ep["KOR"].clock)
    forged.publish("tracks", {"track_id": "FAKE"})
    got = net.settle()
    assert got["USA"] == [] and got["JPN"] == []
    assert net.ep["USA"].stats()["refused"]["reasons"] == {"bad-signature": 1}
    assert _refusals(net, "USA")[0]["reason"] == "bad-signature"


def test_tampered_payload_is_refused(net):
    env = decode(_first_wire(net))
    tampered = msgspec.structs.replace(env, payload={"track_id": "K1", "lat_deg": 35.0})
    net.bus.inject("USA", encode(tampered))
    net.settle()
    assert net.ep["USA"].stats()["refused"]["reasons"] == {"bad-signature": 1}
    assert net.ep["JPN"].stats()["received"] == {}


def test_widened_label_after_signing_is_refused(keys3):
    net = make_net(overrides={"KOR": {"detections": {"rel_to": ["USA"]}}}, keys=keys3)
    env = decode(_first_wire(net, kind="detections"))
    wide = msgspec.structs.replace(env, label=msgspec.structs.replace(env.label, releasable_to=["JPN", "KOR", "USA"]))
    net.bus.inject("USA", encode(wide))
    net.settle()
    assert net.ep["USA"].stats()["refused"]["reasons"] == {"bad-signature": 1}


def test_label_wider_than_policy_is_refused_even_when_signed(keys3):
    # The origin itself signs a label its own policy does not allow (a misconfigured or rogue node).
    net = make_net(overrides={"KOR": {"detections": {"rel_to": ["USA"]}}}, keys=keys3)
    env = decode(_first_wire(net, kind="detections"))
    wide = msgspec.structs.replace(env, label=msgspec.structs.replace(env.label, releasable_to=["JPN", "KOR", "USA"]))
    wide = msgspec.structs.replace(wide, signature=keys3.sign("KOR", signing_bytes(wide)))
    net.bus.inject("USA", encode(wide))
    net.bus.inject("JPN", encode(wide))
    got = net.settle()
    assert got["USA"] == [] and got["JPN"] == []
    assert net.ep["USA"].stats()["refused"]["reasons"] == {"label-mismatch": 1}
    assert net.ep["JPN"].stats()["refused"]["reasons"] == {"label-mismatch": 1}
    low = msgspec.structs.replace(env, label=msgspec.structs.replace(env.label, classification="UNCLASSIFIED"))
    low = msgspec.structs.replace(low, signature=keys3.sign("KOR", signing_bytes(low)))
    net.bus.inject("USA", encode(low))
    net.settle()
    assert net.ep["USA"].stats()["refused"]["reasons"] == {"label-mismatch": 2}


def test_receiver_not_in_label_refuses(keys3):
    net = make_net(overrides={"KOR": {"detections": {"rel_to": ["USA"]}}}, keys=keys3)
    data = _first_wire(net, kind="detections")
    net.bus.inject("JPN", data)  # misrouted to a nation outside the label
    got = net.settle()
    assert got["JPN"] == []
    assert net.ep["JPN"].stats()["refused"]["reasons"] == {"not-releasable": 1}
    assert _refusals(net, "JPN")[0]["msg_id"] == decode(data).msg_id


def test_duplicate_and_replay(keys3):
    net = make_net(keys=keys3)
    net.ep["JPN"]._window.size = 8  # a short window to reach "too old" quickly
    first = None
    for i in range(20):
        net.ep["KOR"].publish("warnings", {"i": i})
        (data,) = net.bus.receive("USA")
        first = first or data
        net.bus.inject("JPN", data)
        last = data
    assert len(net.ep["JPN"].poll()) == 20
    net.bus.inject("JPN", last)  # an exact copy, just now
    net.bus.inject("JPN", first)  # an old message replayed, beyond the window
    assert net.ep["JPN"].poll() == []
    assert net.ep["JPN"].stats()["refused"]["reasons"] == {"duplicate": 1, "replay": 1}
    assert [r["reason"] for r in _refusals(net, "JPN")] == ["duplicate", "replay"]


def test_out_of_order_within_window_is_accepted(net):
    wires = []
    for i in range(5):
        net.ep["USA"].publish("tracks", {"i": i})
        wires.append(net.bus.receive("JPN")[0])
    net.bus.receive("KOR")
    for data in reversed(wires):
        net.bus.inject("JPN", data)
    assert sorted(d.payload["i"] for d in net.ep["JPN"].poll()) == [0, 1, 2, 3, 4]


def test_same_sequence_new_id_is_replay(keys3):
    net = make_net(keys=keys3)
    env = decode(_first_wire(net, kind="tracks"))
    other = msgspec.structs.replace(env, msg_id="KOR-1-other", payload={"track_id": "K2"})
    other = msgspec.structs.replace(other, signature=keys3.sign("KOR", signing_bytes(other)))
    net.bus.inject("JPN", encode(env))
    net.bus.inject("JPN", encode(other))
    assert len(net.ep["JPN"].poll()) == 1
    assert net.ep["JPN"].stats()["refused"]["reasons"] == {"replay": 1}


@pytest.mark.parametrize("junk", [b"", b"{", b"\x00\x01", b'{"v": 1}', b"[1,2,3]", b"\xde\xad\xbe\xef" * 10])
def test_malformed_is_refused_not_raised(net, junk):
    net.bus.inject("USA", junk)
    assert net.ep["USA"].poll() == []
    stats = net.ep["USA"].stats()["refused"]
    assert stats == {"count": 1, "reasons": {"malformed": 1}}
    assert _refusals(net, "USA")[0]["reason"] == "malformed"


def test_unknown_origin_and_loopback(keys3):
    net = make_net(keys=keys3)
    env = decode(_first_wire(net, kind="tracks"))
    aus = KeyRing.generate(["AUS"])
    stranger = msgspec.structs.replace(env, origin="AUS")
    stranger = msgspec.structs.replace(stranger, signature=aus.sign("AUS", signing_bytes(stranger)))
    net.bus.inject("JPN", encode(stranger))
    net.bus.inject("KOR", encode(env))  # KOR's own message echoed back to it
    net.settle()
    assert net.ep["JPN"].stats()["refused"]["reasons"] == {"unknown-origin": 1}
    assert net.ep["KOR"].stats()["refused"]["reasons"] == {"loopback": 1}


def test_every_refusal_reason_is_documented(net):
    import triwatch.fabric.endpoint as endpoint_module

    for reason in REFUSAL_REASONS:
        assert f"``{reason}``" in endpoint_module.__doc__


def test_publish_bad_input(net):
    with pytest.raises(ValueError, match="unknown kind 'plots'"):
        net.ep["USA"].publish("plots", {})
    with pytest.raises(TypeError, match="payload must be a dict"):
        net.ep["USA"].publish("tracks", [1, 2])
    with pytest.raises(TypeError, match="payload cannot be encoded"):
        net.ep["USA"].publish("tracks", {"x": object()})
    with pytest.raises(TypeError, match="payload cannot be encoded"):
        net.ep["USA"].publish("tracks", {"x": 2**80})  # beyond 64-bit integers
    assert net.bus.pending() == 0
    net.ep["USA"].publish("tracks", {"ok": True})
    assert [d.sequence for d in net.settle()["JPN"]] == [1]  # failed publishes used no sequence number


def test_endpoint_bad_construction(net):
    with pytest.raises(ValueError, match="'AUS' is not one of the policy's nations"):
        Endpoint("AUS", net.policy, net.keys, net.bus, net.audit, lambda: None)
    with pytest.raises(ValueError, match="no private key for JPN"):
        Endpoint("JPN", net.policy, net.keys.public_only(["USA"]), net.bus, net.audit, lambda: None)
    with pytest.raises(ValueError, match="unknown codec 'xml'"):
        Endpoint("JPN", net.policy, net.keys, net.bus, net.audit, lambda: None, codec="xml")


class FlakyBus(MemoryBus):
    """A MemoryBus whose link towards one nation is down."""

    def __init__(self, down: str) -> None:
        super().__init__()
        self.down = down

    def send(self, sender, to, kind, data, *, msg_id=None):
        if to == self.down:
            raise OSError(f"link to {to} down")
        super().send(sender, to, kind, data, msg_id=msg_id)


def test_transport_failures_are_logged_counted_and_never_break_poll(keys3):
    net = make_net(keys=keys3)
    bus = FlakyBus(down="JPN")
    for ep in net.ep.values():
        ep.transport = bus
    net.bus = bus
    net.ep["KOR"].publish("tracks", {"k": 1})  # KOR->USA works; USA's relay to JPN fails
    assert [d.payload for d in net.ep["USA"].poll()] == [{"k": 1}]
    assert net.ep["USA"].stats()["send_failed"] == {"JPN": 1}
    with pytest.raises(ConnectionError, match="transport failed towards JPN"):
        net.ep["USA"].publish("warnings", {"w": 1})
    assert net.ep["KOR"].poll()[0].payload == {"w": 1}  # the other hop still went
    events = [r["event"] for r in net.audit.rows()]
    assert events.count("send-failed") == 2


def test_hub_forwards_the_original_bytes_unchanged(keys3):
    net = make_net(overrides={"KOR": {"tracks": {"rel_to": ["JPN"]}}}, keys=keys3)
    seen = []
    net.bus._tap = lambda sender, to, kind, data: seen.append((sender, to, data))
    net.ep["KOR"].publish("tracks", {"t": 1})
    net.settle()
    assert [(s, t) for s, t, _ in seen] == [("KOR", "USA"), ("USA", "JPN")]
    assert seen[0][2] == seen[1][2]


def test_restarted_node_rebuilds_its_replay_window_from_the_audit_log(keys3):
    net = make_net(keys=keys3)
    wires = []
    for i in range(5):
        net.ep["KOR"].publish("tracks", {"i": i})
        wires.append(net.bus.receive("USA")[0])
        net.bus.inject("JPN", wires[-1])
    assert len(net.ep["JPN"].poll()) == 5
    net.ep["JPN"].commit()  # handled: only handled messages are in the restored window
    restarted = Endpoint("JPN", net.policy, net.keys, net.bus, net.audit, net.ep["JPN"].clock)
    net.ep["JPN"] = restarted
    assert restarted.restore_replay_window() == 5
    net.bus.inject("JPN", wires[2])  # an old message replayed to the fresh process
    assert restarted.poll() == []
    assert restarted.stats()["refused"]["reasons"] == {"duplicate": 1}
    net.ep["KOR"].publish("tracks", {"i": 5})
    net.bus.inject("JPN", net.bus.receive("USA")[0])
    assert [d.payload["i"] for d in restarted.poll()] == [5]
