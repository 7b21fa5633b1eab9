"""The signed envelope that carries every payload, and its wire frame (JSON or MessagePack body + signature).

An envelope holds: ``v`` (format version), ``msg_id`` (for de-duplication), ``origin``
(the nation that wrote and signed it), ``sequence`` (per-origin counter for replay
protection), ``sent_utc`` (ISO 8601), ``kind``, ``label``, ``payload`` (a plain dict)
and ``signature``.

**Wire frame** (version 2)::

    frame = body || signature
    body  = the envelope without its signature, encoded as MessagePack (a map) or JSON (an object)
    signature = Ed25519(origin's private key, body)      # 64 bytes, detached, last in the frame

The origin signs the **exact bytes** it sends, and the receiver verifies the exact bytes it
received: nothing is re-encoded on either side (a canonical JSON re-encoding cost about 13 µs
per message and side), and any change to a byte of the body, the label included, breaks the
signature. A relaying hub forwards the frame unchanged, so the origin's signature still binds it.
The same fields encoded once as JSON and once as MessagePack make two different frames, each
with its own signature.

Decoding is strict: msgspec validates the types of every field and refuses unknown fields (a
``signature`` inside the body too); :func:`decode` then checks the values (nation codes, kind,
classification) and raises :class:`MalformedEnvelopeError` naming the field at fault, never
anything else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec

from .labels import KINDS, Classification, Label, is_nation_code

ENVELOPE_VERSION = 2  # 2: detached signature over the exact body bytes (1: inside, over canonical JSON)
SIGNATURE_BYTES = 64  # Ed25519
CODECS = ("msgpack", "json")
#: Payload nesting and size guards: a wire message is untrusted input.
MAX_MESSAGE_BYTES = 1 << 20


class MalformedEnvelopeError(ValueError):
    """Bytes that are not a well-formed envelope; the message names the field at fault."""


class WireLabel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The label as it travels: classification by name, releasable-to sorted."""

    classification: str
    releasable_to: list[str]


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """One message on the fabric (see module docstring for the fields and the frame)."""

    v: int
    msg_id: str
    origin: str
    sequence: int
    sent_utc: str
    kind: str
    label: WireLabel
    payload: dict[str, Any]
    signature: bytes = b""  # never in the body (omitted while empty): it follows the body in the frame


def wire_label(label: Label) -> WireLabel:
    """The wire form of a :class:`Label`."""
    return WireLabel(label.classification.name, sorted(label.releasable_to))


def label_of(envelope: Envelope) -> Label:
    """The :class:`Label` an envelope carries (already validated by :func:`decode`)."""
    return _label(envelope.label.classification, tuple(envelope.label.releasable_to))


@lru_cache(maxsize=1024)
def _label(classification: str, releasable_to: tuple[str, ...]) -> Label:
    # A network carries a handful of distinct labels: build each Label (and its frozenset) once.
    return Label(Classification[classification], frozenset(releasable_to))


def signing_bytes(envelope: Envelope, codec: str = "msgpack") -> bytes:
    """The body of ``envelope`` in ``codec``: every field but the signature, the exact bytes the origin signs."""
    unsigned = msgspec.structs.replace(envelope, signature=b"") if envelope.signature else envelope
    try:
        return _encoders[codec].encode(unsigned)
    except KeyError:
        raise ValueError(f"codec: unknown codec {codec!r}; known: {', '.join(CODECS)}") from None


def seal(envelope: Envelope, sign: Callable[[bytes], bytes], codec: str = "msgpack") -> tuple[Envelope, bytes]:
    """Encode the body of an unsigned envelope, sign those bytes; returns (signed envelope, frame)."""
    body = signing_bytes(envelope, codec)
    signature = sign(body)
    return msgspec.structs.replace(envelope, signature=signature), body + signature


def make_msg_id(origin: str, sequence: int, sent_utc: str, kind: str) -> str:
    """A deterministic message id: the same inputs always give the same id (reproducible runs)."""
    digest = hashlib.sha256(f"{origin}|{sequence}|{sent_utc}|{kind}".encode()).hexdigest()
    return f"{origin}-{sequence}-{digest[:16]}"


