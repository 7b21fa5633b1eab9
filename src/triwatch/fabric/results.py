"""What an Endpoint hands back: a Delivery for each accepted message, a PublishResult for each publish."""

from __future__ import annotations

from dataclasses import dataclass

from .labels import Label


@dataclass(frozen=True)
class Delivery:
    """A verified message accepted into this nation's picture."""

    msg_id: str
    origin: str
    kind: str
    label: Label
    sequence: int
    sent_utc: str
    received_utc: str
    payload: dict


@dataclass(frozen=True)
class PublishResult:
    """Where a published message went (final recipients) and which partners it was withheld from."""

    msg_id: str
    sent_to: tuple[str, ...]
    withheld_from: tuple[str, ...]
