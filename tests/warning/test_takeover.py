"""An owner that fails after issuing: a stand-in carries its live warning, and hands it back."""

import pytest

from triwatch.messages import Ellipse, WarningReport
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import Authority, numbered_by
from triwatch.warning.desk import AlertDesk
from triwatch.warning.takeover import HeardAlert, apply

NATIONS = ("USA", "JPN", "KOR")
ELLIPSE = Ellipse(lat_deg=39.08, lon_deg=134.92, semi_major_m=2500.0, semi_minor_m=900.0, orientation_deg=80.0)
MEMBERS = [("USA", "U1"), ("JPN", "J1"), ("KOR", "K1")]


def assessment(t, areas):
    return Assessment(t, 0.682, 2.355, 1530.0, ELLIPSE, list(areas), [], [])


def step(desks, up, t, areas):
    """Nodes that are up assess (areas: for all, or per nation), then hear each other's warnings and traffic."""
    out = []
    for n in up:
        seen = areas[n] if isinstance(areas, dict) else areas
        desks[n].follow("S1", MEMBERS)
        out += desks[n].observe("S1", t, assessment(t, seen)) + desks[n].release_due(t)
    for n in up:
        for other in up:
            if other != n:
                desks[n].contact(other, t)  # every node up publishes its tracks every tick
        for w in out:
            desks[n].heard(w)
    return out


