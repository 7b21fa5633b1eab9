import numpy as np
import pytest

from triwatch.fusion.gating import gate_allowance
from triwatch.fusion.picture import AlliedPicture
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport

R0 = geodetic_to_ecef(np.radians(40.0), np.radians(132.0), 300e3)
V0 = np.array([1000.0, 2000.0, 500.0])


def report(track_id: str, r: np.ndarray, t: float, sigma: float) -> TrackReport:
    P = np.diag([sigma**2] * 3 + [5.0**2] * 3)
    return TrackReport(track_id=track_id, time_s=t, x=list(np.r_[r, V0]), P=P.tolist(), status="confirmed")


def test_allowance_is_diagonal_in_position_and_velocity():
    np.testing.assert_array_equal(np.diag(gate_allowance(1000.0, 20.0)), [1e6] * 3 + [400.0] * 3)


@pytest.mark.parametrize(("name", "args"), [("bias_sigma_m", (-1.0, 0.0)), ("bias_sigma_mps", (0.0, float("nan")))])
def test_bad_allowance_is_refused_by_name(name, args):
    with pytest.raises(ValueError, match=f"gate allowance {name}: must be a finite number >= 0"):
        gate_allowance(*args)


def test_overconfident_tracks_of_one_object_correlate_only_with_the_allowance():
    # Two nations 1.2 km apart on one object, each claiming 30 m: without an allowance they are two.
    offset = np.array([1200.0, 0.0, 0.0])
    strict = AlliedPicture("USA", bias_sigma_m=0.0, bias_sigma_mps=0.0)
    strict.ingest("JPN", report("JPN-0001", R0, 100.0, 30.0))
    strict.ingest("KOR", report("KOR-0001", R0 + offset, 100.0, 30.0))
    assert len(strict.tracks) == 2
    allowing = AlliedPicture("USA", bias_sigma_m=1000.0)
    allowing.ingest("JPN", report("JPN-0001", R0, 100.0, 30.0))
    allowing.ingest("KOR", report("KOR-0001", R0 + offset, 100.0, 30.0))
    assert len(allowing.tracks) == 1


def test_the_allowance_still_keeps_objects_tens_of_km_apart():
    pic = AlliedPicture("USA", bias_sigma_m=1000.0)
    pic.ingest("JPN", report("JPN-0001", R0, 100.0, 30.0))
    pic.ingest("KOR", report("KOR-0001", R0 + np.array([0.0, 20e3, 0.0]), 100.0, 30.0))
    assert len(pic.tracks) == 2
