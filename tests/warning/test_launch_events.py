"""System tracks grouped into launches by the lineage their national tracks carry."""

import numpy as np
import pytest
from coasting import P_TIGHT, coasting_path

from triwatch.geo.frames import geodetic_to_ecef
from triwatch.warning.launch_events import LaunchEvents
from triwatch.warning.launch_state import ObjectState


def test_a_stage_whose_tracks_name_the_warheads_tracks_as_parents_is_the_same_launch():
    ev = LaunchEvents()
    a = ev.update("S1", [("USA", "U1"), ("KOR", "K1")], {})
    b = ev.update("S2", [("USA", "U2"), ("KOR", "K2")], {("USA", "U2"): "U1", ("KOR", "K2"): "K1"})
    assert a == b
    assert ev.keys_of(a) == ["KOR/K1", "KOR/K2", "USA/U1", "USA/U2"]


def test_lineage_links_both_ways_after_the_trackers_exchanged_ids():
    # The tracker moved the parent id onto the payload: the warhead's track now names the stage's as parent.
    ev = LaunchEvents()
    stage = ev.update("S1", [("USA", "U10")], {})
    warhead = ev.update("S2", [("USA", "U20"), ("JPN", "J29")], {("USA", "U20"): "U10"})
    assert warhead == stage


def test_unrelated_tracks_are_separate_launches():
    ev = LaunchEvents()
    assert ev.update("S1", [("USA", "U1")], {}) != ev.update("S2", [("USA", "U2")], {})


def test_a_second_missile_wrongly_tied_to_the_first_leaves_when_another_nation_sees_two_objects():
    ev = LaunchEvents()
    first = ev.update("S1", [("USA", "U9"), ("KOR", "K9")], {})
    # USA's tracker names the first missile as parent of the second (same site, seconds apart) ...
    assert ev.update("S2", [("USA", "U13")], {("USA", "U13"): "U9"}) == first
    # ... KOR tracks both at once and ties neither to the other: two launches.
    second = ev.update("S2", [("USA", "U13"), ("KOR", "K10")], {("USA", "U13"): "U9"})
    assert second != first
    assert ev.events[first].tracks == ["S1"] and ev.events[second].tracks == ["S2"]


def test_a_merge_in_the_picture_joins_two_launch_events_into_the_older():
    ev = LaunchEvents()
    a = ev.update("S1", [("USA", "U1")], {})
    b = ev.update("S2", [("JPN", "J1")], {})
    assert ev.merged("S2", "S1") == (b, a)
    assert ev.event_of("S1") == a and ev.events[a].tracks == ["S1"] and b not in ev.events
    assert ev.keys_of(a) == ["JPN/J1", "USA/U1"]


def test_an_object_seen_after_its_launch_left_the_picture_is_news():
    ev = LaunchEvents()
    a = ev.update("S1", [("USA", "U1")], {})
    ev.retire("S1")
    assert ev.update("S2", [("USA", "U2")], {("USA", "U2"): "U1"}) != a


def test_a_stage_stays_with_its_launch_after_the_warheads_track_has_left_the_picture():
    ev = LaunchEvents()
    a = ev.update("S1", [("USA", "U1")], {})
    assert ev.update("S2", [("USA", "U2")], {("USA", "U2"): "U1"}) == a
    ev.retire("S1")
    assert ev.update("S2", [("USA", "U2")], {("USA", "U2"): "U1"}) == a


def test_a_nation_that_lost_the_lineage_in_an_outage_does_not_outvote_the_two_that_kept_it():
    ev = LaunchEvents()
    warhead = ev.update("S1", [("USA", "U4"), ("JPN", "J15")], {})
    stage = {("USA", "U7"): "U4", ("JPN", "J17"): "J15"}
    assert ev.update("S2", [("USA", "U7"), ("JPN", "J17")], stage) == warhead
    # KOR's node is back and re-acquires both objects, ties neither to the other: one denial, two ties.
    ev.update("S1", [("USA", "U4"), ("JPN", "J15"), ("KOR", "K3")], {})
    assert ev.update("S2", [("USA", "U7"), ("JPN", "J17"), ("KOR", "K24")], stage) == warhead


def test_a_member_that_is_not_a_nation_and_track_id_is_refused_by_name():
    with pytest.raises(ValueError, match=r"update\('S1'\): member \('USA',\) is not a \(nation, track id\) pair"):
        LaunchEvents().update("S1", [("USA",)], {})
    with pytest.raises(ValueError, match="member 'USA/U1'"):
        LaunchEvents().update("S1", ["USA/U1"], {})


def test_an_object_first_seen_falling_is_part_of_the_launch_in_the_air_not_a_new_one():
    ev = LaunchEvents()
    slbm = ev.update("S1", [("USA", "U7"), ("KOR", "K7")], {})
    # The second stage, re-acquired in re-entry by USA and JPN: no lineage at all.
    assert ev.update("S6", [("USA", "U96"), ("JPN", "J161")], {}, falling=True) == slbm
    # Another fragment: USA ties it to the warhead, KOR re-acquired it without lineage.
    assert ev.update("S5", [("USA", "U94"), ("KOR", "K105")], {("USA", "U94"): "U7"}, falling=True) == slbm


def test_an_object_first_seen_falling_with_two_launches_in_the_air_and_no_lineage_stays_apart():
    ev = LaunchEvents()
    a = ev.update("S1", [("USA", "U1")], {})
    b = ev.update("S2", [("USA", "U2")], {})
    c = ev.update("S3", [("JPN", "J9")], {}, falling=True)
    assert len({a, b, c}) == 3


