"""Confidentiality labels bound to the data, in the spirit of STANAG 4774/4778.

A label has two parts:

- a **classification** from an ordered set (UNCLASSIFIED < RESTRICTED < CONFIDENTIAL < SECRET);
- a **releasable-to** set of nations (ISO 3166 alpha-3) that may hold the data.

The rule a node applies is one line: a message may be handed to nation N only if
``N in label.releasable_to``. The originating nation is always in its own label (it holds
the data), so "releasable to none" is the label ``{origin}``.

The label travels inside the signed envelope, so it cannot be widened in transit without
breaking the signature.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

#: The data kinds that travel on the fabric, as named in a scenario's ``policy:`` block.
KINDS: tuple[str, ...] = ("detections", "tracks", "warnings", "acks", "sensor-identity")

_NATION_CODE = re.compile(r"^[A-Z]{3}$")


def is_nation_code(code: object) -> bool:
    """True if ``code`` looks like an ISO 3166 alpha-3 code (three capital letters)."""
    return isinstance(code, str) and bool(_NATION_CODE.match(code))


class Classification(enum.IntEnum):
    """Ordered classification levels: a larger value is more restricted."""

    UNCLASSIFIED = 0
    RESTRICTED = 1
    CONFIDENTIAL = 2
    SECRET = 3

    @classmethod
    def parse(cls, name: str, where: str = "classification") -> Classification:
        """The level named ``name`` (case-insensitive), or ValueError naming ``where``."""
        if isinstance(name, str) and name.upper() in cls.__members__:
            return cls[name.upper()]
        known = ", ".join(cls.__members__)
        raise ValueError(f"{where}: unknown classification {name!r}; known: {known}")


@dataclass(frozen=True)
class Label:
    """A classification and the nations the data is releasable to."""

    classification: Classification
    releasable_to: frozenset[str]

    def __post_init__(self) -> None:
        if not isinstance(self.classification, Classification):
            raise TypeError(f"Label.classification must be a Classification, got {self.classification!r}")
        if not isinstance(self.releasable_to, frozenset):
            raise TypeError(f"Label.releasable_to must be a frozenset, got {type(self.releasable_to).__name__}")
        for code in self.releasable_to:
            if not is_nation_code(code):
                raise ValueError(f"Label.releasable_to: {code!r} is not an ISO 3166 alpha-3 code")

    def allows(self, nation: str) -> bool:
        """True if the data may be released to ``nation``."""
        return nation in self.releasable_to

    def within(self, other: Label) -> bool:
        """True if this label is at least as restrictive as ``other``.

        That is: classified at least as high, and releasable to a subset of ``other``'s
        nations. A receiver uses it to refuse a label that claims more than the origin's
        policy allows.
        """
        return self.classification >= other.classification and self.releasable_to <= other.releasable_to

    def __str__(self) -> str:
        return f"{self.classification.name} REL TO {', '.join(sorted(self.releasable_to))}"
