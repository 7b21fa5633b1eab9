from triwatch.messages import Ellipse
from triwatch.warning.assessment import Assessment
from triwatch.warning.lifecycle import AlertBook

ELLIPSE = Ellipse(lat_deg=41.0, lon_deg=137.0, semi_major_m=20e3, semi_minor_m=10e3, orientation_deg=80.0)


def assessment(t, impact=(), over=(), impact_time=600.0):
    return Assessment(t, 0.7, 2.4, impact_time, ELLIPSE, list(impact), list(over), [])


def kinds(msgs):
    return [(m.kind, m.areas) for m in msgs]


def test_launch_then_threat_after_two_consistent_assessments():
    book = AlertBook("USA", confirm_n=2)
    assert kinds(book.observe("S1", 60.0, None)) == [("launch", [])]
    assert kinds(book.observe("S1", 64.0, assessment(64.0, impact=["JPN-EEZ"]))) == []
    msgs = book.observe("S1", 68.0, assessment(68.0, impact=["JPN-EEZ"]))
    assert kinds(msgs) == [("threat", ["JPN-EEZ"])]
    assert msgs[0].revision == 2 and msgs[0].warning_id == "USA-W001"


def test_flapping_area_does_not_flap_the_warning():
    book = AlertBook("JPN", confirm_n=2, clear_n=3)
    book.observe("S1", 0.0, None)
    out = []
    pattern = [["JPN-land"], ["JPN-land"], [], ["JPN-land"], [], ["JPN-land"]]
    for i, areas in enumerate(pattern):
        out += book.observe("S1", 4.0 * (i + 1), assessment(4.0 * (i + 1), over=areas))
    assert kinds(out) == [("overflight", ["JPN-land"])]


def test_wrong_area_is_corrected_then_withdrawn_explicitly():
    book = AlertBook("JPN", confirm_n=1, clear_n=2)
    book.observe("S1", 0.0, None)
    first = book.observe("S1", 4.0, assessment(4.0, impact=["JPN-land"]))
    assert kinds(first) == [("threat", ["JPN-land"])]
    moved = book.observe("S1", 8.0, assessment(8.0, impact=["JPN-EEZ"]))
    moved += book.observe("S1", 12.0, assessment(12.0, impact=["JPN-EEZ"]))
    assert kinds(moved) == [("correction", ["JPN-EEZ", "JPN-land"]), ("correction", ["JPN-EEZ"])]
    gone = []
    for t in (16.0, 20.0):
        gone += book.observe("S1", t, assessment(t))
    assert kinds(gone) == [("withdrawal", ["JPN-EEZ"])]


def test_impact_and_all_clear_close_the_alert():
    book = AlertBook("KOR", confirm_n=1)
    book.observe("S1", 0.0, None)
    book.observe("S1", 4.0, assessment(4.0, impact=["KOR-EEZ"], impact_time=100.0))
    msgs = book.observe("S1", 108.0, assessment(108.0, impact=["KOR-EEZ"], impact_time=100.0))
    assert [m.kind for m in msgs] == ["impact"]
    closing = book.lost("S1", 140.0)
    assert kinds(closing) == [("all-clear", ["KOR-EEZ"])]
    assert book.lost("S1", 150.0) == []
    assert book.observe("S1", 150.0, assessment(150.0, impact=["KOR-EEZ"])) == []


def test_an_area_flown_over_is_released_with_an_all_clear_not_a_withdrawal():
    book = AlertBook("JPN", confirm_n=1, clear_n=2)
    book.observe("S1", 0.0, None)
    book.observe("S1", 4.0, assessment(4.0, over=["JPN-land"]))
    overhead = assessment(8.0, over=["JPN-land"])
    overhead.over_now = ["JPN-land"]
    book.observe("S1", 8.0, overhead)
    out = book.observe("S1", 12.0, assessment(12.0)) + book.observe("S1", 16.0, assessment(16.0))
    assert kinds(out) == [("all-clear", ["JPN-land"])]


def test_alert_follows_a_merged_track_or_is_superseded_explicitly():
    book = AlertBook("USA", confirm_n=1)
    book.observe("S1", 0.0, None)
    book.observe("S1", 4.0, assessment(4.0, over=["JPN-land"]))
    assert book.merged("S1", "S2", 8.0) == []  # S2 had no alert: S1's carries on under S2
    assert book.alerts["S2"].warning_id == "USA-W001"
    book.observe("S3", 8.0, None)
    out = book.merged("S2", "S3", 12.0)
    assert kinds(out) == [("withdrawal", ["JPN-land"])] and "Superseded by USA-W002" in out[0].text


def test_a_standing_impact_area_is_kept_while_its_mass_stays_in_the_hysteresis_band():
    """Named at >= 5 % of the impact distribution, kept while >= 2 % (warning.impact_mass), dropped below."""
    book = AlertBook("JPN", confirm_n=1, clear_n=2)
    book.observe("S1", 0.0, None)

    def with_mass(t, p):
        a = assessment(t, impact=["JPN-EEZ"] if p >= 0.05 else [])
        a.impact_mass = {"JPN-EEZ": p}
        return a

    assert kinds(book.observe("S1", 4.0, with_mass(4.0, 0.06))) == [("threat", ["JPN-EEZ"])]
    kept = []
    for i, p in enumerate([0.04, 0.03, 0.045, 0.025]):
        kept += book.observe("S1", 8.0 + 4 * i, with_mass(8.0 + 4 * i, p))
    assert kept == []
    gone = book.observe("S1", 30.0, with_mass(30.0, 0.01)) + book.observe("S1", 34.0, with_mass(34.0, 0.01))
    assert kinds(gone) == [("withdrawal", ["JPN-EEZ"])]