def test_the_payloads_system_track_comes_first_as_far_as_lineage_tells():
    ev = LaunchEvents()
    # The first-seen system track ends up on the stage: its tracks are the separated children.
    e = ev.update("S1", [("USA", "U2"), ("JPN", "J2")], {("USA", "U2"): "U1", ("JPN", "J2"): "J1"})
    assert ev.update("S2", [("USA", "U1"), ("JPN", "J1")], {}) == e
    assert ev.payload_first(e) == ["S2", "S1"]


def test_a_member_gone_stale_denies_nothing():
    ev = LaunchEvents()
    # KOR's node goes down with its track K17 of the missile still in the picture; USA's tracker sees a
    # stage part from the warhead (U17 born of U9) while KOR is silent.
    launch = ev.update("S1", [("USA", "U9"), ("KOR", "K17")], {})
    both = [("KOR", "K20"), ("USA", "U17")]
    # KOR back: its new track K20 sits with U17. K17 is still a member of S1 but reported 60 s ago.
    live = {("KOR", "K20"): 200.0, ("USA", "U17"): 150.0}
    ev.update("S1", [("USA", "U9"), ("KOR", "K17")], {}, live={("USA", "U9"): 36.0})
    assert ev.update("S2", both, {("USA", "U17"): "U9"}, live=live) == launch
    # With K17 counted as live (and watched long before K20), KOR's silence would deny the tie: two launches.
    other = LaunchEvents()
    first = other.update("S1", [("USA", "U9"), ("KOR", "K17")], {}, live={("USA", "U9"): 36.0, ("KOR", "K17"): 40.0})
    assert other.update("S2", both, {("USA", "U17"): "U9"}, live=live) != first


def test_tracks_a_nation_acquired_together_deny_nothing_but_tracks_it_watched_apart_do():
    # KOR back from an outage re-acquires the warhead (K21) and the stage (K20) in the same seconds, and later
    # a child of K21 (K28): it never saw them part, so its lack of lineage is no denial.
    ev = LaunchEvents()
    launch = ev.update("S1", [("USA", "U9"), ("KOR", "K21")], {}, live={("USA", "U9"): 36.0, ("KOR", "K21"): 200.0})
    ev.update(
        "S1",
        [("USA", "U9"), ("KOR", "K28")],
        {("KOR", "K28"): "K21"},
        live={("USA", "U9"): 36.0, ("KOR", "K28"): 242.0},
    )
    stage = [("USA", "U17"), ("KOR", "K20")]
    assert ev.update("S2", stage, {("USA", "U17"): "U9"}, live={("USA", "U17"): 150.0, ("KOR", "K20"): 200.0}) == launch
    # A salvo: KOR held R1 (K9) from 98 s and R2 (K10) from 118 s and tied neither to the other: a denial.
    salvo = LaunchEvents()
    r1 = salvo.update("S1", [("USA", "U9"), ("KOR", "K9")], {}, live={("USA", "U9"): 78.0, ("KOR", "K9"): 98.0})
    r2 = [("USA", "U13"), ("KOR", "K10")]
    assert salvo.update("S2", r2, {("USA", "U13"): "U9"}, live={("USA", "U13"): 98.0, ("KOR", "K10"): 118.0}) != r1


def test_live_members_must_be_members():
    with pytest.raises(ValueError, match=r"update\('S1'\): live members \[\('KOR', 'K1'\)\] are not members"):
        LaunchEvents().update("S1", [("USA", "U1")], {}, live={("KOR", "K1"): 0.0})


def test_a_reacquired_object_without_lineage_rejoins_its_launch_by_its_path():
    ev = LaunchEvents()
    times = np.arange(0.0, 81.0, 4.0)
    for t, x in zip(times, coasting_path(times), strict=True):
        launch = ev.update("S1", [("KOR", "K17")], {}, state=ObjectState(t, x, P_TIGHT))
    ev.retire("S1")  # KOR's node went down: the system track left the picture
    # Back 60 s later, KOR re-acquires the object under a new track id, in a new system track, no lineage.
    x = coasting_path([140.0])[0]
    assert ev.update("S2", [("KOR", "K20")], {}, state=ObjectState(140.0, x, P_TIGHT)) == launch
    # Another object, 20 s behind on the same path (a salvo's next missile), is news.
    x = coasting_path([120.0])[0]
    assert ev.update("S3", [("KOR", "K21")], {}, state=ObjectState(140.0, x, P_TIGHT)) != launch


def test_a_second_missile_burning_apart_from_the_first_is_its_own_launch_whatever_lineage_says():
    r = np.asarray(geodetic_to_ecef(np.radians(40.2), np.radians(124.5), 5e3), float)
    up = r / np.linalg.norm(r)
    P = np.diag([100.0**2] * 3 + [5.0**2] * 3)

    def burning(t, height_m, speed):
        return ObjectState(t, np.concatenate([r + height_m * up, speed * up]), P, thrusting=True)

    ev = LaunchEvents()
    r1 = ev.update("S1", [("USA", "U9")], {}, state=burning(99.0, 12e3, 900.0))
    # USA's tracker ties R2 (U13) to R1 while it is still loose; R1 still burns 12-15 km higher.
    assert ev.update("S2", [("USA", "U13")], {("USA", "U13"): "U9"}, state=burning(99.0, 0.0, 200.0)) == r1
    ev.update("S1", [("USA", "U9")], {}, state=burning(101.0, 14e3, 950.0))
    assert ev.update("S2", [("USA", "U13")], {("USA", "U13"): "U9"}, state=burning(101.0, 500.0, 250.0)) != r1
