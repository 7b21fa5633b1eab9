"""Releasability policy: which nations may hold each kind of data from each origin.

Defaults follow the public facts about the trilateral mechanism (activated Dec 2023):
estimated launch point, trajectory and impact point are shared, so **tracks**, **warnings**
and **acks** are releasable to every partner; **detections** (raw sensor reports) and
**sensor-identity** (type or location of sensors) are not shared, so they are releasable
to none but the origin.

A scenario's ``policy:`` block overrides that per origin and kind::

    policy:
      KOR: {tracks: {rel_to: [USA, JPN]}, detections: {rel_to: [USA]}}

Each override may give ``rel_to`` (the partner nations; the origin is always added) and
``classification``. Bad input raises :class:`PolicyError` naming its path, e.g.
``policy.KOR.tracks.rel_to[1]: unknown nation 'XXX'; known: JPN, KOR, USA``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .labels import KINDS, Classification, Label, is_nation_code

TOPOLOGIES = ("hub", "mesh")

#: Kinds shared with every partner by default; the rest are kept by the origin.
SHARED_BY_DEFAULT = frozenset({"tracks", "warnings", "acks"})

#: Default classification per kind (an illustrative grading: raw sensor data is the most sensitive).
DEFAULT_CLASSIFICATION: dict[str, Classification] = {
    "detections": Classification.SECRET,
    "sensor-identity": Classification.SECRET,
    "tracks": Classification.CONFIDENTIAL,
    "warnings": Classification.RESTRICTED,
    "acks": Classification.RESTRICTED,
}

_OVERRIDE_FIELDS = ("rel_to", "classification")


class PolicyError(ValueError):
    """A releasability policy that cannot be used; the message names the path of the fault."""


class ReleasePolicy:
    """The label for every (origin, kind), plus the network's topology (hub-and-spoke or mesh)."""

    def __init__(self, nations: Sequence[str], labels: Mapping[tuple[str, str], Label], topology: str, hub: str):
        self.nations: tuple[str, ...] = tuple(nations)
        self.topology = topology
        self.hub = hub
        self._labels = dict(labels)

    @classmethod
    def from_config(
        cls,
        nations: list[str],
        overrides: dict | None = None,
        *,
        topology: str = "hub",
        hub: str = "USA",
    ) -> ReleasePolicy:
        """Build the policy from the scenario's nations and its ``policy:`` block."""
        nation_list = _check_nations(nations)
        known = ", ".join(sorted(nation_list))
        if topology not in TOPOLOGIES:
            raise PolicyError(f"topology: unknown topology {topology!r}; known: {', '.join(TOPOLOGIES)}")
        if topology == "hub" and hub not in nation_list:
            raise PolicyError(f"hub: {hub!r} is not one of the nations ({known})")

        labels: dict[tuple[str, str], Label] = {}
        everyone = frozenset(nation_list)
        for origin in nation_list:
            for kind in KINDS:
                rel = everyone if kind in SHARED_BY_DEFAULT else frozenset({origin})
                labels[(origin, kind)] = Label(DEFAULT_CLASSIFICATION[kind], rel)

        if overrides is None:
            overrides = {}
        if not isinstance(overrides, Mapping):
            raise PolicyError(f"policy: must be a mapping of nation to kinds, got {type(overrides).__name__}")
        for origin, per_kind in overrides.items():
            where = f"policy.{origin}"
            if origin not in everyone:
                raise PolicyError(f"{where}: unknown nation {origin!r}; known: {known}")
            if not isinstance(per_kind, Mapping):
                raise PolicyError(f"{where}: must be a mapping of kind to rule, got {type(per_kind).__name__}")
            for kind, rule in per_kind.items():
                labels[(origin, kind)] = _parse_rule(origin, kind, rule, labels.get((origin, kind)), everyone)
        return cls(nation_list, labels, topology, hub)

    def label_for(self, origin: str, kind: str) -> Label:
        """The label a message of ``kind`` from ``origin`` carries."""
        try:
            return self._labels[(origin, kind)]
        except KeyError:
            if origin not in self.nations:
                raise PolicyError(f"origin: unknown nation {origin!r}; known: {', '.join(self.nations)}") from None
            raise PolicyError(f"kind: unknown kind {kind!r}; known: {', '.join(KINDS)}") from None

    def route(self, sender: str, label: Label) -> dict[str, tuple[str, ...]]:
        """Next hops for a message ``sender`` originates: {next hop: final recipients through it}.

        Mesh: straight to every recipient. Hub: a spoke sends everything through the hub
        (once), the hub sends straight to each recipient.
        """
        recipients = tuple(n for n in self.nations if n != sender and label.allows(n))
        if not recipients:
            return {}
        if self.topology == "mesh" or sender == self.hub:
            return {n: (n,) for n in recipients}
        return {self.hub: recipients}

    def relay_targets(self, relayer: str, origin: str, label: Label) -> tuple[str, ...]:
        """Nations the hub forwards an ``origin`` message to (empty unless hub topology and relayer is the hub)."""
        if self.topology != "hub" or relayer != self.hub or origin == self.hub:
            return ()
        return tuple(n for n in self.nations if n not in (origin, relayer) and label.allows(n))


def _check_nations(nations: object) -> list[str]:
    if isinstance(nations, str) or not isinstance(nations, Sequence) or len(nations) == 0:
        raise PolicyError(f"nations: must be a non-empty list of ISO 3166 alpha-3 codes, got {nations!r}")
    seen: list[str] = []
    for i, code in enumerate(nations):
        if not is_nation_code(code):
            raise PolicyError(f"nations[{i}]: {code!r} is not an ISO 3166 alpha-3 code (three capital letters)")
        if code in seen:
            raise PolicyError(f"nations[{i}]: {code!r} is listed twice")
        seen.append(code)
    return seen


def _parse_rule(origin: str, kind: str, rule: object, default: Label | None, everyone: frozenset[str]) -> Label:
    where = f"policy.{origin}.{kind}"
    if kind not in KINDS:
        raise PolicyError(f"{where}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
    if not isinstance(rule, Mapping):
        raise PolicyError(f"{where}: must be a mapping with rel_to and/or classification, got {rule!r}")
    for field in rule:
        if field not in _OVERRIDE_FIELDS:
            raise PolicyError(f"{where}.{field}: unknown field; known: {', '.join(_OVERRIDE_FIELDS)}")
    assert default is not None  # every (origin, kind) has a default label
    rel = default.releasable_to
    if "rel_to" in rule:
        rel_to = rule["rel_to"]
        if isinstance(rel_to, str) or not isinstance(rel_to, Sequence):
            raise PolicyError(f"{where}.rel_to: must be a list of nations, got {rel_to!r}")
        for i, code in enumerate(rel_to):
            if code not in everyone:
                known = ", ".join(sorted(everyone))
                raise PolicyError(f"{where}.rel_to[{i}]: unknown nation {code!r}; known: {known}")
        rel = frozenset(rel_to) | {origin}
    classification = default.classification
    if "classification" in rule:
        try:
            classification = Classification.parse(rule["classification"], f"{where}.classification")
        except ValueError as exc:
            raise PolicyError(str(exc)) from None
    return Label(classification, frozenset(rel))
