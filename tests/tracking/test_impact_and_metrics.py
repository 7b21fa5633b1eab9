"""Impact prediction with sigma points, and the GOSPA metric, against hand-made cases."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import IRBM_BETA

from triwatch.geo.frames import ecef_to_enu, geodetic_to_ecef
from triwatch.geo.wgs84 import OMEGA_RAD_S
from triwatch.physics.propagate import propagate_to_impact
from triwatch.tracking.characterise import category_of, minimum_energy_apogee, profile_of
from triwatch.tracking.impact import predict_impact
from triwatch.tracking.metrics import false_tracks, gospa, id_switches


def test_impact_of_a_coasting_state_and_its_spread(irbm, irbm_impact):
    # (r, v, ln beta) with beta known to 1 %: the prediction flies through the same US76 air as the truth
    x = np.append(irbm.state_at(400.0), np.log(IRBM_BETA))
    P = np.diag([200.0**2] * 3 + [2.0**2] * 3 + [0.01**2])
    est = predict_impact(x, P, 400.0)
    r_true, t_true = irbm_impact
    err = np.linalg.norm(geodetic_to_ecef(est.lat_rad, est.lon_rad, 0.0) - r_true)
    assert err < 2e3  # the sigma-point mean moves a little from the nonlinearity, not more
    assert est.time_s == pytest.approx(t_true, abs=2.0)
    # Monte Carlo of the same Gaussian flown to the ground agrees with the stated East/North spread
    rng = np.random.default_rng(2)
    samples = x + rng.standard_normal((300, 7)) @ np.linalg.cholesky(P).T
    r_hit, _ = propagate_to_impact(samples[:, :3], samples[:, 3:6], dt_s=5.0, beta_kg_m2=np.exp(samples[:, 6]))
    origin = geodetic_to_ecef(est.lat_rad, est.lon_rad, 0.0)
    en = ecef_to_enu(r_hit, est.lat_rad, est.lon_rad, origin)[:, :2]
    sd_mc = np.sqrt(np.linalg.eigvalsh(np.cov(en.T)))
    sd_ut = np.sqrt(np.linalg.eigvalsh(est.cov_en_m2))
    np.testing.assert_allclose(sd_ut, sd_mc, rtol=0.2)
    assert est.time_sigma_s > 0


def test_no_impact_for_an_object_in_orbit():
    r = geodetic_to_ecef(0.0, 0.0, 500e3)
    v_circ = np.sqrt(3.986004418e14 / np.linalg.norm(r))
    v = np.array([0.0, v_circ - OMEGA_RAD_S * np.linalg.norm(r), 0.0])  # prograde equatorial, in ECEF
    assert predict_impact(np.concatenate([r, v]), np.eye(6), 0.0) is None


def test_predict_impact_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"x must be \(6,\) or \(7,\)"):
        predict_impact(np.zeros(3), np.eye(3), 0.0)
    with pytest.raises(ValueError, match="must be finite"):
        predict_impact(np.full(6, np.nan), np.eye(6), 0.0)


def test_characterisation_rules():
    assert [category_of(r) for r in (500e3, 2000e3, 4600e3, 9000e3)] == ["SRBM", "MRBM", "IRBM", "ICBM"]
    # public reports: Hwasong-12 (970 km apogee, 4600 km range) is near minimum energy;
    # Hwasong-17 of 18 Nov 2022 (6041 km, 999 km) is lofted
    assert minimum_energy_apogee(4600e3) == pytest.approx(930e3, rel=0.05)
    assert profile_of(970e3, 4600e3) == "minimum-energy"
    assert profile_of(6041e3, 999e3) == "lofted"
    assert profile_of(50e3, 600e3) == "depressed"


def test_gospa_by_hand():
    truths = np.array([[0.0, 0.0], [100.0, 0.0]])
    est = np.array([[3.0, 4.0], [500.0, 0.0]])  # one at 5 m, one false; one truth missed
    g = gospa(est, truths, c=20.0)
    assert g["localisation"] == pytest.approx(25.0)
    assert g["missed"] == pytest.approx(200.0) and g["false"] == pytest.approx(200.0)
    assert g["value"] == pytest.approx(np.sqrt(425.0))
    assert gospa(np.zeros((0, 2)), truths, c=20.0)["value"] == pytest.approx(20.0)
    assert gospa(truths, truths, c=20.0)["value"] == 0.0
    with pytest.raises(ValueError, match="only alpha = 2"):
        gospa(est, truths, c=20.0, alpha=1)
    with pytest.raises(ValueError, match="estimates must be a 2-D array"):
        gospa(np.zeros((2, 2, 2)), truths, c=20.0)


def test_id_switches_and_false_tracks():
    steps = [{"a": "T-1", "b": "T-2"}, {"a": "T-1", "b": "T-2"}, {"a": "T-2", "b": "T-1"}, {"a": "T-2"}]
    assert id_switches(steps) == 2
    assert false_tracks({"T-1", "T-2", "T-3"}, {"T-1", "T-2"}) == 1
