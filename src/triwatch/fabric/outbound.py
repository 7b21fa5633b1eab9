"""What a nation's policy decides about one kind of message it sends: label, recipients, next hops.

The policy is fixed for a run, so an :class:`~triwatch.fabric.endpoint.Endpoint` works this out
once per kind instead of on every publish (the label's wire form and text, who gets it, who
does not, and the next hops of the topology).
"""

from __future__ import annotations

from dataclasses import dataclass

from .envelope import WireLabel, wire_label
from .labels import Label
from .policy import ReleasePolicy


@dataclass(frozen=True)
class Outbound:
    """What the policy decides for one kind this nation sends, worked out once (the policy is fixed)."""

    label: Label
    wire: WireLabel
    text: str
    sent_to: tuple[str, ...]
    withheld: tuple[str, ...]
    hops: tuple[str, ...]

    @classmethod
    def of(cls, policy: ReleasePolicy, nation: str, kind: str) -> Outbound:
        label = policy.label_for(nation, kind)
        partners = [n for n in policy.nations if n != nation]
        return cls(
            label,
            wire_label(label),
            str(label),
            tuple(n for n in partners if label.allows(n)),
            tuple(n for n in partners if not label.allows(n)),
            tuple(policy.route(nation, label)),
        )
