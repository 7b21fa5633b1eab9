"""Frame round trips (body + detached signature), strict decoding with clear errors, and a fuzz test of the decoder."""

import contextlib

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triwatch.fabric import KeyRing, MalformedEnvelopeError
from triwatch.fabric.envelope import Envelope, WireLabel, decode, decode_signed, encode, seal, signing_bytes

KEYS = KeyRing.generate(["KOR"])


def _env(**changes):
    env = Envelope(
        v=2,
        msg_id="KOR-1-abc",
        origin="KOR",
        sequence=1,
        sent_utc="2022-10-03T22:22:00.000000Z",
        kind="tracks",
        label=WireLabel("CONFIDENTIAL", ["JPN", "KOR", "USA"]),
        payload={"track_id": "K1", "x": [1.0, -2.5e6, 3.25], "n": 3, "ok": True, "none": None},
    )
    env = msgspec.structs.replace(env, **changes)
    if "signature" not in changes:
        env = msgspec.structs.replace(env, signature=KEYS.sign("KOR", signing_bytes(env)))
    return env


@pytest.mark.parametrize("codec", ["msgpack", "json"])
def test_round_trip_verifies_the_exact_bytes_received(codec):
    unsigned = msgspec.structs.replace(_env(), signature=b"")
    signed, frame = seal(unsigned, lambda body: KEYS.sign("KOR", body), codec)
    assert frame == signing_bytes(unsigned, codec) + signed.signature  # body, then the detached signature
    back, body = decode_signed(frame)
    assert back == signed and bytes(body) == frame[:-64]
    assert KEYS.verify("KOR", body, back.signature)
    assert encode(back, codec) == frame  # re-encoding the decoded envelope gives the same bytes


def test_the_signature_binds_the_bytes_not_just_the_fields():
    # The same fields in the other codec make other bytes: the signature made over one does not verify the other.
    unsigned = msgspec.structs.replace(_env(), signature=b"")
    signed, _ = seal(unsigned, lambda body: KEYS.sign("KOR", body), "msgpack")
    _, json_body = decode_signed(encode(signed, "json"))
    assert not KEYS.verify("KOR", json_body, signed.signature)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"v": 1}, "envelope.v: unsupported version 1"),
        ({"origin": "kor"}, "envelope.origin: 'kor'"),
        ({"kind": "plots"}, "envelope.kind: unknown kind 'plots'"),
        ({"sequence": -1}, "envelope.sequence"),
        ({"sent_utc": "yesterday"}, "envelope.sent_utc: 'yesterday' is not an ISO 8601 UTC time"),
        ({"sent_utc": "2022-10-03T22:22:00+09:00"}, "envelope.sent_utc"),
        ({"msg_id": ""}, "envelope.msg_id"),
        ({"label": WireLabel("TOP", ["USA"])}, "envelope.label.classification: unknown 'TOP'"),
        ({"label": WireLabel("SECRET", ["USA", "x"])}, "envelope.label.releasable_to[1]"),
    ],
)
def test_bad_values_name_the_field(changes, message):
    with pytest.raises(MalformedEnvelopeError) as info:
        decode(encode(_env(**changes)))
    assert message in str(info.value)


def test_bad_types_and_unknown_fields_name_the_field():
    with pytest.raises(MalformedEnvelopeError, match=r"\$\.sequence"):
        decode(encode(_env()).replace(b"sequence\x01", b"sequence\xa1x"))
    raw = msgspec.json.decode(signing_bytes(_env(), "json"))
    raw["extra"] = 1
    with pytest.raises(MalformedEnvelopeError, match="extra"):
        decode(msgspec.json.encode(raw) + bytes(64))
    del raw["extra"], raw["payload"]
    with pytest.raises(MalformedEnvelopeError, match="payload"):
        decode(msgspec.json.encode(raw) + bytes(64))


def test_a_frame_too_short_or_a_signature_inside_the_body_is_malformed():
    with pytest.raises(MalformedEnvelopeError, match="too short for a body and its 64-byte signature"):
        decode(bytes(64))
    raw = msgspec.json.decode(signing_bytes(_env(), "json"))
    raw["signature"] = "c2ln"  # base64 of b"sig": a field the body must not carry
    with pytest.raises(MalformedEnvelopeError, match="envelope.signature: must not be inside the body"):
        decode(msgspec.json.encode(raw) + bytes(64))


def test_oversized_and_non_bytes():
    with pytest.raises(MalformedEnvelopeError, match="exceeds"):
        decode(b"{" + b" " * (1 << 20))
    with pytest.raises(MalformedEnvelopeError, match="expected bytes"):
        decode("a string")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_only_malformed(data):
    with contextlib.suppress(MalformedEnvelopeError):
        decode(data)


_VALID = [
    seal(msgspec.structs.replace(_env(), signature=b""), lambda body: KEYS.sign("KOR", body), codec)[1]
    for codec in ("msgpack", "json")
]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(_VALID),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.sampled_from(["flip", "insert", "delete"])),
        max_size=6,
    ),
)
def test_fuzz_mutated_envelopes_only_malformed_or_valid(base, edits):
    data = bytearray(base)
    for pos, byte, op in edits:
        i = pos % (len(data) + 1)
        if op == "flip" and i < len(data):
            data[i] = byte
        elif op == "insert":
            data.insert(i, byte)
        elif op == "delete" and i < len(data):
            del data[i]
    try:
        env, body = decode_signed(bytes(data))
    except MalformedEnvelopeError:
        return
    assert isinstance(env, Envelope)  # a mutation that still parses must then fail (or pass) verification cleanly
    assert KEYS.verify(env.origin, body, env.signature) == (bytes(data) == base)


def test_extension_types_are_malformed():
    fields = msgspec.to_builtins(msgspec.structs.replace(_env(), signature=b""))
    raw = msgspec.msgpack.encode({**fields, "payload": {"t": msgspec.msgpack.Ext(5, b"x")}})
    with pytest.raises(MalformedEnvelopeError, match="extension type 5"):
        decode(raw + bytes(64))


@pytest.mark.parametrize(
    "data",
    [b'{"v":1,"payload":{"a":' + b"[" * 200_000, b"\x81\xa7payload\x81\xa1a" + b"\x91" * 500_000],
    ids=["json", "msgpack"],
)
def test_pathological_nesting_is_malformed(data):
    with pytest.raises(MalformedEnvelopeError, match="RecursionError"):
        decode(data)