def _refuse_ext(code: int, data: memoryview) -> Any:
    # A payload is plain data (the JSON data model, whichever codec carries it): no extension types.
    raise ValueError(f"MessagePack extension type {code} is not allowed in an envelope")


_encoders = {"msgpack": msgspec.msgpack.Encoder(), "json": msgspec.json.Encoder()}
_decoders = {
    "msgpack": msgspec.msgpack.Decoder(Envelope, ext_hook=_refuse_ext),
    "json": msgspec.json.Decoder(Envelope),
}


def encode(envelope: Envelope, codec: str = "msgpack") -> bytes:
    """The frame of a signed envelope: its ``codec`` body ("msgpack" or "json") and its signature.

    The signature must have been made over ``signing_bytes(envelope, codec)`` (see :func:`seal`).
    """
    return signing_bytes(envelope, codec) + envelope.signature


def detect_codec(data: bytes) -> str:
    """JSON bodies start with '{' (after optional whitespace); anything else is read as MessagePack."""
    return "json" if data.lstrip()[:1] == b"{" else "msgpack"


def decode(data: bytes) -> Envelope:
    """Parse and validate a frame (JSON or MessagePack body + signature); MalformedEnvelopeError if it is not one."""
    return decode_signed(data)[0]


def decode_signed(data: bytes) -> tuple[Envelope, memoryview]:
    """:func:`decode`, and the body bytes exactly as received (what the signature must verify against)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedEnvelopeError(f"message: expected bytes, got {type(data).__name__}")
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedEnvelopeError(f"message: {len(data)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit")
    if len(data) <= SIGNATURE_BYTES:
        raise MalformedEnvelopeError(
            f"message: {len(data)} bytes, too short for a body and its {SIGNATURE_BYTES}-byte signature"
        )
    frame = memoryview(data)
    body, signature = frame[:-SIGNATURE_BYTES], bytes(frame[-SIGNATURE_BYTES:])
    codec = detect_codec(bytes(body[:64]))
    try:
        env = _decoders[codec].decode(body)
    except msgspec.ValidationError as exc:
        raise MalformedEnvelopeError(f"envelope ({codec}): {exc}") from None
    except msgspec.DecodeError as exc:
        raise MalformedEnvelopeError(f"envelope ({codec}): not valid {codec}: {exc}") from None
    except (RecursionError, OverflowError, ValueError) as exc:  # pathological nesting or numbers
        raise MalformedEnvelopeError(f"envelope ({codec}): {type(exc).__name__}: {exc}") from None
    if env.signature:
        raise MalformedEnvelopeError("envelope.signature: must not be inside the body (it follows the body)")
    _check_values(env)
    return msgspec.structs.replace(env, signature=signature), body


def _check_values(env: Envelope) -> None:
    if env.v != ENVELOPE_VERSION:
        raise MalformedEnvelopeError(f"envelope.v: unsupported version {env.v}; this node reads {ENVELOPE_VERSION}")
    if not env.msg_id or len(env.msg_id) > 128:
        raise MalformedEnvelopeError("envelope.msg_id: must be 1 to 128 characters")
    if not is_nation_code(env.origin):
        raise MalformedEnvelopeError(f"envelope.origin: {env.origin!r} is not an ISO 3166 alpha-3 code")
    if env.sequence < 0:
        raise MalformedEnvelopeError(f"envelope.sequence: must be >= 0, got {env.sequence}")
    if not _is_utc_iso(env.sent_utc):
        raise MalformedEnvelopeError(f"envelope.sent_utc: {env.sent_utc[:40]!r} is not an ISO 8601 UTC time (…Z)")
    if env.kind not in KINDS:
        raise MalformedEnvelopeError(f"envelope.kind: unknown kind {env.kind!r}; known: {', '.join(KINDS)}")
    if env.label.classification not in Classification.__members__:
        known = ", ".join(Classification.__members__)
        raise MalformedEnvelopeError(
            f"envelope.label.classification: unknown {env.label.classification!r}; known: {known}"
        )
    for i, code in enumerate(env.label.releasable_to):
        if not is_nation_code(code):
            raise MalformedEnvelopeError(f"envelope.label.releasable_to[{i}]: {code!r} is not an ISO 3166 alpha-3 code")


def _is_utc_iso(text: str) -> bool:
    if not text.endswith("Z") or len(text) > 40:
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
