"""A run's warnings as comparable records: what two runs of one scenario must agree on.

Two runs issue "the same warnings" when every node issued the same revisions (id, revision,
kind, areas, scenario time) and every node was delivered the same ones from the same issuers,
in the same order. Used to check that `--fabric nats` reproduces `--fabric memory`.
"""

from __future__ import annotations


def warnings_of(events: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """(issued, delivered) records of a run's events, in event order."""
    issued = [
        (e["node"], e["warning_id"], e["revision"], e["kind"], tuple(e["areas"]), e["t_s"])
        for e in events
        if e["type"] == "warning-issued"
    ]
    delivered = [
        (e["node"], e["issuer"], e["warning_id"], e["revision"], e["kind"], tuple(e["areas"]), e["t_s"])
        for e in events
        if e["type"] == "warning-delivered"
    ]
    return issued, delivered
