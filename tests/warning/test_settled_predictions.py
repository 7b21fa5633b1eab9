"""An unsettled (newly initiated or re-acquired) track's predictions name no area; warning ids are never reused."""

import pytest

from triwatch.messages import Ellipse
from triwatch.warning.assessment import Assessment
from triwatch.warning.lifecycle import AlertBook

ELLIPSE = Ellipse(lat_deg=42.1, lon_deg=137.0, semi_major_m=39e3, semi_minor_m=8e3, orientation_deg=90.0)


def assessment(t, impact=(), impact_time=4300.0):
    return Assessment(t, 0.735, 2.39, impact_time, ELLIPSE, list(impact), [], [])


def test_a_new_track_names_no_area_until_its_arc_reaches_mature_s():
    book = AlertBook("USA", confirm_n=2, mature_s=30.0)
    out = book.observe("S10", 3736.0, assessment(3736.0, ["JPN-EEZ"]), arc_s=4.0)
    assert [m.kind for m in out] == ["launch"]
    for t, arc in ((3740.0, 8.0), (3744.0, 12.0), (3748.0, 16.0), (3752.0, 20.0)):
        assert book.observe("S10", t, assessment(t, ["JPN-EEZ"]), arc_s=arc) == []
    # Settled: the area needs confirm_n settled assessments, the unsettled ones count for nothing.
    assert book.observe("S10", 3768.0, assessment(3768.0, ["JPN-EEZ"]), arc_s=32.0) == []
    msgs = book.observe("S10", 3772.0, assessment(3772.0, ["JPN-EEZ"]), arc_s=36.0)
    assert [(m.kind, m.areas) for m in msgs] == [("threat", ["JPN-EEZ"])]


def test_an_unsettled_member_does_not_withdraw_what_a_settled_track_named():
    book = AlertBook("JPN", confirm_n=1, clear_n=1, mature_s=30.0)
    book.observe("S1", 300.0, assessment(300.0, ["JPN-EEZ"]), arc_s=100.0)
    assert book.alerts["S1"].standing == {"JPN-EEZ"}
    # The settled member went stale; a fresh fragment of it predicts elsewhere: nothing changes yet.
    assert book.observe("S1", 900.0, assessment(900.0, []), arc_s=6.0) == []
    assert book.alerts["S1"].standing == {"JPN-EEZ"}


def test_warning_ids_are_never_reused_after_a_merge():
    book = AlertBook("USA", confirm_n=1, mature_s=0.0)
    book.observe("S1", 0.0, None)
    book.observe("S2", 0.0, None)
    book.merged("S1", "S2", 4.0)  # S1's alert is withdrawn as superseded and leaves the book
    book.observe("S3", 8.0, None)
    assert book.alerts["S3"].warning_id == "USA-W003"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"mature_s": -1.0}, "mature_s"),
        ({"confirm_n": 0}, "confirm_n"),
        ({"impact_grace_s": float("nan")}, "impact_grace_s"),
    ],
)
def test_bad_settings_are_refused_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        AlertBook("USA", **kwargs)


def test_a_track_lost_before_its_predicted_impact_keeps_its_alert_until_then():
    book = AlertBook("JPN", confirm_n=1, mature_s=0.0)
    book.observe("S2", 300.0, assessment(300.0, ["JPN-EEZ"], impact_time=4300.0))
    assert book.lost("S2", 1600.0) == []  # out of every radar's reach near apogee: lost, not ended
    assert book.alerts["S2"].standing == {"JPN-EEZ"} and not book.alerts["S2"].closed
    closing = book.lost("S2", 4310.0)
    assert [(m.kind, m.areas) for m in closing] == [("all-clear", ["JPN-EEZ"])]


def test_a_lone_book_can_serve_as_a_nodes_desk():
    book = AlertBook("JPN", confirm_n=1, mature_s=0.0)
    book.follow("S1", [("JPN", "JPN-0001")])
    msgs = book.observe("S1", 300.0, assessment(300.0, ["JPN-EEZ"]))
    book.heard(msgs[0])
    assert [m.kind for m in msgs] == ["launch", "threat"] and book.release_due(304.0) == []
