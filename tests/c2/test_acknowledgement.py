import numpy as np
import pytest

from triwatch.c2.acknowledgement import CommandCentre
from triwatch.c2.organisations import designated_centre
from triwatch.messages import WarningReport


def warning(rev: int = 1) -> WarningReport:
    return WarningReport(
        warning_id="USA-W001",
        revision=rev,
        kind="threat",
        issuer="USA",
        system_track="USA-S001",
        time_s=100.0,
        areas=["JPN-land"],
    )


def test_designated_centres_follow_the_public_arrangement():
    assert designated_centre("USA").name == "INDOPACOM"
    assert designated_centre("JPN").name == "JJOC"
    assert designated_centre("KOR").name == "ROK-JCS"
    with pytest.raises(KeyError):
        designated_centre("XXX")


def test_watch_officer_acknowledges_within_reaction_time():
    cc = CommandCentre("JPN", np.random.default_rng(1), reaction_s=(5.0, 10.0))
    cc.receive(warning(), 100.0)
    assert cc.tick(104.0) == []
    acks = cc.tick(110.0)
    assert [(a.centre, a.warning_id, a.revision) for a in acks] == [("JJOC", "USA-W001", 1)]
    assert not cc.pending


def test_unacknowledged_warning_escalates_after_deadline():
    cc = CommandCentre("KOR", np.random.default_rng(1), deadline_s=60.0, auto_ack=False)
    cc.receive(warning(), 100.0)
    cc.tick(159.0)
    assert not [d for d in cc.log if d.action == "escalated"]
    cc.tick(160.0)
    esc = [d for d in cc.log if d.action == "escalated"]
    assert len(esc) == 1 and esc[0].detail == "to USFK"
    cc.tick(170.0)
    assert len([d for d in cc.log if d.action == "escalated"]) == 1  # once, not every tick
    ack = cc.acknowledge("USA-W001", 1, 175.0, role="commander")
    assert ack.role == "commander" and not cc.pending


def test_acknowledging_an_unknown_warning_is_an_error():
    cc = CommandCentre("USA", np.random.default_rng(1))
    with pytest.raises(KeyError, match="no pending warning"):
        cc.acknowledge("nope", 1, 0.0)
