import numpy as np

from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport


def report(track_id: str, r: np.ndarray, v: np.ndarray, t: float, sigma: float = 500.0) -> TrackReport:
    P = np.diag([sigma**2] * 3 + [50.0**2] * 3)
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, v]), P=P.tolist(), status="confirmed")


R0 = geodetic_to_ecef(np.radians(40.0), np.radians(132.0), 300e3)
V0 = np.array([1000.0, 2000.0, 500.0])


def test_two_nations_tracks_of_one_missile_share_a_system_track():
    pic = AlliedPicture("JPN")
    a = pic.ingest("JPN", report("JPN-0001", R0, V0, 100.0))
    b = pic.ingest("KOR", report("KOR-0001", R0 + np.array([800.0, -300.0, 200.0]), V0, 100.0))
    assert a.number == b.number == "JPN-S001"
    assert a.pedigree == ["JPN", "KOR"]


def test_far_apart_tracks_and_same_nation_tracks_stay_separate():
    pic = AlliedPicture("USA")
    a = pic.ingest("USA", report("USA-0001", R0, V0, 100.0))
    b = pic.ingest("KOR", report("KOR-0001", R0 + np.array([200e3, 0, 0]), V0, 100.0))
    c = pic.ingest("USA", report("USA-0002", R0 + np.array([100.0, 0, 0]), V0, 100.0))
    assert len({a.number, b.number, c.number}) == 3


def test_system_track_number_is_stable_across_updates():
    pic = AlliedPicture("KOR")
    first = pic.ingest("KOR", report("KOR-0001", R0, V0, 100.0)).number
    pic.ingest("JPN", report("JPN-0001", R0, V0, 100.0))
    again = pic.ingest("KOR", report("KOR-0001", R0 + 10 * V0, V0, 110.0)).number
    assert again == first
    assert len(pic.active(110.0)) == 1
    assert pic.active(200.0) == []


def test_member_that_drifts_away_is_split_off():
    # JPN and KOR tracks start together (a warhead and its stage just after separation), then diverge.
    pic = AlliedPicture("USA", split_after=2)
    pic.ingest("JPN", report("JPN-0001", R0, V0, 100.0))
    pic.ingest("KOR", report("KOR-0001", R0, V0, 100.0))
    assert len(pic.tracks) == 1
    for k in range(1, 5):
        t = 100.0 + k
        drift = np.array([0.0, 0.0, 20e3 * k])
        pic.ingest("JPN", report("JPN-0001", R0 + V0 * k, V0, t))
        st = pic.ingest("KOR", report("KOR-0001", R0 + V0 * k + drift, V0, t))
    assert st.pedigree == ["KOR"]
    assert len(pic.active(104.0)) == 2
