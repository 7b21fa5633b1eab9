"""Two co-flying objects part: a nation's two tracks are traded between their system tracks, no third is made.

A warhead (A) and its stage (B) fly metres apart; each nation's two tracks joined the two system
tracks by a coin toss, so S001 holds USA's and KOR's tracks of A beside JPN's of B, and S002
JPN's of A beside USA's of B. When the air parts them, the trade (fusion.swaps) exchanges JPN's
two tracks; the split rule alone would renumber one of them (an id switch).
"""

from __future__ import annotations

import numpy as np
import pytest

from triwatch.fusion import swaps
from triwatch.fusion.picture import AlliedPicture
from triwatch.fusion.system_track import Member, SystemTrack
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport

R0 = geodetic_to_ecef(np.radians(38.0), np.radians(134.0), 60e3)
V0 = np.array([-2000.0, 1000.0, -3000.0])
ALONG = V0 / np.linalg.norm(V0)


def report(track_id: str, r: np.ndarray, t: float, sigma: float = 200.0) -> TrackReport:
    P = np.diag([sigma**2] * 3 + [20.0**2] * 3)
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, V0]), P=P.tolist(), status="confirmed")


def _crossed_picture() -> AlliedPicture:
    pic = AlliedPicture("KOR")
    for tid in ("USA-a", "KOR-a", "JPN-b", "JPN-a", "USA-b"):  # all at one point: a coin toss
        pic.ingest(tid[:3], report(tid, R0, 100.0))
    members = {n: sorted(k[1] for k in st.members) for n, st in pic.tracks.items()}
    assert members == {"KOR-S001": ["JPN-b", "KOR-a", "USA-a"], "KOR-S002": ["JPN-a", "USA-b"]}
    return pic


def _part(pic: AlliedPicture, steps: int) -> None:
    """B falls behind A by 3 km a second (drag), every track reporting its own object each second."""
    for k in range(1, steps + 1):
        t = 100.0 + k
        a, b = R0 + V0 * k, R0 + V0 * k - 3e3 * k * ALONG
        for tid in ("USA-a", "KOR-a", "JPN-b", "JPN-a", "USA-b"):
            pic.ingest(tid[:3], report(tid, a if tid.endswith("a") else b, t))


def test_parted_objects_trade_one_nations_tracks_instead_of_renumbering():
    pic = _crossed_picture()
    _part(pic, 8)
    members = {n: sorted(k[1] for k in st.members) for n, st in pic.tracks.items() if st.members}
    assert members == {"KOR-S001": ["JPN-a", "KOR-a", "USA-a"], "KOR-S002": ["JPN-b", "USA-b"]}


def test_no_trade_when_the_other_system_track_is_one_object():
    # S002 consistent (both its members on B): JPN-b off A's fellows is simply split, not traded
    a = SystemTrack("S1", members={})
    b = SystemTrack("S2", members={})
    for key, st, r in ((("USA", "USA-a"), a, R0), (("KOR", "KOR-a"), a, R0), (("JPN", "JPN-b"), a, R0)):
        st.members[key] = Member(key[0], report(key[1], r, 100.0), np.r_[r, V0], np.diag([200.0**2] * 3 + [400.0] * 3))
    far = R0 - 30e3 * ALONG
    for key in (("JPN", "JPN-c"), ("USA", "USA-c")):
        b.members[key] = Member(
            key[0], report(key[1], far, 100.0), np.r_[far, V0], np.diag([200.0**2] * 3 + [400.0] * 3)
        )
    latest = Member(
        "JPN",
        report("JPN-b", far + 10e3 * ALONG, 101.0),
        np.r_[far + 10e3 * ALONG, V0],
        np.diag([4e4] * 3 + [400.0] * 3),
    )
    allowance = np.zeros((3, 3))
    assert swaps.find_trade(("JPN", "JPN-b"), latest, a, [b], 15.0, allowance, 16.27) is None


def test_a_lone_member_is_consistent_with_nothing_to_tell():
    m = Member("JPN", report("JPN-a", R0, 100.0), np.r_[R0, V0], np.eye(6))
    assert not swaps.consistent({("JPN", "JPN-a"): m}, np.zeros((3, 3)), 16.27)
    assert swaps.misfit_d2(m, [], np.zeros((3, 3))) == 0.0
    with pytest.raises(ValueError):
        swaps.misfit_d2(m, [m], np.zeros((2, 2)))
