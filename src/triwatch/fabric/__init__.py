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

Or the whole in-process fabric at once: ``MemoryFabric.build(nations, policy_block, clock,
audit_path=run_dir / "audit.sqlite")`` and ``fabric.deliver_all()`` each step.

Deployed (one process per nation, NATS JetStream): ``nats_server.LocalNatsServer`` starts the
server, ``deploy.prepare_deployment`` writes each nation's fabric.json and keys, and a node
process calls ``deploy.connect_endpoint(fabric_json, policy, audit, clock)``. These import
nats-py, so they are not imported here.
"""

from .audit import AuditLog
from .endpoint import REFUSAL_REASONS, Endpoint
from .envelope import Envelope, MalformedEnvelopeError
from .keys import KeyRing
from .labels import KINDS, Classification, Label
from .network import MemoryFabric
from .policy import PolicyError, ReleasePolicy
from .replay import ReplayWindow
from .results import Delivery, PublishResult
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
    "MemoryFabric",
    "PolicyError",
    "PublishResult",
    "ReleasePolicy",
    "ReplayWindow",
    "Transport",
]
