"""Acknowledgement of warnings by a nation's designated command centre, with escalation.

Rule: every warning revision delivered to a nation must be acknowledged by that
nation's designated centre within `deadline_s` (scenario seconds). A watch
officer model acknowledges after a reaction time drawn from the scenario's
seeded generator; a human can acknowledge through the API instead. A revision
still unacknowledged at its deadline escalates to the supporting centre named in
the organisation table, and the escalation is logged as a decision.

A revision is named by its warning id, number *and issuer*: during a partition a failed-over
warning's owner and its stand-in may both issue revision k (`triwatch.warning.takeover`), and
each is a revision the centre must see and acknowledge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from triwatch.c2.organisations import designated_centre
from triwatch.messages import AckReport, WarningReport


@dataclass
class Pending:
    warning: WarningReport
    received_s: float
    due_ack_s: float | None
    deadline_s: float
    escalated: bool = False


@dataclass
class Decision:
    time_s: float
    centre: str
    action: str
    warning_id: str
    revision: int
    detail: str = ""
    issuer: str | None = None  # whose revision (two nations may number the same one in a partition)


@dataclass
class CommandCentre:
    """One nation's C2 desk: pending warnings, acknowledgements and the decision log."""

    nation: str
    rng: np.random.Generator
    deadline_s: float = 60.0
    reaction_s: tuple[float, float] = (5.0, 30.0)
    auto_ack: bool = True
    pending: dict[tuple[str, int, str], Pending] = field(default_factory=dict)  # (warning id, revision, issuer)
    acked: dict[tuple[str, int, str], AckReport] = field(default_factory=dict)
    log: list[Decision] = field(default_factory=list)

    @property
    def centre(self) -> str:
        return designated_centre(self.nation).name

    def receive(self, warning: WarningReport, now_s: float) -> None:
        key = (warning.warning_id, warning.revision, warning.issuer)
        if key in self.pending or key in self.acked:
            return
        due = now_s + float(self.rng.uniform(*self.reaction_s)) if self.auto_ack else None
        self.pending[key] = Pending(warning, now_s, due, now_s + self.deadline_s)
        self.log.append(
            Decision(now_s, self.centre, "received", warning.warning_id, warning.revision, warning.kind, warning.issuer)
        )

    def acknowledge(
        self, warning_id: str, revision: int, now_s: float, role: str = "watch-officer", issuer: str | None = None
    ) -> AckReport:
        """Acknowledge a pending warning revision (by the model or a person through the API).

        issuer names whose revision it is; it may be left out unless two nations issued that
        revision number (a partition, `triwatch.warning.takeover`).
        """
        keys = [k for k in self.pending if k[:2] == (warning_id, revision) and issuer in (None, k[2])]
        if not keys:
            by = f" by {issuer}" if issuer is not None else ""
            raise KeyError(f"{self.centre}: no pending warning {warning_id} revision {revision}{by}")
        if len(keys) > 1:
            names = ", ".join(sorted(k[2] for k in keys))
            raise ValueError(
                f"{self.centre}: warning {warning_id} revision {revision} was issued by {names}: name the issuer"
            )
        key = keys[0]
        self.pending.pop(key)
        ack = AckReport(warning_id, revision, self.centre, self.nation, now_s, role, issuer=key[2])
        self.acked[key] = ack
        self.log.append(Decision(now_s, self.centre, "acknowledged", warning_id, revision, role, key[2]))
        return ack

    def tick(self, now_s: float) -> list[AckReport]:
        """Acknowledge what the watch officer has got to; escalate what is past its deadline."""
        acks = []
        for key, p in list(self.pending.items()):
            if p.due_ack_s is not None and now_s >= p.due_ack_s:
                acks.append(self.acknowledge(key[0], key[1], now_s, issuer=key[2]))
            elif now_s >= p.deadline_s and not p.escalated:
                p.escalated = True
                to = designated_centre(self.nation).escalates_to or "none"
                self.log.append(Decision(now_s, self.centre, "escalated", key[0], key[1], f"to {to}", key[2]))
        return acks
