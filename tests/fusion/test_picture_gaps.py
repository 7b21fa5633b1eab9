"""System numbers across coverage gaps, a nation's irregular second track, and duplicates (shadows)."""

import numpy as np
import pytest

from triwatch.fusion.national_tracks import NationalTracks
from triwatch.fusion.picture import AlliedPicture
from triwatch.messages import TrackReport
from triwatch.physics.propagate import propagate

R0 = np.array([-3530152.0, 3920631.0, 4399379.0])  # 500 km up over the Sea of Japan
V0 = np.array([-3818.6, 2746.6, 3856.7])  # 6 km/s up, 1 km/s east: a lofted flight, 3,600 km up at 1500 s


def flown(t: float) -> tuple[np.ndarray, np.ndarray]:
    """The ballistic object's state t seconds after (R0, V0): what every nation tracks."""
    r, v = propagate(R0[None], V0[None], t)
    return r[0], v[0]


def report(track_id: str, t: float, offset: np.ndarray | None = None, sigma: float = 300.0) -> TrackReport:
    r, v = flown(t)
    if offset is not None:
        r = r + offset
    P = np.diag([sigma**2] * 3 + [20.0**2] * 3)
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, v]), P=P.tolist(), status="confirmed")


def test_concurrency_tells_a_second_object_from_a_fragment():
    heard = NationalTracks(stale_s=30.0)
    for t in (0.0, 2.0, 4.0):
        heard.heard(("USA", "A"), t)
    heard.heard(("USA", "B"), 3.0)
    assert not heard.concurrent(("USA", "A"), ("USA", "B"))  # B has one report, after A's first: not yet
    heard.heard(("USA", "B"), 20.0)
    assert heard.concurrent(("USA", "A"), ("USA", "B"))  # each reported after the other's first report
    heard.heard(("USA", "C"), 50.0)
    assert heard.succeeds(("USA", "C"), ("USA", "B")) and not heard.concurrent(("USA", "C"), ("USA", "B"))


def test_a_nations_slow_second_track_keeps_its_own_number():
    # USA tracks a warhead and the stage flying metres from it: one track updated every 2 s, the
    # other (after its first three reports) every 16 s. The slow one is never fresh within 10 s of the other's updates, yet the two
    # system tracks must not merge (before: merged, the slow track retired, a new number each time).
    pic = AlliedPicture("USA")
    numbers = set()
    for k in range(0, 200, 2):
        t = float(k)
        numbers.add(pic.ingest("USA", report("USA-0001", t)).number)
        pic.ingest("JPN", report("JPN-0001", t))
        if k % 16 == 0 or k < 6:
            numbers.add(pic.ingest("USA", report("USA-0002", t, np.array([30.0, 0, 0]))).number)
    assert numbers == {"USA-S001", "USA-S002"}
    assert pic.merged == {}


def test_a_track_found_again_after_a_long_gap_takes_the_dormant_number():
    pic = AlliedPicture("KOR")
    for k in range(0, 60, 2):
        pic.ingest("JPN", report("JPN-0001", float(k)))
    assert pic.active(1500.0) == []  # above every radar: nothing heard for 1442 s
    st = pic.ingest("KOR", report("KOR-0009", 1500.0, np.array([2e3, -1e3, 0.0])))
    assert st.number == "KOR-S001"
    assert [s.number for s in pic.active(1500.0)] == ["KOR-S001"]


def test_a_dormant_track_held_for_one_report_or_too_long_ago_is_not_revived():
    pic = AlliedPicture("KOR", dormant_s=1000.0)
    pic.ingest("JPN", report("JPN-0001", 0.0))  # one report: no flight to predict
    assert pic.ingest("KOR", report("KOR-0009", 500.0)).number == "KOR-S002"
    pic = AlliedPicture("KOR", dormant_s=1000.0)
    for k in range(0, 60, 2):
        pic.ingest("JPN", report("JPN-0001", float(k)))
    assert pic.ingest("KOR", report("KOR-0009", 1500.0)).number == "KOR-S002"  # silent 1442 s > 1000 s


def falling_picture() -> tuple[AlliedPicture, np.ndarray]:
    """JPN reports an object falling straight down at 1 km/s from 500 km for 40 s; returns (picture, up)."""
    pic = AlliedPicture("USA")
    up = R0 / np.linalg.norm(R0)
    for k in range(0, 40, 2):
        r, v = propagate(R0[None], -1000.0 * up[None], float(k))
        pic.ingest("JPN", TrackReport("JPN-0001", float(k), list(np.r_[r[0], v[0]]), P_REPORT.tolist(), "confirmed"))
    return pic, up


P_REPORT = np.diag([300.0**2] * 3 + [20.0**2] * 3)


