"""The precautionary overflight's support rule: standard (not lofted) full-burn flights likely enough to cross land."""

import math

import numpy as np
import pytest
from boost_flights import P_BOOST, PROTECTED, april_icbm, boost_args, flagship_irbm
from boost_node import jpn_node

from triwatch.messages import GroundPoint, TrackReport
from triwatch.warning.boost_hypothesis import BASIS
from triwatch.warning.boost_precaution import (
    DEFAULT_SUPPORT,
    assess_precaution,
    check_support_threshold,
    likely_subregions,
)
from triwatch.warning.launch_consistency import LaunchTimeBook

TRACKER_S = 12.0  # the launch-time sigma the tracker's boost estimate states


@pytest.fixture(scope="module")
def irbm():
    """The flagship's IRBM over Aomori: a standard flight."""
    return flagship_irbm()


@pytest.fixture(scope="module")
def lofted_icbm():
    """The April 2023 ICBM: lofted, cut off at 217 of 270 s, down in the Sea of Japan; burnt to its end it crosses Hokkaido."""
    return april_icbm()


def _args(flight, tau: float):
    return boost_args(flight, tau, TRACKER_S)


def _history(flight, until_s: float, q: float | None):
    """The rule over the track's history (every 8 s from 44 s), as a node runs it: the last assessment."""
    book, a = LaunchTimeBook(), None
    for tau in np.arange(44.0, until_s + 1e-9, 8.0):
        a = assess_precaution(*_args(flight, tau), PROTECTED, support_threshold=q, launch_times=book, track="S")
    return a


def test_the_flagship_is_named_over_japan_at_60_s_by_the_support_rule_not_by_the_unanimous_one(irbm):
    support = _history(irbm, 60.0, DEFAULT_SUPPORT)
    assert support is not None and support.basis == BASIS
    assert support.overflight_areas == ["JPN-land"]
    assert "Aomori" in support.subregions_of["JPN-land"]
    assert support.impact_areas == [] and support.ellipse is None  # an overflight only
    unanimous = _history(irbm, 60.0, None)
    assert unanimous is not None and unanimous.overflight_areas == []  # an MRBM burnt out may still fall short


def test_a_stricter_threshold_names_no_more_than_a_looser_one(irbm):
    args = _args(irbm, 60.0)
    strict = assess_precaution(*args, PROTECTED, support_threshold=1.0)
    loose = assess_precaution(*args, PROTECTED, support_threshold=0.3)
    assert set(strict.overflight_areas) <= set(loose.overflight_areas)


@pytest.mark.parametrize("until_s", [60.0, 160.0, 200.0])
def test_the_lofted_icbm_is_never_named_though_its_full_burn_would_cross_hokkaido(lofted_icbm, until_s):
    a = _history(lofted_icbm, until_s, DEFAULT_SUPPORT)
    assert a is None or a.overflight_areas == []


@pytest.mark.parametrize("bad", [0.0, -0.2, 1.5, float("nan"), "half"])
def test_a_bad_threshold_is_refused_naming_where(irbm, bad):
    with pytest.raises(ValueError, match="support_threshold: must be a probability"):
        assess_precaution(*_args(irbm, 60.0), PROTECTED, support_threshold=bad)
    with pytest.raises(ValueError, match="node.q: must be a probability"):
        check_support_threshold(bad, "node.q")


def _report(flight, tau: float) -> TrackReport:
    s = flight.summary
    launch = GroundPoint(
        math.degrees(s.launch_lat_rad), math.degrees(s.launch_lon_rad), 0.0, [[1e6, 0], [0, 1e6]], 12.0
    )
    x = _args(flight, tau)[0]
    return TrackReport("USA-0001", tau, x.tolist(), P_BOOST.tolist(), "confirmed", thrusting=True, launch=launch)


def test_a_node_with_the_support_rule_warns_japan_of_the_flagship_overflight_within_60_s(irbm):
    node = jpn_node(precautionary_overflight=True, precautionary_support=DEFAULT_SUPPORT)
    for tau in (48.0, 52.0, 56.0):
        node.picture.ingest("USA", _report(irbm, tau))
        node.warn(tau + 1.0)
    named = [w for w in node.delivered_warnings if w.areas]
    assert [(w.kind, w.areas, w.basis) for w in named][:1] == [("overflight", ["JPN-land"], BASIS)]
    assert named[0].time_s <= 60.0 and "Aomori" in named[0].subregions


def test_a_node_refuses_a_bad_threshold():
    with pytest.raises(ValueError, match="NationalNode.precautionary_support"):
        jpn_node(precautionary_overflight=True, precautionary_support=2.0)


def test_the_prefectures_named_are_the_fewest_crossed_by_95_percent_of_the_crossing_weight():
    w = np.array([0.5, 0.3, 0.2])
    prefectures = np.array(["Aomori", "Iwate", "Aomori", "Ibaraki"], dtype=object)
    assert likely_subregions(np.array([0, 0, 1, 2]), prefectures, w, 0.95) == ["Aomori", "Ibaraki"]
    assert likely_subregions(np.array([0, 0, 1, 2]), prefectures, w, 0.75) == ["Aomori"]  # 0.8 of 1.0 covered
    assert likely_subregions(np.array([0]), np.array([None], dtype=object), w, 0.95) == []  # no data there
