"""One launch time per track: a vehicle hypothesis whose needed launch time drifts is dropped."""

import math

import numpy as np
import pytest

from triwatch.physics.flight import design_flight
from triwatch.physics.vehicles import VEHICLES
from triwatch.warning.launch_consistency import LaunchTimeBook
from triwatch.warning.vehicle_match import VehicleMatch, match_vehicles

MUPYONG = (math.radians(40.6), math.radians(126.4))
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)


def _match(name: str, tau_lo: float, tau_hi: float) -> VehicleMatch:
    return VehicleMatch(VEHICLES[name], np.radians([10.0, 20.0]), tau_lo, tau_hi, 1.0)


def test_a_vehicle_needing_a_later_and_later_launch_is_dropped_and_the_steady_one_narrowed():
    book = LaunchTimeBook()
    # at t = 50 s: irbm needs a launch in [0, 10] s, mrbm in [5, 15] s
    book.narrow("S1", 50.0, [_match("irbm", 40.0, 50.0), _match("mrbm", 35.0, 45.0)])
    # at t = 90 s: irbm still [2, 12] s, mrbm now [30, 40] s: no launch time fits both of its states
    kept = book.narrow("S1", 90.0, [_match("irbm", 78.0, 88.0), _match("mrbm", 50.0, 60.0)])
    assert [m.vehicle.name for m in kept] == ["irbm"]
    assert book.dropped("S1") == {"mrbm"}
    (irbm,) = kept
    # launch in [2 - 1, 10 + 1] s (the intersection, widened by the 1 s grid): tau in [79, 88] s
    assert (irbm.tau_lo_s, irbm.tau_hi_s) == (79.0, 88.0)
    assert book.narrow("S1", 94.0, [_match("mrbm", 50.0, 60.0)]) == []  # dropped for good


def test_a_vehicle_missing_from_one_assessment_is_not_dropped_and_tracks_are_apart():
    book = LaunchTimeBook()
    book.narrow("S1", 50.0, [_match("irbm", 40.0, 50.0)])
    book.narrow("S1", 54.0, [])  # its gate failed once
    assert [m.vehicle.name for m in book.narrow("S1", 58.0, [_match("irbm", 48.0, 58.0)])] == ["irbm"]
    assert book.narrow("S2", 90.0, [_match("irbm", 10.0, 20.0)])[0].tau_lo_s == 10.0  # another track: no history
    assert book.dropped("S3") == set()


def test_the_flagship_irbm_history_rules_out_the_mrbm_by_124_s_with_the_trackers_launch_sigma():
    irbm = design_flight(*MUPYONG, "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3)
    book = LaunchTimeBook()
    dropped_at = None
    for tau in np.arange(44.0, 132.0, 4.0):
        r, v, *_ = irbm.objects[0].state_at(np.array([tau]))
        x = np.concatenate([r[0], v[0]])
        kept = book.narrow("S1", tau, match_vehicles(x, P_BOOST, tau, *MUPYONG, 0.0, 12.0))
        assert "irbm" in {m.vehicle.name for m in kept}, tau  # the right vehicle is never dropped
        if dropped_at is None and "mrbm" in book.dropped("S1"):
            dropped_at = tau
    # late: a 6 % profile tolerance lets an MRBM launched up to 10 s later explain the IRBM until then
    assert dropped_at is not None and dropped_at <= 124.0
    lo, hi = book._tracks["S1"].intervals["irbm"]
    assert lo <= 0.0 <= hi  # the true launch time (0) is still allowed


def test_forget_after_must_be_positive():
    with pytest.raises(ValueError, match="forget_after_s: must be > 0"):
        LaunchTimeBook(forget_after_s=0.0)


def test_a_track_that_slows_down_has_burnt_out_whatever_its_thrust_flag():
    book = LaunchTimeBook()
    P = np.diag([100.0**2] * 3 + [5.0**2] * 3)
    up = np.array([0.0, 0.0, 6.4e6, 0.0, 0.0, 0.0])
    assert not book.burnt("S", 60.0, up + [0, 0, 0, 1800.0, 0, 600.0], P)
    assert not book.burnt("S", 64.0, up + [0, 0, 0, 1850.0, 0, 640.0], P)  # faster: burning
    assert not book.burnt("S", 68.0, up + [0, 0, 0, 1850.0, 0, 628.0], P)  # within 3 sigma: noise
    assert book.burnt("S", 72.0, up + [0, 0, 0, 1700.0, 0, 560.0], P)  # 150 m/s slower: the burn is over
    assert book.burnt("S", 76.0, up + [0, 0, 0, 1900.0, 0, 600.0], P)  # and stays over
    assert not book.burnt("T", 72.0, up + [0, 0, 0, 1700.0, 0, 560.0], P)  # another track, its own history


def test_a_vehicle_whose_burn_has_ended_stays_a_hypothesis_until_its_history_refutes_it():
    book = LaunchTimeBook()
    srbm, mrbm = _match("srbm", 50.0, 54.0), _match("mrbm", 60.0, 66.0)
    book.narrow("S", 60.0, [srbm, mrbm])
    assert book.burnt_out("S", 60.0, [srbm, mrbm]) == []  # both still matched
    assert book.burnt_out("S", 75.0, [mrbm]) == []  # absent, but it could have launched late enough to burn on
    gone = book.burnt_out("S", 90.0, [mrbm])  # every launch time it allows has its 70 s burn over by now
    assert [m.vehicle.name for m in gone] == ["srbm"] and gone[0].tau_lo_s == gone[0].tau_hi_s == 70.0
    assert book.burnt_out("other", 90.0, []) == []