@pytest.mark.parametrize(("t", "number"), [(200.0, "USA-S001"), (700.0, "USA-S002")])
def test_a_dormant_track_predicted_on_the_ground_is_not_revived(t, number):
    # A report exactly where the fall puts the object: at 200 s it still flies (revived); at 700 s
    # the flight is under the ground, the object has landed, and its number is not offered.
    pic, up = falling_picture()
    r, v = propagate(R0[None], -1000.0 * up[None], t)
    st = pic.ingest("USA", TrackReport("USA-0001", t, list(np.r_[r[0], v[0]]), P_REPORT.tolist(), "confirmed"))
    assert st.number == number


def test_a_duplicate_that_dies_unshown_never_appears():
    # KOR's tracker confirms a second track of the object it already tracks, reports it for 8 s and
    # drops its older one: the duplicate is a shadow until it merges into the older number.
    pic = AlliedPicture("USA")
    for k in range(0, 20, 2):
        pic.ingest("USA", report("USA-0001", float(k)))
        pic.ingest("KOR", report("KOR-0001", float(k)))
    shown = set()
    for k in range(20, 60, 2):
        t = float(k)
        pic.ingest("USA", report("USA-0001", t))
        if k == 20:
            pic.ingest("KOR", report("KOR-0001", t))
        pic.ingest("KOR", report("KOR-0002", t + 0.5, np.array([200.0, 0, 0])))
        shown |= {st.number for st in pic.active(t + 0.5)}
    assert shown == {"USA-S001"}
    assert pic._assignment[("KOR", "KOR-0002")] == "USA-S001"


def test_a_shadow_is_shown_once_it_leaves_its_source_or_a_partner_sees_it():
    pic = AlliedPicture("USA")
    for k in range(0, 10, 2):
        pic.ingest("JPN", report("JPN-0001", float(k)))
    pic.ingest("JPN", report("JPN-0002", 10.0, np.array([100.0, 0, 0])))  # born beside its own fresh track
    assert [st.number for st in pic.active(10.0)] == ["USA-S001"]
    pic.ingest("JPN", report("JPN-0001", 12.0))  # JPN holds both: two objects, or a duplicate
    pic.ingest("JPN", report("JPN-0002", 12.0, np.array([100.0, 0, 0])))
    assert [st.number for st in pic.active(12.0)] == ["USA-S001"]  # still one state: not shown
    pic.ingest("KOR", report("KOR-0001", 12.0, np.array([100.0, 0, 0])))  # a partner reports it too
    assert [st.number for st in pic.active(12.0)] == ["USA-S001", "USA-S002"]


def test_a_shadow_that_flies_away_from_its_source_is_shown():
    pic = AlliedPicture("USA")
    for k in range(0, 10, 2):
        pic.ingest("JPN", report("JPN-0001", float(k)))
    shown = []
    for k in range(10, 60, 2):  # a separated object: born 200 m off, leaving at 100 m/s
        t = float(k)
        r, v = flown(t)
        dv = np.array([100.0, 0, 0])
        P = np.diag([300.0**2] * 3 + [20.0**2] * 3)
        x = np.r_[r + np.array([200.0, 0, 0]) + dv * (t - 10), v + dv]
        pic.ingest("JPN", report("JPN-0001", t))
        pic.ingest("JPN", TrackReport("JPN-0002", t, list(x), P.tolist(), "confirmed"))
        shown.append(len(pic.active(t)))
    assert shown[0] == 1 and shown[-1] == 2  # hidden at birth, shown once it has left
    assert sorted(pic.tracks) == ["USA-S001", "USA-S002"]


def test_a_bad_dormant_time_is_refused_by_name():
    with pytest.raises(ValueError, match="dormant_s: must be > 0"):
        AlliedPicture("USA", dormant_s=0.0)


def test_a_member_is_judged_only_against_members_heard_within_the_superseded_time():
    # JPN's last report is at 100 s; USA's track follows the object on as it burns (30 m/s^2). Flown
    # ballistically from 100 s, JPN's member misses the burning object by ~10 km at 125 s: it no
    # longer vouches for where the object is, so USA's reports are not split off the system track.
    pic = AlliedPicture("KOR")
    for t in (96.0, 98.0, 100.0):
        pic.ingest("JPN", report("JPN-0001", t))
        pic.ingest("USA", report("USA-0001", t))
    r0, v0 = flown(100.0)
    u = v0 / np.linalg.norm(v0)
    numbers = set()
    for k in range(1, 31):
        dt = float(k)
        r, v = propagate(r0[None], v0[None], dt)
        burn = r[0] + 0.5 * 30.0 * dt**2 * u, v[0] + 30.0 * dt * u
        P = np.diag([300.0**2] * 3 + [20.0**2] * 3)
        rep = TrackReport(
            "USA-0001", 100.0 + dt, list(np.r_[burn[0], burn[1]]), P.tolist(), "confirmed", thrusting=True
        )
        numbers.add(pic.ingest("USA", rep).number)
    assert numbers == {"KOR-S001"}
