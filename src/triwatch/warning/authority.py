"""Who issues which warning: one alert per launch and per threatened nation, across the alliance.

Every node assesses the whole allied picture, but a warning to the public and to
the command centres must come once, from the authority that owns it, or each
centre acknowledges the same launch once per issuer. The rule, in the terms the
three nations already work in:

- **Warnings about a nation's areas are that nation's** (J-Alert is Japan's, the
  ROK's civil-defence alert is Korea's): the node of the threatened nation issues
  the alert that names its land and EEZ, and shares it with the partners.
- **The launch notification is the hub's**: INDOPACOM, whose space-based infrared
  sees a launch first and which already relays launch reports to both partners,
  issues one "launch detected" alert per system track.
- **The hub stands in**, then the other nations in order: when the owner's alert
  about a threat has not reached a node within `grace_s` per rank of its having
  confirmed that threat itself (the owner's node is down, or cannot see the
  launch because no sensor or releasable track reaches it), the next node in the
  chain issues it on the owner's behalf. A node that has already received an
  alert of that scope about the same threat from anyone never issues a second.

An alert says which threat it is about by the national tracks in its system track
(`WarningReport.tracks`, "NATION/track-id"): every node's picture is built from
the same national tracks, so a shared member identifies the same object, while
system track numbers are each node's own. `scope` is the nation whose areas the
alert covers, or LAUNCH for the launch notification.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LAUNCH = "launch"


@dataclass(frozen=True)
class Authority:
    """The issuing chain of one node: its nation, the hub, and every nation in fallback order."""

    nation: str
    hub: str
    nations: tuple[str, ...]
    grace_s: float = 8.0

    def __post_init__(self) -> None:
        if self.nation not in self.nations:
            raise ValueError(f"Authority.nation: {self.nation!r} is not one of {self.nations}")
        if self.hub not in self.nations:
            raise ValueError(f"Authority.hub: {self.hub!r} is not one of {self.nations}")
        if len(set(self.nations)) != len(self.nations):
            raise ValueError(f"Authority.nations: {self.nations} names a nation twice")
        if not self.grace_s >= 0:
            raise ValueError(f"Authority.grace_s: must be >= 0, got {self.grace_s!r}")

    def chain(self, scope: str) -> list[str]:
        """Issuers of a scope in order: the owner (the threatened nation; the hub for LAUNCH), the hub, the rest."""
        if scope != LAUNCH and scope not in self.nations:
            raise ValueError(f"Authority.chain: unknown scope {scope!r}; known: {LAUNCH}, {', '.join(self.nations)}")
        owner = self.hub if scope == LAUNCH else scope
        stand_ins = [self.hub] if self.hub != owner else []
        stand_ins += [n for n in self.nations if n not in (owner, self.hub)]
        return [owner, *stand_ins]

    def rank(self, scope: str) -> int:
        """0 for the owner of the scope, 1 for its first stand-in, ..."""
        return self.chain(scope).index(self.nation)

    def may_issue(self, scope: str, confirmed_for_s: float, covered: bool) -> bool:
        """Whether this node issues an alert of `scope` it has held for confirmed_for_s seconds.

        covered: an alert of this scope about the same threat has already reached this node.
        """
        if covered:
            return False
        return confirmed_for_s >= self.rank(scope) * self.grace_s


def track_keys(members: Iterable[tuple[str, str]]) -> list[str]:
    """The wire form of a system track's members: "NATION/track-id", sorted."""
    return sorted(f"{origin}/{track_id}" for origin, track_id in members)


def scopes_of(areas: Sequence[str]) -> set[str]:
    """The nations whose areas are named ("JPN-EEZ" -> "JPN"); high seas belongs to none."""
    return {a.split("-", 1)[0] for a in areas if a != "high-seas"}


def numbered_by(warning_id: str) -> str:
    """The nation whose desk numbered a warning ("KOR-W002" -> "KOR").

    A warning keeps its id for life, whoever issues a revision of it (a stand-in carrying a
    failed owner's warning, `triwatch.warning.takeover`), so outputs that must name the
    warning as one thing (a CoT uid, a CAP incident) use this, not the revision's issuer.
    """
    nation, sep, rest = warning_id.partition("-")
    if not (nation and sep and rest):
        raise ValueError(f"numbered_by: warning id {warning_id!r} is not of the form NATION-W<number>")
    return nation
