"""Precautionary overflight warnings: full burn x consistent vehicles, named only when every candidate agrees."""

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from boost_node import jpn_node
from lxml import etree

from triwatch.messages import GroundPoint, TrackReport
from triwatch.physics.flight import design_flight
from triwatch.warning.boost_assess import assess_boost, overflight_support
from triwatch.warning.boost_hypothesis import BASIS, assess_boost_hypothesis, full_burn_paths
from triwatch.warning.outputs.cap import cap_alert, cap_ref, validate_cap
from triwatch.warning.vehicle_match import match_vehicles

PROTECTED = {"USA", "JPN", "KOR"}
MUPYONG = (math.radians(40.6), math.radians(126.4))
WONSAN = (math.radians(39.15), math.radians(127.45))
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)
SHARP_S, TRACKER_S = 2.0, 12.0  # launch-time sigma: a sharp one, and what the tracker's boost estimate states
LAUNCH_S = 60.0


@pytest.fixture(scope="module")
def irbm():
    """The flagship's Hwasong-12 class IRBM over Aomori (cut-off at 173 s of its 180 s burn)."""
    return design_flight(*MUPYONG, "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3)


@pytest.fixture(scope="module")
def lofted_icbm():
    return design_flight(*MUPYONG, "icbm", azimuth_rad=math.radians(83.0), range_m=1000e3, profile="lofted")


@pytest.fixture(scope="module")
def mrbm_short():
    """Nodong class MRBM east from Wonsan, 900 km minimum-energy: cut off at 102 s of 110, short of Honshu."""
    return design_flight(*WONSAN, "mrbm", azimuth_rad=math.radians(90.0), range_m=900e3, profile="minimum-energy")


@pytest.fixture(scope="module")
def srbm():
    return design_flight(*WONSAN, "srbm", azimuth_rad=math.radians(90.0), range_m=450e3, profile="minimum-energy")


def _x(flight, tau: float) -> np.ndarray:
    r, v, *_ = flight.objects[0].state_at(np.array([float(tau)]))
    return np.concatenate([r[0], v[0]])


def _args(flight, tau: float, sigma: float):
    s = flight.summary
    return _x(flight, tau), P_BOOST, float(tau), s.launch_lat_rad, s.launch_lon_rad, 0.0, sigma


def _hypothesis(flight, tau: float, sigma: float = SHARP_S):
    return assess_boost_hypothesis(*_args(flight, tau, sigma), PROTECTED)


def test_a_full_burn_irbm_is_named_over_japan_before_the_bounding_rule_can(irbm):
    a = _hypothesis(irbm, 104.0)
    assert a is not None and a.basis == BASIS
    assert a.overflight_areas == ["JPN-land"] and "Aomori" in a.subregions
    assert a.impact_areas == [] and a.ellipse is None  # an overflight only: where it lands is not claimed
    assert assess_boost(*_args(irbm, 104.0, SHARP_S), PROTECTED).areas == []  # it could still cut off short


def test_at_60_s_an_mrbm_still_explains_the_irbm_and_would_fall_short_so_nothing_is_named(irbm):
    # The evidence a 60 s warning lacks: a Nodong burnt to its end from this state may land short of Honshu.
    args = _args(irbm, 60.0, SHARP_S)
    a = assess_boost_hypothesis(*args, PROTECTED)
    assert a is not None and a.areas == []
    matches = match_vehicles(*args)
    assert {"mrbm", "irbm"} <= {m.vehicle.name for m in matches}
    assert overflight_support(full_burn_paths(*args, matches), PROTECTED)["JPN-land"] < 1.0
    # were the Nodong class ruled out, every remaining full-burn flight would cross Japan
    no_mrbm = [m for m in matches if m.vehicle.name != "mrbm"]
    assert overflight_support(full_burn_paths(*args, no_mrbm), PROTECTED)["JPN-land"] == 1.0


def test_a_lofted_icbm_along_the_same_azimuth_never_names_japanese_land(lofted_icbm):
    for tau in np.arange(40.0, lofted_icbm.summary.burnout_time_s, 40.0):
        for sigma in (SHARP_S, TRACKER_S):
            a = _hypothesis(lofted_icbm, tau, sigma)
            assert a is None or a.areas == [], (tau, sigma, a.areas)


def test_an_srbm_into_the_sea_of_japan_never_names_japan(srbm):
    for tau in np.arange(24.0, srbm.summary.burnout_time_s, 8.0):
        a = _hypothesis(srbm, tau, TRACKER_S)
        assert a is None or a.areas == [], (tau, a.areas)


def test_an_mrbm_cutting_off_early_is_not_named_with_the_trackers_launch_time(mrbm_short):
    for tau in np.arange(30.0, mrbm_short.summary.burnout_time_s, 12.0):
        a = _hypothesis(mrbm_short, tau, TRACKER_S)
        assert a is None or a.areas == [], (tau, a.areas)


def test_the_full_burn_hypothesis_is_what_fails_for_an_mrbm_that_cuts_off_8_s_early(mrbm_short):
    # Known failure, and why the class is off by default: with a sharp launch time only the MRBM
    # explains the track, and its full burn crosses Honshu, which the real flight (cut off at 102 s
    # of 110) never reaches. No kinematic evidence before the cut-off can tell the two apart.
    a = _hypothesis(mrbm_short, 60.0, SHARP_S)
    assert a is not None and a.areas == ["JPN-land"]
    assert assess_boost(*_args(mrbm_short, 60.0, SHARP_S), PROTECTED).areas == []  # the bound stays silent


def test_bad_inputs_are_refused(irbm):
    x, _, t, lat, lon, tl, sig = _args(irbm, 60.0, SHARP_S)
    with pytest.raises(ValueError, match=r"P must be a finite covariance \(6, 6\)"):
        assess_boost_hypothesis(x, np.zeros((0, 0)), t, lat, lon, tl, sig, PROTECTED)
    with pytest.raises(KeyError, match="unknown vehicle 'taepodong'"):
        assess_boost_hypothesis(x, P_BOOST, t, lat, lon, tl, sig, PROTECTED, library=["taepodong"])
    with pytest.raises(ValueError, match="no consistent vehicle"):
        full_burn_paths(x, P_BOOST, t, lat, lon, tl, sig, [])


def _report(flight, tau: float) -> TrackReport:
    s = flight.summary
    launch = GroundPoint(
        math.degrees(s.launch_lat_rad), math.degrees(s.launch_lon_rad), LAUNCH_S, [[1e6, 0.0], [0.0, 1e6]], SHARP_S
    )
    return TrackReport(
        track_id="USA-0001",
        time_s=LAUNCH_S + tau,
        x=_x(flight, tau).tolist(),
        P=P_BOOST.tolist(),
        status="confirmed",
        thrusting=True,
        launch=launch,
    )


def test_a_node_with_the_class_enabled_issues_a_labelled_possible_overflight_as_valid_cap(irbm):
    node = jpn_node(precautionary_overflight=True)
    for tau in (100.0, 104.0):
        node.picture.ingest("USA", _report(irbm, tau))
        node.warn(LAUNCH_S + tau + 1.0)
    named = [w for w in node.delivered_warnings if w.areas]
    assert [(w.kind, w.areas, w.basis) for w in named] == [("overflight", ["JPN-land"], BASIS)]
    assert [w.basis for w in node.delivered_warnings if w.kind == "launch"] == [""]
    issued = [e for e in node.events.of_type("warning-issued") if e["areas"]]
    assert issued and issued[0]["basis"] == BASIS
    epoch = datetime(2022, 10, 3, 22, 21, tzinfo=UTC)
    refs = []
    for w in node.delivered_warnings:
        xml = cap_alert(w, epoch, previous=list(refs), exercise=True)
        assert validate_cap(xml) == [], w.kind
        refs.append(cap_ref(w, epoch))
        certainty = {e.text for e in etree.fromstring(xml).iter("{*}certainty")}
        assert certainty == ({"Possible"} if w.areas else {"Observed"})