def desks():
    return {n: AlertDesk(Authority(n, "USA", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0) for n in NATIONS}


def japans(out):
    return [(w.issuer, w.warning_id, w.revision, w.kind, w.areas) for w in out if w.scope == "JPN"]


def test_the_hub_corrects_japans_warning_while_japan_is_down_and_japan_carries_on_when_back():
    d = desks()
    out = []
    for t in (300.0, 304.0, 308.0):
        out += step(d, NATIONS, t, ["JPN-EEZ"])
    for t in (312.0, 316.0, 320.0, 324.0, 328.0, 332.0):  # Japan's node down; the threat grows
        out += step(d, ("USA", "KOR"), t, ["JPN-EEZ", "JPN-land"])
    for w in [w for w in out if w.time_s >= 312.0]:  # what Japan missed waited in its inbox
        d["JPN"].heard(w)
    for t in (336.0, 340.0):
        out += step(d, NATIONS, t, ["JPN-EEZ"])
    # One warning id throughout, revisions numbered on without a gap or a repeat.
    assert japans(out) == [
        ("JPN", "JPN-W002", 1, "threat", ["JPN-EEZ"]),
        ("USA", "JPN-W002", 2, "correction", ["JPN-EEZ", "JPN-land"]),
        ("JPN", "JPN-W002", 3, "correction", ["JPN-EEZ"]),
    ]
    # The hub's picture differs from 312 s; it corrects one grace later, Japan silent since 308 s.
    assert [w.time_s for w in out if w.scope == "JPN" and w.issuer == "USA"] == [320.0]


def test_nobody_takes_over_a_live_owner_that_agrees_or_is_still_heard():
    d = desks()
    out = []
    for t in (300.0, 304.0, 308.0, 312.0, 316.0, 320.0):
        out += step(d, NATIONS, t, ["JPN-EEZ"] if t < 312.0 else ["JPN-EEZ", "JPN-land"])
    assert {w.issuer for w in out if w.scope == "JPN"} == {"JPN"}


def test_a_stand_in_that_closed_the_warning_leaves_it_closed_for_the_returning_owner():
    d = desks()
    out = []
    for t in (300.0, 304.0):
        out += step(d, NATIONS, t, ["JPN-EEZ"])
    for t in (308.0, 1540.0, 1544.0, 1548.0, 1552.0, 1556.0, 1560.0):  # down until after the impact
        out += step(d, ("USA", "KOR"), t, ["JPN-EEZ"])
    for t in (1564.0, 1568.0, 1572.0, 1576.0, 1580.0):  # the track has ended
        said = []
        for n in ("USA", "KOR"):
            said += d[n].lost("S1", t) + d[n].release_due(t)
        for n, other in (("USA", "KOR"), ("KOR", "USA")):
            d[n].contact(other, t)  # up, acknowledging each other's revisions
            for w in said:
                d[n].heard(w)
        out += said
    for w in out:
        d["JPN"].heard(w)
    back = d["JPN"].lost("S1", 1584.0) + d["JPN"].release_due(1584.0)
    assert [(i, r, k) for i, _, r, k, _ in japans(out)] == [
        ("JPN", 1, "threat"),
        ("USA", 2, "impact"),
        ("USA", 3, "all-clear"),
    ]
    assert back == []  # Japan adopted the all-clear: it says nothing twice


def test_a_heard_alert_follows_its_revisions_in_order_and_ignores_old_ones():
    h = HeardAlert("JPN-W001", "JPN")

    def rev(n, kind, areas, text=""):
        return WarningReport("JPN-W001", n, kind, "JPN", "S1", 0.0, areas=areas, scope="JPN", text=text)

    apply(h, rev(1, "threat", ["JPN-EEZ", "JPN-land"]))
    apply(h, rev(3, "all-clear", ["JPN-land"]))
    apply(h, rev(2, "withdrawal", ["JPN-EEZ", "JPN-land"]))  # arrived late: already superseded
    assert (h.revision, h.standing, h.closed) == (3, {"JPN-EEZ"}, False)
    apply(h, rev(4, "impact", ["JPN-EEZ"]))
    apply(h, rev(5, "all-clear", ["JPN-EEZ"]))
    assert (h.impacted, h.closed, h.standing) == (True, True, set())


def test_a_revision_of_another_warning_or_a_malformed_id_is_refused_by_name():
    other = WarningReport("KOR-W003", 2, "correction", "USA", "S1", 0.0, areas=["KOR-EEZ"], scope="KOR")
    with pytest.raises(ValueError, match=r"revision 2 of 'KOR-W003' is not a revision of 'JPN-W001'"):
        apply(HeardAlert("JPN-W001", "JPN"), other)
    assert numbered_by("KOR-W003") == "KOR"
    with pytest.raises(ValueError, match=r"warning id 'W003' is not of the form NATION-W<number>"):
        numbered_by("W003")


def test_an_area_named_again_after_a_passed_over_all_clear_reopens_the_heard_alert():
    h = HeardAlert("KOR-W002", "KOR")
    for n, kind in enumerate(("threat", "all-clear", "threat"), start=1):
        apply(h, WarningReport("KOR-W002", n, kind, "KOR", "S1", 0.0, areas=["KOR-EEZ"], scope="KOR"))
        assert h.closed == (kind == "all-clear")


def test_a_stand_in_hands_its_warning_to_the_owner_and_carries_it_again_if_the_owner_falls_silent():
    d = desks()
    out = []
    for t in (300.0, 304.0, 308.0, 312.0):  # Japan's node is up but blind: the hub warns for it
        out += step(d, ("USA", "KOR"), t, ["JPN-EEZ"])
        d["JPN"].contact("USA", t), d["JPN"].contact("KOR", t)
        for w in out:
            d["JPN"].heard(w)
    hubs = sorted({w.warning_id for w in out if w.scope == "JPN"})
    assert len(hubs) == 1 and hubs[0].startswith("USA-")
    for t in (316.0, 320.0, 324.0, 328.0):  # Japan sees it now, and differently: it takes its warning over
        out += step(d, NATIONS, t, {"USA": ["JPN-EEZ"], "KOR": ["JPN-EEZ"], "JPN": ["JPN-EEZ", "JPN-land"]})
    for t in (332.0, 336.0, 340.0, 344.0, 348.0):  # then Japan's node fails; the hub's picture moves on
        out += step(d, ("USA", "KOR"), t, ["JPN-land"])
    revisions = [(w.issuer, w.revision, w.kind, w.areas) for w in out if w.warning_id == hubs[0]]
    assert [r[0] for r in revisions] == ["USA", "JPN", "USA"]
    assert [r[1] for r in revisions] == [1, 2, 3]
    assert revisions[1][3] == ["JPN-EEZ", "JPN-land"] and revisions[2][3] == ["JPN-land"]


def test_owner_and_stand_in_both_numbering_a_revision_in_a_partition_settle_on_the_owners():
    from triwatch.warning.takeover import revision_order

    d = desks()
    out = []
    for t in (300.0, 304.0, 308.0):
        out += step(d, NATIONS, t, ["JPN-EEZ"])
    # The USA-JPN link is cut (KOR hears both): each side goes on alone and sees the threat grow.
    cut = []
    for t in (312.0, 316.0, 320.0, 324.0):
        jpn = d["JPN"].observe("S1", t, assessment(t, ["JPN-EEZ", "JPN-land"])) + d["JPN"].release_due(t)
        d["JPN"].contact("KOR", t)
        usa = d["USA"].observe("S1", t, assessment(t, ["JPN-EEZ", "JPN-land"])) + d["USA"].release_due(t)
        d["USA"].contact("KOR", t)
        for w in jpn + usa:
            d["KOR"].heard(w)
        cut += jpn + usa
    twos = sorted((w.issuer, w.revision, w.kind) for w in cut if w.scope == "JPN")
    assert twos == [("JPN", 2, "correction"), ("USA", 2, "correction")]  # both numbered it 2
    # Healed: each hears the other's revision 2. Every node settles on Japan's, and numbering goes on at 3.
    for w in cut:
        for n in ("USA", "JPN"):
            d[n].heard(w)
    assert revision_order("JPN-W002", 2, "JPN") > revision_order("JPN-W002", 2, "USA")
    assert {d[n].partners.alerts["JPN-W002"].issuer for n in ("USA", "KOR")} == {"JPN"}
    after = step(d, NATIONS, 328.0, ["JPN-EEZ"])
    assert [(w.issuer, w.revision, w.kind) for w in after if w.scope == "JPN"] == [("JPN", 3, "correction")]
