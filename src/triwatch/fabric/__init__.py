"""Message envelope, labels and releasability policy, signatures, replay protection, audit log, transports.

Knows nothing of tracking maths: payloads are plain dicts.

    policy = ReleasePolicy.from_config(["USA", "JPN", "KOR"], {"KOR": {"detections": {"rel_to": ["USA"]}}})
    keys = KeyRing.generate(policy.nations)
    bus, audit = MemoryBus(), AuditLog(":memory:")
    kor = Endpoint("KOR", policy, keys, bus, audit, clock)
    jpn = Endpoint("JPN", policy, keys, bus, audit, clock)
    usa = Endpoint("USA", policy, keys, bus, audit, clock)   # the hub relays KOR<->JPN
    kor.publish("tracks", {"track_id": "K1", ...})
    usa.poll(); jpn.poll()
"""

from .audit import AuditLog
from .endpoint import REFUSAL_REASONS, Delivery, Endpoint, PublishResult
from .envelope import Envelope, MalformedEnvelopeError
from .keys import KeyRing
from .labels import KINDS, Classification, Label
from .policy import PolicyError, ReleasePolicy
from .replay import ReplayWindow
from .transport import MemoryBus, Transport

__all__ = [
    "KINDS",
    "REFUSAL_REASONS",
    "AuditLog",
    "Classification",
    "Delivery",
    "Endpoint",
    "Envelope",
    "KeyRing",
    "Label",
    "MalformedEnvelopeError",
    "MemoryBus",
    "PolicyError",
    "PublishResult",
    "ReleasePolicy",
    "ReplayWindow",
    "Transport",
]
