"""Counters an Endpoint keeps, shaped for the run summary's ``nations.<N>`` block."""

from __future__ import annotations

from collections import Counter, defaultdict


class EndpointStats:
    """Message counts of one endpoint.

    ``sent``/``withheld`` count a message once per kind if it went to, or was withheld from,
    at least one partner; ``sent_to``/``withheld_from`` count it per partner; ``received`` and
    ``relayed`` count per origin and kind; ``refused`` counts per reason; ``send_failed``
    counts transport failures per next hop.
    """

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()
        self.withheld: Counter[str] = Counter()
        self.sent_to: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.withheld_from: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.received: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.relayed: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.refused: Counter[str] = Counter()
        self.send_failed: Counter[str] = Counter()

    def published(self, kind: str, sent_to: tuple[str, ...], withheld: tuple[str, ...]) -> None:
        if sent_to:
            self.sent[kind] += 1
        if withheld:
            self.withheld[kind] += 1
        for n in sent_to:
            self.sent_to[n][kind] += 1
        for n in withheld:
            self.withheld_from[n][kind] += 1

    def as_dict(self) -> dict:
        return {
            "sent": dict(self.sent),
            "withheld": dict(self.withheld),
            "sent_to": {n: dict(c) for n, c in self.sent_to.items()},
            "withheld_from": {n: dict(c) for n, c in self.withheld_from.items()},
            "received": {o: dict(c) for o, c in self.received.items()},
            "relayed": {o: dict(c) for o, c in self.relayed.items()},
            "refused": {"count": sum(self.refused.values()), "reasons": dict(self.refused)},
            "send_failed": dict(self.send_failed),
        }
