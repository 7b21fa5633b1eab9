"""System tracks grouped into launches by the lineage their national tracks carry."""

import pytest

from triwatch.warning.launch_events import LaunchEvents


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
