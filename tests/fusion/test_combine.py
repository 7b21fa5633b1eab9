"""The picture's combination step (fusion.combine): calibration while coasting, none under thrust."""

import numpy as np

from triwatch.fusion.calibration import NationCalibration
from triwatch.fusion.combine import fuse_system_track
from triwatch.fusion.gating import BIAS_SIGMA_M, BIAS_SIGMA_MPS, gate_allowance
from triwatch.fusion.picture import GATE_CHI2_3DOF
from triwatch.fusion.system_track import Member, SystemTrack
from triwatch.geo.frames import geodetic_to_ecef
from triwatch.messages import TrackReport

R0 = geodetic_to_ecef(np.radians(39.5), np.radians(131.0), 150e3)
V0 = np.array([1500.0, 2500.0, 1300.0])
P = np.diag([70.0**2] * 3 + [5.0**2] * 3)
ALLOWANCE = gate_allowance(BIAS_SIGMA_M, BIAS_SIGMA_MPS)


def _track(offsets_m, thrusting: bool) -> SystemTrack:
    st = SystemTrack("USA-S001", serial=1)
    for nation, off in zip(("USA", "JPN", "KOR"), offsets_m, strict=True):
        x = np.r_[R0 + np.array([off, 0.0, 0.0]), V0]
        report = TrackReport(f"{nation}-T1", 100.0, x.tolist(), P.tolist(), "confirmed", thrusting=thrusting)
        st.members[(nation, f"{nation}-T1")] = Member(nation, report, x, P, since_s=40.0)
    return st


def test_coasting_members_are_scaled_by_their_nations_calibration_and_teach_it():
    cal = NationCalibration()
    # JPN and KOR 300 m either side of USA, each claiming 70 m: USA agrees with both, JPN and KOR disagree by 600 m
    st = _track([0.0, 300.0, -300.0], False)
    before = cal.pairs
    fuse_system_track(st, 30.0, ALLOWANCE, GATE_CHI2_3DOF, cal)
    assert cal.pairs == before + 3  # three pairs of two nations, fresh and agreeing
    for _ in range(200):
        fuse_system_track(st, 30.0, ALLOWANCE, GATE_CHI2_3DOF, cal)
    s = cal.scales(["USA", "JPN", "KOR"])
    assert s[0] < 1.5 and s[1] > 5.0 and s[2] > 5.0  # the two outside are the over-confident ones
    wide = st.P[0, 0]
    fuse_system_track(st, 30.0, ALLOWANCE, GATE_CHI2_3DOF, None)
    assert wide > 1.1 * st.P[0, 0]  # the calibrated fusion claims less


def test_under_thrust_nothing_is_scaled_or_learnt():
    cal = NationCalibration()
    st = _track([0.0, 300.0, -300.0], True)
    fuse_system_track(st, 30.0, ALLOWANCE, GATE_CHI2_3DOF, cal)
    assert cal.pairs == 0
