"""Support of each protected area under a stated prior (full burn, or cut-off uniform over the remaining burn)."""

import math
from dataclasses import replace

import numpy as np
import pytest
from boost_flights import PROTECTED, SUNAN, april_icbm, boost_args, flagship_irbm

from triwatch.physics.vehicles import VEHICLES
from triwatch.warning.boost_support import threat_support, weighted_candidates
from triwatch.warning.lofting import lofted_kicks
from triwatch.warning.vehicle_match import KICK_GRID_RAD, match_vehicles


@pytest.fixture(scope="module")
def irbm():
    """The flagship's IRBM over Aomori."""
    return flagship_irbm()


@pytest.fixture(scope="module")
def lofted_icbm():
    """The April 2023 ICBM: lofted, cut off early, down in the Sea of Japan."""
    return april_icbm()


def _args(flight, tau: float):
    return boost_args(flight, tau, 6.0)


def _support(flight, tau: float, cutoff: str, weighting: str = "equal"):
    args = _args(flight, tau)
    matches = match_vehicles(*args)
    c, w, lofted = weighted_candidates(*args[:5], matches, cutoff, weighting=weighting)
    return threat_support(c, w, PROTECTED, cutoff, lofted), c, w


def test_weights_are_a_distribution(irbm):
    s, c, w = _support(irbm, 60.0, "full-burn")
    assert w.shape == (c.count,) and np.isclose(w.sum(), 1.0) and np.all(w > 0)
    assert all(0.0 <= v <= 1.0 for v in [*s.overflight.values(), *s.impact.values(), *s.nation.values()])


def test_full_burn_supports_japan_overflight_more_than_a_uniform_cutoff_does(irbm):
    # At 60 s the IRBM, an MRBM and an ICBM explain the track. Burnt to the end most of them cross
    # Japan; cut off anywhere in the remaining burn, most fall in the Sea of Japan or short of it.
    full, *_ = _support(irbm, 60.0, "full-burn")
    uniform, *_ = _support(irbm, 60.0, "uniform")
    assert 0.8 < full.overflight["JPN-land"] < 1.0
    assert uniform.overflight["JPN-land"] < 0.5 * full.overflight["JPN-land"]
    assert full.nation["JPN"] >= full.overflight["JPN-land"]  # the nation's support covers its areas
    # A standard flight: only the steepest ICBM kick still consistent counts as lofted.
    assert full.lofted < 0.1
    assert (
        full.overflight["JPN-land"] - full.lofted <= full.overflight_standard["JPN-land"] <= full.overflight["JPN-land"]
    )


def test_the_likelihood_favours_the_vehicles_that_fit_the_track_best(irbm):
    # At 52 s the IRBM (and the ICBM) fit the flagship's state far better than the MRBM, which may fall short.
    args = _args(irbm, 52.0)
    by_name = {m.vehicle.name: m for m in match_vehicles(*args)}
    assert by_name["irbm"].best_chi2 < by_name["mrbm"].best_chi2
    assert by_name["irbm"].kick_chi2.shape == by_name["irbm"].kicks_rad.shape
    equal, *_ = _support(irbm, 52.0, "full-burn")
    likely, *_ = _support(irbm, 52.0, "full-burn", "likelihood")
    assert likely.overflight_standard["JPN-land"] > equal.overflight_standard["JPN-land"]


def test_the_lofted_icbm_is_seen_lofted_and_its_standard_flight_overflight_support_is_small(lofted_icbm):
    s, c, w = _support(lofted_icbm, 60.0, "full-burn")
    assert s.lofted > 0.8
    assert s.overflight_standard["JPN-land"] <= s.overflight["JPN-land"]
    assert s.overflight_standard["JPN-land"] < 0.1


def test_bad_inputs_are_refused_naming_what_is_wrong(irbm):
    args = _args(irbm, 60.0)
    matches = match_vehicles(*args)
    with pytest.raises(ValueError, match="cutoff must be one of"):
        weighted_candidates(*args[:5], matches, "half-burn")
    with pytest.raises(ValueError, match="weighting must be one of"):
        weighted_candidates(*args[:5], matches, "full-burn", weighting="by-eye")
    with pytest.raises(ValueError, match="needs each match's kick_chi2"):
        weighted_candidates(*args[:5], [replace(m, kick_chi2=None) for m in matches], weighting="likelihood")
    with pytest.raises(ValueError, match="no consistent vehicle"):
        weighted_candidates(*args[:5], [], "full-burn")
    with pytest.raises(ValueError, match="finite state"):
        weighted_candidates(np.full(6, np.nan), *args[1:5], matches, "full-burn")
    c, w, lofted = weighted_candidates(*args[:5], matches, "full-burn")
    with pytest.raises(ValueError, match="weights summing to 1"):
        threat_support(c, w[:-1] / w[:-1].sum(), PROTECTED, "full-burn", lofted)
    with pytest.raises(ValueError, match="non-negative"):
        threat_support(c, -w, PROTECTED, "full-burn", lofted)
    with pytest.raises(ValueError, match="lofted must be a bool array"):
        threat_support(c, w, PROTECTED, "full-burn", lofted[:-1])


def test_a_steep_kick_is_lofted_and_a_flat_one_is_not_and_off_grid_kicks_are_refused():
    icbm = VEHICLES["icbm"]
    flags = lofted_kicks(icbm, *SUNAN, math.radians(85.0), KICK_GRID_RAD[[0, -1]])
    assert flags.tolist() == [True, False]  # nearly vertical: lofted; 60 deg: depressed, not lofted
    with pytest.raises(ValueError, match="KICK_GRID_RAD"):
        lofted_kicks(icbm, *SUNAN, math.radians(85.0), np.array([0.123]))
