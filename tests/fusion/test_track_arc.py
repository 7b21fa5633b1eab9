"""The arc of a system track: how long its best live member has been tracked."""

import numpy as np

from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport

R0 = geodetic_to_ecef(np.radians(40.0), np.radians(132.0), 300e3)
V0 = np.array([1000.0, 2000.0, 500.0])


def report(track_id: str, t: float) -> TrackReport:
    P = np.diag([500.0**2] * 3 + [50.0**2] * 3)
    r = R0 + V0 * (t - 100.0)  # a short straight-line stretch is enough for these gates
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, V0]), P=P.tolist(), status="confirmed")


def test_arc_is_the_longest_live_member_span():
    pic = AlliedPicture("JPN", stale_s=30.0)
    for t in (100.0, 104.0, 108.0, 112.0):
        st = pic.ingest("JPN", report("JPN-0001", t))
    assert st.arc_s(112.0, 30.0) == 12.0
    st = pic.ingest("KOR", report("KOR-0007", 112.0))  # a partner joins late: its own arc is 0
    assert st.pedigree == ["JPN", "KOR"]
    assert st.arc_s(112.0, 30.0) == 12.0
    assert st.members[("KOR", "KOR-0007")].arc_s == 0.0


def test_a_stale_member_no_longer_lends_its_arc():
    pic = AlliedPicture("JPN", stale_s=30.0)
    for t in (100.0, 110.0, 120.0):
        st = pic.ingest("JPN", report("JPN-0001", t))
    assert st.arc_s(120.0, 30.0) == 20.0
    assert st.arc_s(151.0, 30.0) == 0.0  # nothing live: no settled arc


def test_a_track_heard_again_after_a_long_silence_starts_a_new_arc():
    pic = AlliedPicture("USA", stale_s=30.0)
    for t in (100.0, 110.0, 120.0):
        pic.ingest("USA", report("USA-0021", t))
    st = pic.ingest("USA", report("USA-0021", 400.0))  # coasted unseen for 280 s, then updated again
    assert st.members[("USA", "USA-0021")].arc_s == 0.0
    st = pic.ingest("USA", report("USA-0021", 410.0))
    assert st.members[("USA", "USA-0021")].arc_s == 10.0
