"""Command centres of the trilateral arrangement and which warnings each must acknowledge.

From the public facts: INDOPACOM (Hawaii) is the hub; the USFJ joint force HQ is
the counterpart of Japan's Joint Operations Command (JJOC); ROK JCS works with
USFK through the KTMO/TMO cells. The designated centre of a nation acknowledges
every warning delivered to that nation; the others are informed and take over
on escalation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HUB = "INDOPACOM"  # the hub of the trilateral arrangement: both partners' data meets there


@dataclass(frozen=True)
class Centre:
    name: str
    nation: str
    role: str  # "designated" acknowledges; "supporting" is escalated to
    escalates_to: str | None = None


CENTRES: tuple[Centre, ...] = (
    Centre("INDOPACOM", "USA", "designated"),
    Centre("USFJ-JFHQ", "USA", "supporting", escalates_to="INDOPACOM"),
    Centre("USFK", "USA", "supporting", escalates_to="INDOPACOM"),
    Centre("JJOC", "JPN", "designated", escalates_to="USFJ-JFHQ"),
    Centre("ROK-JCS", "KOR", "designated", escalates_to="USFK"),
)


def designated_centre(nation: str) -> Centre:
    """The centre that must acknowledge a warning delivered to `nation`."""
    for c in CENTRES:
        if c.nation == nation and c.role == "designated":
            return c
    raise KeyError(f"no designated command centre for nation {nation!r}")


def centre(name: str) -> Centre:
    for c in CENTRES:
        if c.name == name:
            return c
    raise KeyError(f"unknown command centre {name!r}")


def hub_nation(nations: Sequence[str]) -> str:
    """The nation of the hub centre when it takes part, else the first nation listed (a network needs a hub)."""
    if not nations:
        raise ValueError("hub_nation: no nations given")
    hub = centre(HUB).nation
    return hub if hub in nations else nations[0]
