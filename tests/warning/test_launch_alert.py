"""One launch alert and one warning per threatened nation per launch, however many objects the launch becomes."""

import numpy as np
from coasting import P_TIGHT, coasting_path

from triwatch.messages import Ellipse, GroundPoint
from triwatch.warning.assessment import Assessment
from triwatch.warning.authority import LAUNCH, Authority
from triwatch.warning.desk import AlertDesk
from triwatch.warning.launch_state import ObjectState

NATIONS = ("USA", "JPN", "KOR")
ELLIPSE = Ellipse(lat_deg=39.08, lon_deg=134.92, semi_major_m=2500.0, semi_minor_m=900.0, orientation_deg=80.0)
WARHEAD = [("USA", "U1"), ("JPN", "J1")]
STAGE = [("USA", "U2"), ("JPN", "J2")]
STAGE_PARENTS = {("USA", "U2"): "U1", ("JPN", "J2"): "J1"}


def assessment(t, impact=("JPN-EEZ",), impact_time=1530.0):
    return Assessment(t, 0.682, 2.355, impact_time, ELLIPSE, list(impact), [], [])


def japan() -> AlertDesk:
    return AlertDesk(Authority("JPN", "JPN", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0)


def step(desk, t, objects):
    """objects: system track -> (members, parents, impact areas or None when not assessed)."""
    out = []
    for st, (members, parents, areas) in objects.items():
        desk.follow(st, members, parents)
        out += desk.observe(st, t, None if areas is None else assessment(t, areas))
    return out + desk.release_due(t)


def test_a_stage_becoming_its_own_system_track_updates_the_launchs_warning_instead_of_duplicating_it():
    desk = japan()
    out = step(desk, 300.0, {"S1": (WARHEAD, {}, ("JPN-EEZ",))})
    # The stage separates: a second system track, its tracks born from the warhead's.
    out += step(desk, 304.0, {"S1": (WARHEAD, {}, ("JPN-EEZ",)), "S2": (STAGE, STAGE_PARENTS, ("JPN-EEZ",))})
    # It is going to fall somewhere else: the same warning is corrected, naming the new area too.
    out += step(desk, 308.0, {"S1": (WARHEAD, {}, ("JPN-EEZ",)), "S2": (STAGE, STAGE_PARENTS, ("JPN-land",))})
    launch = [w for w in out if w.scope == LAUNCH]
    warning = [w for w in out if w.scope == "JPN"]
    assert [w.kind for w in launch] == ["launch"]
    assert len({w.warning_id for w in warning}) == 1
    assert [(w.kind, w.areas, w.revision) for w in warning] == [
        ("threat", ["JPN-EEZ"], 1),
        ("correction", ["JPN-EEZ", "JPN-land"], 2),
    ]
    # It carries the launch's first object (the payload's track) and names every object's tracks.
    assert warning[-1].system_track == "S1" and warning[-1].tracks == ["JPN/J1", "JPN/J2", "USA/U1", "USA/U2"]


def test_without_lineage_two_objects_are_two_launches():
    desk = japan()
    out = step(desk, 300.0, {"S1": (WARHEAD, {}, ("JPN-EEZ",)), "S2": (STAGE, {}, ("JPN-EEZ",))})
    assert len({w.warning_id for w in out if w.scope == LAUNCH}) == 2


def test_an_object_that_leaves_the_launch_takes_its_area_with_it():
    desk = japan()
    both = {"S1": (WARHEAD, {}, ("JPN-EEZ",)), "S2": ([("USA", "U2")], {("USA", "U2"): "U1"}, ("JPN-land",))}
    out = step(desk, 300.0, both)
    # Japan's own tracker sees the second object and ties it to nothing: a second launch.
    both["S2"] = ([("USA", "U2"), ("JPN", "J7")], {("USA", "U2"): "U1"}, ("JPN-land",))
    out += step(desk, 304.0, both)
    first, second = sorted({w.warning_id for w in out if w.scope == "JPN"})
    assert [(w.kind, w.areas) for w in out if w.warning_id == first] == [
        ("threat", ["JPN-EEZ"]),
        ("correction", ["JPN-EEZ", "JPN-land"]),  # the second object, believed part of this launch
        ("correction", ["JPN-EEZ"]),  # no longer: its area leaves this launch's warning ...
    ]
    assert [(w.kind, w.areas) for w in out if w.warning_id == second] == [("threat", ["JPN-land"])]  # ... for its own
    assert len({w.warning_id for w in out if w.scope == LAUNCH}) == 2


def test_the_launch_closes_with_one_impact_and_one_all_clear_after_its_last_object():
    desk = japan()
    objects = {"S1": (WARHEAD, {}, ("JPN-EEZ",)), "S2": (STAGE, STAGE_PARENTS, ("JPN-EEZ",))}
    out = step(desk, 300.0, objects)
    out += step(desk, 1540.0, {"S1": objects["S1"]}) + desk.lost("S2", 1540.0)
    out += desk.lost("S1", 1560.0) + desk.lost("S2", 1560.0)
    kinds = [(w.scope, w.kind) for w in out]
    assert kinds.count((LAUNCH, "launch")) == 1 and kinds.count(("JPN", "threat")) == 1
    assert kinds.count((LAUNCH, "impact")) == 1 and kinds.count(("JPN", "impact")) == 1
    assert kinds.count((LAUNCH, "all-clear")) == 1 and kinds.count(("JPN", "all-clear")) == 1
    assert [w.areas for w in out if w.scope == "JPN" and w.kind == "all-clear"] == [["JPN-EEZ"]]


def test_a_launchs_revision_says_what_its_areas_rest_on():
    desk = japan()
    out = step(desk, 300.0, {"S1": (WARHEAD, {}, ("JPN-EEZ",))})
    assert [(w.kind, w.basis) for w in out] == [("launch", ""), ("threat", "ballistic")]


def test_a_launch_alert_said_before_the_launch_point_was_known_carries_it_on_its_later_revisions():
    usa = AlertDesk(Authority("USA", "USA", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0)
    usa.follow("S1", WARHEAD, {})
    first = [w for w in usa.observe("S1", 100.0, None) if w.scope == LAUNCH]
    assert [w.kind for w in first] == ["launch"] and first[0].launch is None
    point = GroundPoint(lat_deg=40.0, lon_deg=125.0, time_s=60.0, cov_en_m2=[[1e6, 0.0], [0.0, 1e6]])
    later = usa.observe("S1", 1600.0, assessment(1600.0, impact_time=1530.0), launch=point)
    later += usa.release_due(1600.0)
    revised = [w for w in later if w.scope == LAUNCH]
    assert revised, "the launch alert is revised once its impact time has passed"
    assert all(w.launch == point for w in revised)


def test_when_launches_merge_the_alert_said_first_carries_on_and_the_other_is_withdrawn_as_a_merge():
    from triwatch.warning.launch_alert import Cause, PublicAlert, merge

    early = PublicAlert(LAUNCH, "E1", "USA-W001", revision=1, said_s=100.0)
    late = PublicAlert(LAUNCH, "E2", "USA-W003", revision=1, said_s=204.0)
    kept, msgs = merge([late, early], "E2", Cause(392.0, "S3"), "USA")
    assert kept is early and kept.event == "E2" and kept.warning_id == "USA-W001" and not kept.closed
    assert [(m.warning_id, m.revision, m.kind, m.text) for m in msgs] == [
        ("USA-W003", 2, "withdrawal", "Superseded by USA-W001: the same launch")
    ]
    # One never said ends silently, and a said one carries on even when the keeping event's alert is unsaid.
    unsaid = PublicAlert(LAUNCH, "E1")
    said = PublicAlert(LAUNCH, "E2", "USA-W003", revision=1, said_s=204.0)
    kept, msgs = merge([unsaid, said], "E1", Cause(392.0, "S3"), "USA")
    assert kept is said and kept.event == "E1" and msgs == [] and unsaid.closed


def test_a_launch_alert_carries_the_object_holding_the_most_energy_whatever_its_lineage():
    desk = japan()
    stage_ellipse = Ellipse(lat_deg=38.98, lon_deg=153.9, semi_major_m=9e3, semi_minor_m=3e3, orientation_deg=80.0)
    # The tracker kept the parent id on the spent stage (S1); the warhead is the child (S2). The stage
    # dropped 300 m/s short of the warhead's speed (it burnt out first): less energy.
    t = np.array([300.0])
    warhead_x = coasting_path(t)[0]
    stage_x = coasting_path(t, kick_at=100.0, kick=-300.0 * warhead_x[3:] / np.linalg.norm(warhead_x[3:]))[0]
    desk.follow("S1", WARHEAD, {}, state=ObjectState(300.0, stage_x, P_TIGHT))
    desk.follow("S2", STAGE, STAGE_PARENTS, state=ObjectState(300.0, warhead_x, P_TIGHT))
    stage = Assessment(300.0, 0.68, 2.69, 900.0, stage_ellipse, ["JPN-EEZ"], [], [])
    out = desk.observe("S1", 300.0, stage)  # only the stage is assessed yet: the threat carries it
    out += desk.observe("S2", 304.0, assessment(304.0, impact=("JPN-land",), impact_time=1374.0))
    named = [(w.kind, w.system_track, w.impact) for w in out if w.scope == "JPN"]
    assert named == [("threat", "S1", stage_ellipse), ("correction", "S2", ELLIPSE)]
    out = desk.observe("S1", 308.0, stage)  # a change caused by the stage still carries the warhead
    assert all(w.system_track == "S2" and w.impact == ELLIPSE for w in out)
    out = desk.lost("S1", 910.0) + desk.lost("S2", 1000.0)  # the warhead's track is lost before it lands ...
    assert [w.kind for w in out if w.scope == LAUNCH] == []  # ... so the launch alert stays open
    out = desk.lost("S2", 1380.0)
    closing = [w for w in out if w.scope == LAUNCH]
    assert [w.kind for w in closing] == ["all-clear"] and closing[-1].impact == ELLIPSE  # where the warhead fell


def test_node_restart_and_link_heal_keep_one_launch_alert_everywhere():
    # irbm-2022-10-04-faults at the hub (USA), reduced: KOR down 140-200 s, USA-JPN cut 200-260 s.
    usa = AlertDesk(Authority("USA", "USA", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0)
    out = []

    def see(t, st, members, parents, live):
        usa.follow(st, members, parents, live=live)
        return usa.observe(st, t, None)

    out += see(
        100.0,
        "S1",
        [("USA", "U9"), ("KOR", "K17"), ("JPN", "J19")],
        {},
        {("USA", "U9"): 36.0, ("KOR", "K17"): 40.0, ("JPN", "J19"): 80.0},
    )
    # 204 s: KOR is back; its old track K17 took one late report as the node came up; it re-acquired the
    # stage (K20) and the warhead (K21) under new ids. USA's tracker moved U9 to the stage and its child
    # U17 to the warhead. The fusion holds three system tracks.
    late = {("KOR", "K17"): 198.0, ("JPN", "J19"): 80.0}
    out += see(204.0, "S1", [("KOR", "K17"), ("JPN", "J19")], {}, late)
    out += see(
        204.0,
        "S2",
        [("KOR", "K20"), ("USA", "U17")],
        {("USA", "U17"): "U9"},
        {("KOR", "K20"): 200.0, ("USA", "U17"): 200.0},
    )
    out += see(204.0, "S3", [("KOR", "K21"), ("USA", "U9")], {}, {("KOR", "K21"): 200.0, ("USA", "U9"): 36.0})
    # 248 s: KOR's tracker gives the warhead a child track (K28 of K21), the stage stays K20.
    out += see(
        248.0,
        "S3",
        [("KOR", "K28"), ("USA", "U20")],
        {("KOR", "K28"): "K21", ("USA", "U20"): "U17"},
        {("KOR", "K28"): 242.0, ("USA", "U20"): 235.0},
    )
    out += see(248.0, "S2", [("KOR", "K20"), ("USA", "U9")], {}, {("KOR", "K20"): 200.0, ("USA", "U9"): 36.0})
    out += usa.release_due(248.0)
    assert [(w.warning_id, w.kind) for w in out if w.scope == LAUNCH] == [("USA-W001", "launch")]


def test_a_track_confirmed_on_clutter_is_no_launch_to_announce():
    usa = AlertDesk(Authority("USA", "USA", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0)
    missile = coasting_path(np.array([300.0]))[0]  # the launch's warhead, 300 s into its flight
    usa.follow("S1", WARHEAD, {}, state=ObjectState(1308.0, missile, P_TIGHT))
    out = usa.observe("S1", 1308.0, None)
    clutter = np.concatenate([missile[:3] + 500e3, [69.6e3, 0.0, 0.0]])
    usa.follow(
        "S6", [("KOR", "K129")], {}, state=ObjectState(1308.0, clutter, np.diag([1235.0**2] * 3 + [22e3**2] * 3))
    )
    out += usa.observe("S6", 1308.0, None)
    out += usa.lost("S6", 1340.0)
    assert [(w.kind, w.system_track) for w in out if w.scope == LAUNCH] == [("launch", "S1")]


def test_revisions_caused_by_a_lost_track_carry_the_launch_point_the_launch_already_had():
    usa = AlertDesk(Authority("USA", "USA", NATIONS), confirm_n=1, clear_n=1, mature_s=0.0)
    usa.follow("S1", WARHEAD, {})
    point = GroundPoint(lat_deg=40.0, lon_deg=125.0, time_s=60.0, cov_en_m2=[[1e6, 0.0], [0.0, 1e6]])
    said = usa.observe("S1", 100.0, assessment(100.0, impact_time=600.0), launch=point, category="IRBM")
    assert [w.launch for w in said if w.scope == LAUNCH] == [point]
    # The track has left the picture; its alerts close once its impact time has passed, with no new assessment.
    assert usa.lost("S1", 200.0) == []
    closing = usa.lost("S1", 700.0) + usa.release_due(700.0)
    closed = [w for w in closing if w.scope == LAUNCH and w.warning_id == said[0].warning_id]
    assert closed, "the lost track's launch alert is closed after its impact time"
    assert all(w.launch == point for w in closed)
