"""Boost-phase threat assessment on simulated flights: name only what every possible remaining burn agrees on."""

import math

import numpy as np
import pytest

from triwatch.geo.areas import area_at
from triwatch.physics.flight import design_flight
from triwatch.physics.vehicles import VEHICLES
from triwatch.warning.boost_assess import assess_boost
from triwatch.warning.boost_candidates import candidate_paths, ideal_dv_m_s, plausible_vehicles
from triwatch.warning.lifecycle import AlertBook

PROTECTED = {"USA", "JPN", "KOR"}
MUPYONG = (math.radians(40.6), math.radians(126.4))
WONSAN = (math.radians(39.15), math.radians(127.45))
# A national track during boost: ~300 m and ~30 m/s 1-sigma (what the early radar/IR tracks report).
P_BOOST = np.diag([300.0**2] * 3 + [30.0**2] * 3)


@pytest.fixture(scope="module")
def irbm_over_japan():
    """Hwasong-12 class IRBM over Aomori into the Pacific (the flagship's flight)."""
    return design_flight(*MUPYONG, "irbm", azimuth_rad=math.radians(83.0), apogee_m=970e3, range_m=4600e3)


@pytest.fixture(scope="module")
def srbm_into_sea_of_japan():
    """Scud class SRBM from the east coast, 450 km east into the Sea of Japan."""
    return design_flight(*WONSAN, "srbm", azimuth_rad=math.radians(90.0), range_m=450e3, profile="minimum-energy")


@pytest.fixture(scope="module")
def mrbm_short_of_japan():
    """Nodong class MRBM flown east on a minimum-energy path, landing in the Sea of Japan short of Honshu."""
    return design_flight(*WONSAN, "mrbm", azimuth_rad=math.radians(90.0), range_m=900e3, profile="minimum-energy")


def _assess(flight, tau_s: float):
    r, v, *_ = flight.objects[0].state_at(np.array([float(tau_s)]))
    x = np.concatenate([r[0], v[0]])
    lat, lon = flight.summary.launch_lat_rad, flight.summary.launch_lon_rad
    return assess_boost(x, P_BOOST, float(tau_s), lat, lon, 0.0, 2.0, PROTECTED)


def test_irbm_toward_japan_is_named_over_japanese_land_once_even_a_cutoff_now_reaches_it(irbm_over_japan):
    early = _assess(irbm_over_japan, 60.0)
    assert early is not None and early.areas == []  # at 60 s the engine could still stop short of Japan
    late = _assess(irbm_over_japan, 135.0)
    assert late is not None
    assert late.overflight_areas == ["JPN-land"]
    assert "Aomori" in late.subregions
    assert late.impact_areas == [] and late.ellipse is None  # it may land anywhere beyond Japan


def test_srbm_into_the_sea_of_japan_is_never_named_over_japanese_land(srbm_into_sea_of_japan):
    burn = srbm_into_sea_of_japan.summary.burnout_time_s
    for tau in np.arange(20.0, burn, 10.0):
        a = _assess(srbm_into_sea_of_japan, tau)
        assert a is None or "JPN-land" not in a.areas, tau


def test_mrbm_heading_for_japan_but_falling_short_is_never_named_over_japanese_land(mrbm_short_of_japan):
    # A corridor along the heading out to the vehicle's reach would name Japan here: the missile
    # points at Honshu all through its burn and cuts off early.
    s = mrbm_short_of_japan.summary
    true_impact = str(area_at(s.impact_lat_rad, s.impact_lon_rad))
    for tau in np.arange(30.0, s.burnout_time_s, 10.0):
        a = _assess(mrbm_short_of_japan, tau)
        assert a is None or set(a.areas) <= {true_impact}, (tau, a.areas, true_impact)
        assert a is None or (np.isfinite(a.impact_time_s) and a.impact_time_s > tau)


def test_areas_named_late_in_the_burn_are_only_ones_the_flight_truly_threatens(srbm_into_sea_of_japan):
    s = srbm_into_sea_of_japan.summary
    true_impact = str(area_at(s.impact_lat_rad, s.impact_lon_rad))
    for tau in (s.burnout_time_s - 8.0, s.burnout_time_s - 1.0):
        a = _assess(srbm_into_sea_of_japan, tau)
        assert a is not None
        assert set(a.areas) <= {true_impact}, (tau, a.areas, true_impact)
        if a.impact_areas:  # the candidates all agree: the warning carries the ellipse of their spread
            assert a.ellipse is not None and a.ellipse.semi_major_m > 0.0


def test_ideal_dv_is_tsiolkovsky_over_the_whole_burn():
    v = VEHICLES["srbm"]
    s = v.stages[0]
    expected = s.isp_s * 9.80665 * math.log(v.launch_mass_kg / (v.launch_mass_kg - s.propellant_kg))
    assert ideal_dv_m_s(v, v.burn_s) == pytest.approx(expected, rel=1e-9)
    assert ideal_dv_m_s(v, 0.0) == 0.0


def test_speed_gate_keeps_slow_heavy_vehicles_and_drops_an_srbm(irbm_over_japan):
    _, vel, *_ = irbm_over_japan.objects[0].state_at(np.array([60.0]))
    names = {v.name for v in plausible_vehicles(float(np.linalg.norm(vel)), 30.0, 60.0, 2.0)}
    assert "irbm" in names
    assert "srbm" not in names and "kn-23" not in names  # both would be twice as fast by 60 s


def test_a_track_no_library_vehicle_explains_gives_no_assessment(irbm_over_japan):
    r, v, *_ = irbm_over_japan.objects[0].state_at(np.array([60.0]))
    x = np.concatenate([r[0], v[0] * 8.0])  # ~5 km/s one minute after launch: nothing burns like that
    assert assess_boost(x, P_BOOST, 60.0, *MUPYONG, 0.0, 2.0, PROTECTED) is None


def test_bad_state_is_refused_with_its_shape():
    with pytest.raises(ValueError, match=r"state \(6,\)"):
        candidate_paths(np.zeros(3), np.eye(6), 60.0, *MUPYONG, 0.0, 2.0)
    x = np.full(6, np.nan)
    with pytest.raises(ValueError, match="finite"):
        candidate_paths(x, np.eye(6), 60.0, *MUPYONG, 0.0, 2.0)
    with pytest.raises(ValueError, match="launch_time_s must be finite"):
        candidate_paths(np.ones(6), np.eye(6), 60.0, *MUPYONG, float("nan"), 2.0)
    with pytest.raises(ValueError, match="launch_lat_rad 40.6"):  # degrees passed by mistake
        candidate_paths(np.ones(6), np.eye(6), 60.0, 40.6, 126.4, 0.0, 2.0)


def test_alert_book_issues_a_boost_overflight_without_an_impact_ellipse(irbm_over_japan):
    book = AlertBook("JPN", confirm_n=2)
    book.observe("S1", 130.0, None)
    a1, a2 = _assess(irbm_over_japan, 135.0), _assess(irbm_over_japan, 139.0)
    assert book.observe("S1", 135.0, a1) == []
    (msg,) = book.observe("S1", 139.0, a2)
    assert msg.kind == "overflight" and msg.areas == ["JPN-land"] and msg.impact is None
