"""The merge and fragment rules of the allied picture, and numbers that stay put."""

import numpy as np
import pytest

from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport


def report(track_id: str, r: np.ndarray, v: np.ndarray, t: float, sigma: float = 500.0) -> TrackReport:
    P = np.diag([sigma**2] * 3 + [50.0**2] * 3)
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, v]), P=P.tolist(), status="confirmed")


R0 = geodetic_to_ecef(np.radians(40.0), np.radians(132.0), 300e3)
V0 = np.array([1000.0, 2000.0, 500.0])
FAR = np.array([200e3, 0.0, 0.0])


def started_apart(pic: AlliedPicture) -> None:
    """JPN sees the object at R0; KOR's first report is 200 km off (a poor first fix), so it starts its own track."""
    pic.ingest("JPN", report("JPN-0001", R0, V0, 100.0))
    pic.ingest("KOR", report("KOR-0001", R0 + FAR, V0, 100.0))
    assert len(pic.tracks) == 2


def test_two_system_tracks_that_agree_for_n_updates_merge_into_the_older_number():
    pic = AlliedPicture("USA", merge_after=3)
    started_apart(pic)
    # KOR's track comes onto the object; the two system tracks now agree in position and velocity.
    pic.ingest("KOR", report("KOR-0001", R0 + V0, V0, 101.0))  # agreement 1
    pic.ingest("JPN", report("JPN-0001", R0 + 2 * V0, V0, 102.0))  # agreement 2
    assert len(pic.tracks) == 2
    st = pic.ingest("KOR", report("KOR-0001", R0 + 2 * V0, V0, 102.0))  # agreement 3: merge
    assert list(pic.tracks) == ["USA-S001"]
    assert st.number == "USA-S001"
    assert st.pedigree == ["JPN", "KOR"]
    assert pic.merged == {"USA-S002": "USA-S001"}
    # Later reports of both nations land in the surviving number.
    assert pic.ingest("KOR", report("KOR-0001", R0 + 3 * V0, V0, 103.0)).number == "USA-S001"
    assert pic.ingest("JPN", report("JPN-0001", R0 + 3 * V0, V0, 103.0)).number == "USA-S001"


def test_merge_keeps_the_older_number_whichever_track_is_updated():
    pic = AlliedPicture("JPN", merge_after=1)
    started_apart(pic)
    st = pic.ingest("KOR", report("KOR-0001", R0 + V0, V0, 101.0))  # the younger track triggers it
    assert st.number == "JPN-S001"
    assert set(st.members) == {("JPN", "JPN-0001"), ("KOR", "KOR-0001")}


def test_one_disagreement_restarts_the_count():
    pic = AlliedPicture("USA", merge_after=3)
    started_apart(pic)
    pic.ingest("KOR", report("KOR-0001", R0 + V0, V0, 101.0))  # agreement 1
    pic.ingest("JPN", report("JPN-0001", R0 + 2 * V0, V0, 102.0))  # agreement 2
    pic.ingest("KOR", report("KOR-0001", R0 + 2 * V0 + FAR, V0, 102.0))  # apart again: count reset
    pic.ingest("KOR", report("KOR-0001", R0 + 3 * V0, V0, 103.0))  # agreement 1
    pic.ingest("JPN", report("JPN-0001", R0 + 3 * V0, V0, 103.0))  # agreement 2
    assert len(pic.tracks) == 2


def test_tracks_that_cross_with_different_velocities_do_not_merge():
    pic = AlliedPicture("USA", merge_after=2)
    pic.ingest("JPN", report("JPN-0001", R0, V0, 100.0))
    pic.ingest("KOR", report("KOR-0001", R0 + FAR, -V0, 100.0))
    for k in range(1, 6):
        pic.ingest("JPN", report("JPN-0001", R0 + k * V0, V0, 100.0 + k))
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0 + np.array([300.0, 0, 0]), -V0, 100.0 + k))
    assert len(pic.tracks) == 2


def test_no_merge_while_one_nation_holds_a_live_track_in_each():
    # JPN tracks two objects 300 m apart (a warhead and its spent stage): they are two, however close.
    pic = AlliedPicture("KOR", merge_after=2)
    for k in range(10):
        t = 100.0 + k
        pic.ingest("JPN", report("JPN-0001", R0 + k * V0, V0, t))
        pic.ingest("JPN", report("JPN-0002", R0 + k * V0 + np.array([300.0, 0, 0]), V0, t))
    assert sorted(pic.tracks) == ["KOR-S001", "KOR-S002"]


def test_a_new_fragment_replaces_its_superseded_predecessor():
    pic = AlliedPicture("USA", superseded_s=10.0, stale_s=30.0)
    for k in range(6):
        pic.ingest("JPN", report("JPN-0001", R0 + k * V0, V0, 100.0 + k))
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0, V0, 100.0 + k))
    # JPN's tracker loses the object at 105 s; KOR keeps it; at 120 s JPN picks it up as a new track.
    for k in range(6, 21):
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0, V0, 100.0 + k))
    st = pic.ingest("JPN", report("JPN-0002", R0 + 20 * V0, V0, 120.0))
    assert st.number == "USA-S001"
    assert set(st.members) == {("KOR", "KOR-0001"), ("JPN", "JPN-0002")}
    assert st.pedigree == ["JPN", "KOR"]
    assert list(pic.tracks) == ["USA-S001"]


def test_a_second_track_of_a_nation_within_the_superseded_time_is_another_object():
    pic = AlliedPicture("USA", superseded_s=10.0)
    for k in range(6):
        pic.ingest("JPN", report("JPN-0001", R0 + k * V0, V0, 100.0 + k))
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0, V0, 100.0 + k))
    # JPN-0001 was heard 4 s ago: JPN's new track is a second object, not a fragment.
    st = pic.ingest("JPN", report("JPN-0002", R0 + 9 * V0, V0, 109.0))
    assert st.number == "USA-S002"
    assert ("JPN", "JPN-0001") in pic.tracks["USA-S001"].members


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"superseded_s": 40.0}, "superseded_s: 40.0 s is longer than stale_s 30.0 s"),
        ({"merge_after": 0}, "merge_after: must be >= 1, got 0"),
        ({"split_after": 0}, "split_after: must be >= 1, got 0"),
        ({"merge_gate": -1.0}, "merge_gate: must be > 0, got -1.0"),
        ({"stale_s": 0.0}, "stale_s: must be > 0, got 0.0"),
    ],
)
def test_bad_settings_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AlliedPicture("JPN", **kwargs)


def test_a_merge_drops_a_member_that_a_fragment_of_its_nation_superseded():
    pic = AlliedPicture("USA", superseded_s=10.0, merge_after=3)
    for k in range(6):
        pic.ingest("JPN", report("JPN-0001", R0 + k * V0, V0, 100.0 + k))
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0, V0, 100.0 + k))
    # JPN loses the object at 105 s and starts a new track from a poor fix 200 km off: its own system track.
    assert pic.ingest("JPN", report("JPN-0002", R0 + 6 * V0 + FAR, V0, 106.0)).number == "USA-S002"
    for k in range(7, 20):
        pic.ingest("KOR", report("KOR-0001", R0 + k * V0, V0, 100.0 + k))
        st = pic.ingest("JPN", report("JPN-0002", R0 + k * V0, V0, 100.0 + k))
        if k <= 15:  # JPN-0001 was heard within 10 s: JPN holds two tracks, so no merge yet
            assert st.number == "USA-S002"
    assert list(pic.tracks) == ["USA-S001"]
    assert set(pic.tracks["USA-S001"].members) == {("KOR", "KOR-0001"), ("JPN", "JPN-0002")}
