"""One alert per launch and per threatened nation: the owner issues, the hub (then the others) stands in."""

import pytest

from triwatch.messages import Ellipse
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import LAUNCH, Authority
from triwatch.warning.desk import AlertDesk

NATIONS = ("USA", "JPN", "KOR")
ELLIPSE = Ellipse(lat_deg=39.08, lon_deg=134.92, semi_major_m=2500.0, semi_minor_m=900.0, orientation_deg=80.0)
MEMBERS = [("USA", "USA-0020"), ("JPN", "JPN-0043"), ("KOR", "KOR-0123")]


def assessment(t, impact=("JPN-EEZ",), impact_time=1530.0):
    return Assessment(t, 0.682, 2.355, impact_time, ELLIPSE, list(impact), [], [])


def desks(*up: str, grace_s: float = 8.0, clear_n: int = 3) -> dict[str, AlertDesk]:
    return {n: AlertDesk(Authority(n, "USA", NATIONS, grace_s), confirm_n=1, clear_n=clear_n, mature_s=0.0) for n in up}


def run(nodes: dict[str, AlertDesk], times, areas=("JPN-EEZ",), members=MEMBERS):
    """Every node assesses the same threat each period, then hears what the others issued (as the fabric delivers)."""
    issued = []
    for t in times:
        out = []
        for d in nodes.values():
            d.follow("S1", members)
            out += d.observe("S1", t, assessment(t, areas)) + d.release_due(t)
        for w in out:
            for d in nodes.values():
                d.heard(w)
        issued += out
    return issued


def test_the_chain_puts_the_owner_first_then_the_hub():
    a = Authority("KOR", "USA", NATIONS)
    assert a.chain("JPN") == ["JPN", "USA", "KOR"] and a.rank("JPN") == 2
    assert a.chain("KOR") == ["KOR", "USA", "JPN"] and a.rank("KOR") == 0
    assert a.chain(LAUNCH) == ["USA", "JPN", "KOR"] and a.rank(LAUNCH) == 2
    assert a.chain("USA") == ["USA", "JPN", "KOR"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"nation": "AUS"}, "Authority.nation"),
        ({"hub": "AUS"}, "Authority.hub"),
        ({"nations": ("USA", "JPN", "JPN", "KOR")}, "names a nation twice"),
        ({"grace_s": -1.0}, "grace_s"),
    ],
)
def test_bad_authority_is_refused_by_name(kwargs, message):
    args = {"nation": "JPN", "hub": "USA", "nations": NATIONS, **kwargs}
    with pytest.raises(ValueError, match=message):
        Authority(**args)
    with pytest.raises(ValueError, match="unknown scope"):
        Authority("JPN", "USA", NATIONS).chain("PHL")


def test_all_nodes_up_one_launch_alert_from_the_hub_and_one_warning_from_the_threatened_nation():
    issued = run(desks(*NATIONS), [300.0 + 4 * k for k in range(10)])
    assert sorted({(w.issuer, w.scope) for w in issued}) == [("JPN", "JPN"), ("USA", LAUNCH)]
    assert len({w.warning_id for w in issued}) == 2  # two alerts in all, each with its revisions
    first = [w for w in issued if w.scope == "JPN"][0]
    assert (first.kind, first.areas, first.time_s) == ("threat", ["JPN-EEZ"], 300.0)  # no later than before
    assert first.tracks == ["JPN/JPN-0043", "KOR/KOR-0123", "USA/USA-0020"]


def test_threatened_nation_down_the_hub_warns_on_its_behalf_after_the_grace():
    issued = run(desks("USA", "KOR"), [300.0 + 4 * k for k in range(10)])
    jpn = [w for w in issued if w.scope == "JPN"]
    assert {w.issuer for w in jpn} == {"USA"} and jpn[0].time_s == 308.0 and jpn[0].areas == ["JPN-EEZ"]
    assert {w.issuer for w in issued if w.scope == LAUNCH} == {"USA"}


def test_hub_down_the_next_nation_announces_the_launch_and_the_owner_still_warns():
    issued = run(desks("JPN", "KOR"), [300.0 + 4 * k for k in range(10)])
    assert {(w.issuer, w.scope) for w in issued} == {("JPN", LAUNCH), ("JPN", "JPN")}
    assert [w.kind for w in issued if w.scope == LAUNCH][0] == "launch"


def test_owner_and_hub_down_the_last_nation_stands_in_for_both():
    issued = run(desks("KOR"), [300.0 + 4 * k for k in range(10)])
    assert {(w.issuer, w.scope, w.time_s) for w in issued if w.revision == 1} == {
        ("KOR", LAUNCH, 316.0),
        ("KOR", "JPN", 316.0),
    }


def test_a_stand_in_never_issues_what_it_saw_withdrawn_within_the_grace():
    nodes = desks("USA", "KOR", clear_n=1)
    issued = run(nodes, [300.0], areas=("JPN-EEZ",))
    issued += run(nodes, [304.0, 308.0, 312.0, 316.0], areas=())
    assert [w for w in issued if w.scope == "JPN"] == []


def test_a_partner_alert_about_the_same_object_in_another_picture_is_recognised_by_a_shared_member():
    nodes = desks(*NATIONS)
    # KOR's picture holds only its own track of the object; it still recognises JPN's alert.
    issued = []
    for t in [300.0 + 4 * k for k in range(8)]:
        out = []
        for n, d in nodes.items():
            members = [("KOR", "KOR-0123")] if n == "KOR" else MEMBERS
            d.follow("S1", members)
            out += d.observe("S1", t, assessment(t)) + d.release_due(t)
        for w in out:
            for d in nodes.values():
                d.heard(w)
        issued += out
    assert sorted({(w.issuer, w.scope) for w in issued}) == [("JPN", "JPN"), ("USA", LAUNCH)]


def test_a_standalone_desk_issues_everything_itself_as_one_alert_per_track():
    alone = {n: AlertDesk.standalone(n, confirm_n=1, mature_s=0.0) for n in NATIONS}
    issued = run(alone, [300.0, 304.0])
    assert {(w.issuer, w.scope) for w in issued} == {(n, "") for n in NATIONS}
    assert [(w.kind, w.areas) for w in issued if w.issuer == "KOR"] == [("launch", []), ("threat", ["JPN-EEZ"])]
