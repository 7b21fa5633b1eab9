"""The signed envelope that carries every payload, and its wire codec (JSON or MessagePack).

An envelope holds: ``v`` (format version), ``msg_id`` (for de-duplication), ``origin``
(the nation that wrote and signed it), ``sequence`` (per-origin counter for replay
protection), ``sent_utc`` (ISO 8601), ``kind``, ``label``, ``payload`` (a plain dict)
and ``signature``.

The signature is Ed25519 over the **canonical encoding** of everything else: compact JSON
with object keys sorted (RFC 8785 in spirit). Because the canonical form is recomputed from
the decoded fields, the same envelope verifies whether it travelled as JSON or MessagePack,
and any change to a field, the label included, breaks it.

Decoding is strict: msgspec validates the types of every field and refuses unknown fields;
:func:`decode` then checks the values (nation codes, kind, classification, signature length)
and raises :class:`MalformedEnvelopeError` naming the field at fault, never anything else.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import lru_cache
from typing import Any

import msgspec

from .labels import KINDS, Classification, Label, is_nation_code

ENVELOPE_VERSION = 1
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


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One message on the fabric (see module docstring for the fields)."""

    v: int
    msg_id: str
    origin: str
    sequence: int
    sent_utc: str
    kind: str
    label: WireLabel
    payload: dict[str, Any]
    signature: bytes = b""


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


_canonical_encoder = msgspec.json.Encoder(order="sorted")


def signing_bytes(envelope: Envelope) -> bytes:
    """Canonical encoding of every field except the signature: what the origin signs."""
    return _canonical_encoder.encode(msgspec.structs.replace(envelope, signature=b""))


def received_signing_bytes(envelope: Envelope) -> bytes:
    """:func:`signing_bytes` of a received envelope; MalformedEnvelopeError if its payload has no canonical form
    (e.g. a nested map keyed by something other than strings or numbers)."""
    try:
        return signing_bytes(envelope)
    except (TypeError, ValueError, OverflowError) as exc:
        raise MalformedEnvelopeError(f"envelope.payload: no canonical JSON form: {exc}") from None


def make_msg_id(origin: str, sequence: int, sent_utc: str, kind: str) -> str:
    """A deterministic message id: the same inputs always give the same id (reproducible runs)."""
    digest = hashlib.sha256(f"{origin}|{sequence}|{sent_utc}|{kind}".encode()).hexdigest()
    return f"{origin}-{sequence}-{digest[:16]}"


def _refuse_ext(code: int, data: memoryview) -> Any:
    # MessagePack extension types have no JSON form, so no canonical encoding to verify against.
    raise ValueError(f"MessagePack extension type {code} is not allowed in an envelope")


_encoders = {"msgpack": msgspec.msgpack.Encoder(), "json": msgspec.json.Encoder()}
_decoders = {
    "msgpack": msgspec.msgpack.Decoder(Envelope, ext_hook=_refuse_ext),
    "json": msgspec.json.Decoder(Envelope),
}


def encode(envelope: Envelope, codec: str = "msgpack") -> bytes:
    """Serialise an envelope to ``codec`` ("msgpack" or "json")."""
    try:
        return _encoders[codec].encode(envelope)
    except KeyError:
        raise ValueError(f"codec: unknown codec {codec!r}; known: {', '.join(CODECS)}") from None


def detect_codec(data: bytes) -> str:
    """JSON envelopes start with '{' (after optional whitespace); anything else is read as MessagePack."""
    return "json" if data.lstrip()[:1] == b"{" else "msgpack"


def decode(data: bytes) -> Envelope:
    """Parse and validate an envelope from JSON or MessagePack bytes; MalformedEnvelopeError if it is not one."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise MalformedEnvelopeError(f"message: expected bytes, got {type(data).__name__}")
    if len(data) == 0:
        raise MalformedEnvelopeError("message: empty")
    if len(data) > MAX_MESSAGE_BYTES:
        raise MalformedEnvelopeError(f"message: {len(data)} bytes exceeds the {MAX_MESSAGE_BYTES}-byte limit")
    codec = detect_codec(bytes(data))
    try:
        env = _decoders[codec].decode(data)
    except msgspec.ValidationError as exc:
        raise MalformedEnvelopeError(f"envelope ({codec}): {exc}") from None
    except msgspec.DecodeError as exc:
        raise MalformedEnvelopeError(f"envelope ({codec}): not valid {codec}: {exc}") from None
    except (RecursionError, OverflowError, ValueError) as exc:  # pathological nesting or numbers
        raise MalformedEnvelopeError(f"envelope ({codec}): {type(exc).__name__}: {exc}") from None
    _check_values(env)
    return env


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
    if len(env.signature) != SIGNATURE_BYTES:
        raise MalformedEnvelopeError(f"envelope.signature: expected {SIGNATURE_BYTES} bytes, got {len(env.signature)}")


def _is_utc_iso(text: str) -> bool:
    if not text.endswith("Z") or len(text) > 40:
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
