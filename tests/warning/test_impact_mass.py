"""The area rule of the warning: an area is threatened by its share of the impact distribution (warning.impact_mass)."""

import numpy as np
import pytest

from triwatch.geo.areas import AREAS, area_at
from triwatch.warning.assess import assess
from triwatch.warning.ellipse import ellipse_points
from triwatch.warning.impact_mass import (
    MIN_AREA_MASS,
    UNIT_CELLS,
    area_masses,
    impact_area_masses,
    threatened_areas,
)

SEA_OF_JAPAN = (np.radians(40.0), np.radians(136.0))  # JPN-EEZ, ~150 km off Honshu


def _point_beside(area: str, lat_deg: float, lon_deg: float, step_deg: float) -> tuple[float, float]:
    """The first point east of (lat, lon), in steps, that is outside `area`, and its distance (m) from the start."""
    lon = lon_deg
    while area_at(np.radians(lat_deg), np.radians(lon)) == area:
        lon += step_deg
    return np.radians(lon), (lon - lon_deg) * np.pi / 180 * 6.371e6 * np.cos(np.radians(lat_deg))


def test_unit_cells_are_a_standard_normal():
    assert UNIT_CELLS.shape == (32 * 64, 2)
    assert np.allclose(UNIT_CELLS.mean(axis=0), 0.0, atol=1e-12)
    cov = UNIT_CELLS.T @ UNIT_CELLS / len(UNIT_CELLS)
    assert np.allclose(cov, np.eye(2), atol=0.05)  # the outermost ring is represented at its median radius
    r2 = np.sum(UNIT_CELLS**2, axis=1)
    assert np.mean(r2 <= 5.991) == pytest.approx(0.95, abs=1 / 32)


def test_masses_sum_to_one_and_a_small_ellipse_inside_puts_all_its_mass_there():
    m = area_masses(*SEA_OF_JAPAN, np.diag([2e3**2, 2e3**2]))
    assert m.shape == (1, len(AREAS)) and m.sum() == pytest.approx(1.0)
    assert m[0, AREAS.index("JPN-EEZ")] == 1.0


def test_an_ellipse_grazing_an_area_with_small_mass_does_not_name_it():
    # Impact in JPN-EEZ with an East/North sigma of 10 km, placed so that the nearest other area east is
    # 2.6 sigma away: the 95 % ellipse (2.45 sigma) reaches beyond it, the mass there is < 1 %.
    lat, lon = 36.0, 141.5
    assert area_at(np.radians(lat), np.radians(lon)) == "JPN-EEZ"
    edge_lon, dist = _point_beside("JPN-EEZ", lat, lon, -0.01)  # west: the coast of Honshu
    sigma = dist / 2.3
    cov = np.diag([sigma**2, (0.5 * sigma) ** 2])
    lats, lons = ellipse_points(np.radians(lat), np.radians(lon), cov)
    assert "JPN-land" in set(area_at(lats, lons).tolist())  # the old rule named the land
    masses = impact_area_masses(np.radians(lat), np.radians(lon), cov)
    assert 0.0 < masses["JPN-land"] < MIN_AREA_MASS
    assert threatened_areas(masses) == ["JPN-EEZ"]


def test_a_wide_ellipse_centred_in_an_area_names_it_and_its_neighbours_by_their_share():
    lat, lon = SEA_OF_JAPAN
    masses = impact_area_masses(lat, lon, np.diag([150e3**2, 150e3**2]))
    assert masses["JPN-EEZ"] > 0.5
    named = threatened_areas(masses)
    assert "JPN-EEZ" in named
    assert all(masses[a] >= MIN_AREA_MASS for a in named)
    assert set(masses) - set(named) == {a for a, p in masses.items() if p < MIN_AREA_MASS}


def test_an_elongated_ellipse_follows_its_orientation():
    lat, lon = SEA_OF_JAPAN
    north_south = impact_area_masses(lat, lon, np.diag([1e3**2, 300e3**2]))
    east_west = impact_area_masses(lat, lon, np.diag([300e3**2, 1e3**2]))
    assert north_south != east_west
    rot = np.radians(30.0)
    R = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    tilted = R @ np.diag([300e3**2, 1e3**2]) @ R.T
    assert sum(impact_area_masses(lat, lon, tilted).values()) == pytest.approx(1.0)


def test_many_predictions_at_once_agree_with_one_at_a_time():
    lats = np.radians([40.0, 35.0, 38.0])
    lons = np.radians([136.0, 129.5, 132.0])
    covs = np.stack([np.diag([50e3**2, 20e3**2]), np.diag([5e3**2, 5e3**2]), np.diag([200e3**2, 100e3**2])])
    together = area_masses(lats, lons, covs)
    for k in range(3):
        assert np.array_equal(together[k], area_masses(lats[k], lons[k], covs[k])[0])


def test_assess_names_by_mass_and_reports_the_masses_of_protected_areas():
    x = np.array([-3.9e6, 3.4e6, 3.8e6, 0.0, 0.0, 0.0])  # only the overflight path reads it: high above, at rest
    lat, lon = SEA_OF_JAPAN
    a = assess(x, 100.0, lat, lon, 500.0, np.diag([150e3**2, 150e3**2]), {"JPN", "KOR"})
    assert "JPN-EEZ" in a.impact_areas
    assert all(p >= MIN_AREA_MASS for area, p in a.impact_mass.items() if area in a.impact_areas)
    assert all(area.split("-")[0] in {"JPN", "KOR"} for area in a.impact_mass)
    assert a.for_nation("KOR").impact_mass == {k: v for k, v in a.impact_mass.items() if k.startswith("KOR")}
    strict = assess(x, 100.0, lat, lon, 500.0, np.diag([150e3**2, 150e3**2]), {"JPN", "KOR"}, min_mass=0.99)
    assert strict.impact_areas == []


@pytest.mark.parametrize(
    ("lat", "lon", "cov", "match"),
    [
        (np.nan, 2.4, np.eye(2), "lat_rad holds non-finite"),
        (40.0, 2.4, np.eye(2), "degrees passed as radians"),
        (0.7, 2.4, np.array([[1.0, 2.0], [0.0, 1.0]]), "not symmetric"),
        (0.7, 2.4, np.array([[1.0, 0.0], [0.0, -4.0]]), "not positive semi-definite"),
        (0.7, 2.4, np.eye(3), "want"),
        (0.7, 2.4, np.array([[np.inf, 0.0], [0.0, 1.0]]), "cov_en_m2 holds non-finite"),
    ],
)
def test_bad_input_is_refused_naming_what_is_wrong(lat, lon, cov, match):
    with pytest.raises(ValueError, match=match):
        area_masses(lat, lon, cov)


def test_threshold_outside_zero_one_is_refused():
    with pytest.raises(ValueError, match="min_mass"):
        threatened_areas({"JPN-EEZ": 1.0}, 0.0)
