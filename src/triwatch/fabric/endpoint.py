"""A nation's door to the fabric: publish labelled, signed messages; poll, verify and accept them.

**Publish** (nothing unreleasable leaves): the label comes from the policy for (this nation,
kind); the envelope is numbered, signed and sent only towards nations the label allows;
in hub topology a spoke sends once, to the hub, which forwards.

**Poll** checks every incoming envelope in this order and refuses (logs in the audit log,
counts in ``stats()["refused"]``, never raises) at the first failure:

==================  ====================================================================
``malformed``       not a well-formed envelope (bad bytes, types, fields or values)
``loopback``        claims to come from this very nation
``unknown-origin``  origin not in the key ring or not a nation of the policy
``bad-signature``   signature does not verify with the origin's public key
``label-mismatch``  label claims more than the origin's policy allows (lower
                    classification, or releasable to nations the policy does not name)
``not-releasable``  this nation is not in the label (and has nothing to relay)
``duplicate``       the same message (msg_id) already accepted
``replay``          a sequence number already used by another message, or older than the window
==================  ====================================================================

The hub, in hub topology, forwards the original signed bytes unchanged to each further
nation the label allows, and reads a message into its own picture only if the label
allows the hub too: relaying is not reading.

**Commit** (at-least-once, processed once): what ``poll`` returned is acknowledged to the
transport only by :meth:`Endpoint.commit`, which the node calls once it has *handled* the
deliveries; calling ``poll`` again commits the previous batch too (coming back for more
means done with the last, as a consumer's offset commit at the next poll). Until then a
transport that stores messages (NATS JetStream) delivers them again, so a node that dies
between poll and handling loses nothing. A redelivered copy of a message already accepted
is refused as ``duplicate`` by the replay window, so nothing is handled twice; the audit
rows ``receive``/``relay`` are written at commit, so a restarted node rebuilds its window
(:meth:`Endpoint.restore_replay_window`) from handled messages only and accepts again the
ones it had polled but not handled. On the MemoryBus a commit only writes those rows.

**Send outcome.** A transport may send asynchronously (NATS: the stream acknowledgement
comes later); :meth:`Endpoint.flush` waits for it and logs and counts what failed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from .audit import AuditLog
from .envelope import (
    CODECS,
    ENVELOPE_VERSION,
    Envelope,
    MalformedEnvelopeError,
    decode_signed,
    label_of,
    make_msg_id,
    seal,
)
from .keys import KeyRing
from .labels import KINDS
from .outbound import Outbound
from .policy import ReleasePolicy
from .replay import DEFAULT_WINDOW, ReplayWindow
from .results import Delivery, PublishResult
from .stats import EndpointStats
from .timing import sequence_start_from_clock, utc_iso
from .transport import Transport

__all__ = ["REFUSAL_REASONS", "Endpoint", "sequence_start_from_clock", "utc_iso"]

REFUSAL_REASONS: tuple[str, ...] = (
    "malformed",
    "loopback",
    "unknown-origin",
    "bad-signature",
    "label-mismatch",
    "not-releasable",
    "duplicate",
    "replay",
)


class Endpoint:
    """One nation's endpoint on a transport (MemoryBus or NatsTransport)."""

    def __init__(
        self,
        nation: str,
        policy: ReleasePolicy,
        keyring: KeyRing,
        transport: Transport,
        audit: AuditLog,
        clock: Callable[[], datetime],
        *,
        codec: str = "msgpack",
        first_sequence: int = 1,
        replay_window: int = DEFAULT_WINDOW,
        audit_deliveries: bool = True,
    ) -> None:
        if nation not in policy.nations:
            raise ValueError(f"Endpoint.nation: {nation!r} is not one of the policy's nations {policy.nations}")
        if not keyring.can_sign(nation):
            raise ValueError(f"Endpoint.keyring: holds no private key for {nation}")
        if codec not in CODECS:
            raise ValueError(f"Endpoint.codec: unknown codec {codec!r}; known: {', '.join(CODECS)}")
        if first_sequence < 1:
            raise ValueError(f"Endpoint.first_sequence: must be >= 1, got {first_sequence}")
        self.nation = nation
        self.policy = policy
        self.keyring = keyring
        self.transport = transport
        self.audit = audit
        self.clock = clock
        self.codec = codec
        self.audit_deliveries = audit_deliveries
        self._next_sequence = first_sequence
        self._window = ReplayWindow(replay_window)
        self._stats = EndpointStats()
        self._uncommitted: list[tuple[str, dict[str, Any]]] = []  # audit rows of polled, not yet handled
        self._outbound: dict[str, Outbound] = {}  # per kind: what the (fixed) policy says about sending it
        self._sign = partial(keyring.sign, nation)

    @property
    def next_sequence(self) -> int:
        """The sequence number the next message published will carry."""
        return self._next_sequence

    def resume_sequence(self, sequence: int) -> None:
        """Number the next message ``sequence`` (a node rebuilt after a crash resumes where the dead
        process started: a message it sends again is then byte-identical, and the stream drops it)."""
        if sequence < 1:
            raise ValueError(f"Endpoint.resume_sequence: must be >= 1, got {sequence}")
        self._next_sequence = sequence

    def restore_replay_window(self) -> int:
        """Rebuild the replay window from this node's own audit trail (after a restart); entries restored.

        Without it a restarted node would accept, once, an old message replayed to it. Needs the
        deliveries audited (``audit_deliveries=True``, the default) in the same audit file.
        """
        entries = self.audit.accepted_by(self.nation, self._window.size * max(1, len(self.policy.nations) - 1))
        for origin, sequence, msg_id in entries:
            if self._window.check(origin, sequence, msg_id) is None:
                self._window.accept(origin, sequence, msg_id)
        return len(entries)

    # ----------------------------------------------------------------- publish
    def publish(self, kind: str, payload: dict) -> PublishResult:
        """Label, sign and send ``payload``; it goes only to nations its label allows."""
        if kind not in KINDS:
            raise ValueError(f"publish: unknown kind {kind!r}; known: {', '.join(KINDS)}")
        if not isinstance(payload, dict):
            raise TypeError(f"publish({kind}): payload must be a dict, got {type(payload).__name__}")
        out = self._outbound.get(kind)
        if out is None:
            out = self._outbound[kind] = Outbound.of(self.policy, self.nation, kind)
        sequence = self._next_sequence
        sent_utc = utc_iso(self.clock())
        unsigned = Envelope(
            v=ENVELOPE_VERSION,
            msg_id=make_msg_id(self.nation, sequence, sent_utc, kind),
            origin=self.nation,
            sequence=sequence,
            sent_utc=sent_utc,
            kind=kind,
            label=out.wire,
            payload=payload,
        )
        try:
            envelope, data = seal(unsigned, self._sign, self.codec)  # signs the exact bytes sent
        except (TypeError, ValueError, OverflowError) as exc:  # e.g. an object, or an int beyond 64 bits
            raise TypeError(f"publish({kind}): payload cannot be encoded ({self.codec}): {exc}") from None
        self._next_sequence += 1

        failed = [hop for hop in out.hops if not self._send(hop, kind, data, envelope)]

        self._stats.published(kind, out.sent_to, out.withheld)
        detail = {"msg_id": envelope.msg_id, "kind": kind, "sequence": sequence, "label": out.text}
        detail.update(sent_to=list(out.sent_to), withheld_from=list(out.withheld))
        self.audit.append(self.nation, "publish", detail)
        if failed:
            raise ConnectionError(f"publish({kind}) {envelope.msg_id}: transport failed towards {', '.join(failed)}")
        return PublishResult(envelope.msg_id, out.sent_to, out.withheld)

    def _send(self, hop: str, kind: str, data: bytes, env: Envelope) -> bool:
        """Hand bytes to the transport; a failure is logged and counted, and reported as False."""
        try:
            self.transport.send(self.nation, hop, kind, data, msg_id=env.msg_id)
        except Exception as exc:  # any transport trouble: the caller decides, the audit log remembers
            self._stats.send_failed[hop] += 1
            self.audit.append(self.nation, "send-failed", _brief(env, to=hop, error=repr(exc)[:300]))
            return False
        return True

    # -------------------------------------------------------------------- poll
    def poll(self, wait_s: float = 0.0) -> list[Delivery]:
        """Commit the previous batch, then verify everything waiting in this nation's inbox;
        return what is accepted, oldest first (handle it, then :meth:`commit` or poll again).

        ``wait_s`` > 0: on a transport fed from elsewhere (NATS), wait up to that long for the
        first message instead of returning empty at once (a node with nothing else to do).
        """
        self.commit()
        out: list[Delivery] = []
        received = self.transport.receive(self.nation, wait_s) if wait_s > 0 else self.transport.receive(self.nation)
        for data in received:
            delivery = self._accept(data)
            if delivery is not None:
                out.append(delivery)
        return out

    def _accept(self, data: bytes) -> Delivery | None:
        try:
            env, body = decode_signed(data)
        except MalformedEnvelopeError as exc:
            return self._refuse("malformed", str(exc), None)
        if env.origin == self.nation:
            return self._refuse("loopback", f"message claims origin {env.origin}, this node", env)
        if not self.keyring.knows(env.origin) or env.origin not in self.policy.nations:
            return self._refuse("unknown-origin", f"no key or policy for origin {env.origin!r}", env)
        if not self.keyring.verify(env.origin, body, env.signature):
            return self._refuse("bad-signature", f"signature does not verify with {env.origin}'s key", env)
        label = label_of(env)
        allowed = self.policy.label_for(env.origin, env.kind)
        if not label.within(allowed):
            return self._refuse("label-mismatch", f"label {label} claims more than policy {allowed}", env)
        relay_to = self.policy.relay_targets(self.nation, env.origin, label)
        if not relay_to and not label.allows(self.nation):
            return self._refuse("not-releasable", f"{self.nation} is not in label {label}", env)
        verdict = self._window.check(env.origin, env.sequence, env.msg_id)
        if verdict is not None:
            return self._refuse(verdict, f"sequence {env.sequence} from {env.origin}", env)
        self._window.accept(env.origin, env.sequence, env.msg_id)

        # Forward the original bytes: the origin's signature still binds them.
        relayed = [n for n in relay_to if self._send(n, env.kind, bytes(data), env)]
        if relayed:
            self._stats.relayed[env.origin][env.kind] += 1
        if not label.allows(self.nation):
            if self.audit_deliveries:
                self._uncommitted.append(("relay", _brief(env, relayed_to=relayed)))
            return None

        received_utc = utc_iso(self.clock())
        self._stats.received[env.origin][env.kind] += 1
        if self.audit_deliveries:
            self._uncommitted.append(("receive", _brief(env, relayed_to=relayed)))
        return Delivery(env.msg_id, env.origin, env.kind, label, env.sequence, env.sent_utc, received_utc, env.payload)

    def commit(self) -> int:
        """The node has handled everything polled so far: acknowledge it to the transport and
        write its ``receive``/``relay`` audit rows; returns the number of audit rows written."""
        commit = getattr(self.transport, "commit", None)
        if commit is not None:
            commit(self.nation)
        rows, self._uncommitted = self._uncommitted, []
        for event, detail in rows:
            self.audit.append(self.nation, event, detail)
        return len(rows)

    def flush(self, *, wait_for_stalled: bool = True) -> int:
        """Wait until the transport has stored or given up every message sent so far (NATS); each
        failure is counted in ``send_failed`` and logged as ``send-failed``. Returns the failures.

        ``wait_for_stalled=False``: do not wait for messages held on a cut link (they go when it heals).
        """
        flush = getattr(self.transport, "flush", None)
        if flush is None:
            return 0
        failures = flush(wait_for_stalled=wait_for_stalled)
        for f in failures:
            self._stats.send_failed[f.to] += 1
            self.audit.append(self.nation, "send-failed", {"to": f.to, "kind": f.kind, "error": f.error})
        return len(failures)

    def _refuse(self, reason: str, why: str, env: Envelope | None) -> None:
        self._stats.refused[reason] += 1
        detail: dict[str, Any] = {"reason": reason, "why": why[:500]}
        if env is not None:
            detail.update(_brief(env))
        self.audit.append(self.nation, "refuse", detail)
        return None

    # ------------------------------------------------------------------- stats
    def stats(self) -> dict:
        """{"sent": {kind: n}, "withheld": {kind: n}, "received": {origin: {kind: n}},
        "refused": {"count": n, "reasons": {reason: n}}} plus sent_to, withheld_from, relayed
        and send_failed (see :class:`~triwatch.fabric.stats.EndpointStats`)."""
        return self._stats.as_dict()


def _brief(env: Envelope, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"msg_id": env.msg_id, "origin": env.origin, "kind": env.kind, "sequence": env.sequence}
    out.update(extra)
    return out
