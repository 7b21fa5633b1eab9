"""What a run's events say of one acknowledgement made by a person at JPN's centre (live COP tests)."""


def jpn_acknowledgement(run, warning_id: str, revision: int) -> tuple[list[tuple[str, str]], set[str]]:
    """(centre, role) of every JPN `ack` of that revision, and the nodes that received JPN's acknowledgement."""
    acks = [
        (e["centre"], e["role"])
        for e in run.events.of_type("ack")
        if e["node"] == "JPN" and (e["warning_id"], e["revision"]) == (warning_id, revision)
    ]
    received = {
        e["node"]
        for e in run.events.of_type("ack-received")
        if (e["warning_id"], e["revision"]) == (warning_id, revision) and e["origin"] == "JPN"
    }
    return acks, received
