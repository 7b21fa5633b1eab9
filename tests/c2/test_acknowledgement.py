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


def test_two_nations_revision_k_of_one_warning_are_two_revisions_to_acknowledge():
    # Cut off from each other, Japan (the owner) and the hub standing in both issued revision 2.
    cc = CommandCentre("KOR", np.random.default_rng(1), auto_ack=False)
    owners = WarningReport("JPN-W002", 2, "correction", "JPN", "S1", 220.0, areas=["JPN-land"], scope="JPN")
    stand_ins = WarningReport("JPN-W002", 2, "correction", "USA", "S3", 221.0, areas=["JPN-EEZ"], scope="JPN")
    cc.receive(owners, 230.0)
    cc.receive(stand_ins, 262.0)  # the link healed: the other revision 2 arrives; it is not a repeat
    assert set(cc.pending) == {("JPN-W002", 2, "JPN"), ("JPN-W002", 2, "USA")}
    with pytest.raises(ValueError, match="JPN-W002 revision 2 was issued by JPN, USA: name the issuer"):
        cc.acknowledge("JPN-W002", 2, 270.0)
    ack = cc.acknowledge("JPN-W002", 2, 270.0, issuer="USA")
    assert (ack.warning_id, ack.revision, ack.issuer) == ("JPN-W002", 2, "USA")
    assert cc.acknowledge("JPN-W002", 2, 271.0).issuer == "JPN"  # the only one left
    with pytest.raises(KeyError, match="no pending warning JPN-W002 revision 2 by KOR"):
        cc.acknowledge("JPN-W002", 2, 272.0, issuer="KOR")
